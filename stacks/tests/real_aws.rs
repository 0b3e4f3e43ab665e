//! What the emulator hides: the emitted JSON is right for real AWS in every Region.
//! One test per fix (the golden file pins the whole output; these pin the shape that
//! matters and say why), then plans against moto that exercise the plan-time checks.

use std::process::Command;

use infra_core::{Ami, Image, Stack, VarType, Variable};
use infra_tests::{emulator_override, scratch_dir, Moto, Terraform};
use serde_json::Value;

fn lab() -> Stack {
    stacks::HelloStack::new().stack()
}

fn json(stack: &Stack) -> Value {
    infra_core::to_terraform(stack).expect("the stack passes its checks")
}

/// Item 1: no `aws_elb_service_account` (unsupported in Regions opened since 2022); the
/// service principal in every Region, the legacy account from a map with a fallback.
#[test]
fn alb_log_policy_works_in_every_region() {
    let v = json(&lab());
    assert!(v["data"]["aws_elb_service_account"].is_null());
    let st = &v["data"]["aws_iam_policy_document"]["logs"]["statement"];
    let alb = st
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sid"] == "AlbAccessLogs")
        .unwrap();
    assert_eq!(alb["principals"][0]["type"], "Service");
    assert_eq!(
        alb["principals"][0]["identifiers"][0],
        "logdelivery.elasticloadbalancing.amazonaws.com"
    );
    let legacy = alb["principals"][1]["identifiers"][0].as_str().unwrap();
    assert!(legacy.contains("lookup(local.elb_legacy_log_accounts, data.aws_region.current.name, data.aws_caller_identity.current.account_id)"));
    let map = &v["locals"]["elb_legacy_log_accounts"];
    assert_eq!(map["us-east-1"], "127311923021");
    for new_region in [
        "il-central-1",
        "eu-central-2",
        "ap-south-2",
        "me-central-1",
        "ca-west-1",
        "mx-central-1",
        "ap-east-2",
    ] {
        assert!(map[new_region].is_null(), "{new_region} has no ELB account");
    }
}

/// Item 2: Local Zones and Wavelength Zones are opt-in: never a subnet there.
#[test]
fn availability_zones_are_standard_zones_only() {
    let v = json(&lab());
    let azs = &v["data"]["aws_availability_zones"]["available"];
    assert_eq!(azs["filter"][0]["name"], "opt-in-status");
    assert_eq!(azs["filter"][0]["values"][0], "opt-in-not-required");
}

/// Item 3: the subnets' AZs are those offering the launch template's type, and the plan
/// fails with a message naming the type, the Region and an alternative.
#[test]
fn subnets_land_where_the_instance_type_is_offered() {
    let v = json(&lab());
    let o = &v["data"]["aws_ec2_instance_type_offerings"]["main"];
    assert_eq!(o["location_type"], "availability-zone");
    assert_eq!(o["filter"][0]["values"][0], "t2.micro");
    let pc = &o["lifecycle"]["postcondition"][0];
    assert!(pc["condition"].as_str().unwrap().contains(">= 2"));
    let msg = pc["error_message"].as_str().unwrap();
    assert!(
        msg.contains("t2.micro")
            && msg.contains("${data.aws_region.current.name}")
            && msg.contains("e.g. ${try(")
    );
    assert!(v["locals"]["main_azs"]
        .as_str()
        .unwrap()
        .contains("data.aws_ec2_instance_type_offerings.main.locations"));
    for i in 0..2 {
        assert_eq!(
            v["resource"]["aws_subnet"][format!("main_public_{i}")]["availability_zone"],
            format!("${{element(local.main_azs, {i})}}")
        );
    }
    assert_eq!(
        v["resource"]["aws_launch_template"]["web"]["instance_type"],
        "t2.micro"
    );
}

/// Item 4: a scaling policy owns the desired capacity.
#[test]
fn desired_capacity_is_left_to_the_scaling_policy() {
    let v = json(&lab());
    let asg = &v["resource"]["aws_autoscaling_group"]["web_asg"];
    assert_eq!(asg["lifecycle"]["ignore_changes"][0], "desired_capacity");
    let mut s = lab();
    s.autoscaling_groups[0].scale = None;
    let v = infra_core::to_terraform_unchecked(&s);
    assert!(v["resource"]["aws_autoscaling_group"]["web_asg"]["lifecycle"].is_null());
}

