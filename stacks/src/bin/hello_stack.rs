//! Print the lab stack as Terraform JSON: `cargo run --bin hello_stack > main.tf.json`.
//!
//! JSON goes to stdout, diagnostics to stderr. A stack that fails its checks prints every
//! violation and exits 1 without writing any JSON (`--out DIR` leaves no file behind).
//!
//! The help text and the stack live in `stacks::bins`.

fn main() -> std::process::ExitCode {
    stacks::cli::run(&stacks::HELLO_STACK, std::env::args().skip(1))
}
