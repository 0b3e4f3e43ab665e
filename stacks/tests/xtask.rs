//! `cargo xtask plan | deploy | destroy` end to end against the emulator, through the same
//! override mechanism as the emulated deploy (`override.tf.json` next to `main.tf.json`,
//! which xtask leaves alone), with terraform offline on the provider mirror.

use std::process::{Command, Output};

use infra_tests::{emulator_override, scratch_dir, webapp_artifact, Moto, Terraform};

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

fn xtask(dir: &std::path::Path, args: &[&str]) -> Output {
    let out = Command::new(XTASK)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", dir.join("offline.tfrc"))
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run xtask");
    eprintln!(
        "xtask {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn xtask_usage_and_unknown_stack() {
    let out = Command::new(XTASK).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("cargo xtask deploy STACK"));
    let out = Command::new(XTASK).args(["plan", "nope"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no stack `nope` (known: hello_stack"));
}

#[test]
fn xtask_plans_deploys_and_destroys_on_the_emulator() {
    let Some(artifact) = webapp_artifact() else {
        return;
    };
    let dir = scratch_dir("xtask-deploy");
    let Some(_tf) = Terraform::new(&dir) else {
        return;
    };
    let Some(moto) = Moto::start(&dir.join("moto.log")) else {
        return;
    };
    std::fs::write(
        dir.join("override.tf.json"),
        emulator_override(&moto.endpoint),
    )
    .unwrap();
    std::env::set_var("WEBAPP_STATIC_BIN", &artifact);
    let d = dir.to_str().unwrap();
    let settle = "log_policy_settle_seconds=2";

    // plan: everything to create, security-relevant changes listed first.
    let out = xtask(
        &dir,
        &["plan", "hello_stack", "--dir", d, "--", "-var", settle],
    );
    assert!(out.status.success());
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(plan.starts_with("Plan for hello_stack: "), "{plan}");
    assert!(plan.contains(" to create, 0 to update, 0 to replace, 0 to destroy"));
    let sec = plan
        .find("Security-relevant changes")
        .expect("security section");
    let by = plan.find("By resource:").expect("per-resource section");
    assert!(sec < by);
    for line in [
        "create   alb_sg (security_group)",
        "aws_vpc_security_group_ingress_rule.alb_sg_ingress_tcp_80_internet",
        "create   web_role (instance_role)",
        "IAM",
        "public exposure (load balancer)",
        "  front (alb): ",
        "  web_asg (autoscaling_group): ",
        "      create   aws_autoscaling_group.web_asg",
    ] {
        assert!(plan.contains(line), "no {line:?} in:\n{plan}");
    }
    assert!(dir.join("main.tf.json").is_file());

    // deploy: terraform init + apply, its progress streaming through.
    let out = xtask(
        &dir,
        &[
            "deploy",
            "hello_stack",
            "--dir",
            d,
            "--",
            "-auto-approve",
            "-var",
            settle,
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Apply complete!"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("xtask: hello_stack deployed"));
    assert!(dir.join("terraform.tfstate").is_file());

    // plan again with SSH opened to one address: a security-relevant create.
    let out = xtask(
        &dir,
        &[
            "plan",
            "hello_stack",
            "--dir",
            d,
            "--",
            "-var",
            settle,
            "-var",
            "admin_cidr=203.0.113.7/32",
        ],
    );
    assert!(out.status.success());
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    let sec = plan
        .find("Security-relevant changes")
        .expect("security section");
    let ssh = plan
        .find("aws_vpc_security_group_ingress_rule.web_sg_ingress_tcp_22_admin_cidr")
        .expect("the SSH rule");
    assert!(sec < ssh, "{plan}");

    // destroy.
    let out = xtask(
        &dir,
        &[
            "destroy",
            "hello_stack",
            "--dir",
            d,
            "--",
            "-auto-approve",
            "-var",
            settle,
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Destroy complete!"));
    let _ = std::fs::remove_dir_all(&dir);
}
