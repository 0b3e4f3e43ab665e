//! A tiny HTTP/1.1 client over `tokio::net::TcpStream`: plain `http://` only, one request
//! per connection (`Connection: close`), bounded response size. Enough for IMDS (and for
//! the tests), with no TLS and no extra dependency.

use std::{fmt, io};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Largest response accepted (headers + body).
pub const MAX_RESPONSE: usize = 64 * 1024;

#[derive(Debug)]
pub enum Error {
    /// The endpoint is not `http://host[:port][/]`.
    BadEndpoint(String),
    Io(io::Error),
    /// Malformed or oversized response.
    BadResponse(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadEndpoint(e) => write!(f, "bad endpoint {e:?}: expected http://host[:port]"),
            Error::Io(e) => write!(f, "{e}"),
            Error::BadResponse(why) => write!(f, "bad response: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `http://host:port/` -> `host:port` (port 80 when absent). IPv6 literals in brackets.
pub fn authority(endpoint: &str) -> Result<String, Error> {
    let bad = || Error::BadEndpoint(endpoint.to_owned());
    let rest = endpoint.strip_prefix("http://").ok_or_else(bad)?;
    let auth = rest.split('/').next().unwrap_or_default();
    if auth.is_empty() || auth.contains('@') {
        return Err(bad());
    }
    let has_port = match auth.rfind(']') {
        Some(close) => auth[close..].contains(':'),
        None => auth.contains(':'),
    };
    Ok(if has_port {
        auth.to_owned()
    } else {
        format!("{auth}:80")
    })
}

/// Sends one request and reads the response. No timeout here: callers wrap the call in
/// `tokio::time::timeout`.
pub async fn request(
    authority: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, Error> {
    let mut stream = TcpStream::connect(authority).await?;
    stream.set_nodelay(true)?;
    let host = authority;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(k);
        req.push_str(": ");
        req.push_str(v);
        req.push_str("\r\n");
    }
    if method == "PUT" || method == "POST" {
        req.push_str("Content-Length: 0\r\n");
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await?;

    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_RESPONSE {
            return Err(Error::BadResponse("response too large"));
        }
        // Stop as soon as a Content-Length body is complete (do not wait for EOF).
        if let Some(Ok(resp)) = try_parse(&buf, method, false) {
            return Ok(resp);
        }
    }
    match try_parse(&buf, method, true) {
        Some(r) => r,
        None => Err(Error::BadResponse(
            "connection closed before the headers ended",
        )),
    }
}

/// `None`: need more bytes. `Some(Err)`: malformed. At EOF (`eof`) a body without
/// Content-Length is everything after the headers.
fn try_parse(buf: &[u8], method: &str, eof: bool) -> Option<Result<Response, Error>> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = match std::str::from_utf8(&buf[..end]) {
        Ok(h) => h,
        Err(_) => return Some(Err(Error::BadResponse("headers are not UTF-8"))),
    };
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Some(Err(Error::BadResponse("bad status line")));
    };
    if !version.starts_with("HTTP/1.") {
        return Some(Err(Error::BadResponse("not HTTP/1.x")));
    }
    let Ok(status) = code.parse::<u16>() else {
        return Some(Err(Error::BadResponse("bad status code")));
    };
    let mut headers = Vec::new();
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            return Some(Err(Error::BadResponse("bad header line")));
        };
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let resp = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if resp
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        return Some(Err(Error::BadResponse("chunked encoding is not supported")));
    }
    let body = &buf[end + 4..];
    let no_body = method == "HEAD" || status == 204 || status == 304;
    let want = if no_body {
        Some(0)
    } else {
        match resp.header("content-length").map(str::parse::<usize>) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => return Some(Err(Error::BadResponse("bad Content-Length"))),
            None => None,
        }
    };
    match want {
        Some(n) if body.len() >= n => Some(Ok(Response {
            body: body[..n].to_vec(),
            ..resp
        })),
        Some(_) if eof => Some(Err(Error::BadResponse("body shorter than Content-Length"))),
        Some(_) => None,
        // No length: the body is everything up to EOF.
        None if eof => Some(Ok(Response {
            body: body.to_vec(),
            ..resp
        })),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_parsing() {
        assert_eq!(
            authority("http://169.254.169.254").unwrap(),
            "169.254.169.254:80"
        );
        assert_eq!(
            authority("http://127.0.0.1:1234/").unwrap(),
            "127.0.0.1:1234"
        );
        assert_eq!(
            authority("http://[fd00:ec2::254]").unwrap(),
            "[fd00:ec2::254]:80"
        );
        assert_eq!(authority("http://[::1]:9/x").unwrap(), "[::1]:9");
        assert!(authority("https://169.254.169.254").is_err());
        assert!(authority("169.254.169.254").is_err());
        assert!(authority("http://").is_err());
    }

    #[test]
    fn parses_with_and_without_length() {
        let ok = |b: &[u8], eof| try_parse(b, "GET", eof).unwrap().unwrap();
        let r = ok(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false);
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hi"[..]));
        assert!(try_parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi",
            "GET",
            false
        )
        .is_none());
        assert!(try_parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi",
            "GET",
            true
        )
        .unwrap()
        .is_err());
        assert!(try_parse(b"HTTP/1.1 200 OK\r\n\r\nhi", "GET", false).is_none());
        assert_eq!(ok(b"HTTP/1.1 401 No\r\n\r\nhi", true).body, b"hi");
        assert!(try_parse(b"HTTP/1.1 200 OK\r\n", "GET", true).is_none());
        assert!(try_parse(b"garbage\r\n\r\n", "GET", false)
            .unwrap()
            .is_err());
    }
}
