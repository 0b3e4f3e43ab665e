//! Shared test helpers: a fake IMDSv2 server and free-port helpers.
#![allow(dead_code)]

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

pub const FAKE_TOKEN: &str = "fake-token-123";
pub const FAKE_ID: &str = "i-0fake1234567890";

/// How the fake IMDS behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Real IMDSv2 rules: token via PUT with the TTL header, id only with the token (else 401).
    Good,
    /// Drops the first `n` connections without answering, then behaves as `Good`.
    DropFirst(usize),
}

pub struct FakeImds {
    pub addr: SocketAddr,
    /// Requests seen, as `METHOD path status`.
    pub log: Arc<std::sync::Mutex<Vec<String>>>,
    pub connections: Arc<AtomicUsize>,
}

impl FakeImds {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts a fake IMDS on 127.0.0.1:0 (runs on the current tokio runtime).
pub async fn fake_imds(mode: Mode) -> FakeImds {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (log2, conns2) = (log.clone(), connections.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = conns2.fetch_add(1, Ordering::SeqCst);
            if let Mode::DropFirst(k) = mode {
                if n < k {
                    // Hold the connection open without answering (a hung IMDS), then drop.
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        drop(sock);
                    });
                    continue;
                }
            }
            let log = log2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let mut lines = head.split("\r\n");
                let first = lines.next().unwrap_or_default().to_string();
                let header = |name: &str| {
                    head.split("\r\n").skip(1).find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim()
                            .eq_ignore_ascii_case(name)
                            .then(|| v.trim().to_string())
                    })
                };
                let mut parts = first.split(' ');
                let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let (status, body) = match (method, path) {
                    ("PUT", "/latest/api/token") => {
                        match header("X-aws-ec2-metadata-token-ttl-seconds") {
                            Some(ttl)
                                if ttl.parse::<u32>().is_ok_and(|t| (1..=21600).contains(&t)) =>
                            {
                                (200, FAKE_TOKEN)
                            }
                            _ => (400, "missing or bad ttl"),
                        }
                    }
                    ("GET", "/latest/meta-data/instance-id") => {
                        if header("X-aws-ec2-metadata-token").as_deref() == Some(FAKE_TOKEN) {
                            (200, FAKE_ID)
                        } else {
                            (401, "")
                        }
                    }
                    _ => (404, "not found"),
                };
                log.lock()
                    .unwrap()
                    .push(format!("{method} {path} {status}"));
                let resp = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    FakeImds {
        addr,
        log,
        connections,
    }
}

/// A 127.0.0.1 port with nothing listening (bound then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A free port for a child process to bind (small race, acceptable in tests).
pub fn free_port() -> u16 {
    closed_port()
}

/// GET over a real socket with the crate's own tiny client; `None` if nothing answers.
pub async fn http_get(port: u16, path: &str) -> Option<webapp::http1::Response> {
    let authority = format!("127.0.0.1:{port}");
    let fut = webapp::http1::request(&authority, "GET", path, &[]);
    tokio::time::timeout(std::time::Duration::from_secs(2), fut)
        .await
        .ok()?
        .ok()
}

/// Polls `/health` until it answers 200 or `within` passes; returns the time it took.
pub async fn wait_healthy(
    port: u16,
    within: std::time::Duration,
    child: &mut std::process::Child,
) -> std::time::Duration {
    let t = std::time::Instant::now();
    loop {
        if let Some(r) = http_get(port, "/health").await {
            if r.status == 200 {
                return t.elapsed();
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited before answering /health: {status}");
        }
        assert!(t.elapsed() < within, "no 200 on /health within {within:?}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Sends SIGTERM (through kill(1): std has no signal API) and waits for a clean exit.
pub async fn sigterm_and_wait(
    child: &mut std::process::Child,
    within: std::time::Duration,
) -> std::process::ExitStatus {
    let st = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(st.success());
    let t = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if t.elapsed() > within {
            let _ = child.kill();
            panic!("server did not exit within {within:?} of SIGTERM");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
