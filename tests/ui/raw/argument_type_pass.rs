//! argument-type: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs {
            visibility_timeout_seconds: "60",
            fifo_queue: false,
            tags: { Team: "web" },
            redrive_allow_policy: json({ redrivePermission: "denyAll" }),
        }
        resource aws_lb_target_group tg { port: 80, protocol: "HTTP", health_check: { path: "/health" } }
        data aws_iam_policy_document doc { statement: [{ actions: ["sqs:SendMessage"] }] }
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
