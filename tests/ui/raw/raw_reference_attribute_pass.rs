//! raw-reference-attribute: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        data aws_iam_policy_document send {
            statement: [{ actions: ["sqs:SendMessage"], resources: [jobs.arn] }],
        }
        resource aws_lb_target_group tg { port: 80, protocol: "HTTP", vpc_id: main.id }
        output queue = jobs.url;
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
