//! Knobs read from Terraform variables (`var(desired)`): the JSON reads the variable, and
//! the variable carries `validation` blocks that mirror the checks, under the same rule
//! names; the validation regexes agree with the Rust functions they mirror.

use infra_core::kinds::image::samples::{ARM64_TYPES, X86_64_TYPES};
use infra_core::kinds::image::{ARM64_REGEX, TYPED_REGEX};
use infra_core::kinds::launch_template::{instance_type_problem, INSTANCE_TYPE_REGEX};
use infra_core::lab::{lab_stack, PayloadSpec};
use infra_core::serde_json::Value;
use infra_core::*;
use regex::Regex;

fn var(s: &mut Stack, name: &str, ty: VarType, default: &str) {
    s.variables.push(Variable {
        name: name.into(),
        doc: None,
        ty,
        default: Some(default.into()),
    });
}

/// The lab with every knob read from a variable whose default is the lab's value.
fn knobbed() -> Stack {
    let mut s = lab_stack(PayloadSpec::default(), 80);
    var(&mut s, "instance_type", VarType::String, "t2.micro");
    var(&mut s, "min_size", VarType::Number, "2");
    var(&mut s, "desired", VarType::Number, "2");
    var(&mut s, "max_size", VarType::Number, "4");
    var(&mut s, "cpu_target", VarType::Number, "50");
    s.launch_templates[0].instance_type = Knob::Variable("instance_type".into());
    let g = &mut s.autoscaling_groups[0];
    g.min = Knob::Variable("min_size".into());
    g.desired = Knob::Variable("desired".into());
    g.max = Knob::Variable("max_size".into());
    g.scale = Some(Scaling::CpuAverage(Knob::Variable("cpu_target".into())));
    s
}

