fn main() {
    cxx_build::bridge("src/main.rs")
        .file("src/answer.cc")
        .std("c++17")
        .compile("answer");
    println!("cargo:rerun-if-changed=src/answer.cc");
    println!("cargo:rerun-if-changed=include/answer.h");
}
