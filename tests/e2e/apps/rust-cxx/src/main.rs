//! Answers every HTTP request with "ok uid=N cxx=42", 42 computed by C++ through cxx, N read from
//! /proc/self/status: the binary links libstdc++, so it runs on cc (distroless) or
//! glibc-dynamic (Chainguard).
use std::io::{Read, Write};
use std::net::TcpListener;

#[cxx::bridge]
mod ffi {
    unsafe extern "C++" {
        include!("rust-cxx/include/answer.h");
        fn answer() -> i32;
    }
}

fn uid() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
    line.split_whitespace().nth(1).unwrap_or("?").to_string()
}

fn main() {
    let listener = TcpListener::bind("0.0.0.0:8080").expect("bind 0.0.0.0:8080");
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request);
        let body = format!("ok uid={} cxx={}\n", uid(), ffi::answer());
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    }
}
