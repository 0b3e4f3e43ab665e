//! unknown-attribute: references to attributes that a raw resource's type and a typed kind do not have, from a raw body and an output. Expected: each error at the attribute segment, with "did you mean".
use infra_macros::infra;

infra! {
    pub stack RawStack {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        data aws_iam_policy_document send {
            statement: [{ actions: ["sqs:SendMessage"], resources: [jobs.arm] }],
        }
        resource aws_lb_target_group tg { port: 80, protocol: "HTTP", vpc_id: main.vpc_id }
        output queue = jobs.queue_url;
    }
}

fn main() {}
