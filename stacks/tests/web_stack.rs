//! web_stack as a user runs it: the golden output, determinism, the process contract, what
//! the output holds (HTTPS with the validated certificate, 80 -> 301, private instance
//! subnets with the S3 endpoint, the alias record), `terraform validate` offline, and
//! shellcheck on its user data for both architectures.

use std::path::{Path, PathBuf};
use std::process::Command;

use infra_tests::{assert_matches_golden, scratch_dir, VariablePlan};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_web_stack");

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/web_stack.tf.json")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run web_stack")
}

fn output() -> Value {
    serde_json::from_slice(&run(&[]).stdout).expect("JSON")
}

/// Refresh with `UPDATE_GOLDEN=1 cargo test -p stacks --test web_stack` and review the diff.
#[test]
fn output_matches_the_reviewed_golden_file() {
    assert_matches_golden(Path::new(BIN), &golden_path());
}

#[test]
fn output_is_deterministic_across_processes() {
    let a = run(&[]).stdout;
    let b = run(&[]).stdout;
    assert!(!a.is_empty());
    assert_eq!(a, b);
    let c = stacks::WebStack::new().to_json_string().unwrap();
    assert_eq!(a, c.into_bytes());
}

#[test]
fn https_forwards_with_the_validated_certificate_and_http_redirects() {
    let v = output();
    let l = &v["resource"]["aws_lb_listener"];
    let https = &l["front_443"];
    assert_eq!(https["protocol"], "HTTPS");
    assert_eq!(https["ssl_policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert_eq!(
        https["certificate_arn"],
        "${aws_acm_certificate_validation.site_cert.certificate_arn}"
    );
    assert_eq!(https["default_action"][0]["type"], "forward");
    let http = &l["front_80"];
    assert_eq!(http["protocol"], "HTTP");
    assert_eq!(http["default_action"][0]["type"], "redirect");
    assert_eq!(http["default_action"][0]["redirect"]["port"], "443");
    assert_eq!(http["default_action"][0]["redirect"]["protocol"], "HTTPS");
    assert_eq!(
        http["default_action"][0]["redirect"]["status_code"],
        "HTTP_301"
    );
    let cert = &v["resource"]["aws_acm_certificate"]["site_cert"];
    assert_eq!(cert["validation_method"], "DNS");
    assert_eq!(cert["domain_name"], "${var.domain_name}");
    assert!(v["data"]["aws_route53_zone"]["site_cert"].is_object());
    assert!(v["resource"]["aws_route53_record"]["site_cert_validation"].is_object());
    let alias = &v["resource"]["aws_route53_record"]["site_dns"];
    assert_eq!(alias["type"], "A");
    assert_eq!(alias["alias"]["name"], "${aws_lb.front.dns_name}");
    assert_eq!(
        v["output"]["url"]["value"],
        "https://${aws_route53_record.site_dns.fqdn}/"
    );
}

#[test]
fn instances_are_private_arm64_and_reach_s3_through_the_endpoint() {
    let v = output();
    let r = &v["resource"];
    let asg = &r["aws_autoscaling_group"]["web_asg"];
    assert_eq!(
        asg["vpc_zone_identifier"],
        serde_json::json!([
            "${aws_subnet.main_private_0.id}",
            "${aws_subnet.main_private_1.id}"
        ])
    );
    for i in 0..2 {
        assert_eq!(
            r["aws_subnet"][format!("main_private_{i}")]["map_public_ip_on_launch"],
            false
        );
        assert_eq!(
            r["aws_subnet"][format!("main_public_{i}")]["map_public_ip_on_launch"],
            false
        );
    }
    let ep = &r["aws_vpc_endpoint"]["main_s3"];
    assert_eq!(ep["vpc_endpoint_type"], "Gateway");
    assert_eq!(
        ep["route_table_ids"],
        serde_json::json!([
            "${aws_route_table.main_private_0.id}",
            "${aws_route_table.main_private_1.id}"
        ])
    );
    assert!(r["aws_nat_gateway"].is_null(), "nat: none declares no NAT");
    // No private route table has a route to the internet gateway.
    for (name, route) in r["aws_route"].as_object().unwrap() {
        assert!(
            !route["route_table_id"]
                .as_str()
                .unwrap()
                .contains("private"),
            "{name}"
        );
    }
    assert_eq!(
        r["aws_lb"]["front"]["subnets"],
        serde_json::json!([
            "${aws_subnet.main_public_0.id}",
            "${aws_subnet.main_public_1.id}"
        ])
    );
    assert_eq!(
        v["data"]["aws_ssm_parameter"]["web_ami"]["name"],
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    );
    // The instance type is a knob: a variable, Graviton by default and by validation.
    assert_eq!(
        r["aws_launch_template"]["web"]["instance_type"],
        "${var.instance_type}"
    );
    assert_eq!(v["variable"]["instance_type"]["default"], "t4g.micro");
    assert_eq!(
        v["variable"]["site_artifact"]["default"],
        "target/aarch64-unknown-linux-gnu/release/webapp"
    );
}

#[test]
fn help_goes_to_stdout_and_bad_arguments_fail() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("main.tf.json") && help.contains("t4g.micro"),
        "{help}"
    );
    let out = run(&["--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn terraform_validates_the_output_offline() {
    infra_tests::validate_offline("web-stack-validate", &run(&[]).stdout);
}

/// The boot script passes shellcheck on the arm64 image the stack runs and on the x86_64
/// one (the same payload, either architecture).
#[test]
fn user_data_is_shellcheck_clean_on_both_architectures() {
    let Some(shellcheck) = infra_tests::require_tool("shellcheck", "lints the user data") else {
        return;
    };
    let web = stacks::WebStack::new();
    let stack = web.stack();
    for image in [
        infra_core::Image::AmazonLinux2023Arm64,
        infra_core::Image::AmazonLinux2023,
    ] {
        let mut lt = web.web.clone();
        lt.image = image;
        let ud = lt
            .user_data(stack.world())
            .expect("the stack runs a payload");
        let script = ud.render_with(|expr| match expr {
            e if e.ends_with(".bucket") => "web-stack-site-artifact-2026".into(),
            e if e.ends_with(".key") => "webapp/0123abcd".into(),
            _ => "us-east-1".into(),
        });
        let dir = scratch_dir(&format!("web-shellcheck-{image:?}"));
        let file = dir.join("user-data.sh");
        std::fs::write(&file, &script).unwrap();
        let out = Command::new(&shellcheck)
            .arg("--severity=style")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "shellcheck ({image:?}):\n{}\n--- script ---\n{script}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The knobs (instance type, sizes, CPU target) are variables whose validation blocks
/// mirror the compile-time checks: `terraform plan` refuses a bad value before touching
/// anything, naming the rule, and takes the defaults and good values. (The variables alone
/// are planned, as the hello_stack test does; `web_emulated_deploy` applies the defaults.)
#[test]
fn terraform_refuses_bad_knob_values_naming_the_rule() {
    let Some(vp) = VariablePlan::new("web-knob-validation", &output()) else {
        return;
    };
    vp.assert_validations(
        &[
            &[],
            &["desired=4"],
            &["desired=3", "max_size=6", "min_size=1"],
            &["instance_type=m7g.large", "cpu_target=70"],
            &["instance_type=c7gn.2xlarge"],
        ],
        &[
            (
                &["desired=9"],
                "asg-size: desired capacity of web_asg must be between min (2) and max (4)",
            ),
            (
                &["min_size=3"],
                "asg-size: desired capacity of web_asg must be between min (3) and max (4)",
            ),
            (
                &["max_size=0", "min_size=0", "desired=0"],
                "asg-size: max size of web_asg must be at least 1",
            ),
            (
                &["desired=2.5"],
                "asg-size: desired capacity of web_asg must be a whole number",
            ),
            (&["cpu_target=0"], "cpu-target: "),
            (&["cpu_target=150"], "cpu-target: "),
            (
                &["instance_type=t3.micro"],
                "arch-mismatch: instance type of launch template web must be arm64",
            ),
            (&["instance_type=t4g.huge"], "instance-type: "),
        ],
    );
    let _ = std::fs::remove_dir_all(&vp.tf.dir);
}
