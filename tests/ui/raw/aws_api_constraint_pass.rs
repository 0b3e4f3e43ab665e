//! aws-api-constraint: the same stack with values the AWS API accepts.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_lb_target_group tg {
            port: 8080, protocol: "HTTP",
            health_check: { interval: 30, path: "/health" },
        }
        resource aws_iam_role worker {
            name: "web-worker",
            assume_role_policy: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        }
        certificate site_cert { domain: "app.example.org", zone: "example.org" }
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
