//! checkov (offline) on hello_stack's output with the repo's `.checkov.yaml`: no failed
//! check, and every skip in the file carries its reason.

use std::process::Command;

use infra_tests::{repo_root, require_tool, scratch_dir};

#[test]
fn checkov_finds_nothing_beyond_the_reasoned_skip_list() {
    let Some(checkov) = require_tool("checkov", "the policy scan of the emitted stack") else {
        return;
    };
    let dir = scratch_dir("checkov");
    let out = Command::new(env!("CARGO_BIN_EXE_hello_stack"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = dir.join("main.tf.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = Command::new(checkov)
        .arg("-f")
        .arg(&file)
        .arg("--config-file")
        .arg(repo_root().join(".checkov.yaml"))
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
    let cfg = std::fs::read_to_string(repo_root().join(".checkov.yaml")).unwrap();
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
