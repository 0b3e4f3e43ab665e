//! computed-attribute: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        output queue_arn = jobs.arn;
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
