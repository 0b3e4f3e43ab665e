//! unknown-resource-type: hashicorp/aws has no `aws_sqs_queu`, nor a data source `aws_caller_identty`. Expected: each error at the type, with "did you mean".
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_sqs_queu jobs { visibility_timeout_seconds: 60 }
        data aws_caller_identty me {}
    }
}

fn main() {}
