//! Print the lab stack as Terraform JSON: `cargo run --bin hello_stack > main.tf.json`.
//!
//! JSON goes to stdout, diagnostics to stderr. A stack that fails its checks prints every
//! violation and exits 1 without writing any JSON.

use std::process::ExitCode;

const HELP: &str = "\
hello_stack: print the ALB + Auto Scaling Group lab as Terraform JSON

USAGE:
    hello_stack > main.tf.json
    terraform init && terraform apply

The stack uploads the webapp payload from
target/x86_64-unknown-linux-gnu/release/webapp (build it with `cargo webapp-static`;
override with -var site_artifact=PATH).

Terraform variables:
    aws_region       region to deploy into (default us-east-1)
    admin_cidr       your address as a /32 to allow SSH (unset: SSH closed)
    ssh_public_key   OpenSSH public key for a key pair (unset: no key pair)
    site_artifact    path of the static webapp binary to upload
    log_policy_settle_seconds
                     wait after the log bucket policy before the ALB (default 60)

OPTIONS:
    -h, --help       print this help
";

fn main() -> ExitCode {
    let bin = stacks::cli::StackBin {
        name: "hello_stack",
        help: HELP,
        stack: || stacks::HelloStack::new().stack(),
        json: || stacks::HelloStack::new().to_json_string(),
    };
    stacks::cli::run(&bin, std::env::args().skip(1))
}
