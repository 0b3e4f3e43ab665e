//! The emulated deploy of jobs_stack: its JSON, raw provider resources included, applied
//! by the real `terraform` and AWS provider to moto on 127.0.0.1, then checked through the
//! AWS API: the lab's generic checks (check_deploy.py), and the queue's attributes, the
//! redrive policy to its dead-letter queue (a `json(..)` value), the backlog alarm on it,
//! the instance role's grant scoped to the queue's ARN, the account
//! output (check_jobs_deploy.py). Then destroyed, and nothing is left.

use std::path::Path;

use infra_tests::{webapp_artifact, EmulatedDeploy};

const BIN: &str = env!("CARGO_BIN_EXE_jobs_stack");

#[test]
fn jobs_stack_applies_to_the_emulator_and_destroys_cleanly() {
    let Some(artifact) = webapp_artifact() else {
        return;
    };
    let Some(e) = EmulatedDeploy::prepare("jobs-emulated-deploy", Path::new(BIN), &[]) else {
        return;
    };
    let tf = &e.tf;
    let vars = [
        format!("site_artifact={}", artifact.display()),
        "log_policy_settle_seconds=2".to_string(),
    ];
    tf.ok(&["init", "-no-color"]);
    tf.ok_with_vars(&["apply", "-auto-approve", "-no-color"], &vars);

    let outputs = tf.string_outputs();
    let s = |k: &str| outputs.get(k).to_string();

    let run = |script: &str, args: &[&str]| e.check(script, args);
    let stack = stacks::JobsStack::new();
    run(
        "check_deploy.py",
        &[
            "--asg-name",
            &s("asg_name"),
            "--tg-name",
            &s("target_group_name"),
            "--app-port",
            &stack.site.port.to_string(),
            "--listener-port",
            "80",
            "--min",
            "2",
            "--desired",
            "2",
            "--max",
            "4",
            "--wait",
            "60",
        ],
    );
    let report = run(
        "check_jobs_deploy.py",
        &[
            "--queue-url",
            &s("queue_url"),
            "--queue-arn",
            &s("queue_arn"),
            "--dlq-arn",
            &s("dead_letter_queue_arn"),
            "--account",
            &s("account_id"),
        ],
    );
    assert!(report.contains(" 0 failed"), "{report}");

    tf.ok_with_vars(&["destroy", "-auto-approve", "-no-color"], &vars);
    run("check_jobs_deploy.py", &["--expect-empty"]);
    run("check_deploy.py", &["--expect-empty"]);
    let _ = std::fs::remove_dir_all(&e.dir);
}
