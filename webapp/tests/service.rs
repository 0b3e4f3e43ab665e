//! Service tests (actix_web::test, no socket): every route, every bad-input class.

use actix_web::{
    http::{header, Method, StatusCode},
    test, web, App,
};
use serde_json::Value;
use webapp::{config_app, spec, AppState};

const ID: &str = "i-0abc";

async fn call(method: Method, uri: &str) -> (StatusCode, Option<String>, Value, Option<String>) {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(AppState::new(ID)))
            .configure(config_app),
    )
    .await;
    let req = test::TestRequest::default()
        .method(method)
        .uri(uri)
        .to_request();
    let res = test::call_service(&app, req).await;
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string());
    let allow = res
        .headers()
        .get(header::ALLOW)
        .map(|v| v.to_str().unwrap().to_string());
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: body is not JSON ({e}): {body:?}"));
    (status, ctype, json, allow)
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (s, ctype, v, _) = call(Method::GET, uri).await;
    assert_eq!(ctype.as_deref(), Some("application/json"), "{uri}");
    (s, v)
}

fn concrete(route: &str) -> String {
    route.replace("{name}", "Ada")
}

#[actix_web::test]
async fn every_spec_route_is_served() {
    for route in spec::ROUTES {
        let (status, body) = get(&concrete(route)).await;
        assert_eq!(status, StatusCode::OK, "{route} -> {body}");
    }
    let (status, _) = get(spec::HEALTH_PATH).await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn root_names_the_instance() {
    let (status, body) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["instance_id"], ID);
    assert!(body["message"].as_str().unwrap().contains(ID), "{body}");
}

#[actix_web::test]
async fn health_is_ok() {
    let (status, body) = get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

#[actix_web::test]
async fn greetings() {
    for (path, word) in [
        ("hello", "Hello"),
        ("bonjour", "Bonjour"),
        ("salama", "Salama"),
    ] {
        let (status, body) = get(&format!("/{path}/Ada")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            serde_json::json!({"message": format!("{word} Ada from instance {ID}!")})
        );
    }
}

#[actix_web::test]
async fn names_are_percent_decoded_and_json_escaped() {
    let cases = [
        ("Ada%20Lovelace", "Ada Lovelace"),
        ("Fran%C3%A7oise", "Françoise"),
        ("%E6%97%A5%E6%9C%AC", "日本"),
        ("a%2Fb", "a/b"),
        ("%22quoted%22%5C", "\"quoted\"\\"),
        ("%3Cscript%3E", "<script>"),
        ("O'Brien", "O'Brien"),
        ("a+b", "a+b"),
    ];
    for (raw, name) in cases {
        let (status, body) = get(&format!("/hello/{raw}")).await;
        assert_eq!(status, StatusCode::OK, "{raw}: {body}");
        assert_eq!(
            body["message"],
            format!("Hello {name} from instance {ID}!"),
            "{raw}"
        );
    }
    // Query strings are not part of the name.
    let (_, body) = get("/hello/Ada?x=%00").await;
    assert_eq!(body["message"], format!("Hello Ada from instance {ID}!"));
}

#[actix_web::test]
async fn name_limit_is_64_characters() {
    let ok = "é".repeat(64);
    let (status, _) = get(&format!("/hello/{}", "%C3%A9".repeat(64))).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    let (status, body) = get(&format!("/hello/{}", "a".repeat(65))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("too long"),
        "{body}"
    );
    let (status, body) = get(&format!("/bonjour/{}", "a".repeat(4000))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("too long"),
        "{body}"
    );
}

#[actix_web::test]
async fn bad_names_are_json_400_with_a_reason() {
    let cases = [
        ("/hello/", "empty"),
        ("/bonjour/", "empty"),
        ("/salama/", "empty"),
        ("/hello/%20%20", "empty"),
        ("/hello/%00", "control character"),
        ("/hello/a%0Ab", "control character"),
        ("/hello/a%0D%0AX-Injected:%201", "control character"),
        ("/salama/%1B%5B31m", "control character"),
        ("/hello/%7F", "control character"),
        ("/hello/%C2%85", "control character"),
        ("/hello/%", "percent-encoding"),
        ("/hello/%zz", "percent-encoding"),
        ("/hello/abc%4", "percent-encoding"),
        ("/hello/%FF", "UTF-8"),
        ("/bonjour/%C3%28", "UTF-8"),
        ("/salama/%ED%A0%80", "UTF-8"),
    ];
    for (uri, why) in cases {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        let err = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{uri}: {body}"));
        assert!(err.contains(why), "{uri}: {err:?} should mention {why:?}");
    }
}

#[actix_web::test]
async fn unknown_paths_are_json_404() {
    for uri in [
        "/nope",
        "/hello",
        "/hello/a/b",
        "/health/",
        "/HELLO/Ada",
        "/hello/Ada/",
        "//",
    ] {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["error"], "not found", "{uri}");
    }
    let (status, _, body, _) = call(Method::POST, "/nope").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not found"))
    );
}

#[actix_web::test]
async fn wrong_methods_are_json_405() {
    for uri in [
        "/",
        "/health",
        "/hello/Ada",
        "/bonjour/Ada",
        "/salama/Ada",
        "/hello/",
    ] {
        for m in [
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ] {
            let (status, _, body, allow) = call(m.clone(), uri).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {uri}");
            assert_eq!(body["error"], "method not allowed");
            assert_eq!(allow.as_deref(), Some("GET, HEAD"));
        }
    }
}

#[actix_web::test]
async fn head_is_allowed() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(AppState::new(ID)))
            .configure(config_app),
    )
    .await;
    let req = test::TestRequest::default()
        .method(Method::HEAD)
        .uri("/health")
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::OK);
}

/// Pseudo-random byte strings, percent-encoded or raw: never a panic, only 200 or 400.
#[actix_web::test]
async fn no_input_panics() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(AppState::new(ID)))
            .configure(config_app),
    )
    .await;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const SAFE: &[u8] = b"abcXYZ019-._~%+!$&'()*,;=:@";
    for i in 0..2000 {
        let len = (next() % 90) as usize;
        let mut seg = String::new();
        for _ in 0..len {
            let r = next();
            if r % 3 == 0 {
                seg.push_str(&format!("%{:02X}", (r >> 8) as u8));
            } else {
                seg.push(SAFE[(r >> 8) as usize % SAFE.len()] as char);
            }
        }
        let uri = format!("/hello/{seg}");
        let Ok(req) = std::panic::catch_unwind(|| test::TestRequest::get().uri(&uri).to_request())
        else {
            continue; // not a URI the http crate accepts: never reaches the app
        };
        let res = test::call_service(&app, req).await;
        let status = res.status();
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "case {i}: {uri} -> {status}"
        );
        let body = test::read_body(res).await;
        let v: Value = serde_json::from_slice(&body).expect("JSON body");
        assert!(v.get("message").is_some() || v.get("error").is_some());
    }
}
