//! The router, built from [`crate::spec::ROUTES`].

use actix_web::{
    guard,
    http::{header, StatusCode},
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
///   "Hello"); its bare prefix `/<word>/` is registered too, so an empty name is a JSON 400
///   rather than a 404;
/// * wrong methods on those paths are a JSON 405, everything else a JSON 404.
pub fn config_app(cfg: &mut web::ServiceConfig) {
    for &route in spec::ROUTES {
        if route == "/" {
            cfg.service(known(route).route(get().to(welcome)));
        } else if route == spec::HEALTH_PATH {
            cfg.service(known(route).route(get().to(health)));
        } else if let Some(greeting) = greeting_for(route) {
            let handler = move |req: HttpRequest, state: web::Data<AppState>| async move {
                greet(greeting, &req, &state)
            };
            cfg.service(known(route).route(get().to(handler)));
            // `/hello/` (empty name): same handler, the validator answers 400.
            let prefix = &route[..route.len() - "{name}".len()];
            cfg.service(known(prefix).route(get().to(handler)));
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

fn greet(greeting: &str, req: &HttpRequest, state: &AppState) -> HttpResponse {
    // The raw segment as sent (the router only matched a non-`/` segment, `%2F` stays
    // encoded); decoded strictly here so invalid escapes or UTF-8 are a 400, not lossy.
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
