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

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repo")
        .to_path_buf()
}

/// The venv `scripts/setup-tools.sh` creates (moto_server, checkov, python with boto3).
pub fn tools_venv_bin() -> PathBuf {
    repo_root().join("target/tools-venv/bin")
}

/// Find a tool on PATH, then in the project's tools venv. Under CI a missing tool panics
/// with a clear message; elsewhere the caller gets `None` and says it skipped.
pub fn require_tool(name: &str, why: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push(tools_venv_bin());
    let found = dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
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
    let base = repo_root()
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
        let bin = require_tool(
            "terraform",
            "terraform validates and applies the emitted JSON",
        )?;
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

/// The static webapp artifact (`cargo webapp-static`), from `WEBAPP_STATIC_BIN` or its
/// default path. Missing: a panic under CI, `None` (skip) elsewhere.
pub fn webapp_artifact() -> Option<PathBuf> {
    let path = std::env::var_os("WEBAPP_STATIC_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/x86_64-unknown-linux-gnu/release/webapp"));
    if path.is_file() {
        return Some(path);
    }
    if in_ci() {
        panic!(
            "the static webapp artifact {} is missing and CI is set: build it with `cargo webapp-static`",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED: no webapp artifact at {} (build it with `cargo webapp-static`)",
        path.display()
    );
    None
}

/// The static aarch64 webapp artifact (`scripts/build-payload.sh aarch64`), from
/// `WEBAPP_STATIC_BIN_AARCH64` or its default path. Missing: a panic under CI, `None`
/// (skip) elsewhere.
pub fn webapp_artifact_aarch64() -> Option<PathBuf> {
    let path = std::env::var_os("WEBAPP_STATIC_BIN_AARCH64")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/aarch64-unknown-linux-gnu/release/webapp"));
    if path.is_file() {
        return Some(path);
    }
    if in_ci() {
        panic!(
            "the aarch64 webapp artifact {} is missing and CI is set: build it with `bash scripts/build-payload.sh aarch64`",
            path.display()
        );
    }
    eprintln!("SKIPPED: no aarch64 webapp artifact at {}", path.display());
    None
}

/// A process this test started, killed (by PID) when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// Wait until something accepts TCP connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, timeout: std::time::Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < timeout {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Write `json` as `main.tf.json` in a scratch directory named `name`, then `terraform init`
/// and `terraform validate` it offline; panics unless it is valid with no warning. Returns
/// without checking (a skip) only when terraform is absent outside CI.
pub fn validate_offline(name: &str, json: &[u8]) {
    let dir = scratch_dir(name);
    std::fs::write(dir.join("main.tf.json"), json).expect("write main.tf.json");
    let Some(tf) = Terraform::new(&dir) else {
        return;
    };
    tf.ok(&["init", "-backend=false", "-no-color"]);
    let out = tf.ok(&["validate", "-json", "-no-color"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("validate -json prints JSON");
    assert_eq!(v["valid"], true, "{out}");
    assert_eq!(v["warning_count"], 0, "terraform warned: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}
