//! Tests tell the truth on a fresh machine: outside CI a missing tool or provider mirror
//! prints a SKIPPED line that shows in `cargo test`'s own output (the child test's output
//! is captured, the line is not); under CI the same test fails. The provider mirror is
//! configurable (`TF_PLUGIN_MIRROR`).

use std::process::Command;

use infra_tests::{require_tool, scratch_dir, Terraform};

#[test]
#[ignore = "run in a child process by the tests below"]
fn child_requires_a_missing_tool() {
    assert!(require_tool("no-such-tool-for-infra", "the skip demonstration").is_none());
}

#[test]
#[ignore = "run in a child process by the tests below"]
fn child_uses_the_configured_mirror() {
    let dir = scratch_dir("mirror-child");
    match Terraform::new(&dir) {
        None => println!("terraform: none"),
        Some(_) => {
            let cfg = std::fs::read_to_string(dir.join("offline.tfrc")).unwrap();
            println!("terraform: some\n{cfg}");
        }
    }
}

fn child(name: &str, ci: bool, mirror: Option<&str>) -> (bool, String, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--ignored", "--test-threads=1"]);
    if name == "child_uses_the_configured_mirror" {
        // It reports the CLI config on stdout; the skip test above proves the capture.
        cmd.arg("--nocapture");
    }
    if ci {
        cmd.env("CI", "true");
    } else {
        cmd.env_remove("CI");
    }
    if let Some(m) = mirror {
        cmd.env("TF_PLUGIN_MIRROR", m);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_tool_is_a_visible_skip_outside_ci_and_a_failure_under_ci() {
    let (ok, _, stderr) = child("child_requires_a_missing_tool", false, None);
    assert!(ok);
    assert!(
        stderr.contains("SKIPPED (child_requires_a_missing_tool): `no-such-tool-for-infra`"),
        "{stderr}"
    );
    let (ok, stdout, _) = child("child_requires_a_missing_tool", true, None);
    assert!(!ok);
    assert!(stdout.contains("CI is set"), "{stdout}");
}

#[test]
fn the_provider_mirror_is_configurable() {
    if require_tool("terraform", "the mirror setting is terraform's").is_none() {
        return;
    }
    let (ok, _, stderr) = child(
        "child_uses_the_configured_mirror",
        false,
        Some("/nonexistent/m"),
    );
    assert!(ok);
    assert!(
        stderr.contains("SKIPPED") && stderr.contains("/nonexistent/m"),
        "{stderr}"
    );
    let (ok, _, _) = child(
        "child_uses_the_configured_mirror",
        true,
        Some("/nonexistent/m"),
    );
    assert!(!ok);
    let other = scratch_dir("mirror-other");
    let (ok, stdout, _) = child("child_uses_the_configured_mirror", false, other.to_str());
    assert!(ok);
    assert!(
        stdout.contains(&format!("path    = \"{}\"", other.display())),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&other);
}
