//! argument-type: values of the wrong kind (a word for a number, a number for a bool, a list for a map, a string for a nested block, a string for a list, a JSON document for a number). Expected: every error at its value, in one build.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs {
            visibility_timeout_seconds: "sixty",
            fifo_queue: 1,
            tags: ["web"],
            delay_seconds: json({ seconds: 5 }),
        }
        resource aws_lb_target_group tg { port: 80, protocol: "HTTP", health_check: "/health" }
        data aws_iam_policy_document doc { statement: [{ actions: "sqs:SendMessage" }] }
    }
}

fn main() {}
