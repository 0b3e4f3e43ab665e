//! Learning the instance id once at start-up.
//!
//! Order: IMDSv2 (`PUT /latest/api/token` then `GET /latest/meta-data/instance-id` with the
//! token), then the `INSTANCE_ID` env var, then the hostname, then `"unknown"`. Each IMDS
//! attempt is bounded by [`ATTEMPT_TIMEOUT`] and there are [`ATTEMPTS`] of them, so without
//! IMDS start-up waits at most ~0.6 s (immediately, when the port is closed).

use std::{fmt, time::Duration};

use crate::http1;

/// Env var overriding the IMDS endpoint (tests, benchmarks).
pub const ENDPOINT_ENV: &str = "IMDS_ENDPOINT";
pub const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
/// Fallback when IMDS does not answer.
pub const INSTANCE_ID_ENV: &str = "INSTANCE_ID";
/// Bound on one attempt (token + id, connect included).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);
/// One try and one retry.
pub const ATTEMPTS: u32 = 2;
pub const TOKEN_PATH: &str = "/latest/api/token";
pub const ID_PATH: &str = "/latest/meta-data/instance-id";
pub const TOKEN_TTL_HEADER: &str = "X-aws-ec2-metadata-token-ttl-seconds";
pub const TOKEN_HEADER: &str = "X-aws-ec2-metadata-token";
/// The token is used once, right away: a short TTL is enough.
const TOKEN_TTL_SECS: &str = "60";
/// Longest id accepted from any source (EC2 ids are 19 characters).
const MAX_ID_LEN: usize = 64;

/// Where the instance id came from (logged at start-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Imds,
    Env,
    Hostname,
    Unknown,
}

#[derive(Debug)]
pub enum ImdsError {
    Http(http1::Error),
    Status { step: &'static str, status: u16 },
    InvalidId,
    Timeout,
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImdsError::Http(e) => write!(f, "{e}"),
            ImdsError::Status { step, status } => write!(f, "{step} answered HTTP {status}"),
            ImdsError::InvalidId => {
                f.write_str("instance id is empty, too long or not printable ASCII")
            }
            ImdsError::Timeout => write!(f, "no answer within {} ms", ATTEMPT_TIMEOUT.as_millis()),
        }
    }
}

impl std::error::Error for ImdsError {}

/// Accepts an id only if it is 1..=64 printable ASCII characters (after trimming).
pub fn valid_id(raw: &str) -> Option<String> {
    let id = raw.trim();
    (!id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| id.to_owned())
}

/// One IMDSv2 round (token, then id), no timeout.
async fn attempt(authority: &str) -> Result<String, ImdsError> {
    let token = http1::request(
        authority,
        "PUT",
        TOKEN_PATH,
        &[(TOKEN_TTL_HEADER, TOKEN_TTL_SECS)],
    )
    .await
    .map_err(ImdsError::Http)?;
    if token.status != 200 {
        return Err(ImdsError::Status {
            step: "token PUT",
            status: token.status,
        });
    }
    let token = token.text();
    let id = http1::request(authority, "GET", ID_PATH, &[(TOKEN_HEADER, token.trim())])
        .await
        .map_err(ImdsError::Http)?;
    if id.status != 200 {
        return Err(ImdsError::Status {
            step: "instance-id GET",
            status: id.status,
        });
    }
    valid_id(&id.text()).ok_or(ImdsError::InvalidId)
}

/// IMDSv2 lookup with `attempts` tries of at most `timeout` each.
pub async fn fetch_instance_id(
    endpoint: &str,
    timeout: Duration,
    attempts: u32,
) -> Result<String, ImdsError> {
    let authority = http1::authority(endpoint).map_err(ImdsError::Http)?;
    let mut last = ImdsError::Timeout;
    for _ in 0..attempts.max(1) {
        match tokio::time::timeout(timeout, attempt(&authority)).await {
            Ok(Ok(id)) => return Ok(id),
            Ok(Err(e)) => last = e,
            Err(_) => last = ImdsError::Timeout,
        }
    }
    Err(last)
}

/// The hostname, read from procfs (no libc call, nothing that needs NSS in a static binary).
pub fn hostname() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok().and_then(|s| valid_id(&s)))
}

/// Resolves the instance id: IMDS at `endpoint`, then `env_id`, then the hostname.
pub async fn resolve(endpoint: &str, env_id: Option<&str>) -> (String, Source) {
    match fetch_instance_id(endpoint, ATTEMPT_TIMEOUT, ATTEMPTS).await {
        Ok(id) => return (id, Source::Imds),
        Err(e) => {
            log::info!("imds endpoint={endpoint} error=\"{e}\" fallback=INSTANCE_ID,hostname")
        }
    }
    if let Some(id) = env_id.and_then(valid_id) {
        return (id, Source::Env);
    }
    if let Some(id) = hostname() {
        return (id, Source::Hostname);
    }
    ("unknown".to_owned(), Source::Unknown)
}

/// [`resolve`] with the endpoint and fallback read from the environment.
pub async fn resolve_from_env() -> (String, Source) {
    let endpoint = std::env::var(ENDPOINT_ENV)
        .ok()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
    let env_id = std::env::var(INSTANCE_ID_ENV).ok();
    resolve(&endpoint, env_id.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_validation() {
        assert_eq!(valid_id(" i-0abc\n").as_deref(), Some("i-0abc"));
        assert_eq!(valid_id(""), None);
        assert_eq!(valid_id("a b"), None);
        assert_eq!(valid_id("<html>\u{1}"), None);
        assert_eq!(valid_id(&"x".repeat(65)), None);
    }
}
