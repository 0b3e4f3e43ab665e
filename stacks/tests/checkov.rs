//! checkov (offline) on each stack's output with its own skip list (`.checkov.yaml` for
//! hello_stack, `.checkov.web_stack.yaml` for web_stack): no failed check, and every skip
//! carries its reason. web_stack needs no skip for plain HTTP or public instance subnets;
//! jobs_stack (the lab's web tier plus raw SQS resources) takes the lab's list.

use std::process::Command;

use infra_tests::{repo_root, require_tool, scratch_dir};

/// The skips web_stack must not need: plain HTTP and public instance subnets.
const WEB_STACK_NEEDS_NOT: &[&str] = &["CKV_AWS_2 ", "CKV_AWS_103", "CKV2_AWS_20", "CKV_AWS_130"];

#[test]
fn checkov_finds_nothing_beyond_the_reasoned_skip_list() {
    scan(
        env!("CARGO_BIN_EXE_hello_stack"),
        ".checkov.yaml",
        "checkov",
    );
}

#[test]
fn checkov_finds_nothing_in_web_stack_beyond_its_skip_list() {
    let cfg = std::fs::read_to_string(repo_root().join(".checkov.web_stack.yaml")).unwrap();
    for id in WEB_STACK_NEEDS_NOT {
        assert!(
            !cfg.lines()
                .any(|l| l.trim().starts_with(&format!("- {id}"))),
            "web_stack skips {id}"
        );
    }
    scan(
        env!("CARGO_BIN_EXE_web_stack"),
        ".checkov.web_stack.yaml",
        "checkov-web",
    );
}

/// jobs_stack is the lab's web tier plus raw SQS and CloudWatch resources: the lab's skip
/// list, and nothing more (the queue is encrypted).
#[test]
fn checkov_finds_nothing_in_jobs_stack_beyond_the_lab_skip_list() {
    scan(
        env!("CARGO_BIN_EXE_jobs_stack"),
        ".checkov.yaml",
        "checkov-jobs",
    );
}

fn scan(bin: &str, config: &str, scratch: &str) {
    let Some(checkov) = require_tool("checkov", "the policy scan of the emitted stack") else {
        return;
    };
    let dir = scratch_dir(scratch);
    let out = Command::new(bin).output().unwrap();
    assert!(out.status.success());
    let file = dir.join("main.tf.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = Command::new(checkov)
        .arg("-f")
        .arg(&file)
        .arg("--config-file")
        .arg(repo_root().join(config))
        .args(["-o", "json"])
        .env("BC_SKIP_MAPPING", "TRUE")
        .current_dir(&dir)
        .output()
        .expect("run checkov");
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report = if report.is_array() {
        report[0].clone()
    } else {
        report
    };
    let summary = &report["summary"];
    let failed: Vec<String> = report["results"]["failed_checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| format!("{} {} ({})", c["check_id"], c["resource"], c["check_name"]))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        summary["failed"],
        0,
        "checkov failed checks:\n{}",
        failed.join("\n")
    );
    assert_eq!(summary["parsing_errors"], 0, "{summary}");
    assert!(
        summary["passed"].as_u64().unwrap_or(0) >= 100,
        "checkov ran too few checks: {summary}"
    );
    assert!(out.status.success(), "checkov exited with {}", out.status);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_checkov_skip_has_a_reason() {
    for config in [".checkov.yaml", ".checkov.web_stack.yaml"] {
        skips_have_reasons(config);
    }
}

fn skips_have_reasons(config: &str) {
    let cfg = std::fs::read_to_string(repo_root().join(config)).unwrap();
    let skips: Vec<&str> = cfg
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("- CKV"))
        .collect();
    assert!(
        !skips.is_empty() && skips.len() <= 12,
        "the skip list should stay short: {skips:?}"
    );
    for line in skips {
        let reason = line.split_once('#').map(|(_, r)| r.trim()).unwrap_or("");
        assert!(reason.len() >= 20, "skip without a reason: {line}");
    }
}
