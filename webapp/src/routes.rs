//! The router, built from [`crate::spec::ROUTES`].

use actix_web::{
    guard,
    http::{header, Method, StatusCode},
    web::{self, Bytes},
    HttpRequest, HttpResponse,
};

use crate::{names, spec};

/// State read once at start-up, shared by every worker through `web::Data`.
#[derive(Debug, Clone)]
pub struct AppState {
    instance_id: String,
    /// `GET /` never changes: serialised once.
    welcome: Bytes,
}

impl AppState {
    pub fn new(instance_id: impl Into<String>) -> Self {
        let instance_id = instance_id.into();
        let welcome = serde_json::json!({
            "message": format!("Welcome! This is instance {instance_id}."),
            "instance_id": instance_id,
        });
        AppState {
            welcome: Bytes::from(welcome.to_string()),
            instance_id,
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
}

const JSON: &str = "application/json";
const HEALTH_BODY: &str = r#"{"status":"ok"}"#;
/// Methods served on every known path; anything else is a JSON 405 with this `Allow`.
const ALLOW: &str = "GET, HEAD";

/// Registers every route of [`spec::ROUTES`]. Shared by `main` and the tests; expects an
/// `AppState` in `web::Data` (`App::new().app_data(web::Data::new(state))`).
///
/// * `/` and [`spec::HEALTH_PATH`] map to their handlers;
/// * every `/<word>/{name}` route greets with the capitalised word (`/hello/{name}` ->
///   "Hello"). It is mounted as a static scope `/<word>` whose handler takes exactly one
///   more segment itself: actix would match a `{name}` pattern with a regex
///   (`regex-lite`), which was ~6% of the server's CPU per request under load;
/// * wrong methods on those paths are a JSON 405, everything else a JSON 404. An empty
///   name (`/hello/`) is a JSON 400.
pub fn config_app(cfg: &mut web::ServiceConfig) {
    for &route in spec::ROUTES {
        if route == "/" {
            cfg.service(known(route).route(get().to(welcome)));
        } else if route == spec::HEALTH_PATH {
            cfg.service(known(route).route(get().to(health)));
        } else if let Some(greeting) = greeting_for(route) {
            let scope = &route[..route.len() - "/{name}".len()];
            let handler = move |req: HttpRequest, state: web::Data<AppState>| async move {
                greet(greeting, &req, &state)
            };
            cfg.service(web::scope(scope).default_service(web::to(handler)));
        }
    }
    cfg.default_service(web::to(not_found));
}

/// `"/hello/{name}"` -> `Some("Hello")`; `None` for routes that are not greetings.
pub(crate) fn greeting_for(route: &'static str) -> Option<&'static str> {
    let word = route.strip_prefix('/')?.strip_suffix("/{name}")?;
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // Leak once per route at start-up (a handful of bytes) to get a 'static capitalised word.
    let mut s = word.to_owned();
    s[..1].make_ascii_uppercase();
    Some(Box::leak(s.into_boxed_str()))
}

fn known(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

fn get() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn json(status: StatusCode, body: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, JSON))
        .body(body.into())
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    json(status, serde_json::json!({ "error": message }).to_string())
}

async fn welcome(state: web::Data<AppState>) -> HttpResponse {
    json(StatusCode::OK, state.welcome.clone())
}

async fn health() -> HttpResponse {
    json(StatusCode::OK, HEALTH_BODY)
}

/// The `/<word>` scope's handler: `rest` is what the scope left, `/Ada` for `/hello/Ada`.
fn greet(greeting: &str, req: &HttpRequest, state: &AppState) -> HttpResponse {
    // Exactly one segment after the scope (`%2F` stays encoded in the router's path, so a
    // `/` here is a real separator): `/hello`, `/hello/a/b`, `/hello/Ada/` are 404s.
    let rest = req.match_info().unprocessed();
    let Some(segment) = rest.strip_prefix('/') else {
        return error(StatusCode::NOT_FOUND, "not found");
    };
    if segment.contains('/') {
        return error(StatusCode::NOT_FOUND, "not found");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return method_not_allowed_response();
    }
    // The raw segment as sent, decoded strictly here, so invalid escapes or UTF-8 are a 400
    // (the router's own decoding is lossy).
    let raw = req.uri().path().rsplit('/').next().unwrap_or_default();
    match names::parse_name(raw) {
        Ok(name) => {
            let message = format!("{greeting} {name} from instance {}!", state.instance_id);
            let mut body = Vec::with_capacity(message.len() + 16);
            body.extend_from_slice(b"{\"message\":");
            // Serialising a &str into a Vec cannot fail.
            serde_json::to_writer(&mut body, &message).unwrap_or_default();
            body.push(b'}');
            json(StatusCode::OK, body)
        }
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

async fn not_found() -> HttpResponse {
    error(StatusCode::NOT_FOUND, "not found")
}

async fn method_not_allowed() -> HttpResponse {
    method_not_allowed_response()
}

fn method_not_allowed_response() -> HttpResponse {
    let mut res = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    res.headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(ALLOW));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_come_from_the_spec() {
        assert_eq!(greeting_for("/hello/{name}"), Some("Hello"));
        assert_eq!(greeting_for("/bonjour/{name}"), Some("Bonjour"));
        assert_eq!(greeting_for("/salama/{name}"), Some("Salama"));
        assert_eq!(greeting_for("/health"), None);
        assert_eq!(greeting_for("/"), None);
    }
}