fn validations<'a>(doc: &'a Value, var: &str) -> Vec<&'a Value> {
    doc["variable"][var]["validation"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[test]
fn knobs_read_their_variables_in_the_json() {
    let doc = to_terraform(&knobbed()).expect("the defaults pass the checks");
    let lt = &doc["resource"]["aws_launch_template"]["web"];
    assert_eq!(lt["instance_type"], "${var.instance_type}");
    let asg = &doc["resource"]["aws_autoscaling_group"]["web_asg"];
    assert_eq!(asg["min_size"], "${var.min_size}");
    assert_eq!(asg["desired_capacity"], "${var.desired}");
    assert_eq!(asg["max_size"], "${var.max_size}");
    let policy = &doc["resource"]["aws_autoscaling_policy"]["web_asg_cpu"];
    assert_eq!(
        policy["target_tracking_configuration"]["target_value"],
        "${var.cpu_target}"
    );
    // The offerings lookup asks for the type the plan is given, not a literal.
    let o = &doc["data"]["aws_ec2_instance_type_offerings"]["main"];
    assert_eq!(o["filter"][0]["values"][0], "${var.instance_type}");
    let cond = o["lifecycle"]["postcondition"][0]["condition"]
        .as_str()
        .unwrap();
    assert!(cond.contains("if t == var.instance_type"), "{cond}");
    assert!(!cond.contains("t2.micro"), "{cond}");
}

#[test]
fn validations_mirror_the_checks_with_their_rule_names() {
    let doc = to_terraform(&knobbed()).unwrap();
    let desired = validations(&doc, "desired");
    assert_eq!(desired.len(), 2, "{desired:?}");
    assert_eq!(
        desired[0]["condition"],
        "${var.desired >= 0 && floor(var.desired) == var.desired}"
    );
    let desired = &desired[1..];
    assert_eq!(
        desired[0]["condition"],
        "${var.min_size <= var.desired && var.desired <= var.max_size}"
    );
    assert!(desired[0]["error_message"]
        .as_str()
        .unwrap()
        .starts_with("asg-size: desired capacity of web_asg must be between min (${var.min_size}) and max (${var.max_size})"));
    // Each order constraint on one variable: min has none when desired is a variable.
    assert_eq!(validations(&doc, "min_size").len(), 1, "whole number only");
    let max = validations(&doc, "max_size");
    assert_eq!(max[1]["condition"], "${var.max_size >= 1}");
    let cpu = validations(&doc, "cpu_target");
    assert_eq!(
        cpu[0]["condition"],
        "${var.cpu_target > 0 && var.cpu_target <= 100}"
    );
    assert!(cpu[0]["error_message"]
        .as_str()
        .unwrap()
        .starts_with("cpu-target: "));
    let it: Vec<&str> = validations(&doc, "instance_type")
        .iter()
        .map(|v| v["error_message"].as_str().unwrap())
        .collect();
    assert!(it[0].starts_with("instance-type: "), "{it:?}");
    assert!(it[1].starts_with("arch-mismatch: "), "{it:?}");
    // Every rule a validation names is a check rule.
    for name in ["desired", "max_size", "cpu_target", "instance_type"] {
        for v in validations(&doc, name) {
            let msg = v["error_message"].as_str().unwrap();
            let rule_name = msg.split(':').next().unwrap();
            assert!(infra_core::check::rule(rule_name).is_some(), "{msg}");
        }
    }
}

#[test]
fn literal_knobs_need_no_validation() {
    let doc = to_terraform(&lab_stack(PayloadSpec::default(), 80)).unwrap();
    let vars = doc["variable"].as_object().unwrap();
    for (name, body) in vars {
        for v in body["validation"].as_array().into_iter().flatten() {
            let msg = v["error_message"].as_str().unwrap();
            assert!(
                !msg.starts_with("asg-size") && !msg.starts_with("cpu-target"),
                "{name}: {msg}"
            );
        }
    }
}

#[test]
fn literal_sides_are_written_into_the_conditions() {
    let mut s = lab_stack(PayloadSpec::default(), 80);
    var(&mut s, "desired", VarType::Number, "2");
    s.autoscaling_groups[0].desired = Knob::Variable("desired".into());
    let doc = to_terraform(&s).unwrap();
    let v = validations(&doc, "desired");
    assert_eq!(v[1]["condition"], "${2 <= var.desired && var.desired <= 4}");
    assert!(v[1]["error_message"]
        .as_str()
        .unwrap()
        .starts_with("asg-size: desired capacity of web_asg must be between min (2) and max (4)"));
    // max alone as a variable: at least 1, and at least the literal desired.
    let mut s = lab_stack(PayloadSpec::default(), 80);
    var(&mut s, "max_size", VarType::Number, "4");
    s.autoscaling_groups[0].max = Knob::Variable("max_size".into());
    let doc = to_terraform(&s).unwrap();
    let v = validations(&doc, "max_size");
    assert_eq!(
        v[1]["condition"],
        "${var.max_size >= 1 && 2 <= var.max_size}"
    );
}

#[test]
fn an_arm64_image_wants_an_arm64_type_variable() {
    let mut s = knobbed();
    s.launch_templates[0].image = Image::AmazonLinux2023Arm64;
    s.variables
        .iter_mut()
        .find(|v| v.name == "instance_type")
        .unwrap()
        .default = Some("t4g.micro".into());
    s.payloads[0].arch = Arch::Arm64;
    let doc = to_terraform(&s).expect("arm64 throughout");
    let arch = validations(&doc, "instance_type")[1]["condition"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(arch.contains("|| can(regex("), "{arch}");
    assert!(!arch.contains("|| !can"), "{arch}");
}

#[test]
fn the_instance_type_regex_mirrors_instance_type_problem() {
    let re = Regex::new(INSTANCE_TYPE_REGEX).unwrap();
    for t in [
        "t2.micro",
        "t3.small",
        "c5.2xlarge",
        "m7i-flex.large",
        "c7gn.metal",
        "u-6tb1.metal",
        "m5.24xlarge",
        "x2iedn.metal-24xl",
        "t2.huge",
        "t2micro",
        "T2.micro",
        "m5",
        "t.micro",
        "2t.micro",
        "t2.",
        ".micro",
        "t2.xlargexlarge",
        "t2.2xlargexlarge",
        "t2.metal-",
        "t2.metal-xl",
        "t2.micro.large",
        "t_2.micro",
        "",
    ] {
        assert_eq!(
            re.is_match(t),
            instance_type_problem(t).is_none(),
            "{t:?}: regex {} but instance_type_problem says {:?}",
            re.is_match(t),
            instance_type_problem(t)
        );
    }
}

#[test]
fn the_architecture_regexes_mirror_of_instance_type() {
    let typed = Regex::new(TYPED_REGEX).unwrap();
    let arm = Regex::new(ARM64_REGEX).unwrap();
    let edge_cases = [
        "m7i-gflex.large",
        "a1.",
        "a1",
        "micro",
        "t.micro",
        ".micro",
        "t4g.",
        "a12.large",
        "ga1.large",
        "t4g.micro.x",
        "",
    ];
    let samples = ARM64_TYPES.iter().chain(X86_64_TYPES);
    for t in samples.copied().chain(edge_cases) {
        let want = Arch::of_instance_type(t);
        assert_eq!(
            typed.is_match(t),
            want.is_some(),
            "{t:?}: typed, want {want:?}"
        );
        if want.is_some() {
            assert_eq!(
                arm.is_match(t),
                want == Some(Arch::Arm64),
                "{t:?}: arm64, want {want:?}"
            );
        }
    }
}
