//! Instance id at start-up: a fake IMDSv2 proves the id is picked up; a dead IMDS (closed
//! port, or a listener that never answers) proves the fallbacks and that start-up is bounded.

mod common;

use std::time::{Duration, Instant};

use common::{closed_port, fake_imds, Mode, FAKE_ID};
use webapp::imds::{self, Source};

/// Correctness bound, not a benchmark: 2 attempts x 300 ms plus slack.
const BOUND: Duration = Duration::from_secs(3);

#[tokio::test]
async fn fake_imds_gives_the_id_with_a_token() {
    let fake = fake_imds(Mode::Good).await;
    let t = Instant::now();
    let (id, source) = imds::resolve(&fake.endpoint(), Some("i-from-env")).await;
    assert_eq!((id.as_str(), source), (FAKE_ID, Source::Imds));
    assert!(t.elapsed() < BOUND);
    let log = fake.log.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "PUT /latest/api/token 200",
            "GET /latest/meta-data/instance-id 200"
        ]
    );
}

#[tokio::test]
async fn fake_imds_refuses_without_token() {
    let fake = fake_imds(Mode::Good).await;
    let authority = webapp::http1::authority(&fake.endpoint()).unwrap();
    let r = webapp::http1::request(&authority, "GET", imds::ID_PATH, &[])
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    let r = webapp::http1::request(
        &authority,
        "GET",
        imds::ID_PATH,
        &[(imds::TOKEN_HEADER, "wrong")],
    )
    .await
    .unwrap();
    assert_eq!(r.status, 401);
    // IMDSv1-style GET without the token is never how the app asks.
    let (id, _) = imds::resolve(&fake.endpoint(), None).await;
    assert_eq!(id, FAKE_ID);
}

#[tokio::test]
async fn one_retry_after_a_hung_attempt() {
    let fake = fake_imds(Mode::DropFirst(1)).await;
    let t = Instant::now();
    let (id, source) = imds::resolve(&fake.endpoint(), None).await;
    assert_eq!((id.as_str(), source), (FAKE_ID, Source::Imds));
    let took = t.elapsed();
    assert!(
        took >= imds::ATTEMPT_TIMEOUT,
        "first attempt should have timed out: {took:?}"
    );
    assert!(took < BOUND, "{took:?}");
}

#[tokio::test]
async fn closed_port_falls_back_to_env_then_hostname() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let t = Instant::now();
    let (id, source) = imds::resolve(&endpoint, Some("i-0env")).await;
    assert_eq!((id.as_str(), source), ("i-0env", Source::Env));
    let (id, source) = imds::resolve(&endpoint, None).await;
    assert_eq!(source, Source::Hostname);
    assert_eq!(Some(id), imds::hostname());
    // Invalid env values are skipped, not used.
    let (_, source) = imds::resolve(&endpoint, Some("bad id\n with spaces")).await;
    assert_eq!(source, Source::Hostname);
    assert!(t.elapsed() < BOUND, "{:?}", t.elapsed());
}

#[tokio::test]
async fn silent_listener_is_bounded() {
    // Accepts connections (kernel backlog) but never reads or answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let t = Instant::now();
    let (id, source) = imds::resolve(&endpoint, Some("i-0env")).await;
    let took = t.elapsed();
    assert_eq!((id.as_str(), source), ("i-0env", Source::Env));
    assert!(took >= imds::ATTEMPT_TIMEOUT * imds::ATTEMPTS, "{took:?}");
    assert!(took < BOUND, "{took:?}");
    drop(silent);
}

#[tokio::test]
async fn unroutable_default_style_endpoint_is_bounded() {
    // 192.0.2.0/24 (TEST-NET-1) is never routed: connect either hangs or fails fast.
    let t = Instant::now();
    let (_, source) = imds::resolve("http://192.0.2.1", Some("i-0env")).await;
    assert_eq!(source, Source::Env);
    assert!(t.elapsed() < BOUND, "{:?}", t.elapsed());
}

#[tokio::test]
async fn bad_endpoint_is_a_fallback_not_a_hang() {
    let (_, source) = imds::resolve("https://169.254.169.254", Some("i-0env")).await;
    assert_eq!(source, Source::Env);
}
