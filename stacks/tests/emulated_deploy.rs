//! The emulated deploy: hello_stack's JSON applied by the real `terraform` and the real
//! AWS provider to moto (an AWS API emulator) on 127.0.0.1, then checked through the AWS
//! API the way a user checks the console, then destroyed.
//!
//! The provider settings that point at the emulator live in an override file written next
//! to a copy of main.tf.json here, never in the stack's own output.

use std::path::Path;

use infra_tests::{webapp_artifact, EmulatedDeploy};

const BIN: &str = env!("CARGO_BIN_EXE_hello_stack");

#[test]
fn hello_stack_applies_to_the_emulator_and_destroys_cleanly() {
    let Some(artifact) = webapp_artifact() else {
        return;
    };
    let Some(e) = EmulatedDeploy::prepare("emulated-deploy", Path::new(BIN), &[]) else {
        return;
    };
    let tf = &e.tf;
    // moto applies a bucket policy at once: a short wait still runs the local-exec.
    let vars = [
        format!("site_artifact={}", artifact.display()),
        "log_policy_settle_seconds=2".to_string(),
    ];
    tf.ok(&["init", "-no-color"]);
    tf.ok_with_vars(&["apply", "-auto-approve", "-no-color"], &vars);

    let stack = stacks::HelloStack::new();
    let outputs = tf.string_outputs();
    let asg_name = outputs.get("asg_name");
    let tg_name = outputs.get("target_group_name");
    assert!(!outputs.get("alb_dns").is_empty());

    let check = |extra: &[&str]| e.check("check_deploy.py", extra);
    let asg = &stack.web_asg;
    let report = check(&[
        "--asg-name",
        asg_name,
        "--tg-name",
        tg_name,
        "--app-port",
        &stack.site.port.to_string(),
        "--listener-port",
        &stack.front.listeners[0].port.to_string(),
        "--min",
        &asg.min.to_string(),
        "--desired",
        &asg.desired.to_string(),
        "--max",
        &asg.max.to_string(),
        "--wait",
        "60",
    ]);
    assert!(report.contains(" 0 failed"), "{report}");

    tf.ok_with_vars(&["destroy", "-auto-approve", "-no-color"], &vars);
    check(&["--expect-empty"]);
    let _ = std::fs::remove_dir_all(&e.dir);
}
