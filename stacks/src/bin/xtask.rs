//! `cargo xtask`: the steps between writing a stack and seeing it serve.
//!
//! ```text
//! cargo xtask check                   the fast compile loop (cargo check, all targets)
//! cargo xtask plan STACK [-- ARGS]    terraform plan, summarised per DSL resource
//! cargo xtask deploy STACK [-- ARGS]  build the payload, synthesise, terraform init + apply
//! cargo xtask destroy STACK [-- ARGS] terraform destroy
//! ```
//!
//! Each stack gets a working directory, `target/deploy/STACK` (`--dir DIR` to choose):
//! `main.tf.json` is rewritten there from the checked model at each step, and anything
//! else in it (state, `override.tf.json`, `terraform.tfvars.json`) is left alone. ARGS
//! after `--` go to terraform (`-auto-approve`, `-var name=value`). Each payload's artifact
//! is built by the command its model names (`cargo webapp-static` for x86_64, `bash
//! scripts/build-payload.sh aarch64` for arm64); `WEBAPP_STATIC_BIN` /
//! `WEBAPP_STATIC_BIN_AARCH64` name artifacts already built.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde_json::Value;

const USAGE: &str = "\
cargo xtask: check, plan, deploy and destroy a stack

USAGE:
    cargo xtask check
    cargo xtask plan STACK [--dir DIR] [-- TERRAFORM ARGS]
    cargo xtask deploy STACK [--dir DIR] [-- TERRAFORM ARGS]
    cargo xtask destroy STACK [--dir DIR] [-- TERRAFORM ARGS]

The working directory defaults to target/deploy/STACK. WEBAPP_STATIC_BIN (x86_64) and
WEBAPP_STATIC_BIN_AARCH64 (arm64) name payload artifacts already built (otherwise the
payload's build command builds them); TERRAFORM the terraform binary.";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("stacks/ sits in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Target {
    name: String,
    dir: PathBuf,
    tf_args: Vec<String>,
}

