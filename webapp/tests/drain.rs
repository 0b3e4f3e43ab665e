//! SIGTERM drain over real sockets: a request that has started arriving is answered, idle
//! keep-alive connections are closed at once, new connections are refused, the process
//! exits 0 as soon as nothing is in flight, and a request never completed is cut at the
//! shutdown bound.

mod common;

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::{closed_port, free_port, sigterm_and_wait, wait_healthy};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use webapp::{spec, AppState, Listen};

const HEAD_START: &[u8] = b"GET /hello/Ada HTTP/1.1\r\nHost: lab\r\n";
const HEAD_END: &[u8] = b"Connection: close\r\n\r\n";

/// Reads until EOF (or `within` passes: then panics).
async fn read_to_eof(sock: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut out = Vec::new();
    tokio::time::timeout(within, async {
        let mut chunk = [0u8; 4096];
        loop {
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("connection still open after {within:?}"));
    out
}

/// One keep-alive exchange: sends a request and reads exactly one response (by Content-Length).
async fn keep_alive_request(sock: &mut TcpStream) -> String {
    sock.write_all(b"GET /health HTTP/1.1\r\nHost: lab\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut chunk))
            .await
            .expect("keep-alive response")
            .unwrap();
        assert!(n > 0, "closed before answering");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .expect("content-length")
                .parse()
                .unwrap();
            if body.len() >= len {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn sigterm_answers_a_partial_request_closes_idle_ones_and_exits_0() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_webapp"))
        .env(spec::PORT_ENV, port.to_string())
        .env(spec::BIND_ENV, "127.0.0.1")
        .env("WORKERS", "1")
        .env(
            "IMDS_ENDPOINT",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("INSTANCE_ID", "i-0drain")
        .env("ACCESS_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, Duration::from_secs(5), &mut child).await;
    let addr = format!("127.0.0.1:{port}");

    // An idle keep-alive connection (one request answered, the connection left open)...
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    let first = keep_alive_request(&mut idle).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // ... and a request whose head has only partly arrived.
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(HEAD_START).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let sigterm = Instant::now();

    // The idle keep-alive connection is closed promptly, without an answer.
    let rest = read_to_eof(&mut idle, Duration::from_secs(1)).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    // The process is still there, draining the partial request...
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    // ... and refuses new connections.
    assert!(
        TcpStream::connect(&addr).await.is_err(),
        "new connection accepted while draining"
    );

    // The rest of the head arrives: the request is answered, with `Connection: close`.
    slow.write_all(HEAD_END).await.unwrap();
    let answer = read_to_eof(&mut slow, Duration::from_secs(5)).await;
    let answer = String::from_utf8_lossy(&answer).to_string();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer:?}");
    let body = answer.split_once("\r\n\r\n").unwrap().1;
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["message"], "Hello Ada from instance i-0drain!");

    // Nothing left in flight: exit 0 soon after (actix-server checks once a second).
    let status = sigterm_and_wait(&mut child, Duration::from_secs(3)).await;
    assert!(status.success(), "{status}");
    assert!(
        sigterm.elapsed() < Duration::from_secs(spec::SHUTDOWN_TIMEOUT_SECS),
        "{:?}",
        sigterm.elapsed()
    );
}

/// The bound: a request never completed is cut at the shutdown timeout. Through the library
/// with a 2 s bound; `handle.stop(true)` is the command SIGTERM sends.
#[actix_web::test]
async fn a_request_never_completed_is_cut_at_the_bound() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = webapp::server_with_shutdown_timeout(
        Listen::Listener(listener),
        AppState::new("i-0bound"),
        1,
        false,
        2,
    )
    .unwrap();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);

    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(HEAD_START).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let t = Instant::now();
    handle.stop(true).await;
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(4),
        "graceful stop took {took:?}, bound 2 s"
    );
    running.await.unwrap().unwrap();
    let rest = read_to_eof(&mut slow, Duration::from_secs(2)).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}
