//! grant-without-arn, fixed: the grant is on the queue, and the policy's Resource is the
//! queue's ARN.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queue jobs { visibility_timeout_seconds: 60 }
        resource aws_sqs_queue_policy jobs_policy {
            queue_url: jobs.url,
            policy: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        }
        instance_role worker { allow: [{ actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], on: jobs }] }
    }
}

fn main() {
    let tf = RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
    let st = &tf["data"]["aws_iam_policy_document"]["worker"]["statement"][0];
    assert_eq!(st["actions"][0], "sqs:SendMessage");
    assert_eq!(st["resources"][0], "${aws_sqs_queue.jobs.arn}");
    assert_eq!(tf["resource"]["aws_iam_role_policy"]["worker"]["name"], "stack-access");
}
