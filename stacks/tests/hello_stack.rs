//! hello_stack as a user runs it: the golden output, determinism, the process contract
//! (JSON on stdout, nothing on stderr, --help), and `terraform validate` offline.

use std::path::{Path, PathBuf};
use std::process::Command;

use infra_tests::{assert_matches_golden, assert_shellcheck_clean, scratch_dir, VariablePlan};

const BIN: &str = env!("CARGO_BIN_EXE_hello_stack");

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/hello_stack.tf.json")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run hello_stack")
}

/// The emitted JSON is reviewed: a change to it is deliberate. Refresh with
/// `UPDATE_GOLDEN=1 cargo test -p stacks --test hello_stack` and review the diff.
#[test]
fn output_matches_the_reviewed_golden_file() {
    assert_matches_golden(Path::new(BIN), &golden_path());
}

#[test]
fn output_is_deterministic_across_processes() {
    let a = run(&[]).stdout;
    let b = run(&[]).stdout;
    assert!(!a.is_empty());
    assert_eq!(a, b);
    let c = stacks::HelloStack::new().to_json_string().unwrap();
    assert_eq!(a, c.into_bytes());
}

#[test]
fn output_is_the_whole_lab() {
    let v: serde_json::Value = serde_json::from_slice(&run(&[]).stdout).unwrap();
    let r = &v["resource"];
    for ty in [
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_iam_role",
        "aws_iam_instance_profile",
        "aws_key_pair",
        "aws_s3_object",
        "aws_launch_template",
        "aws_lb",
        "aws_lb_target_group",
        "aws_lb_listener",
        "aws_autoscaling_group",
        "aws_autoscaling_policy",
    ] {
        assert!(r[ty].is_object(), "missing {ty}");
    }
    assert_eq!(r["aws_subnet"].as_object().unwrap().len(), 2);
    let asg = &r["aws_autoscaling_group"]["web_asg"];
    assert_eq!(
        (
            asg["min_size"].as_u64(),
            asg["desired_capacity"].as_u64(),
            asg["max_size"].as_u64()
        ),
        (Some(2), Some(2), Some(4))
    );
    assert_eq!(r["aws_lb_target_group"]["app"]["port"], 80);
    assert_eq!(
        r["aws_lb_target_group"]["app"]["health_check"]["path"],
        webapp_spec::HEALTH_PATH
    );
    assert_eq!(r["aws_lb_listener"]["front_80"]["port"], 80);
    assert_eq!(
        r["aws_autoscaling_policy"]["web_asg_cpu"]["target_tracking_configuration"]["target_value"],
        50.0
    );
    assert!(v["output"]["alb_dns"]["value"]
        .as_str()
        .unwrap()
        .contains("aws_lb.front.dns_name"));
}

#[test]
fn help_goes_to_stdout_and_bad_arguments_fail() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("main.tf.json"));
    let out = run(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("hello_stack {}", env!("CARGO_PKG_VERSION"))
    );
    let out = run(&["--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
}

#[test]
fn terraform_validates_the_output_offline() {
    infra_tests::validate_offline("hello-stack-validate", &run(&[]).stdout);
}

/// The boot script, rendered as the instance sees it, passes shellcheck, for both images.
#[test]
fn user_data_is_shellcheck_clean_on_both_images() {
    let Some(shellcheck) = infra_tests::require_tool("shellcheck", "lints the user data") else {
        return;
    };
    let hello = stacks::HelloStack::new();
    let stack = hello.stack();
    for image in [
        infra_core::Image::AmazonLinux2023,
        infra_core::Image::AmazonLinux2,
    ] {
        let mut lt = hello.web.clone();
        lt.image = image;
        let ud = lt.user_data(stack.world()).expect("the lab runs a payload");
        let script = ud.render_with(|expr| match expr {
            e if e.ends_with(".bucket") => "hello-stack-site-artifact-2026".into(),
            e if e.ends_with(".key") => "webapp/0123abcd".into(),
            _ => "us-east-1".into(),
        });
        assert!(script.len() < infra_core::userdata::MAX_BYTES);
        let dir = scratch_dir(&format!("shellcheck-{image:?}"));
        let file = dir.join("user-data.sh");
        std::fs::write(&file, &script).unwrap();
        assert_shellcheck_clean(&shellcheck, &file, &format!("{image:?}"), &script);
    }
}

/// The variables' `validation` blocks, run by terraform itself: plan a configuration holding
/// only hello_stack's `variable` blocks (no provider, nothing to reach) with good and bad
/// values.
#[test]
fn terraform_variable_validation_refuses_bad_values() {
    let v: serde_json::Value = serde_json::from_slice(&run(&[]).stdout).unwrap();
    let Some(vp) = VariablePlan::new("variable-validation", &v) else {
        return;
    };
    let cidr = "admin_cidr must be an IPv4 CIDR block";
    vp.assert_validations(
        &[
            &["admin_cidr=203.0.113.7/32"],
            &["ssh_public_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx ops@example"],
        ],
        &[
            (&["admin_cidr=0.0.0.0/0"], cidr),
            (&["admin_cidr=::/0"], cidr),
            (&["admin_cidr=10.0.0.300/32"], cidr),
            (&["admin_cidr=me"], cidr),
            (
                &["ssh_public_key=hunter2"],
                "ssh_public_key must be an RSA or ED25519 OpenSSH public key",
            ),
            // A missing payload artifact is named, with the command that builds it,
            // instead of terraform's "Error in function call" from filesha256 (the last
            // -var wins over the stand-in artifact).
            (
                &["site_artifact=/nonexistent/webapp"],
                "cargo webapp-static",
            ),
        ],
    );
    let _ = std::fs::remove_dir_all(&vp.tf.dir);
}
