//! missing-argument: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_iam_role r {
            name_prefix: "app-",
            assume_role_policy: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        }
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
