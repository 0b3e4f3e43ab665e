//! Real stacks written with `infra!`.
//!
//! [`HelloStack`] is the lab sheet (seed/README.md, items 1-11): an internet-facing
//! Application Load Balancer in front of 2 to 4 instances kept by an Auto Scaling Group,
//! running the webapp payload. `cargo run --bin hello_stack > main.tf.json` prints it.
//!
//! The stack is written once, in `src/hello_stack.rs`; the ui test `lab_pass` and
//! infra-expand's benchmark and property test read that same file.

pub mod cli;
mod hello_stack;

pub use hello_stack::HelloStack;

/// The stacks `cargo xtask` knows, by binary name: the model and its checked synthesis.
pub fn by_name(name: &str) -> Option<(infra_core::Stack, Result<String, infra_core::Violations>)> {
    match name {
        "hello_stack" => {
            let s = HelloStack::new();
            Some((s.stack(), s.to_json_string()))
        }
        _ => None,
    }
}

/// The names [`by_name`] accepts.
pub const STACKS: &[&str] = &["hello_stack"];
