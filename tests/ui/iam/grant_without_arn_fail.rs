//! grant-without-arn: a grant on a queue policy, which has no ARN to scope the role's
//! policy to. Expected: the error at `jobs_policy`.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        resource aws_sqs_queue_policy jobs_policy {
            queue_url: jobs.url,
            policy: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        }
        instance_role worker { allow: [{ actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], on: jobs_policy }] }
    }
}

fn main() {}
