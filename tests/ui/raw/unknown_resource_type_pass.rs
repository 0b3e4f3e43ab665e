//! unknown-resource-type: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        data aws_caller_identity me {}
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