fn parse_target(args: &[String]) -> Result<Target, String> {
    let (ours, tf_args) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let mut name = None;
    let mut dir = None;
    let mut it = ours.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--dir" => dir = Some(PathBuf::from(it.next().ok_or("`--dir` needs a directory")?)),
            s if s.starts_with('-') => return Err(format!("unexpected option `{s}`\n\n{USAGE}")),
            s if name.is_none() => name = Some(s.to_string()),
            s => return Err(format!("unexpected argument `{s}`")),
        }
    }
    let name = name.ok_or_else(|| format!("which stack? ({})\n\n{USAGE}", stacks::names()))?;
    if stacks::by_name(&name).is_none() {
        return Err(format!("no stack `{name}` (known: {})", stacks::names()));
    }
    let dir = dir.unwrap_or_else(|| root().join("target/deploy").join(&name));
    Ok(Target { name, dir, tf_args })
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some(cmd) = args.first() else {
        return Err(USAGE.to_string());
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let status = Command::new(cargo())
                .args(["check", "--workspace", "--all-targets"])
                .current_dir(root())
                .status()
                .map_err(|e| format!("cargo: {e}"))?;
            Ok(exit(status.success()))
        }
        "deploy" => {
            let t = parse_target(rest)?;
            let artifacts = artifacts(&t, true)?;
            synth(&t)?;
            terraform(&t.dir, &["init", "-input=false"], &[])?;
            let ok = terraform(&t.dir, &["apply"], &with_artifacts(&t, &artifacts))?;
            if ok {
                eprintln!("xtask: {} deployed from {}", t.name, t.dir.display());
            }
            Ok(exit(ok))
        }
        "destroy" => {
            let t = parse_target(rest)?;
            let artifacts = artifacts(&t, false)?;
            synth(&t)?;
            terraform(&t.dir, &["init", "-input=false"], &[])?;
            Ok(exit(terraform(
                &t.dir,
                &["destroy"],
                &with_artifacts(&t, &artifacts),
            )?))
        }
        "plan" => {
            let t = parse_target(rest)?;
            let artifacts = artifacts(&t, false)?;
            synth(&t)?;
            terraform(&t.dir, &["init", "-input=false"], &[])?;
            plan(&t, &artifacts)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn terraform_bin() -> String {
    std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".into())
}

/// Each payload's artifact, as `-var NAME_artifact=PATH` pairs: `WEBAPP_STATIC_BIN` (x86_64)
/// or `WEBAPP_STATIC_BIN_AARCH64` (arm64) when set, else the default path, built by the
/// payload's own build command when `build` (deploy) or when missing.
fn artifacts(t: &Target, build: bool) -> Result<Vec<(String, PathBuf)>, String> {
    let stack = (stacks::by_name(&t.name)
        .expect("checked by parse_target")
        .stack)();
    let mut out = Vec::new();
    for p in &stack.payloads {
        let var = match p.arch {
            infra_core::Arch::X86_64 => "WEBAPP_STATIC_BIN",
            infra_core::Arch::Arm64 => "WEBAPP_STATIC_BIN_AARCH64",
        };
        let cmd = p.build_command();
        if let Some(path) = std::env::var_os(var).map(PathBuf::from) {
            if !path.is_file() {
                return Err(format!(
                    "{var}={} is not a file: build the payload with `{cmd}`",
                    path.display()
                ));
            }
            out.push((p.name.clone(), path));
            continue;
        }
        let path = root().join(&p.artifact);
        if build || !path.is_file() {
            eprintln!("xtask: building payload `{}` ({cmd})", p.name);
            let status = Command::new("sh")
                .args(["-c", &cmd])
                .current_dir(root())
                .status()
                .map_err(|e| format!("{cmd}: {e}"))?;
            if !status.success() {
                return Err(format!("`{cmd}` failed: the payload artifact is not built"));
            }
        }
        if !path.is_file() {
            return Err(format!(
                "no payload artifact at {}: build it with `{cmd}`",
                path.display()
            ));
        }
        out.push((p.name.clone(), path));
    }
    Ok(out)
}

fn with_artifacts(t: &Target, artifacts: &[(String, PathBuf)]) -> Vec<String> {
    let mut out: Vec<String> = artifacts
        .iter()
        .flat_map(|(name, path)| {
            [
                "-var".to_string(),
                format!("{name}_artifact={}", path.display()),
            ]
        })
        .collect();
    out.extend(t.tf_args.iter().cloned());
    out
}

/// Write `DIR/main.tf.json` from the checked model (nothing when the checks fail).
fn synth(t: &Target) -> Result<(), String> {
    let bin = stacks::by_name(&t.name).expect("checked by parse_target");
    let json =
        (bin.json)().map_err(|v| format!("{} fails its checks; nothing written\n{v}", t.name))?;
    std::fs::create_dir_all(&t.dir).map_err(|e| format!("{}: {e}", t.dir.display()))?;
    let tmp = t.dir.join(".main.tf.json.tmp");
    std::fs::write(&tmp, json)
        .and_then(|_| std::fs::rename(&tmp, t.dir.join("main.tf.json")))
        .map_err(|e| format!("writing {}/main.tf.json: {e}", t.dir.display()))?;
    eprintln!("xtask: synthesised {} into {}", t.name, t.dir.display());
    Ok(())
}

/// `-no-color` when `NO_COLOR` is set (https://no-color.org).
fn color_args() -> Vec<String> {
    match std::env::var_os("NO_COLOR") {
        Some(v) if !v.is_empty() => vec!["-no-color".into()],
        _ => Vec::new(),
    }
}

/// Run terraform in `dir` with its output streaming through (`init`'s to stderr, so that
/// stdout carries only what the step is for).
fn terraform(dir: &Path, args: &[&str], extra: &[String]) -> Result<bool, String> {
    let mut cmd = Command::new(terraform_bin());
    cmd.args(args)
        .args(color_args())
        .args(extra)
        .current_dir(dir);
    if args.first() == Some(&"init") {
        cmd.stdout(std::io::stderr());
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not run terraform ({e}): install Terraform 1.x"))?;
    Ok(status.success())
}

/// One planned change, read from `terraform plan -json`'s `planned_change` messages.
#[derive(Debug, Clone)]
struct Change {
    address: String,
    tf_type: String,
    tf_name: String,
    action: String,
}

fn plan(t: &Target, artifacts: &[(String, PathBuf)]) -> Result<ExitCode, String> {
    let out = Command::new(terraform_bin())
        .args(["plan", "-json", "-input=false", "-out=tfplan"])
        .args(with_artifacts(t, artifacts))
        .current_dir(&t.dir)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run terraform ({e})"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match v["type"].as_str() {
            Some("planned_change") => {
                let c = &v["change"];
                let r = &c["resource"];
                changes.push(Change {
                    address: r["addr"].as_str().unwrap_or_default().to_string(),
                    tf_type: r["resource_type"].as_str().unwrap_or_default().to_string(),
                    tf_name: r["resource_name"].as_str().unwrap_or_default().to_string(),
                    action: c["action"].as_str().unwrap_or_default().to_string(),
                });
            }
            Some("diagnostic") if v["diagnostic"]["severity"] == "error" => {
                let d = &v["diagnostic"];
                errors.push(format!(
                    "{}: {}",
                    d["summary"].as_str().unwrap_or_default(),
                    d["detail"].as_str().unwrap_or_default()
                ));
            }
            _ => {}
        }
    }
    for e in &errors {
        eprintln!("terraform: {e}");
    }
    if !out.status.success() {
        return Ok(ExitCode::FAILURE);
    }
    let stack = (stacks::by_name(&t.name)
        .expect("checked by parse_target")
        .stack)();
    print!("{}", summary(&t.name, &stack, &changes));
    Ok(ExitCode::SUCCESS)
}

