//! Print the production web stack as Terraform JSON:
//! `cargo run --bin web_stack > main.tf.json`.
//!
//! JSON goes to stdout, diagnostics to stderr. A stack that fails its checks prints every
//! violation and exits 1 without writing any JSON.

use std::process::ExitCode;

const HELP: &str = "\
web_stack: print the HTTPS web stack (ACM + Route 53, private Graviton instances) as
Terraform JSON

USAGE:
    web_stack > main.tf.json
    terraform init && terraform apply -var domain_name=app.example.org -var zone_name=example.org

The stack uploads the arm64 webapp payload from
target/aarch64-unknown-linux-gnu/release/webapp (build it with
`bash scripts/build-payload.sh aarch64`; override with -var site_artifact=PATH).

Terraform variables:
    aws_region       region to deploy into (default us-east-1)
    domain_name      the name the site answers on (default app.example.com)
    zone_name        the public Route 53 hosted zone holding it (default example.com)
    site_artifact    path of the static arm64 webapp binary to upload
    log_policy_settle_seconds
                     wait after the log bucket policy before the ALB (default 60)

OPTIONS:
    -h, --help       print this help
";

fn main() -> ExitCode {
    let bin = stacks::cli::StackBin {
        name: "web_stack",
        help: HELP,
        stack: || stacks::WebStack::new().stack(),
        json: || stacks::WebStack::new().to_json_string(),
    };
    stacks::cli::run(&bin, std::env::args().skip(1))
}
