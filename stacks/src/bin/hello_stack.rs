//! Print the lab stack as Terraform JSON: `cargo run --bin hello_stack > main.tf.json`.
//!
//! JSON goes to stdout, diagnostics to stderr. A stack that fails its checks prints every
//! violation and exits 1 without writing any JSON (`--out DIR` leaves no file behind).

use std::process::ExitCode;

const HELP: &str = "\
hello_stack: print the ALB + Auto Scaling Group lab as Terraform JSON

USAGE:
    hello_stack > main.tf.json
    terraform init && terraform apply
    hello_stack --out DIR
    hello_stack --graph svg > hello_stack.svg

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
";

fn main() -> ExitCode {
    let stack = stacks::HelloStack::new();
    stacks::cli::run("hello_stack", HELP, &stack.stack(), || {
        stack.to_json_string()
    })
}
