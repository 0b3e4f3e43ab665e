//! Does a payload serve a path? The question behind `health-path-unserved`, as `const fn`s,
//! so that it can be asked at compile time of consts (a payload's spec module):
//!
//! ```
//! use infra_core::route::serves;
//!
//! const ROUTES: &[&str] = &["/", "/health", "/hello/{name}"];
//! const _: () = assert!(serves(ROUTES, "/health"));
//! const _: () = assert!(serves(ROUTES, "/hello/Ada?lang=fr"));
//! const _: () = assert!(!serves(ROUTES, "/healthz"));
//! ```
//!
//! The semantics are those of [`Payload::serves`](crate::Payload::serves): a route and a
//! path are split at `/`; they match when they have as many segments and each route
//! segment equals the path's, or is a `{param}` and the path's segment is not empty. A
//! `?query` after the path is ignored. Everything works on bytes (`/`, `{`, `}` and `?` are
//! ASCII, and UTF-8 never uses an ASCII byte inside a multi-byte character), in loops, so
//! it runs in const context on stable Rust.

/// `a == b`, in const context.
pub const fn str_eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
}

/// Whether `path` matches `route` segment by segment (split at `/`): as many segments, each
/// equal, or a `{param}` in the route against a non-empty segment. No query handling: see
/// [`serves`].
pub const fn route_matches(route: &str, path: &str) -> bool {
    bytes_route_matches(route.as_bytes(), path.as_bytes())
}

