//! The emulated deploy of jobs_stack: its JSON, raw provider resources included, applied
//! by the real `terraform` and AWS provider to moto on 127.0.0.1, then checked through the
//! AWS API: the lab's generic checks (check_deploy.py), and the queue's attributes, the
//! redrive policy to its dead-letter queue (a `json(..)` value), the backlog alarm on it,
//! the instance role's grant scoped to the queue's ARN, the account
//! output (check_jobs_deploy.py). Then destroyed, and nothing is left.

use std::process::{Command, Stdio};
use std::time::Duration;

use infra_tests::{
    free_port, repo_root, require_tool, scratch_dir, wait_for_port, webapp_artifact, Child,
    Terraform,
};

const BIN: &str = env!("CARGO_BIN_EXE_jobs_stack");

#[test]
fn jobs_stack_applies_to_the_emulator_and_destroys_cleanly() {
    let Some(moto) = require_tool("moto_server", "the emulated deploy applies to moto") else {
        return;
    };
    let Some(artifact) = webapp_artifact() else {
        return;
    };
    let python = infra_tests::tools_venv_bin().join("python");
    assert!(
        python.is_file() || !infra_tests::in_ci(),
        "{} is missing: run scripts/setup-tools.sh",
        python.display()
    );
    if !python.is_file() {
        infra_tests::skipped("no tools venv python (boto3)");
        return;
    }

    let dir = scratch_dir("jobs-emulated-deploy");
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let _moto = Child(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("moto.log")).unwrap())
            .spawn()
            .expect("start moto_server"),
    );
    assert!(
        wait_for_port(port, Duration::from_secs(30)),
        "moto_server did not start on {port}"
    );

    let out = Command::new(BIN).output().expect("run jobs_stack");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("main.tf.json"), &out.stdout).unwrap();
    let template = std::fs::read_to_string(repo_root().join("tests/emulator/override.tf.json"))
        .expect("override template");
    std::fs::write(
        dir.join("override.tf.json"),
        template.replace("__MOTO_ENDPOINT__", &endpoint),
    )
    .unwrap();

    let Some(tf) = Terraform::new(&dir) else {
        return;
    };
    let vars = [
        format!("site_artifact={}", artifact.display()),
        "log_policy_settle_seconds=2".to_string(),
    ];
    let with_vars = |cmd: &[&str]| {
        let mut args: Vec<&str> = cmd.to_vec();
        for v in &vars {
            args.extend(["-var", v.as_str()]);
        }
        tf.ok(&args);
    };
    tf.ok(&["init", "-no-color"]);
    with_vars(&["apply", "-auto-approve", "-no-color"]);

    let outputs: serde_json::Value =
        serde_json::from_str(&tf.ok(&["output", "-json", "-no-color"])).unwrap();
    let s = |k: &str| {
        outputs[k]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("output {k}: {outputs}"))
            .to_string()
    };

    let run = |script: &str, args: &[&str]| {
        let out = Command::new(&python)
            .arg(repo_root().join("tests/emulator").join(script))
            .args(["--endpoint", &endpoint])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run {script}: {e}"));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{script} {args:?} failed:\n{text}");
        text
    };
    let stack = stacks::JobsStack::new();
    run(
        "check_deploy.py",
        &[
            "--asg-name",
            &s("asg_name"),
            "--tg-name",
            &s("target_group_name"),
            "--app-port",
            &stack.site.port.to_string(),
            "--listener-port",
            "80",
            "--min",
            "2",
            "--desired",
            "2",
            "--max",
            "4",
            "--wait",
            "60",
        ],
    );
    let report = run(
        "check_jobs_deploy.py",
        &[
            "--queue-url",
            &s("queue_url"),
            "--queue-arn",
            &s("queue_arn"),
            "--dlq-arn",
            &s("dead_letter_queue_arn"),
            "--account",
            &s("account_id"),
        ],
    );
    assert!(report.contains(" 0 failed"), "{report}");

    with_vars(&["destroy", "-auto-approve", "-no-color"]);
    run("check_jobs_deploy.py", &["--expect-empty"]);
    run("check_deploy.py", &["--expect-empty"]);
    let _ = std::fs::remove_dir_all(&dir);
}