/// The DSL resource a Terraform resource belongs to: the longest declared name that its
/// Terraform name is, or starts with followed by `_`.
fn owner<'a>(
    names: &'a [(String, &'static str)],
    tf_name: &str,
) -> Option<&'a (String, &'static str)> {
    names
        .iter()
        .filter(|(n, _)| tf_name == n || tf_name.starts_with(&format!("{n}_")))
        .max_by_key(|(n, _)| n.len())
}

/// Why a change matters to security, `None` when it does not.
fn security_reason(c: &Change) -> Option<&'static str> {
    let t = c.tf_type.as_str();
    if t.starts_with("aws_vpc_security_group_")
        || t == "aws_security_group"
        || t == "aws_default_security_group"
    {
        Some("security group rule")
    } else if t.starts_with("aws_iam_") {
        Some("IAM")
    } else if t == "aws_lb" || t == "aws_lb_listener" {
        Some("public exposure (load balancer)")
    } else if t == "aws_s3_bucket_policy" || t == "aws_s3_bucket_public_access_block" {
        Some("public exposure (bucket access)")
    } else if t == "aws_route" || t == "aws_subnet" || t == "aws_internet_gateway" {
        Some("public exposure (network)")
    } else if t == "aws_key_pair" {
        Some("SSH access")
    } else {
        None
    }
}

fn verb(action: &str) -> &str {
    match action {
        "create" => "create",
        "update" => "update",
        "replace" => "REPLACE",
        "delete" => "destroy",
        "read" => "read",
        "noop" => "no-op",
        a => a,
    }
}

fn summary(name: &str, stack: &infra_core::Stack, changes: &[Change]) -> String {
    use std::fmt::Write;
    let names: Vec<(String, &'static str)> = stack
        .names()
        .into_iter()
        .map(|(n, k)| (n.to_string(), k.keyword()))
        .chain(stack.outputs.iter().map(|o| (o.name.clone(), "output")))
        .collect();
    let count = |a: &str| changes.iter().filter(|c| c.action == a).count();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Plan for {name}: {} to create, {} to update, {} to replace, {} to destroy",
        count("create"),
        count("update"),
        count("replace"),
        count("delete")
    );
    let label = |c: &Change| match owner(&names, &c.tf_name) {
        Some((n, k)) => format!("{n} ({k})"),
        None => "(stack-wide)".to_string(),
    };
    let security: Vec<&Change> = changes
        .iter()
        .filter(|c| security_reason(c).is_some())
        .collect();
    if !security.is_empty() {
        let _ = writeln!(
            s,
            "\nSecurity-relevant changes (security group rules, IAM, public exposure):"
        );
        for c in &security {
            let _ = writeln!(
                s,
                "  {:<8} {:<28} {:<32} {}",
                verb(&c.action),
                label(c),
                security_reason(c).unwrap_or_default(),
                c.address
            );
        }
    }
    let mut replaced: Vec<&Change> = changes.iter().filter(|c| c.action == "replace").collect();
    replaced.sort_by_key(|c| c.address.clone());
    if !replaced.is_empty() {
        let _ = writeln!(s, "\nReplacements (destroyed and created again):");
        for c in replaced {
            let _ = writeln!(s, "  REPLACE  {:<28} {}", label(c), c.address);
        }
    }
    let mut by: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in changes {
        by.entry(label(c)).or_default().push(c);
    }
    for cs in by.values_mut() {
        cs.sort_by_key(|c| c.address.clone());
    }
    let _ = writeln!(s, "\nBy resource:");
    if changes.is_empty() {
        let _ = writeln!(s, "  no changes");
    }
    for (who, cs) in &by {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for c in cs {
            *counts.entry(verb(&c.action)).or_default() += 1;
        }
        let counts: Vec<String> = counts.iter().map(|(a, n)| format!("{n} {a}")).collect();
        let _ = writeln!(s, "  {who}: {}", counts.join(", "));
        for c in cs {
            let _ = writeln!(s, "      {:<8} {}", verb(&c.action), c.address);
        }
    }
    s
}
