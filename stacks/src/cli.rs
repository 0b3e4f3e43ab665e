//! The command line every stack binary shares: Terraform JSON on stdout, diagnostics on
//! stderr, `--help` with the stack's monthly cost drivers, exit 1 on violations (nothing on
//! stdout), exit 2 on a bad argument.

use std::io::Write;
use std::process::ExitCode;

use infra_core::{Stack, Violations};

/// One stack's binary: its name, its help text, and the stack itself.
pub struct StackBin {
    pub name: &'static str,
    pub help: &'static str,
    /// The model (for the cost drivers in `--help`).
    pub stack: fn() -> Stack,
    /// The checked Terraform JSON.
    pub json: fn() -> Result<String, Violations>,
}

/// Run the binary with `args` (without the program name).
pub fn run(bin: &StackBin, mut args: impl Iterator<Item = String>) -> ExitCode {
    if let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            print!("{}", bin.help);
            println!("\nMONTHLY COST DRIVERS (us-east-1 on-demand, approximate):");
            for line in infra_core::cost::drivers(&(bin.stack)()) {
                println!("    {line}");
            }
            return ExitCode::SUCCESS;
        }
        eprintln!("{}: unexpected argument `{arg}` (try --help)", bin.name);
        return ExitCode::from(2);
    }
    match (bin.json)() {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(json.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                eprintln!("{}: could not write to stdout", bin.name);
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(violations) => {
            eprintln!(
                "{}: refusing to print a stack that fails its checks\n{violations}",
                bin.name
            );
            ExitCode::FAILURE
        }
    }
}
