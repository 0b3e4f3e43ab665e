//! missing-argument: an IAM role without its trust policy. Expected: the error at the resource's name.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_iam_role r { name_prefix: "app-" }
    }
}

fn main() {}
