//! Shared helpers for the workspace-level tests: running the real `terraform` offline
//! against the provider mirror, and finding tools that CI must have.

pub mod boot;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The default filesystem mirror holding hashicorp/aws 5.100.0 (this machine and CI).
pub const PROVIDER_MIRROR: &str = "/opt/tf-plugins";

/// The provider mirror the tests use: `TF_PLUGIN_MIRROR` (as for `scripts/tf-offline.sh`),
/// else [`PROVIDER_MIRROR`].
pub fn provider_mirror() -> PathBuf {
    std::env::var_os("TF_PLUGIN_MIRROR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(PROVIDER_MIRROR))
}

/// Say that a test skipped, where the person running `cargo test` sees it: written to the
/// process's stderr directly, which the test harness does not capture (it captures only
/// `print!`/`eprint!`), so the line shows in the summary even when the test passes.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED ({}): {why}; CI would fail here",
        std::thread::current().name().unwrap_or("test")
    );
}

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
            skipped(&format!("`{name}` is not on PATH ({why})"));
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
        let mirror = provider_mirror();
        if !mirror.is_dir() {
            assert!(
                !in_ci(),
                "the provider mirror {} is missing and CI is set (set TF_PLUGIN_MIRROR to another one)",
                mirror.display()
            );
            skipped(&format!(
                "no provider mirror at {} (set TF_PLUGIN_MIRROR)",
                mirror.display()
            ));
            return None;
        }
        let cli_config = dir.join("offline.tfrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/*/*\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/*/*\"]\n  }}\n}}\n",
                mirror.display()
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

    /// Evaluate a string expression with `terraform console` against the configuration and
    /// state in the working directory, and return the string's bytes. The expression goes
    /// through `base64encode` so that no HCL quoting has to be undone.
    pub fn eval_string(&self, expr: &str, extra_args: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut child = Command::new(&self.bin)
            .arg("console")
            .args(extra_args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run terraform console");
        writeln!(child.stdin.take().expect("stdin"), "base64encode({expr})")
            .expect("write to terraform console");
        let out = child.wait_with_output().expect("terraform console");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "terraform console `{expr}` failed in {}:\n{stdout}\n{}",
            self.dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let quoted = stdout.trim();
        let b64 = quoted
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or_else(|| panic!("terraform console printed {quoted:?} for `{expr}`"));
        base64_decode(b64).unwrap_or_else(|| panic!("not base64: {b64:?}"))
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

    /// [`Terraform::ok`] with `-var NAME=VALUE` for each of `vars` after `args`.
    pub fn ok_with_vars(&self, args: &[&str], vars: &[String]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        for v in vars {
            all.extend(["-var", v.as_str()]);
        }
        self.ok(&all)
    }

    /// The string outputs of the applied state (`terraform output -json`), by name.
    pub fn string_outputs(&self) -> StringOutputs {
        let v: serde_json::Value =
            serde_json::from_str(&self.ok(&["output", "-json", "-no-color"])).expect("JSON");
        StringOutputs(
            v.as_object()
                .expect("an object of outputs")
                .iter()
                .filter_map(|(k, o)| Some((k.clone(), o["value"].as_str()?.to_string())))
                .collect(),
        )
    }
}

/// A stack's variables alone, in a Terraform working directory, to plan with `-var`s: what
/// the emitted `validation` blocks accept and refuse, offline (no provider is needed). Every
/// `*_artifact` variable gets an existing file.
pub struct VariablePlan {
    pub tf: Terraform,
    artifacts: Vec<String>,
}

impl VariablePlan {
    /// From a stack's Terraform JSON; `None` (skip) when terraform is missing outside CI.
    pub fn new(name: &str, stack: &serde_json::Value) -> Option<VariablePlan> {
        let dir = scratch_dir(name);
        let vars = stack["variable"].clone();
        let file = dir.join("vars.tf.json");
        std::fs::write(&file, serde_json::json!({ "variable": vars }).to_string())
            .expect("write vars.tf.json");
        let artifacts = vars
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| k.ends_with("_artifact"))
                    .map(|k| format!("{k}={}", file.display()))
                    .collect()
            })
            .unwrap_or_default();
        let tf = Terraform::new(&dir)?;
        tf.ok(&["init", "-backend=false", "-no-color"]);
        Some(VariablePlan { tf, artifacts })
    }

    /// `terraform plan` with `vars` (`name=value`): success, and stdout and stderr together
    /// with Terraform's line wrapping undone (words joined by single spaces).
    pub fn plan(&self, vars: &[&str]) -> (bool, String) {
        let mut args = vec!["plan", "-no-color", "-input=false"];
        for v in self
            .artifacts
            .iter()
            .map(String::as_str)
            .chain(vars.iter().copied())
        {
            args.extend(["-var", v]);
        }
        let out = self.tf.run(&args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (out.status.success(), flat)
    }

    /// Assert that each of `good` plans, and each of `bad` fails naming its text (a rule
    /// name and the start of its message).
    pub fn assert_validations(&self, good: &[&[&str]], bad: &[(&[&str], &str)]) {
        for g in good {
            let (ok, text) = self.plan(g);
            assert!(ok, "{g:?} refused:\n{text}");
        }
        for (b, want) in bad {
            let (ok, text) = self.plan(b);
            assert!(!ok, "{b:?} accepted:\n{text}");
            assert!(
                text.contains("Invalid value for variable") && text.contains(want),
                "{b:?} should fail with {want:?}:\n{text}"
            );
        }
    }
}

