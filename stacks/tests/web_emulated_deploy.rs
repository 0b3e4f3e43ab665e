//! The emulated deploy of web_stack: its JSON applied by the real `terraform` and AWS
//! provider to moto on 127.0.0.1 (ACM issues DNS-validated certificates after
//! MOTO_ACM_VALIDATION_WAIT seconds; Route 53, VPC endpoints and ELBv2 are emulated), the
//! hosted zone created first (the stack looks it up by name), then checked through the AWS
//! API: the 443 listener forwards with the certificate attached, 80 redirects, the
//! instances are in the private subnets without public IPs, the S3 endpoint is on their
//! route tables, the alias record exists. Then destroyed, and nothing is left.

use std::path::Path;

use infra_tests::{webapp_artifact_aarch64, EmulatedDeploy};

const BIN: &str = env!("CARGO_BIN_EXE_web_stack");

#[test]
fn web_stack_applies_to_the_emulator_and_destroys_cleanly() {
    let Some(artifact) = webapp_artifact_aarch64() else {
        return;
    };
    let moto_env = [("MOTO_ACM_VALIDATION_WAIT", "1")];
    let Some(e) = EmulatedDeploy::prepare("web-emulated-deploy", Path::new(BIN), &moto_env) else {
        return;
    };
    let tf = &e.tf;
    let check = |args: &[&str]| e.check("check_web_deploy.py", args);
    let stack = stacks::WebStack::new();
    let zone = "example.com";
    let domain = "app.example.com";
    // The zone first: the stack looks it up by name at plan time.
    check(&["--create-zone", zone]);

    let vars = [
        format!("site_artifact={}", artifact.display()),
        "log_policy_settle_seconds=2".to_string(),
        format!("domain_name={domain}"),
        format!("zone_name={zone}"),
    ];
    tf.ok(&["init", "-no-color"]);
    tf.ok_with_vars(&["apply", "-auto-approve", "-no-color"], &vars);

    let outputs = tf.string_outputs();
    let s = |k: &str| outputs.get(k).to_string();
    let (asg_name, tg_name, alb_dns, url) = (
        s("asg_name"),
        s("target_group_name"),
        s("alb_dns"),
        s("url"),
    );
    assert_eq!(url, format!("https://{domain}/"));

    // The lab's generic checks, with the HTTPS listener.
    let report = e.check(
        "check_deploy.py",
        &[
            "--asg-name",
            &asg_name,
            "--tg-name",
            &tg_name,
            "--app-port",
            &stack.site.port.to_string(),
            "--listener-port",
            "443",
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
    assert!(report.contains(" 0 failed"), "{report}");

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

    tf.ok_with_vars(&["destroy", "-auto-approve", "-no-color"], &vars);
    check(&["--zone", zone, "--expect-empty"]);
    e.check("check_deploy.py", &["--expect-empty"]);
    let _ = std::fs::remove_dir_all(&e.dir);
}
