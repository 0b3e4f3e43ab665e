//! The stack binaries' command line: `--out DIR` writes only a checked stack, and the
//! missing payload artifact is named at synth with the command that builds it.

use std::process::{Command, ExitCode};

use infra_tests::scratch_dir;
use stacks::cli::{parse, run_with, Action, GraphFormat};

const BIN: &str = env!("CARGO_BIN_EXE_hello_stack");

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn arguments_parse() {
    assert_eq!(parse(&[]), Ok(Action::Print));
    assert_eq!(parse(&args(&["--version"])), Ok(Action::Version));
    assert_eq!(parse(&args(&["--out", "d"])), Ok(Action::Out("d".into())));
    assert_eq!(
        parse(&args(&["--graph", "mermaid"])),
        Ok(Action::Graph(GraphFormat::Mermaid))
    );
    assert!(parse(&args(&["--out"])).is_err());
    assert!(parse(&args(&["--graph", "png"])).is_err());
    assert!(parse(&args(&["--version", "x"])).is_err());
}

#[test]
fn out_writes_main_tf_json_equal_to_stdout() {
    let dir = scratch_dir("cli-out");
    let target = dir.join("deploy");
    let out = Command::new(BIN)
        .arg("--out")
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read(target.join("main.tf.json")).unwrap();
    let printed = Command::new(BIN).output().unwrap().stdout;
    assert_eq!(written, printed);
    // The default artifact path does not exist seen from DIR: the note says how to build it.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no artifact at target/x86_64-unknown-linux-gnu/release/webapp")
            && err.contains("`cargo webapp-static`")
            && err.contains("-var site_artifact=PATH"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stack that fails its checks leaves no file behind (not even an empty one).
#[test]
fn out_writes_nothing_when_the_checks_fail() {
    let dir = scratch_dir("cli-out-fail");
    let target = dir.join("deploy");
    let mut stack = stacks::HelloStack::new().stack();
    stack.autoscaling_groups[0].desired = 9.into();
    let failing = stack.clone();
    let code = run_with(
        "hello_stack",
        "",
        &stack,
        &args(&["--out", target.to_str().unwrap()]),
        || infra_core::to_json_string(&failing),
    );
    assert_eq!(code, ExitCode::FAILURE);
    assert!(!target.join("main.tf.json").exists());
    assert!(!target.exists() || std::fs::read_dir(&target).unwrap().next().is_none());
    let _ = std::fs::remove_dir_all(&dir);
}