/// A state's string outputs, by name.
#[derive(Debug)]
pub struct StringOutputs(pub std::collections::BTreeMap<String, String>);

impl StringOutputs {
    /// Output `name`; a missing one fails the test, listing those there are.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .unwrap_or_else(|| panic!("no string output {name}: {:?}", self.0))
    }
}

/// The static webapp artifact for `arch`: from `env` when set (what `.ci/run` exports),
/// else at its default path (`Payload::default_artifact`). Missing: a panic under CI naming
/// the command that builds it (`Payload::build_command_for`), a SKIPPED line and `None`
/// elsewhere.
fn payload_artifact(arch: infra_core::Arch, env: &str) -> Option<PathBuf> {
    use infra_core::Payload;
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(Payload::default_artifact(arch, "webapp")));
    if path.is_file() {
        return Some(path);
    }
    let build = Payload::build_command_for(arch, "webapp");
    assert!(
        !in_ci(),
        "the {} webapp artifact {} is missing and CI is set: build it with `{build}`",
        arch.keyword(),
        path.display()
    );
    skipped(&format!(
        "no {} webapp artifact at {} (build it with `{build}`)",
        arch.keyword(),
        path.display()
    ));
    None
}

/// The static x86_64 webapp artifact (`cargo webapp-static`, or `WEBAPP_STATIC_BIN`).
pub fn webapp_artifact() -> Option<PathBuf> {
    payload_artifact(infra_core::Arch::X86_64, "WEBAPP_STATIC_BIN")
}

/// The static aarch64 webapp artifact (`bash scripts/build-payload.sh aarch64`, or
/// `WEBAPP_STATIC_BIN_AARCH64`).
pub fn webapp_artifact_aarch64() -> Option<PathBuf> {
    payload_artifact(infra_core::Arch::Arm64, "WEBAPP_STATIC_BIN_AARCH64")
}

/// A process this test started, killed (by PID) when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Standard base64 (with padding), as Terraform's `base64encode` and EC2's user data use it.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let b = s.trim_end_matches('=').as_bytes();
    if s.len() % 4 != 0 || s.len() - b.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() * 3 / 4);
    for chunk in b.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// `moto_server` (the AWS API emulator) on a free 127.0.0.1 port, killed by PID when dropped.
pub struct Moto {
    pub port: u16,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    _child: Child,
}

impl Moto {
    /// Start it, logging to `log`. `None` (the caller skips) when moto_server is absent
    /// outside CI.
    pub fn start(log: &Path) -> Option<Moto> {
        Moto::start_with_env(log, &[])
    }

    /// [`Moto::start`] with settings in its environment (`MOTO_ACM_VALIDATION_WAIT`).
    pub fn start_with_env(log: &Path, env: &[(&str, &str)]) -> Option<Moto> {
        let moto = require_tool("moto_server", "the emulated deploy applies to moto")?;
        let port = free_port();
        let child = Child(
            Command::new(moto)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .envs(env.iter().copied())
                .stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create(log).expect("create moto log"))
                .spawn()
                .expect("start moto_server"),
        );
        assert!(
            wait_for_port(port, std::time::Duration::from_secs(30)),
            "moto_server did not start on {port}"
        );
        Some(Moto {
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            _child: child,
        })
    }
}

/// The tools venv's python (it has boto3, for the emulator checks). `None` (the caller
/// skips, with a SKIPPED line) when it is missing outside CI; in CI a missing venv fails.
pub fn tools_python() -> Option<PathBuf> {
    let python = tools_venv_bin().join("python");
    if python.is_file() {
        return Some(python);
    }
    assert!(
        !in_ci(),
        "{} is missing: run scripts/setup-tools.sh",
        python.display()
    );
    skipped("no tools venv python (boto3): run scripts/setup-tools.sh");
    None
}