/// Item 5: both images boot without a package upgrade (a cloud-config part in a MIME
/// multipart), and the grace period follows the image.
#[test]
fn user_data_turns_the_boot_upgrade_off_and_grace_fits_the_image() {
    for (image, grace) in [(Image::AmazonLinux2023, 120), (Image::AmazonLinux2, 300)] {
        let mut s = lab();
        s.launch_templates[0].image = image;
        let v = json(&s);
        let ud = v["locals"]["web_user_data"].as_str().unwrap();
        assert!(
            ud.starts_with("Content-Type: multipart/mixed; boundary="),
            "{image:?}"
        );
        assert!(ud.contains("Content-Type: text/cloud-config"));
        assert!(ud.contains("\nrepo_upgrade: none\n") && ud.contains("\npackage_upgrade: false\n"));
        assert!(ud.contains("Content-Type: text/x-shellscript") && ud.contains("#!/bin/bash\n"));
        assert!(ud.ends_with("--==infra-user-data==--\n"));
        let asg = &v["resource"]["aws_autoscaling_group"]["web_asg"];
        assert_eq!(asg["health_check_grace_period"], grace, "{image:?}");
        assert_eq!(
            asg["instance_refresh"]["preferences"]["instance_warmup"],
            grace.to_string()
        );
    }
}

/// Item 6: the ALB waits for the bucket policy to take effect, not only to be written.
#[test]
fn alb_waits_for_the_log_bucket_policy() {
    let v = json(&lab());
    let wait = &v["resource"]["terraform_data"]["logs_policy_settled"];
    assert_eq!(
        wait["triggers_replace"],
        "${aws_s3_bucket_policy.logs.policy}"
    );
    assert_eq!(
        wait["provisioner"][0]["local-exec"]["command"],
        "sleep ${var.log_policy_settle_seconds}"
    );
    assert_eq!(v["variable"]["log_policy_settle_seconds"]["default"], 60);
    let deps = &v["resource"]["aws_lb"]["front"]["depends_on"];
    assert!(deps
        .as_array()
        .unwrap()
        .contains(&"terraform_data.logs_policy_settled".into()));
}

/// Item 7: `ami: latest` (the lab) reads the SSM parameter; `ami: var(x)` pins it.
#[test]
fn image_is_latest_or_pinned_through_a_variable() {
    let v = json(&lab());
    assert_eq!(
        v["resource"]["aws_launch_template"]["web"]["image_id"],
        "${data.aws_ssm_parameter.web_ami.insecure_value}"
    );
    let mut s = lab();
    s.variables.push(Variable {
        name: "web_ami".into(),
        doc: None,
        ty: VarType::AmiId,
        default: None,
    });
    s.launch_templates[0].ami = Ami::Variable("web_ami".into());
    let v = json(&s);
    assert_eq!(
        v["resource"]["aws_launch_template"]["web"]["image_id"],
        "${var.web_ami != null ? var.web_ami : data.aws_ssm_parameter.web_ami.insecure_value}"
    );
    assert!(v["variable"]["web_ami"]["validation"][0]["condition"]
        .as_str()
        .unwrap()
        .contains("^ami-"));
    infra_tests::validate_offline("real-aws-pinned-ami", v.to_string().as_bytes());
}

/// Item 8: only RSA and ED25519 keys, in the variable's validation and the literal check.
#[test]
fn ssh_keys_are_rsa_or_ed25519_only() {
    use infra_core::kinds::variable::is_public_key;
    assert!(is_public_key(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq me@host"
    ));
    assert!(is_public_key("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ=="));
    assert!(!is_public_key(
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY="
    ));
    assert!(!is_public_key("ssh-dss AAAAB3NzaC1kc3MAAACBAP"));
    let v = json(&lab());
    let cond = v["variable"]["ssh_public_key"]["validation"][0]["condition"]
        .as_str()
        .unwrap();
    assert!(cond.contains("^(ssh-rsa|ssh-ed25519) AAAA") && !cond.contains("ecdsa"));
    let mut s = lab();
    s.key_pairs[0].public_key =
        infra_core::PublicKey::Literal("ecdsa-sha2-nistp256 AAAAE2Vj".into());
    let err = infra_core::to_terraform(&s).unwrap_err().to_string();
    assert!(err.contains("[ssh-key-type]"), "{err}");
}

