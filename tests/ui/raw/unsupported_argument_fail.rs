//! unsupported-argument: an attribute the type does not have, and one a nested block does not have. Expected: both errors at the key, with "did you mean".
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout: 60 }
        resource aws_lb_target_group tg { port: 80, protocol: "HTTP", health_check: { intervall: 30 } }
    }
}

fn main() {}
