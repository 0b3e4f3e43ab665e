//! jobs_stack as a user runs it: the golden output, determinism, what the raw resources
//! become (the queue, the alarm on it, the grant scoped to its ARN, the caller identity),
//! and `terraform validate` offline.

use std::path::{Path, PathBuf};
use std::process::Command;

use infra_tests::{assert_matches_golden, VariablePlan};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_jobs_stack");

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/jobs_stack.tf.json")
}

fn run() -> Vec<u8> {
    Command::new(BIN).output().expect("run jobs_stack").stdout
}

/// Refresh with `UPDATE_GOLDEN=1 cargo test -p stacks --test jobs_stack` and review the diff.
#[test]
fn output_matches_the_reviewed_golden_file() {
    assert_matches_golden(Path::new(BIN), &golden_path());
}

#[test]
fn output_is_deterministic_across_processes() {
    let a = run();
    assert!(!a.is_empty());
    assert_eq!(a, run());
}

#[test]
fn raw_resources_sit_beside_the_typed_ones() {
    let v: Value = serde_json::from_slice(&run()).expect("JSON");
    let q = &v["resource"]["aws_sqs_queue"]["jobs"];
    assert_eq!(q["visibility_timeout_seconds"], 60);
    assert_eq!(q["sqs_managed_sse_enabled"], true);
    assert_eq!(q["tags"], json!({ "Queue": "jobs" }));
    // `json(..)`: Terraform encodes the document, the reference resolved at plan time.
    assert_eq!(
        v["resource"]["aws_sqs_queue_redrive_policy"]["jobs_redrive"]["redrive_policy"],
        "${jsonencode({\"deadLetterTargetArn\" = aws_sqs_queue.jobs_dlq.arn, \"maxReceiveCount\" = 5})}"
    );
    let alarm = &v["resource"]["aws_cloudwatch_metric_alarm"]["jobs_backlog"];
    assert_eq!(
        alarm["dimensions"]["QueueName"],
        "${aws_sqs_queue.jobs.name}"
    );
    assert!(v["data"]["aws_caller_identity"]["me"].is_object());
    // The grant: the typed instance role's policy names the raw queue's ARN, only it.
    let statements = v["data"]["aws_iam_policy_document"]["web_role"]["statement"]
        .as_array()
        .expect("the role's policy document");
    let sqs: Vec<&Value> = statements
        .iter()
        .filter(|s| s["actions"].to_string().contains("sqs:"))
        .collect();
    assert_eq!(sqs.len(), 1, "{statements:?}");
    assert_eq!(sqs[0]["resources"], json!(["${aws_sqs_queue.jobs.arn}"]));
    assert_eq!(
        sqs[0]["actions"],
        json!(["sqs:SendMessage", "sqs:GetQueueAttributes"])
    );
    assert_eq!(
        v["output"]["queue_url"]["value"],
        "${aws_sqs_queue.jobs.url}"
    );
    assert_eq!(
        v["output"]["account_id"]["value"],
        "${data.aws_caller_identity.me.account_id}"
    );
}

#[test]
fn terraform_validates_the_output_offline() {
    infra_tests::validate_offline("jobs-stack-validate", &run());
}

/// A value read from a variable is held to the AWS API's constraint at plan time too: the
/// alarm's `evaluation_periods` (CloudWatch's minimum is 1) through a validation block
/// that names the rule.
#[test]
fn terraform_refuses_a_variable_value_aws_would_refuse() {
    let v: Value = serde_json::from_slice(&run()).expect("JSON");
    let Some(vp) = VariablePlan::new("jobs-api-validation", &v) else {
        return;
    };
    vp.assert_validations(
        &[&[], &["backlog_periods=5"]],
        &[(
            &["backlog_periods=0"],
            "aws-api-constraint: `evaluation_periods` of aws_cloudwatch_metric_alarm must be at least 1",
        )],
    );
    let _ = std::fs::remove_dir_all(&vp.tf.dir);
}
