//! trybuild ui tests for the `infra!` macro. Layout and conventions: tests/ui/README.md.
//!
//! Refresh the expected output with `TRYBUILD=overwrite cargo test -p infra-tests --test ui`
//! and review every `.stderr` in the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    // Every case is `tests/ui/<topic>/<name>_pass.rs` or `<name>_fail.rs`.
    t.pass("ui/*/*_pass.rs");
    t.compile_fail("ui/*/*_fail.rs");
}
