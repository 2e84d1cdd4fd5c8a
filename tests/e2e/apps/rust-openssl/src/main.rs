//! One-shot: prints the OpenSSL version it is linked against and its uid.
fn main() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    println!("ok uid={uid} {}", openssl::version::version());
}
