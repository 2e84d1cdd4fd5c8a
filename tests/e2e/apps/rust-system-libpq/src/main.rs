use std::io::{Read, Write};
use std::net::TcpListener;

fn main() {
    // pq-sys without its bundled feature links the system libpq.so.5 dynamically.
    let libpq = unsafe { pq_sys::PQlibVersion() } / 10000;
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_default();
    let listener = TcpListener::bind("0.0.0.0:8080").expect("bind :8080");
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut buffer = [0u8; 1024];
        let _ = stream.read(&mut buffer);
        let body = format!("ok uid={uid} libpq={libpq}\n");
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
}
