//! Answers every HTTP request with "ok uid=N", N read from /proc/self/status.
use std::io::{Read, Write};
use std::net::TcpListener;

fn uid() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
    line.split_whitespace().nth(1).unwrap_or("?").to_string()
}

fn main() {
    let listener = TcpListener::bind("0.0.0.0:8080").expect("bind 0.0.0.0:8080");
    let mut buffer = itoa::Buffer::new();
    for (count, stream) in listener.incoming().enumerate() {
        let Ok(mut stream) = stream else { continue };
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request);
        let body = format!("ok uid={} n={}\n", uid(), buffer.format(count));
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    }
}
