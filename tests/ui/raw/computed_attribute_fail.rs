//! computed-attribute: `arn` of a queue is computed by AWS. Expected: the error at `arn`.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60, arn: "arn:aws:sqs:us-east-1:123456789012:jobs" }
    }
}

fn main() {}
