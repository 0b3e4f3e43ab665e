//! Real stacks written with `infra!`.
//!
//! [`HelloStack`] is the lab sheet (seed/README.md, items 1-11): an internet-facing
//! Application Load Balancer in front of 2 to 4 instances kept by an Auto Scaling Group,
//! running the webapp payload. `cargo run --bin hello_stack > main.tf.json` prints it.
//!
//! [`WebStack`] is the production web stack: HTTPS with an ACM certificate validated in a
//! Route 53 zone, 80 redirecting to 443, Graviton instances on private subnets that fetch
//! their payload through an S3 gateway endpoint. `cargo run --bin web_stack` prints it.
//!
//! [`JobsStack`] puts raw provider resources beside the typed kinds: an SQS queue the
//! instances may send to, granted through the instance role, and a backlog alarm.
//! `cargo run --bin jobs_stack` prints it.
//!
//! The stack is written once, in `src/hello_stack.rs`; the ui test `lab_pass` and
//! infra-expand's benchmark and property test read that same file.

mod bins;
pub mod cli;
mod hello_stack;
mod jobs_stack;
mod web_stack;

pub use bins::{by_name, names, HELLO_STACK, JOBS_STACK, STACKS, WEB_STACK};
pub use hello_stack::HelloStack;
pub use jobs_stack::JobsStack;
pub use web_stack::WebStack;
