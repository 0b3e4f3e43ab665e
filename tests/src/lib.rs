//! Shared helpers for the workspace-level tests: running the real `terraform` offline
//! against the provider mirror, and finding tools that CI must have.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The filesystem mirror holding hashicorp/aws 5.100.0 on this machine and in CI.
pub const PROVIDER_MIRROR: &str = "/opt/tf-plugins";

/// True when running under CI (`CI` set): a missing tool is then a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Find a tool on PATH. Under CI a missing tool panics with a clear message; elsewhere
/// the caller gets `None` and says it skipped.
pub fn require_tool(name: &str, why: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => Some(p),
        None if in_ci() => panic!(
            "`{name}` is not on PATH, and CI is set: {why}. Run `bash scripts/setup-tools.sh` (or install it) and try again."
        ),
        None => {
            eprintln!("SKIPPED: `{name}` is not on PATH ({why}); CI would fail here");
            None
        }
    }
}

/// A scratch directory under the target dir (kept on failure for inspection).
pub fn scratch_dir(name: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("test-scratch")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("create scratch dir");
    base
}

/// A terraform working directory configured for offline use with the provider mirror.
pub struct Terraform {
    pub bin: PathBuf,
    pub dir: PathBuf,
    cli_config: PathBuf,
}

impl Terraform {
    /// `None` when terraform is absent outside CI (the caller skips).
    pub fn new(dir: &Path) -> Option<Terraform> {
        let bin = require_tool("terraform", "terraform validates and applies the emitted JSON")?;
        assert!(
            Path::new(PROVIDER_MIRROR).is_dir() || !in_ci(),
            "the provider mirror {PROVIDER_MIRROR} is missing"
        );
        let cli_config = dir.join("offline.tfrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{PROVIDER_MIRROR}\"\n    include = [\"registry.terraform.io/*/*\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/*/*\"]\n  }}\n}}\n"
            ),
        )
        .expect("write CLI config");
        Some(Terraform {
            bin,
            dir: dir.to_path_buf(),
            cli_config,
        })
    }

    /// Run `terraform <args>` in the working directory, offline, without colour.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .args(args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .output()
            .expect("run terraform")
    }

    /// Run and panic with terraform's own output when it fails.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "terraform {} failed in {}:\n{}\n{}",
            args.join(" "),
            self.dir.display(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}
