//! A block with a forgotten colon is a DSL error, not a Rust expression handed to rustc.

#[test]
fn a_block_missing_its_colon_is_a_dsl_error() {
    let src = r#"stack S {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        target_group app in main { port: 80, health: { path "/health", interval: 15 } }
    }"#;
    let err = infra_expand::lower(src.parse().unwrap()).expect_err("malformed block");
    let all: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
    assert!(
        all.iter()
            .any(|e| e.contains("key: value") || e.contains("`:`")),
        "{all:?}"
    );
}
