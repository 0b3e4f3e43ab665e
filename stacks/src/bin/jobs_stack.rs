//! Print the jobs stack as Terraform JSON: `cargo run --bin jobs_stack > main.tf.json`.
//!
//! JSON goes to stdout, diagnostics to stderr. A stack that fails its checks prints every
//! violation and exits 1 without writing any JSON.
//!
//! The help text and the stack live in `stacks::bins`.

fn main() -> std::process::ExitCode {
    stacks::cli::run(&stacks::JOBS_STACK, std::env::args().skip(1))
}
