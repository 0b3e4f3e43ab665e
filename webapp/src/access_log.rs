//! One-line structured access log, cheap enough to leave on at full load.
//!
//! ```text
//! access ts=2026-11-25T10:53:02.746Z client=10.0.1.23 req="GET /hello/Ada HTTP/1.1" status=200 bytes=43 us=206
//! ```
//!
//! actix's `Logger` middleware (format string, RFC 3339 timestamp via `time`, `log` record
//! per request) cost about a third more CPU per request in `scripts/bench-webapp.sh`. This
//! middleware writes the same information straight into the buffered stdout sink of
//! [`crate::logging`]: the date part of the timestamp is formatted once per second per
//! thread, nothing is allocated per request. `client` is the first `X-Forwarded-For` entry
//! when present (the ALB sets it), else the peer IP.

use std::{
    cell::RefCell,
    fmt::Write as _,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use actix_web::{
    body::{BodySize, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    Error,
};

use crate::logging;

/// `actix_web::middleware::from_fn(access_log)`.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let res = next.call(req).await?;
    let micros = start.elapsed().as_micros();
    LINE.with(|line| {
        let mut line = line.borrow_mut();
        line.clear();
        format_line(&mut line, &res, micros);
        logging::write_line(line.as_bytes());
    });
    Ok(res)
}

thread_local! {
    static LINE: RefCell<String> = RefCell::new(String::with_capacity(256));
    /// (unix second, "YYYY-MM-DDTHH:MM:SS") cached per thread.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

fn format_line<B>(out: &mut String, res: &ServiceResponse<B>, micros: u128)
where
    B: MessageBody,
{
    let req = res.request();
    out.push_str("access ts=");
    push_timestamp(out, SystemTime::now());
    out.push_str(" client=");
    let xff = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (xff, req.peer_addr()) {
        (Some(x), _) => push_escaped(out, x),
        (None, Some(peer)) => {
            let _ = write!(out, "{}", peer.ip());
        }
        (None, None) => out.push('-'),
    }
    out.push_str(" req=\"");
    out.push_str(req.method().as_str());
    out.push(' ');
    push_escaped(
        out,
        req.uri().path_and_query().map_or("/", |pq| pq.as_str()),
    );
    out.push(' ');
    let _ = write!(out, "{:?}", req.version());
    let _ = write!(out, "\" status={}", res.status().as_u16());
    match res.response().body().size() {
        BodySize::Sized(n) => {
            let _ = write!(out, " bytes={n}");
        }
        BodySize::None => out.push_str(" bytes=0"),
        BodySize::Stream => out.push_str(" bytes=-"),
    }
    let _ = write!(out, " us={micros}");
}

/// Escapes `"`, `\` and anything outside printable ASCII (`\xNN`), so a line stays one line
/// and the quoted field stays parseable whatever the client sent.
fn push_escaped(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x21..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
}

/// RFC 3339 UTC with milliseconds: `2026-11-25T10:53:02.746Z`.
fn push_timestamp(out: &mut String, now: SystemTime) {
    let d = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    SECOND.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != secs {
            cache.1.clear();
            let (y, m, day) = civil_from_days((secs / 86_400) as i64);
            let s = secs % 86_400;
            let _ = write!(
                cache.1,
                "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            cache.0 = secs;
        }
        out.push_str(&cache.1);
    });
    let _ = write!(out, ".{:03}Z", d.subsec_millis());
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_597), (2026, 5, 24));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn timestamp() {
        let mut s = String::new();
        push_timestamp(
            &mut s,
            UNIX_EPOCH + Duration::from_millis(1_795_603_982_746),
        );
        assert_eq!(s, "2026-11-25T10:53:02.746Z");
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        push_escaped(&mut s, "/a\"b\\c d\u{e9}");
        assert_eq!(s, r#"/a\"b\\c\x20d\xc3\xa9"#);
    }
}
