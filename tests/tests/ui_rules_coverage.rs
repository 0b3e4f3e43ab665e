//! Every check rule has a compile-fail ui test, or a stated reason why the DSL cannot reach it.
//!
//! For each rule in `infra_core::rules()`, some `tests/ui/<topic>/*_fail.stderr` must contain
//! `[rule-name]` (the macro renders a violation as `message [rule]`), and the conventional
//! case `tests/ui/<topic>/<rule_with_underscores>_fail.rs` must exist with its `_pass.rs`
//! neighbour. A rule that cannot be triggered from `infra!` at compile time is listed in
//! [`UNREACHABLE`] with the reason. A new rule with neither fails this test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Rules no `infra!` block can trigger at compile time, and why.
const UNREACHABLE: &[(&str, &str)] = &[(
    "user-data-unescaped",
    "every text the stack contributes to user data (binary, payload name, env) passes \
     userdata::escape (`${` -> `$${`), and the only interpolations are the emitter's own \
     (aws_s3_object.<payload>.bucket/key, data.aws_region.current.name): the rule guards the \
     renderer against its own bugs, and no DSL input produces an unescaped `${`",
)];

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// `<topic>/<file name>` -> contents, for every file of `tests/ui/*/` ending in `suffix`.
fn ui_files(suffix: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for topic in fs::read_dir(ui_dir()).expect("tests/ui") {
        let topic = topic.unwrap().path();
        if !topic.is_dir() {
            continue;
        }
        for f in fs::read_dir(&topic).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(suffix) {
                let key = format!("{}/{name}", topic.file_name().unwrap().to_string_lossy());
                out.insert(key, fs::read_to_string(&f).unwrap());
            }
        }
    }
    out
}

fn rule_names() -> Vec<&'static str> {
    infra_core::rules().iter().map(|r| r.name).collect()
}

#[test]
fn every_rule_has_a_failing_ui_case_or_a_reason() {
    let stderr = ui_files("_fail.stderr");
    let fail_rs = ui_files("_fail.rs");
    let pass_rs = ui_files("_pass.rs");
    let mut missing = Vec::new();
    for rule in rule_names() {
        if UNREACHABLE.iter().any(|(r, _)| *r == rule) {
            continue;
        }
        let tag = format!("[{rule}]");
        let shown_in: Vec<&String> = stderr
            .iter()
            .filter(|(_, text)| text.contains(&tag))
            .map(|(path, _)| path)
            .collect();
        if shown_in.is_empty() {
            missing.push(format!(
                "{rule}: no tests/ui/*/*_fail.stderr contains `{tag}`"
            ));
        }
        let stem = rule.replace('-', "_");
        let fail = format!("{stem}_fail.rs");
        let pass = format!("{stem}_pass.rs");
        match fail_rs.keys().find(|k| k.ends_with(&format!("/{fail}"))) {
            None => missing.push(format!("{rule}: no tests/ui/<topic>/{fail}")),
            Some(k) => {
                let topic = k.split('/').next().unwrap();
                let stderr_of = format!("{topic}/{stem}_fail.stderr");
                if !stderr.get(&stderr_of).is_some_and(|t| t.contains(&tag)) {
                    missing.push(format!(
                        "{rule}: tests/ui/{stderr_of} does not show `{tag}` (is the case breaking the right thing?)"
                    ));
                }
                if !pass_rs.contains_key(&format!("{topic}/{pass}")) {
                    missing.push(format!(
                        "{rule}: no passing neighbour tests/ui/{topic}/{pass}"
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "check rules without a ui test (add tests/ui/<topic>/<rule>_fail.rs + _pass.rs and run \
         `TRYBUILD=overwrite cargo test -p infra-tests --test ui`, or list the rule in UNREACHABLE \
         with the reason):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn unreachable_list_names_real_rules_without_ui_cases() {
    let rules = rule_names();
    let stderr = ui_files("_fail.stderr");
    for (rule, why) in UNREACHABLE {
        assert!(
            rules.contains(rule),
            "UNREACHABLE lists `{rule}`, which is not in infra_core::rules()"
        );
        assert!(!why.trim().is_empty(), "`{rule}` needs a reason");
        let tag = format!("[{rule}]");
        let shown: Vec<&String> = stderr
            .iter()
            .filter(|(_, t)| t.contains(&tag))
            .map(|(p, _)| p)
            .collect();
        assert!(
            shown.is_empty(),
            "`{rule}` is listed as unreachable, yet {shown:?} show it: remove it from UNREACHABLE"
        );
    }
}

/// The other direction: every `[rule]` a ui case shows is a rule `rules()` documents, so a
/// check that reports under an undocumented name is caught too.
#[test]
fn every_rule_shown_in_ui_output_is_documented() {
    let rules = rule_names();
    let mut unknown = BTreeMap::<String, Vec<String>>::new();
    for (path, text) in ui_files("_fail.stderr") {
        for line in text.lines() {
            // `error: <message> [rule-name]` (the rule tag closes the first line of a violation).
            let Some(open) = line.rfind(" [") else {
                continue;
            };
            let Some(tag) = line[open + 2..].strip_suffix(']') else {
                continue;
            };
            let looks_like_rule =
                !tag.is_empty() && tag.chars().all(|c| c.is_ascii_lowercase() || c == '-');
            if looks_like_rule && tag.contains('-') && !rules.contains(&tag) {
                unknown
                    .entry(tag.to_string())
                    .or_default()
                    .push(path.clone());
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ui output shows rule names that infra_core::rules() does not list: {unknown:?}"
    );
}