/// Run `tests/emulator/<script>` against the emulator at `endpoint` with `args`, echo its
/// report, fail when it fails, and return the report.
pub fn emulator_check(python: &Path, endpoint: &str, script: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg(repo_root().join("tests/emulator").join(script))
        .args(["--endpoint", endpoint])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} {args:?} failed:\n{text}");
    text
}

/// Lay out an emulated deploy in `dir`: the stack's own `main.tf.json`, and beside it
/// `override.tf.json` from `tests/emulator/override.tf.json` pointing the provider at
/// `endpoint`. The stack's output never carries any emulator setting.
pub fn write_emulated_stack(dir: &Path, main_tf_json: &[u8], endpoint: &str) {
    std::fs::write(dir.join("main.tf.json"), main_tf_json).expect("write main.tf.json");
    std::fs::write(dir.join("override.tf.json"), emulator_override(endpoint))
        .expect("write override.tf.json");
}

/// An emulated deploy laid out and ready to `init`: moto running, the stack binary's
/// output in `dir/main.tf.json` with the emulator override beside it, terraform offline on
/// the provider mirror, and the tools python for the checks. Dropping it stops moto.
pub struct EmulatedDeploy {
    pub dir: PathBuf,
    pub tf: Terraform,
    pub python: PathBuf,
    pub moto: Moto,
}

impl EmulatedDeploy {
    /// Run `bin` (a stack binary) and lay out its deploy in the scratch dir `name`, moto
    /// started with `moto_env`. `None` (the caller skips) when a tool is missing outside CI.
    pub fn prepare(name: &str, bin: &Path, moto_env: &[(&str, &str)]) -> Option<EmulatedDeploy> {
        let python = tools_python()?;
        let dir = scratch_dir(name);
        let moto = Moto::start_with_env(&dir.join("moto.log"), moto_env)?;
        let out = Command::new(bin).output().expect("run the stack binary");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        write_emulated_stack(&dir, &out.stdout, &moto.endpoint);
        let tf = Terraform::new(&dir)?;
        Some(EmulatedDeploy {
            dir,
            tf,
            python,
            moto,
        })
    }

    /// [`emulator_check`] against this deploy's emulator.
    pub fn check(&self, script: &str, args: &[&str]) -> String {
        emulator_check(&self.python, &self.moto.endpoint, script, args)
    }
}

/// `tests/emulator/override.tf.json` pointing the provider at `endpoint`.
pub fn emulator_override(endpoint: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/emulator/override.tf.json"))
        .expect("override template")
        .replace("__MOTO_ENDPOINT__", endpoint)
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

/// Assert that `shellcheck --severity=style` finds nothing in `file` (which holds `script`,
/// shown on failure); `what` names the case in the message.
pub fn assert_shellcheck_clean(shellcheck: &Path, file: &Path, what: &str, script: &str) {
    let out = Command::new(shellcheck)
        .arg("--severity=style")
        .arg(file)
        .output()
        .expect("run shellcheck");
    assert!(
        out.status.success(),
        "shellcheck ({what}):\n{}\n--- script ---\n{script}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The golden-file contract of a stack binary: a clean run exits 0 with nothing on stderr,
/// and its stdout equals the reviewed `golden` file byte for byte. `UPDATE_GOLDEN=1` writes
/// the file instead (then review the diff). Returns the output.
pub fn assert_matches_golden(bin: &Path, golden: &Path) -> String {
    let out = Command::new(bin).output().expect("run the stack binary");
    let name = bin
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A clean run prints nothing on stderr but, when a payload is not built yet, the note
    // naming the command that builds it.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with(&format!("{name}: note: payload `"))
                && l.contains("build it with `")),
        "{name}: diagnostics on a clean run: {stderr}"
    );
    let got = String::from_utf8(out.stdout).expect("UTF-8 JSON");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &got).expect("write the golden file");
    }
    let want = std::fs::read_to_string(golden).expect("golden file (UPDATE_GOLDEN=1 creates it)");
    assert!(
        got == want,
        "{name} output differs from {}; run with UPDATE_GOLDEN=1 and review the diff",
        golden.display()
    );
    got
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_decodes_every_padding_and_refuses_garbage() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("IyEvYmluL2Jhc2gK").unwrap(), b"#!/bin/bash\n");
        assert_eq!(base64_decode("Zm9"), None);
        assert_eq!(base64_decode("Zm9v!A=="), None);
    }
}
