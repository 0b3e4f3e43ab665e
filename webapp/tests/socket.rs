//! Over real sockets: the library server on 127.0.0.1:0, and the `webapp` binary itself
//! (env config, fake IMDS, access log, SIGTERM drain).

mod common;

use std::{
    io::Read,
    process::{Command, Stdio},
    time::Duration,
};

use common::{
    closed_port, fake_imds, free_port, http_get, sigterm_and_wait, wait_healthy, Mode, FAKE_ID,
};
use webapp::{spec, AppState, Listen};

#[actix_web::test]
async fn library_server_on_a_real_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = webapp::server(
        Listen::Listener(listener),
        AppState::new("i-0sock"),
        1,
        false,
    )
    .unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    for route in spec::ROUTES {
        let path = route.replace("{name}", "Ada");
        let r = http_get(port, &path).await.expect("answer");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let r = http_get(port, "/salama/Ada").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["message"], "Salama Ada from instance i-0sock!");
    let r = http_get(port, "/hello/%FF").await.unwrap();
    assert_eq!(r.status, 400);
    let r = http_get(port, "/missing").await.unwrap();
    assert_eq!(r.status, 404);
    let authority = format!("127.0.0.1:{port}");
    let r = webapp::http1::request(&authority, "POST", "/health", &[])
        .await
        .unwrap();
    assert_eq!(r.status, 405);
    handle.stop(true).await;
}

#[tokio::test]
async fn binary_uses_env_fake_imds_logs_and_drains_on_sigterm() {
    let fake = fake_imds(Mode::Good).await;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_webapp"))
        .env(spec::PORT_ENV, port.to_string())
        .env(spec::BIND_ENV, "127.0.0.1")
        .env("WORKERS", "1")
        .env("IMDS_ENDPOINT", fake.endpoint())
        .env_remove("INSTANCE_ID")
        .env_remove("ACCESS_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_healthy(port, Duration::from_secs(5), &mut child).await;

    let r = http_get(port, "/").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["instance_id"], FAKE_ID);
    let r = http_get(port, "/bonjour/Ada").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        v["message"],
        format!("Bonjour Ada from instance {FAKE_ID}!")
    );

    let status = sigterm_and_wait(
        &mut child,
        Duration::from_secs(spec::SHUTDOWN_TIMEOUT_SECS + 5),
    )
    .await;
    assert!(status.success(), "{status}");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(
        out.contains(&format!("instance_id={FAKE_ID} source=Imds")),
        "{out}"
    );
    let access: Vec<&str> = out.lines().filter(|l| l.starts_with("access ")).collect();
    assert!(
        access
            .iter()
            .any(|l| l.contains("req=\"GET /bonjour/Ada HTTP/1.1\" status=200")),
        "{out}"
    );
    assert!(
        access
            .iter()
            .all(|l| l.contains(" ts=") && l.contains(" us=")),
        "{out}"
    );
}

#[tokio::test]
async fn binary_flags_win_and_dead_imds_falls_back() {
    let port = free_port();
    let port_arg = port.to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_webapp"))
        .args(["--port", &port_arg, "--bind", "127.0.0.1", "--workers", "1"])
        .env(spec::PORT_ENV, "1") // overridden by --port
        .env(
            "IMDS_ENDPOINT",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("INSTANCE_ID", "i-0fromenv")
        .env("ACCESS_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let took = wait_healthy(port, Duration::from_secs(5), &mut child).await;
    assert!(took < Duration::from_secs(3), "start-up took {took:?}");
    let r = http_get(port, "/hello/Ada").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["message"], "Hello Ada from instance i-0fromenv!");
    let status = sigterm_and_wait(&mut child, Duration::from_secs(25)).await;
    assert!(status.success());
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(
        !out.contains("access "),
        "ACCESS_LOG=off still logged: {out}"
    );
}

#[test]
fn binary_name_matches_spec() {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_webapp"));
    assert_eq!(exe.file_stem().and_then(|s| s.to_str()), Some(spec::BINARY));
}

#[test]
fn binary_help_and_bad_config() {
    let out = Command::new(env!("CARGO_BIN_EXE_webapp"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--port") && help.contains("--bind") && help.contains("--workers"));
    assert!(
        help.contains("default 8000") && help.contains("/hello/{name}"),
        "{help}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_webapp"))
        .env("PORT", "eighty")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORT"));
}
