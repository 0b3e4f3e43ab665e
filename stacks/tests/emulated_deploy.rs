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
    let var = format!("site_artifact={}", artifact.display());
    tf.ok(&["init", "-no-color"]);
    // moto applies a bucket policy at once: a short wait still runs the local-exec.
    let settle = "log_policy_settle_seconds=2";
    tf.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-var",
        &var,
        "-var",
        settle,
    ]);

    let stack = stacks::HelloStack::new();
    let outputs = tf.ok(&["output", "-json", "-no-color"]);
    let outputs: serde_json::Value = serde_json::from_str(&outputs).unwrap();
    let asg_name = outputs["asg_name"]["value"]
        .as_str()
        .expect("asg_name output");
    let tg_name = outputs["target_group_name"]["value"]
        .as_str()
        .expect("target_group_name output");
    assert!(outputs["alb_dns"]["value"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));

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

    tf.ok(&[
        "destroy",
        "-auto-approve",
        "-no-color",
        "-var",
        &var,
        "-var",
        settle,
    ]);
    check(&["--expect-empty"]);
    let _ = std::fs::remove_dir_all(&e.dir);
}
