//! Route matching, as const fns: the same code checks a health path at synth time and in
//! the const assertions the `infra!` expansion emits for a payload's spec module.

/// True when `a` and `b` hold the same bytes.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// True when `path` matches `route` segment by segment (split at `/`): the same number of
/// segments, each equal, or the route's segment is `{param}` and the path's is non-empty.
pub const fn route_matches(route: &str, path: &str) -> bool {
    let (r, p) = (route.as_bytes(), path.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        // The segments starting at i (route) and j (path).
        let mut ri = i;
        while ri < r.len() && r[ri] != b'/' {
            ri += 1;
        }
        let mut pj = j;
        while pj < p.len() && p[pj] != b'/' {
            pj += 1;
        }
        let param = ri - i >= 2 && r[i] == b'{' && r[ri - 1] == b'}';
        if param {
            if pj == j {
                return false;
            }
        } else {
            if ri - i != pj - j {
                return false;
            }
            let mut k = 0;
            while k < ri - i {
                if r[i + k] != p[j + k] {
                    return false;
                }
                k += 1;
            }
        }
        let (r_end, p_end) = (ri == r.len(), pj == p.len());
        if r_end || p_end {
            return r_end && p_end;
        }
        i = ri + 1;
        j = pj + 1;
    }
}

/// True when any route matches `path`, a `?query` ignored.
pub const fn serves(routes: &[&str], path: &str) -> bool {
    let b = path.as_bytes();
    let mut end = 0;
    while end < b.len() && b[end] != b'?' {
        end += 1;
    }
    let (path, _) = b.split_at(end);
    let Ok(path) = core::str::from_utf8(path) else {
        return false;
    };
    let mut i = 0;
    while i < routes.len() {
        if route_matches(routes[i], path) {
            return true;
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_the_router() {
        let routes = ["/", "/health", "/hello/{name}"];
        assert!(serves(&routes, "/health"));
        assert!(serves(&routes, "/health?x=1"));
        assert!(serves(&routes, "/"));
        assert!(serves(&routes, "/hello/ada"));
        assert!(!serves(&routes, "/hello/"));
        assert!(!serves(&routes, "/healthz"));
        assert!(!serves(&routes, "/hello/ada/x"));
        assert!(!serves(&routes, ""));
        assert!(str_eq("a", "a") && !str_eq("a", "b"));
    }

    const _: () = assert!(serves(&["/", "/health"], "/health"));
}
