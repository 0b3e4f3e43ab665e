//! The stack binaries, listed once: `src/bin/<name>.rs` runs its entry through
//! [`crate::cli::run`], `cargo xtask` finds a stack here by name, and the tests walk
//! [`STACKS`].

use crate::cli::StackBin;
use crate::{HelloStack, JobsStack, WebStack};

/// `cargo run --bin hello_stack`: the lab.
pub const HELLO_STACK: StackBin = StackBin {
    name: "hello_stack",
    help: "\
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
",
    stack: || HelloStack::new().stack(),
    json: || HelloStack::new().to_json_string(),
};

/// `cargo run --bin web_stack`: HTTPS, private Graviton instances.
pub const WEB_STACK: StackBin = StackBin {
    name: "web_stack",
    help: "\
web_stack: print the HTTPS web stack (ACM + Route 53, private Graviton instances) as
Terraform JSON

USAGE:
    web_stack > main.tf.json
    web_stack --out DIR
    web_stack --graph svg > web_stack.svg
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
",
    stack: || WebStack::new().stack(),
    json: || WebStack::new().to_json_string(),
};

/// `cargo run --bin jobs_stack`: raw provider resources beside typed ones.
pub const JOBS_STACK: StackBin = StackBin {
    name: "jobs_stack",
    help: "\
jobs_stack: print the web tier with an SQS jobs queue (raw provider resources beside the
typed ones) as Terraform JSON

USAGE:
    jobs_stack > main.tf.json
    terraform init && terraform apply
    jobs_stack --out DIR
    jobs_stack --graph svg > jobs_stack.svg

The instances may send to the queue `jobs` (sqs:SendMessage, sqs:GetQueueAttributes on
its ARN only); a CloudWatch alarm watches its backlog. The stack uploads the webapp
payload from target/x86_64-unknown-linux-gnu/release/webapp (build it with `cargo
webapp-static`; override with -var site_artifact=PATH).

Terraform variables:
    aws_region       region to deploy into (default us-east-1)
    site_artifact    path of the static webapp binary to upload
    log_policy_settle_seconds
                     wait after the log bucket policy before the ALB (default 60)
",
    stack: || JobsStack::new().stack(),
    json: || JobsStack::new().to_json_string(),
};

/// Every stack binary.
pub const STACKS: &[&StackBin] = &[&HELLO_STACK, &WEB_STACK, &JOBS_STACK];

/// The stack binary called `name`.
pub fn by_name(name: &str) -> Option<&'static StackBin> {
    STACKS.iter().copied().find(|b| b.name == name)
}

/// The names [`by_name`] accepts, for messages.
pub fn names() -> String {
    STACKS.iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
}
