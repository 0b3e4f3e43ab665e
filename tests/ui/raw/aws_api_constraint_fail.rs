//! aws-api-constraint: literals the AWS API refuses, in raw resources (a target group's
//! protocol `HTTPX` and health check interval 1, an IAM role name with a space) and in a typed
//! kind (a certificate domain of 255 characters, ACM's limit is 253). Expected: each error at
//! its value, quoting the API's constraint.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_lb_target_group tg {
            port: 8080, protocol: "HTTPX",
            health_check: { interval: 1, path: "/health" },
        }
        resource aws_iam_role worker {
            name: "web worker",
            assume_role_policy: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        }
        certificate site_cert { domain: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.org", zone: "example.org" }
    }
}

fn main() {}
