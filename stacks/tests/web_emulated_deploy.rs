//! The emulated deploy of web_stack: its JSON applied by the real `terraform` and AWS
//! provider to moto on 127.0.0.1 (ACM issues DNS-validated certificates after
//! MOTO_ACM_VALIDATION_WAIT seconds; Route 53, VPC endpoints and ELBv2 are emulated), the
//! hosted zone created first (the stack looks it up by name), then checked through the AWS
//! API: the 443 listener forwards with the certificate attached, 80 redirects, the
//! instances are in the private subnets without public IPs, the S3 endpoint is on their
//! route tables, the alias record exists. Then destroyed, and nothing is left.

use std::process::{Command, Stdio};
use std::time::Duration;

use infra_tests::{
    free_port, repo_root, require_tool, scratch_dir, wait_for_port, webapp_artifact_aarch64, Child,
    Terraform,
};

const BIN: &str = env!("CARGO_BIN_EXE_web_stack");

#[test]
fn web_stack_applies_to_the_emulator_and_destroys_cleanly() {
    let Some(moto) = require_tool("moto_server", "the emulated deploy applies to moto") else {
        return;
    };
    let Some(artifact) = webapp_artifact_aarch64() else {
        return;
    };
    let python = infra_tests::tools_venv_bin().join("python");
    assert!(
        python.is_file() || !infra_tests::in_ci(),
        "{} is missing: run scripts/setup-tools.sh",
        python.display()
    );
    if !python.is_file() {
        eprintln!("SKIPPED: no tools venv python (boto3)");
        return;
    }

    let dir = scratch_dir("web-emulated-deploy");
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let _moto = Child(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_ACM_VALIDATION_WAIT", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("moto.log")).unwrap())
            .spawn()
            .expect("start moto_server"),
    );
    assert!(
        wait_for_port(port, Duration::from_secs(30)),
        "moto_server did not start on {port}"
    );

    let script = repo_root().join("tests/emulator/check_web_deploy.py");
    let check = |args: &[&str]| {
        let out = Command::new(&python)
            .arg(&script)
            .args(["--endpoint", &endpoint])
            .args(args)
            .output()
            .expect("run check_web_deploy.py");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "check_web_deploy.py {args:?} failed:\n{text}"
        );
        text
    };
    let stack = stacks::WebStack::new();
    let zone = "example.com";
    let domain = "app.example.com";
    check(&["--create-zone", zone]);

    let out = Command::new(BIN).output().expect("run web_stack");
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
        format!("domain_name={domain}"),
        format!("zone_name={zone}"),
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
    let (asg_name, tg_name, alb_dns, url) = (
        s("asg_name"),
        s("target_group_name"),
        s("alb_dns"),
        s("url"),
    );
    assert_eq!(url, format!("https://{domain}/"));

    // The lab's generic checks, with the HTTPS listener.
    let out = Command::new(&python)
        .arg(repo_root().join("tests/emulator/check_deploy.py"))
        .args(["--endpoint", &endpoint])
        .args(["--asg-name", &asg_name, "--tg-name", &tg_name])
        .args([
            "--app-port",
            &stack.site.port.to_string(),
            "--listener-port",
            "443",
        ])
        .args(["--min", "2", "--desired", "2", "--max", "4", "--wait", "60"])
        .output()
        .expect("run check_deploy.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "check_deploy.py failed:\n{text}");

    let report = check(&[
        "--zone",
        zone,
        "--domain",
        domain,
        "--alb-dns",
        &alb_dns,
        "--asg-name",
        &asg_name,
        "--tg-name",
        &tg_name,
        "--wait",
        "30",
    ]);
    assert!(report.contains(" 0 failed"), "{report}");

    with_vars(&["destroy", "-auto-approve", "-no-color"]);
    check(&["--zone", zone, "--expect-empty"]);
    let out = Command::new(&python)
        .arg(repo_root().join("tests/emulator/check_deploy.py"))
        .args(["--endpoint", &endpoint, "--expect-empty"])
        .output()
        .expect("run check_deploy.py");
    assert!(
        out.status.success(),
        "after destroy:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