/// Whether any of `routes` matches `path`, with any `?query` suffix of `path` ignored.
pub const fn serves(routes: &[&str], path: &str) -> bool {
    let path = before_query(path.as_bytes());
    let mut i = 0;
    while i < routes.len() {
        if bytes_route_matches(routes[i].as_bytes(), path) {
            return true;
        }
        i += 1;
    }
    false
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
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

/// `path` up to its first `?`, or all of it.
const fn before_query(path: &[u8]) -> &[u8] {
    let mut i = 0;
    while i < path.len() {
        if path[i] == b'?' {
            return path.split_at(i).0;
        }
        i += 1;
    }
    path
}

/// The end (exclusive) of the segment starting at `start`: the next `/` or the end.
const fn segment_end(s: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < s.len() && s[i] != b'/' {
        i += 1;
    }
    i
}

const fn bytes_route_matches(route: &[u8], path: &[u8]) -> bool {
    let (mut r, mut p) = (0, 0);
    loop {
        let (r_end, p_end) = (segment_end(route, r), segment_end(path, p));
        let r_seg = route.split_at(r_end).0.split_at(r).1;
        let p_seg = path.split_at(p_end).0.split_at(p).1;
        let param = r_seg.len() >= 2 && r_seg[0] == b'{' && r_seg[r_seg.len() - 1] == b'}';
        if !((param && !p_seg.is_empty()) || bytes_eq(r_seg, p_seg)) {
            return false;
        }
        let (r_last, p_last) = (r_end == route.len(), p_end == path.len());
        if r_last || p_last {
            return r_last && p_last; // as many segments on both sides
        }
        r = r_end + 1;
        p = p_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use std::hint::black_box;

    use super::*;
    use crate::Payload;

    // In const context: what the lead's compile-time assertions will do.
    const LAB: &[&str] = &[
        "/",
        "/health",
        "/hello/{name}",
        "/bonjour/{name}",
        "/salama/{name}",
    ];
    const _: () = assert!(serves(&["/", "/health"], "/health"));
    const _: () = assert!(serves(LAB, "/hello/Ada?x=1"));
    const _: () = assert!(!serves(LAB, "/healthz"));
    const _: () = assert!(route_matches("/hello/{name}", "/hello/Ada"));
    const _: () = assert!(str_eq("/health", "/health") && !str_eq("/health", "/healt"));
    const AT_COMPILE_TIME: [bool; 4] = [
        serves(LAB, "/"),
        serves(LAB, "/hello/"),
        route_matches("/{a}/{b}", "/x/y"),
        str_eq("é", "e"),
    ];

    #[test]
    fn compile_time_and_run_time_agree() {
        let at_run_time = [
            serves(black_box(LAB), black_box("/")),
            serves(black_box(LAB), black_box("/hello/")),
            route_matches(black_box("/{a}/{b}"), black_box("/x/y")),
            str_eq(black_box("é"), black_box("e")),
        ];
        assert_eq!(AT_COMPILE_TIME, at_run_time);
        assert_eq!(at_run_time, [true, false, true, false]);
    }

    /// Today's semantics (`Payload::serves`), on one route.
    fn model_serves(routes: &[&str], path: &str) -> bool {
        Payload::new("site", "webapp", 80, "/health", routes).serves(path)
    }

    /// A straightforward reference, written the obvious way with `split`.
    fn reference_route_matches(route: &str, path: &str) -> bool {
        let r: Vec<&str> = route.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        r.len() == p.len()
            && r.iter().zip(&p).all(|(r, p)| {
                (r.len() >= 2 && r.starts_with('{') && r.ends_with('}') && !p.is_empty()) || r == p
            })
    }

    fn reference_serves(routes: &[&str], path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path);
        routes.iter().any(|r| reference_route_matches(r, path))
    }

    #[test]
    fn str_eq_is_equality() {
        for (a, b) in [
            ("", ""),
            ("a", ""),
            ("", "a"),
            ("/health", "/health"),
            ("/health", "/Health"),
            ("/health", "/health/"),
            ("é", "é"),
            ("é", "e"),
        ] {
            assert_eq!(str_eq(a, b), a == b, "{a:?} {b:?}");
        }
    }

    #[test]
    fn table_of_cases_agrees_with_the_model() {
        // (routes, path, served)
        let cases: &[(&[&str], &str, bool)] = &[
            (LAB, "/", true),
            (LAB, "/health", true),
            (LAB, "/health?verbose=1", true),
            (LAB, "/health?", true),
            (LAB, "/health/", false),
            (LAB, "/healthz", false),
            (LAB, "health", false),
            (LAB, "", false),
            (LAB, "?x", false),
            (LAB, "/?x", true),
            (LAB, "//", false),
            (LAB, "/hello/Ada", true),
            (LAB, "/hello/Ada?lang=fr", true),
            (LAB, "/hello/", false),
            (LAB, "/hello", false),
            (LAB, "/hello/Ada/", false),
            (LAB, "/hello/a/b", false),
            (LAB, "/hello/{name}", true),
            (LAB, "/hello/Zoé", true),
            (LAB, "/salama/%20", true),
            (LAB, "/bye/Ada", false),
            (&[], "/", false),
            (&[""], "", true),
            (&["/{a}/{b}"], "/x/y", true),
            (&["/{a}/{b}"], "/x/", false),
            (&["/{a}/{b}"], "//y", false),
            (&["/{}"], "/x", true),
            (&["/{"], "/x", false),
            (&["/{"], "/{", true),
            (&["/}"], "/x", false),
            (&["/{x"], "/{x", true),
            (&["/a{x}"], "/ab", false),
            (&["/{x}b"], "/ab", false),
            (&["/health"], "/health?a?b", true),
            (&["/a?b"], "/a?b", false), // the query is cut off the path, never the route
        ];
        for &(routes, path, served) in cases {
            assert_eq!(serves(routes, path), served, "{routes:?} {path:?}");
            assert_eq!(
                model_serves(routes, path),
                served,
                "model: {routes:?} {path:?}"
            );
            assert_eq!(
                reference_serves(routes, path),
                served,
                "ref: {routes:?} {path:?}"
            );
            if !path.contains('?') {
                for route in routes {
                    assert_eq!(
                        route_matches(route, path),
                        model_serves(&[route], path),
                        "{route:?} {path:?}"
                    );
                }
            }
        }
    }

    /// Every string of up to `max` characters over `alphabet`.
    fn all_strings(alphabet: &[char], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    /// Exhaustive over small alphabets: the const fns, the reference and today's model agree
    /// on every route and path of up to 5 characters (1.9 million pairs).
    #[test]
    fn exhaustive_small_alphabet_agrees_with_the_reference() {
        let routes = all_strings(&['/', 'a', '{', '}'], 5);
        let paths = all_strings(&['/', 'a', '?', '{'], 5);
        for route in &routes {
            let model = Payload::new("site", "webapp", 80, "/health", &[route.as_str()]);
            for path in &paths {
                let expected = reference_route_matches(route, path);
                assert_eq!(route_matches(route, path), expected, "{route:?} {path:?}");
                let served = reference_serves(&[route], path);
                assert_eq!(serves(&[route], path), served, "{route:?} {path:?}");
                assert_eq!(model.serves(path), served, "model: {route:?} {path:?}");
            }
        }
    }

    #[test]
    fn several_routes_are_any_of_them() {
        let routes = all_strings(&['/', 'a', '{', '}'], 3);
        let paths = all_strings(&['/', 'a', '?'], 4);
        for pair in routes.windows(2) {
            let pair: Vec<&str> = pair.iter().map(String::as_str).collect();
            for path in &paths {
                assert_eq!(
                    serves(&pair, path),
                    reference_serves(&pair, path),
                    "{pair:?} {path:?}"
                );
                assert_eq!(
                    serves(&pair, path),
                    model_serves(&pair, path),
                    "{pair:?} {path:?}"
                );
            }
        }
    }
}