/// Item 9: the stack's tags reach instances, volumes and interfaces through the launch
/// template; the ASG no longer propagates a second Name.
#[test]
fn tags_reach_what_the_group_launches_with_one_name() {
    let v = json(&lab());
    assert_eq!(
        v["provider"]["aws"]["default_tags"]["tags"],
        "${local.stack_tags}"
    );
    assert_eq!(v["locals"]["stack_tags"]["Project"], "tp2-alb-asg");
    let specs = v["resource"]["aws_launch_template"]["web"]["tag_specifications"]
        .as_array()
        .unwrap();
    let types: Vec<&str> = specs
        .iter()
        .map(|s| s["resource_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["instance", "volume", "network-interface"]);
    for s in specs {
        assert_eq!(
            s["tags"],
            "${merge(local.stack_tags, { Name = \"hello-stack-web\" })}"
        );
    }
    for t in v["resource"]["aws_autoscaling_group"]["web_asg"]["tag"]
        .as_array()
        .unwrap()
    {
        assert_eq!(t["propagate_at_launch"], false, "{t}");
    }
}

/// Item 10: the cost drivers are in --help, and one word turns each optional one off.
#[test]
fn cost_drivers_are_shown_and_can_be_turned_off() {
    let out = Command::new(env!("CARGO_BIN_EXE_hello_stack"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for want in [
        "MONTHLY COST DRIVERS",
        "public IPv4",
        "$7.30-14.60/month",
        "detailed monitoring",
        "`monitoring: basic`",
        "flow logs",
        "`flow_logs: false`",
        "load balancer $16.43/month",
    ] {
        assert!(help.contains(want), "--help lacks {want:?}:\n{help}");
    }
    let mut s = lab();
    s.launch_templates[0].detailed_monitoring = false;
    s.vpcs[0].flow_logs = false;
    let v = json(&s);
    assert_eq!(
        v["resource"]["aws_launch_template"]["web"]["monitoring"]["enabled"],
        false
    );
    assert!(v["resource"]["aws_flow_log"].is_null());
    let lines = infra_core::cost::drivers(&s).join("\n");
    assert!(!lines.contains("detailed monitoring") && !lines.contains("flow logs"));
}

/// The plan-time facts, against moto: the stack plans in a Region missing from the
/// provider's ELB account map (with a type offered there), and the offerings
/// postcondition refuses t2.micro where moto's offerings lack it. ECDSA keys are refused
/// by the variable's validation.
#[test]
fn plans_against_the_emulator_in_new_regions() {
    let dir = scratch_dir("real-aws-plans");
    let Some(moto) = Moto::start(&dir.join("moto.log")) else {
        return;
    };
    // The emulator override, with the provider Region following `aws_region`.
    let over = emulator_override(&moto.endpoint).replace(
        "\"region\": \"us-east-1\"",
        "\"region\": \"${var.aws_region}\"",
    );
    let artifact = dir.join("artifact");
    std::fs::write(&artifact, b"x").unwrap();
    let var = format!("site_artifact={}", artifact.display());
    let plan = |name: &str, stack: &Stack, region: &str, extra: &[&str]| {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("main.tf.json"), json(stack).to_string()).unwrap();
        std::fs::write(d.join("override.tf.json"), &over).unwrap();
        let tf = Terraform::new(&d)?;
        tf.ok(&["init", "-no-color"]);
        let region = format!("aws_region={region}");
        let mut args = vec!["plan", "-no-color", "-var", &var, "-var", &region];
        args.extend_from_slice(extra);
        let out = tf.run(&args);
        Some((
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ))
    };
    let mut t3 = lab();
    t3.launch_templates[0].instance_type = "t3.micro".into();
    let Some((ok, text)) = plan("il-t3", &t3, "il-central-1", &[]) else {
        return;
    };
    assert!(ok, "t3.micro in il-central-1 should plan:\n{text}");
    assert!(text.contains("il-central-1"), "{text}");
    let (ok, text) = plan("il-t2", &lab(), "il-central-1", &[]).unwrap();
    assert!(!ok, "t2.micro in il-central-1 should be refused:\n{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Instance type t2.micro is offered in fewer than two standard Availability Zones of il-central-1")
            && flat.contains("Choose a type offered there, e.g. t3.micro"),
        "{text}"
    );
    let (ok, text) = plan("us-t2", &lab(), "us-east-1", &[]).unwrap();
    assert!(ok, "the lab plans in us-east-1:\n{text}");
    let (ok, text) = plan(
        "ecdsa",
        &lab(),
        "us-east-1",
        &[
            "-var",
            "ssh_public_key=ecdsa-sha2-nistp256 AAAAE2VjZHNh me@host",
        ],
    )
    .unwrap();
    assert!(
        !ok && text.contains("EC2 does not import ECDSA or DSS keys"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
