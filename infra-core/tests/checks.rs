//! Every rule of the check engine, fired by one misconfiguration of the good lab stack.
//!
//! Each `cases!` entry starts from `lab_stack(PayloadSpec::default(), 80)` (zero violations),
//! introduces exactly one mistake, and asserts: the rule fires at the expected location
//! (resource + field path), its message names both sides of the conflict, and the set of
//! rules that fire is exactly the expected one (the rule itself plus any documented
//! cascade). `every_rule_has_a_case` fails when a rule is added to `RULES` without a case.

use infra_core::lab::{lab_stack, PayloadSpec};
use infra_core::*;

fn lab() -> Stack {
    lab_stack(PayloadSpec::default(), 80)
}

/// A location as the checks render it: `resource` or `resource.field`.
fn loc(resource: &str, field: &str) -> String {
    if field.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{field}")
    }
}

fn hint(v: &Violation) -> String {
    v.help.clone().unwrap_or_default()
}

fn dump(vs: &[Violation]) -> String {
    vs.iter().map(|v| format!("\n  {v}")).collect()
}

/// Assert that `rule` fires at `resource`.`field` with a message containing every one of
/// `says`, and that the rules fired are exactly `rule` plus `also`. Returns the violation.
fn expect(
    s: &Stack,
    rule: &str,
    resource: &str,
    field: &str,
    says: &[&str],
    also: &[&str],
) -> Violation {
    let vs = check(s);
    let at = loc(resource, field);
    let hit = vs
        .iter()
        .find(|v| v.rule_name() == rule && v.at.to_string() == at)
        .unwrap_or_else(|| panic!("no `{rule}` at `{at}`; got:{}", dump(&vs)));
    for needle in says {
        assert!(
            hit.message.contains(needle),
            "`{rule}` message should contain {needle:?}: {}",
            hit.message
        );
    }
    let mut got: Vec<&str> = vs.iter().map(|v| v.rule_name()).collect();
    got.sort_unstable();
    got.dedup();
    let mut want: Vec<&str> = also.iter().copied().chain([rule]).collect();
    want.sort_unstable();
    want.dedup();
    assert_eq!(got, want, "unexpected set of rules fired:{}", dump(&vs));
    hit.clone()
}

fn waiver(rule: &str, reason: &str) -> Waiver {
    Waiver {
        rule: rule.into(),
        reason: reason.into(),
    }
}

fn sg<'a>(s: &'a mut Stack, name: &str) -> &'a mut SecurityGroup {
    s.security_groups
        .iter_mut()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no security group {name}"))
}

/// Give the lab an HTTPS listener on 443 presenting a validated certificate, open to the
/// internet.
fn with_https(s: &mut Stack) {
    s.certificates.push(Certificate::managed(
        "cert",
        Text::Literal("app.example.com".into()),
        Text::Literal("example.com".into()),
    ));
    s.albs[0].listeners.push(Listener {
        port: 443,
        protocol: ListenerProtocol::Https,
        certificate: Some(Ref::new("cert")),
        action: Action::Forward(Ref::new("app")),
    });
    sg(s, "alb_sg").ingress.push(Rule::tcp(443, Peer::Internet));
}

/// Give the lab's VPC two private subnets.
fn with_private_subnets(s: &mut Stack) {
    s.vpcs[0].private_subnets = vec!["10.0.11.0/24".into(), "10.0.12.0/24".into()];
}

/// Declare a variable and make a knob of the lab read it.
fn knob_var(s: &mut Stack, name: &str, ty: VarType, default: Option<&str>) -> Knob<String> {
    s.variables.push(Variable {
        name: name.into(),
        doc: None,
        ty,
        default: default.map(Into::into),
    });
    Knob::Variable(name.into())
}

fn num_knob(s: &mut Stack, name: &str, default: Option<&str>) -> Knob<u32> {
    knob_var(s, name, VarType::Number, default);
    Knob::Variable(name.into())
}

/// One `#[test]` per case, and `CASE_RULES`: the rule of every case, in order.
macro_rules! cases {
    ($(
        $name:ident: $rule:literal at ($res:literal, $field:literal)
            says [$($says:literal),* $(,)?]
            also [$($also:literal),* $(,)?]
            => |$s:ident| $body:block
    )*) => {
        $(
            #[test]
            fn $name() {
                #[allow(unused_mut)]
                let mut $s = lab();
                $body
                expect(&$s, $rule, $res, $field, &[$($says),*], &[$($also),*]);
            }
        )*
        const CASE_RULES: &[&str] = &[$($rule),*];
    };
}

cases! {
    // ---- graph ---------------------------------------------------------------------
    duplicate_name_across_kinds: "duplicate-name" at ("web_sg", "")
        says ["`web_sg` is declared twice", "security group", "target group"]
        also []
        => |s| {
            let vpc = s.vpcs[0].to_ref();
            s.target_groups.push(TargetGroup::new("web_sg", vpc, 80, "/health"));
        }
    duplicate_output_name: "duplicate-name" at ("alb_dns", "")
        says ["output `alb_dns` is declared twice"]
        also []
        => |s| {
            let o = s.outputs[0].clone();
            s.outputs.push(o);
        }
    unknown_reference_typo: "unknown-reference" at ("web", "security_groups[0]")
        says ["no security group named `web_gs`"]
        // No cascade: topology checks stay silent while a security group is unknown.
        also []
        => |s| { s.launch_templates[0].security_groups[0] = Ref::new("web_gs"); }
    unknown_reference_variable: "unknown-reference" at ("web_sg", "ingress[1].peer")
        says ["no variable named `admin_cdir`"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress[1].peer = Peer::Variable("admin_cdir".into()); }
    wrong_kind_reference_listener: "wrong-kind-reference" at ("front", "listeners[0].forward")
        says ["`web_asg` is an auto scaling group", "a target group is expected"]
        also []
        => |s| { s.albs[0].listeners[0].action = Action::Forward(Ref::new("web_asg")); }
    wrong_kind_reference_sg_is_vpc: "wrong-kind-reference" at ("web", "security_groups[0]")
        says ["`main` is a VPC", "a security group is expected"]
        also []
        => |s| { s.launch_templates[0].security_groups[0] = Ref::new("main"); }
    wrong_kind_reference_variable_type: "wrong-kind-reference" at ("web_sg", "ingress[1].peer")
        says ["variable `ssh_public_key`", "public_key", "cidr"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress[1].peer = Peer::Variable("ssh_public_key".into()); }
    health_check_path_relative: "health-check-path" at ("app", "health.path")
        says ["`health`", "must start with `/`"]
        // The payload does not serve it either.
        also ["health-path-unserved"]
        => |s| { s.target_groups[0].health.path = "health".into(); }
    payload_value_binary: "payload-value" at ("site", "binary")
        says ["\"webapp; curl x | sh\"", "boot script"]
        also []
        => |s| { s.payloads[0].binary = "webapp; curl x | sh".into(); }
    payload_value_env_newline: "payload-value" at ("site", "env[0]")
        says ["`MOTD`", "'\\n'", "systemd unit"]
        also []
        => |s| { s.payloads[0].env.push(("MOTD".into(), "hi\nUNIT\nrm -rf /".into())); }
    payload_value_port_env: "payload-value" at ("site", "port_env")
        says ["\"PO RT\"", "not a shell identifier"]
        also []
        => |s| { s.payloads[0].port_env = "PO RT".into(); }
    payload_value_env_name: "payload-value" at ("site", "env[0]")
        says ["\"1X\"", "not a shell identifier"]
        also []
        => |s| { s.payloads[0].env.push(("1X".into(), "ok".into())); }
    invalid_name_not_an_identifier: "invalid-name" at ("web asg", "")
        says ["`web asg` is not an identifier"]
        also []
        => |s| { s.autoscaling_groups[0].name = "web asg".into(); }
    invalid_name_reserved: "invalid-name" at ("logs", "")
        says ["`logs` is reserved"]
        also []
        => |s| {
            s.roles[0].name = "logs".into();
            s.launch_templates[0].role = Some(Ref::new("logs"));
        }
    unknown_attribute_on_output: "unknown-attribute" at ("alb_dns", "value.attribute")
        says ["load balancer", "no attribute `dns`"]
        also []
        => |s| { s.outputs[0].value.attribute = "dns".into(); }

    // ---- raw resources (the provider schema) -----------------------------------------
    raw_unknown_type: "unknown-resource-type" at ("jobs", "type")
        says ["hashicorp/aws", "`aws_sqs_queu`"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_sqs_queu", "jobs")); }
    raw_unsupported_argument: "unsupported-argument" at ("jobs", "visibility_timeout.key")
        says ["aws_sqs_queue `jobs`", "`visibility_timeout`"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_sqs_queue", "jobs").with("visibility_timeout", 60)); }
    raw_missing_argument: "missing-argument" at ("r", "")
        says ["aws_iam_role `r`", "`assume_role_policy`"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_iam_role", "r")); }
    raw_computed_attribute: "computed-attribute" at ("jobs", "arn.key")
        says ["`arn`", "computed"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_sqs_queue", "jobs").with("arn", "x")); }
    raw_argument_type: "argument-type" at ("jobs", "fifo_queue")
        says ["bool", "number `1`"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_sqs_queue", "jobs").with("fifo_queue", 1)); }
    raw_argument_type_reference: "argument-type" at ("worker", "vpc_security_group_ids")
        says ["set of string", "`web_sg.id`, which is a string"]
        also []
        => |s| {
            let id = AttrRef { resource: "web_sg".into(), kind: SecurityGroup::KIND, attribute: "id".into() };
            s.raw_resources.push(RawResource::new("aws_instance", "worker").with("vpc_security_group_ids", RawValue::Ref(id)));
        }
    raw_block_count: "block-count" at ("tg", "health_check.key")
        says ["2 `health_check` blocks", "at most 1"]
        also []
        => |s| {
            let hc = RawValue::Map(vec![("path".into(), RawValue::Str("/health".into()))]);
            s.raw_resources.push(
                RawResource::new("aws_lb_target_group", "tg")
                    .with("health_check", RawValue::List(vec![hc.clone(), hc])),
            );
        }
    raw_api_constraint: "aws-api-constraint" at ("tg", "protocol")
        says ["\"HTTPX\"", "HTTP, HTTPS"]
        also []
        => |s| { s.raw_resources.push(RawResource::new("aws_lb_target_group", "tg").with("protocol", "HTTPX")); }
    grant_without_arn: "grant-without-arn" at ("web_role", "allow[0].on[0]")
        says ["`jobs_policy`", "aws_sqs_queue_policy"]
        also []
        => |s| {
            s.raw_resources.push(
                RawResource::new("aws_sqs_queue_policy", "jobs_policy")
                    .with("queue_url", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs")
                    .with("policy", "{}"),
            );
            s.roles[0].grants.push(Grant { actions: vec!["sqs:SendMessage".into()], on: vec![Ref::new("jobs_policy")] });
        }

    // ---- values --------------------------------------------------------------------
    invalid_cidr_vpc: "invalid-cidr" at ("main", "cidr")
        says ["`10.0.0.0/33`", "not an IPv4 CIDR block"]
        also []
        => |s| {
            if let Network::Managed { cidr, .. } = &mut s.vpcs[0].network { *cidr = "10.0.0.0/33".into(); }
        }
    invalid_cidr_rule_host_bits: "invalid-cidr" at ("web_sg", "ingress[2].peer")
        says ["`203.0.113.7/24`", "host bits"]
        also []
        => |s| {
            let mut r = Rule::tcp(22, Peer::Cidr("203.0.113.7/24".into()));
            r.description = Some("ssh from the office".into());
            sg(&mut s, "web_sg").ingress.push(r);
        }
    cidr_prefix_vpc_too_big: "cidr-prefix" at ("main", "cidr")
        says ["VPC block 10.0.0.0/8", "/8", "/16 to /28"]
        also []
        => |s| {
            if let Network::Managed { cidr, .. } = &mut s.vpcs[0].network { *cidr = "10.0.0.0/8".into(); }
        }
    subnet_outside_vpc: "subnet-outside-vpc" at ("main", "public_subnets[1]")
        says ["subnet 10.1.2.0/24", "`main`", "10.0.0.0/16"]
        also []
        => |s| {
            if let Network::Managed { public_subnets, .. } = &mut s.vpcs[0].network {
                public_subnets[1] = "10.1.2.0/24".into();
            }
        }
    subnet_overlap: "subnet-overlap" at ("main", "public_subnets[1]")
        says ["subnet 10.0.1.0/25", "overlaps subnet 10.0.1.0/24"]
        also []
        => |s| {
            if let Network::Managed { public_subnets, .. } = &mut s.vpcs[0].network {
                public_subnets[1] = "10.0.1.0/25".into();
            }
        }
    port_range_rule: "port-range" at ("alb_sg", "ingress[1].port")
        says ["port 70000", "1-65535", "ingress"]
        also []
        => |s| {
            let mut r = Rule::tcp(443, Peer::Cidr("10.0.0.0/16".into()));
            r.to_port = 70000;
            sg(&mut s, "alb_sg").ingress.push(r);
        }
    port_range_backwards: "port-range" at ("alb_sg", "ingress[1].port")
        says ["9000-8000", "backwards"]
        also []
        => |s| {
            let mut r = Rule::tcp(9000, Peer::Cidr("10.0.0.0/16".into()));
            r.to_port = 8000;
            sg(&mut s, "alb_sg").ingress.push(r);
        }
    aws_name_internal_prefix: "aws-name" at ("front", "aws_name")
        says ["load balancer name `internal-front`", "`internal-`"]
        also []
        => |s| { s.albs[0].aws_name = Some("internal-front".into()); }
    aws_name_derived_too_long: "aws-name" at ("app", "")
        says ["target group name `the-very-long-lab-stack-for-the-exercise-app`", "derived from stack `TheVeryLongLabStackForTheExercise`", "1 to 32"]
        also []
        => |s| { s.name = "TheVeryLongLabStackForTheExercise".into(); }
    description_charset_sg: "description-charset" at ("web_sg", "description")
        says ["`—`", "security group descriptions"]
        also []
        => |s| { sg(&mut s, "web_sg").description = Some("Instances — app port".into()); }
    description_charset_rule: "description-charset" at ("alb_sg", "ingress[0].description")
        says ["`<`"]
        also []
        => |s| { sg(&mut s, "alb_sg").ingress[0].description = Some("HTTP <public>".into()); }
    health_check_timing: "health-check-timing" at ("app", "health.timeout")
        says ["timeout 20 s", "interval 15 s"]
        also []
        => |s| { s.target_groups[0].health.timeout_secs = 20; }
    health_check_threshold: "health-check-threshold" at ("app", "health.healthy_threshold")
        says ["healthy threshold is 1", "2 to 10"]
        also []
        => |s| { s.target_groups[0].health.healthy_threshold = 1; }
    asg_size_min_over_desired: "asg-size" at ("web_asg", "min")
        says ["min size 3", "desired capacity 2"]
        also []
        => |s| { s.autoscaling_groups[0].min = 3.into(); }
    asg_size_desired_over_max: "asg-size" at ("web_asg", "desired")
        says ["desired capacity 5", "max size 4"]
        also []
        => |s| { s.autoscaling_groups[0].desired = 5.into(); }
    cpu_target: "cpu-target" at ("web_asg", "scale")
        says ["150", "(0, 100]"]
        also []
        => |s| { s.autoscaling_groups[0].scale = Some(Scaling::CpuAverage(150.0.into())); }
    // ---- knobs read from variables: the checks use the default ----------------------
    knob_default_missing: "knob-default" at ("web_asg", "desired")
        says ["variable `desired`", "desired capacity of `web_asg`", "no default"]
        also []
        => |s| { s.autoscaling_groups[0].desired = num_knob(&mut s, "desired", None); }
    knob_default_not_whole: "knob-default" at ("web_asg", "max")
        says ["default `2.5` of variable `max_size`", "a whole number"]
        also []
        => |s| { s.autoscaling_groups[0].max = num_knob(&mut s, "max_size", Some("2.5")); }
    asg_size_variable_default: "asg-size" at ("web_asg", "desired")
        says ["desired capacity 9 (the default of variable `desired`)", "max size 4"]
        also []
        => |s| { s.autoscaling_groups[0].desired = num_knob(&mut s, "desired", Some("9")); }
    asg_size_variable_max_zero: "asg-size" at ("web_asg", "max")
        says ["max size is 0 (the default of variable `max_size`)"]
        also []
        => |s| {
            s.autoscaling_groups[0].max = num_knob(&mut s, "max_size", Some("0"));
            s.autoscaling_groups[0].min = 0.into();
            s.autoscaling_groups[0].desired = 0.into();
        }
    cpu_target_variable_default: "cpu-target" at ("web_asg", "scale")
        says ["150 % (the default of variable `cpu_target`)", "(0, 100]"]
        also []
        => |s| {
            knob_var(&mut s, "cpu_target", VarType::Number, Some("150"));
            s.autoscaling_groups[0].scale = Some(Scaling::CpuAverage(Knob::Variable("cpu_target".into())));
        }
    instance_type_variable_default: "instance-type" at ("web", "instance_type")
        says ["`t2.huge` (the default of variable `instance_type`)", "`huge` is not an instance size"]
        also []
        => |s| {
            s.launch_templates[0].instance_type =
                knob_var(&mut s, "instance_type", VarType::String, Some("t2.huge"));
        }
    arch_mismatch_variable_default: "arch-mismatch" at ("web", "instance_type")
        says ["`t4g.micro` (the default of variable `instance_type`) is arm64", "amazon_linux_2023"]
        also []
        => |s| {
            s.launch_templates[0].instance_type =
                knob_var(&mut s, "instance_type", VarType::String, Some("t4g.micro"));
        }
    knob_wrong_variable_type: "wrong-kind-reference" at ("web_asg", "min")
        says ["variable `admin_cidr` is of type cidr", "number"]
        also []
        => |s| { s.autoscaling_groups[0].min = Knob::Variable("admin_cidr".into()); }
    variable_default_world: "variable-default" at ("admin_cidr", "default")
        says ["`admin_cidr`", "whole internet"]
        also []
        => |s| { s.variables[0].default = Some("0.0.0.0/0".into()); }
    ssh_key_type_ecdsa: "ssh-key-type" at ("ops", "public_key")
        says ["`ops`", "RSA or ED25519", "`ecdsa-sha2-nistp256`"]
        also []
        => |s| { s.key_pairs[0].public_key = PublicKey::Literal("ecdsa-sha2-nistp256 AAAAE2VjZHNh".into()); }

    // ---- topology ------------------------------------------------------------------
    duplicate_rule: "duplicate-rule" at ("web_sg", "ingress[2]")
        says ["tcp 80 from security group `alb_sg`", "repeats an earlier rule of `web_sg`"]
        also []
        => |s| {
            let r = sg(&mut s, "web_sg").ingress[0].clone();
            sg(&mut s, "web_sg").ingress.push(r);
        }
    duplicate_listener: "duplicate-listener" at ("front", "listeners[1].port")
        says ["`front`", "two listeners on port 80"]
        also []
        => |s| {
            let l = s.albs[0].listeners[0].clone();
            s.albs[0].listeners.push(l);
        }
    target_port_mismatch_sheet_ports: "target-port-mismatch" at ("app", "port")
        // The lab sheet: target group (and SGs) on 80, the app started on 8000.
        says ["target group `app`", "port 80", "payload `site` listens on port 8000"]
        also []
        => |s| { s.payloads[0].port = 8000; }
    targets_unreachable: "targets-unreachable" at ("web_sg", "")
        says ["`web_sg`", "tcp 80", "load balancer `front`"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress.remove(0); }
    app_port_from_internet: "app-port-bypasses-alb" at ("web_sg", "ingress[2].peer")
        says ["instance security group `web_sg`", "app port 80", "0.0.0.0/0", "load balancer `front`"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress.push(Rule::tcp(80, Peer::Internet)); }
    app_port_from_other_sg: "app-port-bypasses-alb" at ("web_sg", "ingress[2].peer")
        says ["`web_sg`", "app port 80", "security group `bastion_sg`", "load balancer `front`"]
        also []
        => |s| {
            let vpc = s.vpcs[0].to_ref();
            s.security_groups.push(SecurityGroup::new("bastion_sg", vpc));
            sg(&mut s, "web_sg").ingress.push(Rule::tcp(80, Peer::SecurityGroup(Ref::new("bastion_sg"))));
        }
    listener_port_closed: "listener-port-closed" at ("front", "security_groups")
        says ["`front` listens on port 80", "tcp 80 from the internet"]
        also []
        => |s| { sg(&mut s, "alb_sg").ingress.clear(); }
    alb_single_az: "alb-single-az" at ("front", "subnets")
        says ["`front`", "2 Availability Zones", "VPC `main` has 1"]
        also []
        => |s| {
            if let Network::Managed { public_subnets, .. } = &mut s.vpcs[0].network { public_subnets.truncate(1); }
        }
    listener_without_targets: "listener-without-targets" at ("front", "listeners[0].forward")
        says ["listener 80 of `front`", "target group `app`", "no auto scaling group"]
        also []
        => |s| { s.autoscaling_groups[0].target_groups.clear(); }
    vpc_mismatch_target_group: "vpc-mismatch" at ("app", "vpc")
        says ["target group `app` is in VPC `other`", "load balancer `front` is in VPC `main`"]
        also []
        => |s| {
            s.vpcs.push(Vpc::managed("other", "10.1.0.0/16", &["10.1.1.0/24", "10.1.2.0/24"]));
            s.target_groups[0].vpc = Ref::new("other");
        }
    health_path_unserved: "health-path-unserved" at ("app", "health.path")
        says ["`/healthz`", "payload `site`", "/health"]
        also []
        => |s| { s.target_groups[0].health.path = "/healthz".into(); }
    health_port_mismatch: "health-port-mismatch" at ("app", "health.port")
        says ["`app`", "probe port 8080", "traffic goes to port 80"]
        also []
        => |s| { s.target_groups[0].health.port = HealthPort::Port(8080); }
    alb_egress_missing: "alb-egress-missing" at ("alb_sg", "")
        says ["`alb_sg`", "`web_sg`", "tcp 80"]
        also []
        => |s| { sg(&mut s, "alb_sg").egress.clear(); }
    instance_egress_missing: "instance-egress-missing" at ("web_sg", "")
        says ["`web_sg`", "tcp 443", "`web`"]
        also []
        => |s| { sg(&mut s, "web_sg").egress.clear(); }
    payload_unreadable: "payload-unreadable" at ("web", "role")
        says ["launch template `web`", "payload `site`"]
        also []
        => |s| { s.roles[0].reads.clear(); }
    no_payload: "no-payload" at ("web", "run")
        says ["`web` runs no payload", "target group `app`", "port 80"]
        also []
        => |s| { s.launch_templates[0].run = None; }
    user_data_too_large: "user-data-too-large" at ("web", "run")
        says ["user data of `web`", "16384"]
        also []
        => |s| { s.payloads[0].env.push(("BLOB".into(), "x".repeat(17_000))); }
    user_data_unescaped: "user-data-unescaped" at ("web", "run")
        // Literal text is always escaped, so only an interpolated name can smuggle a
        // `${` in: a payload name that is not an identifier (refused by `invalid-name` too:
        // this rule is the second line of defence).
        says ["user data of `web`", "unescaped `${`"]
        also ["invalid-name"]
        => |s| {
            let odd = "site}${HOME";
            s.payloads[0].name = odd.into();
            s.roles[0].reads[0] = Ref::new(odd);
            s.launch_templates[0].run = Some(Ref::new(odd));
        }

    https_without_certificate: "https-without-certificate" at ("front", "listeners[1].protocol")
        says ["HTTPS listener 443 of `front`", "no certificate"]
        also []
        => |s| {
            with_https(&mut s);
            s.albs[0].listeners[1].certificate = None;
        }
    certificate_outside_zone: "certificate-outside-zone" at ("cert", "domain")
        says ["`cert` is for `app.example.org`", "not in hosted zone `example.com`"]
        also []
        => |s| {
            with_https(&mut s);
            s.certificates[0] = Certificate::managed(
                "cert",
                Text::Literal("app.example.org".into()),
                Text::Literal("example.com".into()),
            );
        }
    redirect_without_listener: "redirect-without-listener" at ("front", "listeners[1].redirect")
        says ["listener 8080 of `front` redirects to port 8443"]
        also []
        => |s| {
            s.albs[0].listeners.push(Listener {
                port: 8080,
                protocol: ListenerProtocol::Http,
                certificate: None,
                action: Action::Redirect(8443),
            });
            sg(&mut s, "alb_sg").ingress.push(Rule::tcp(8080, Peer::Internet));
        }
    alb_no_internet_route: "alb-no-internet-route" at ("front", "subnets")
        says ["internet-facing load balancer `front`", "private subnets"]
        also []
        => |s| {
            with_private_subnets(&mut s);
            s.vpcs[0].s3_endpoint = true;
            s.autoscaling_groups[0].private_subnets = true;
            s.albs[0].private_subnets = true;
        }
    private_subnets_offline: "private-subnets-offline" at ("web_asg", "subnets")
        says ["`web_asg`", "neither an S3 endpoint nor NAT"]
        also []
        => |s| {
            with_private_subnets(&mut s);
            s.autoscaling_groups[0].private_subnets = true;
        }
    no_private_subnets: "no-private-subnets" at ("web_asg", "subnets")
        says ["`web_asg`", "VPC `main`, which declares none"]
        also []
        => |s| { s.autoscaling_groups[0].private_subnets = true; }
    public_subnets_without_ips: "public-subnets-without-ips" at ("web_asg", "subnets")
        says ["`web_asg` launches on the public subnets of VPC `main`", "no public IPs"]
        also []
        => |s| {
            with_private_subnets(&mut s);
            s.vpcs[0].s3_endpoint = true;
        }
    arch_mismatch_instance_type: "arch-mismatch" at ("web", "instance_type")
        says ["instance type `t2.micro` is x86_64", "`amazon_linux_2023_arm64`"]
        also []
        => |s| { s.launch_templates[0].image = Image::AmazonLinux2023Arm64; }
    arch_mismatch_payload: "arch-mismatch" at ("web", "run")
        says ["payload `site` is built for x86_64", "arm64 instances"]
        also []
        => |s| {
            s.launch_templates[0].image = Image::AmazonLinux2023Arm64;
            s.launch_templates[0].instance_type = "t4g.micro".into();
        }
    // ---- security defaults ---------------------------------------------------------
    tls_policy_obsolete: "tls-policy-obsolete" at ("front", "tls_policy")
        says ["`front` uses TLS policy `ELBSecurityPolicy-2016-08`", "TLS 1.2 and 1.3"]
        also []
        => |s| {
            with_https(&mut s);
            s.albs[0].tls_policy = "ELBSecurityPolicy-2016-08".into();
        }
    ssh_open_to_world_v4: "ssh-open-to-world" at ("web_sg", "ingress[2].peer")
        says ["`web_sg`", "SSH (tcp 22)", "0.0.0.0/0"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress.push(Rule::tcp(22, Peer::Internet)); }
    ssh_open_to_world_v4_cidr: "ssh-open-to-world" at ("web_sg", "ingress[2].peer")
        says ["`web_sg`", "SSH (tcp 22)", "0.0.0.0/0"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress.push(Rule::tcp(22, Peer::Cidr("0.0.0.0/0".into()))); }
    ssh_open_to_world_v6: "ssh-open-to-world" at ("web_sg", "ingress[2].peer")
        says ["`web_sg`", "SSH (tcp 22)", "::/0"]
        also []
        => |s| { sg(&mut s, "web_sg").ingress.push(Rule::tcp(22, Peer::Cidr("::/0".into()))); }
    ssh_open_to_world_port_range: "ssh-open-to-world" at ("web_sg", "ingress[2].peer")
        says ["`web_sg`", "SSH (tcp 22)"]
        also []
        => |s| {
            let mut r = Rule::tcp(20, Peer::Internet);
            r.to_port = 23;
            sg(&mut s, "web_sg").ingress.push(r);
        }
    imdsv1_allowed: "imdsv1-allowed" at ("web", "imdsv2_required")
        says ["launch template `web`", "IMDSv1"]
        also []
        => |s| { s.launch_templates[0].imdsv2_required = false; }
    root_volume_unencrypted: "root-volume-unencrypted" at ("web", "root_volume.encrypted")
        says ["launch template `web`", "unencrypted root volume"]
        also []
        => |s| { s.launch_templates[0].root_volume.encrypted = false; }
    role_too_broad: "role-too-broad" at ("web_role", "managed_policies[0]")
        says ["instance role `web_role`", "AdministratorAccess"]
        also []
        => |s| { s.roles[0].managed_policies.push("arn:aws:iam::aws:policy/AdministratorAccess".into()); }

    // ---- waivers -------------------------------------------------------------------
    unused_waiver_silences_nothing: "unused-waiver" at ("web", "waivers")
        says ["waiver `imdsv1-allowed`", "`web`", "silences nothing"]
        also []
        => |s| { s.launch_templates[0].waivers.push(waiver("imdsv1-allowed", "legacy agent")); }
    unused_waiver_not_waivable: "unused-waiver" at ("alb_sg", "ingress[0].waivers")
        says ["waiver `listener-port-closed`", "`alb_sg`", "not a rule that can be waived"]
        also []
        => |s| { sg(&mut s, "alb_sg").ingress[0].waivers.push(waiver("listener-port-closed", "why not")); }
    unused_waiver_no_such_rule: "unused-waiver" at ("web_role", "waivers")
        says ["waiver `role-too-wide`", "`web_role`", "no rule named `role-too-wide`"]
        also []
        => |s| { s.roles[0].waivers.push(waiver("role-too-wide", "typo")); }
}

// ---------------------------------------------------------------------------------------
// Cases that need more than one assertion.

#[test]
fn the_lab_is_clean() {
    let r = report(&lab());
    assert!(r.violations.is_empty(), "{}", dump(&r.violations));
    assert!(r.waived.is_empty());
}

#[test]
fn an_empty_stack_is_clean() {
    assert!(check(&Stack::new("Empty")).is_empty());
}

#[test]
fn the_sheet_ports_are_refused_at_any_port_pair() {
    // Built the other way round: everything on the app's 8000 but the target group on 80.
    let mut s = lab_stack(PayloadSpec::default(), 8000);
    s.target_groups[0].port = 80;
    let rules: Vec<&str> = check(&s).iter().map(|v| v.rule_name()).collect();
    assert!(rules.contains(&"target-port-mismatch"), "{rules:?}");
    let v = check(&s)
        .into_iter()
        .find(|v| v.rule_name() == "target-port-mismatch")
        .unwrap();
    assert!(v.message.contains("port 80") && v.message.contains("port 8000"));
    assert_eq!(v.at.to_string(), loc("app", "port"));
    // The related notes point at the payload's port and at the launch template running it.
    let rel: Vec<String> = v.notes.iter().map(|r| r.at.to_string()).collect();
    assert_eq!(rel, ["site.port", "web.run"]);
    assert!(hint(&v).contains("site.port"), "{}", hint(&v));
}

#[test]
fn unknown_reference_suggests_the_closest_name() {
    let mut s = lab();
    s.launch_templates[0].security_groups[0] = Ref::new("web_gs");
    let v = check(&s)
        .into_iter()
        .find(|v| v.rule_name() == "unknown-reference")
        .unwrap();
    assert_eq!(hint(&v), "did you mean `web_sg`?");
}

#[test]
fn unknown_reference_without_a_close_name_lists_the_declared_ones() {
    let mut s = lab();
    s.launch_templates[0].role = Some(Ref::new("zzzzzzzz"));
    let v = check(&s)
        .into_iter()
        .find(|v| v.rule_name() == "unknown-reference")
        .unwrap();
    assert_eq!(v.at.to_string(), loc("web", "role"));
    assert!(v.message.contains("no instance role named `zzzzzzzz`"));
    assert!(!hint(&v).contains("did you mean"), "{}", hint(&v));
    assert!(hint(&v).contains("`web_role`"), "{}", hint(&v));
}

#[test]
fn wrong_kind_reference_points_at_the_declaration() {
    let mut s = lab();
    s.launch_templates[0].security_groups[0] = Ref::new("main");
    let v = check(&s)
        .into_iter()
        .find(|v| v.rule_name() == "wrong-kind-reference")
        .unwrap();
    assert_eq!(v.notes.len(), 1);
    assert_eq!(v.notes[0].at.to_string(), loc("main", ""));
    assert!(hint(&v).contains("`alb_sg`") && hint(&v).contains("`web_sg`"));
}

#[test]
fn a_waived_rule_moves_to_report_waived_with_its_reason() {
    let mut s = lab();
    let mut r = Rule::tcp(22, Peer::Internet);
    r.waivers
        .push(waiver("ssh-open-to-world", "short-lived classroom demo"));
    sg(&mut s, "web_sg").ingress.push(r);
    let rep = report(&s);
    assert!(rep.violations.is_empty(), "{}", dump(&rep.violations));
    assert_eq!(rep.waived.len(), 1);
    let (v, reason) = &rep.waived[0];
    assert_eq!(v.rule_name(), "ssh-open-to-world");
    assert_eq!(v.at.to_string(), loc("web_sg", "ingress[2].peer"));
    assert_eq!(reason, "short-lived classroom demo");
    assert!(check(&s).is_empty());
}

#[test]
fn every_waivable_rule_can_be_waived() {
    // app-port-bypasses-alb on the rule, the launch template ones on the template, the
    // role one on the role, the TLS policy on the load balancer.
    let mut s = lab();
    let mut r = Rule::tcp(80, Peer::Cidr("10.0.0.0/16".into()));
    r.waivers
        .push(waiver("app-port-bypasses-alb", "in-VPC health probe"));
    sg(&mut s, "web_sg").ingress.push(r);
    let mut ssh = Rule::tcp(22, Peer::Cidr("::/0".into()));
    ssh.waivers.push(waiver("ssh-open-to-world", "demo"));
    sg(&mut s, "web_sg").ingress.push(ssh);
    let lt = &mut s.launch_templates[0];
    lt.imdsv2_required = false;
    lt.root_volume.encrypted = false;
    lt.waivers.push(waiver("imdsv1-allowed", "legacy agent"));
    lt.waivers
        .push(waiver("root-volume-unencrypted", "scratch"));
    s.roles[0]
        .managed_policies
        .push("arn:aws:iam::aws:policy/AmazonS3FullAccess".into());
    s.roles[0].waivers.push(waiver("role-too-broad", "lab"));
    with_https(&mut s);
    s.albs[0].tls_policy = "ELBSecurityPolicy-2016-08".into();
    s.albs[0]
        .waivers
        .push(waiver("tls-policy-obsolete", "TLS 1.1 kiosks"));
    let rep = report(&s);
    assert!(rep.violations.is_empty(), "{}", dump(&rep.violations));
    let mut waived: Vec<&str> = rep.waived.iter().map(|(v, _)| v.rule_name()).collect();
    waived.sort_unstable();
    let mut all = waivable();
    all.sort_unstable();
    assert_eq!(waived, all);
}

#[test]
fn a_waiver_on_a_non_waivable_rule_silences_nothing() {
    // The violation sits on the launch template, the waiver too, but the rule is not
    // waivable: the violation stays and the waiver is reported.
    let mut s = lab();
    s.roles[0].reads.clear();
    s.launch_templates[0]
        .waivers
        .push(waiver("payload-unreadable", "we know"));
    let rep = report(&s);
    assert!(rep.waived.is_empty());
    let rules: Vec<(&str, String)> = rep
        .violations
        .iter()
        .map(|v| (v.rule_name(), v.at.to_string()))
        .collect();
    assert_eq!(
        rules,
        [
            ("payload-unreadable", "web.role".to_string()),
            ("unused-waiver", "web.waivers".to_string())
        ]
    );
    assert!(rep.violations[1]
        .message
        .contains("`payload-unreadable` is not a rule that can be waived"));
    assert!(hint(&rep.violations[1]).contains("ssh-open-to-world"));
}

#[test]
fn a_waiver_on_another_rule_does_not_cover_this_one() {
    // Scope: a waiver on web_sg.ingress[1] does not silence SSH opened by ingress[2].
    let mut s = lab();
    sg(&mut s, "web_sg").ingress[1]
        .waivers
        .push(waiver("ssh-open-to-world", "wrong rule"));
    sg(&mut s, "web_sg")
        .ingress
        .push(Rule::tcp(22, Peer::Internet));
    let got: Vec<String> = check(&s)
        .iter()
        .map(|v| format!("{} {}", v.rule_name(), v.at))
        .collect();
    assert_eq!(
        got,
        [
            "ssh-open-to-world web_sg.ingress[2].peer",
            "unused-waiver web_sg.ingress[1].waivers"
        ]
    );
}

#[test]
fn all_violations_are_reported_together() {
    let mut s = lab();
    s.payloads[0].port = 8000; // 1. the sheet's port mismatch
    sg(&mut s, "web_sg")
        .ingress
        .push(Rule::tcp(22, Peer::Internet)); // 2. SSH from anywhere
    s.launch_templates[0].root_volume.encrypted = false; // 3. plain-text disk
    let got: Vec<(&str, String)> = check(&s)
        .iter()
        .map(|v| (v.rule_name(), v.at.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("target-port-mismatch", "app.port".to_string()),
            ("ssh-open-to-world", "web_sg.ingress[2].peer".to_string()),
            (
                "root-volume-unencrypted",
                "web.root_volume.encrypted".to_string()
            ),
        ]
    );
}

#[test]
fn check_is_deterministic() {
    let mut s = lab();
    s.payloads[0].port = 8000;
    s.albs[0].aws_name = Some("internal-x".into());
    sg(&mut s, "alb_sg").egress.clear();
    assert_eq!(check(&s), check(&s));
}

#[test]
fn rules_are_unique_kebab_case_and_waivable_ones_exist() {
    let mut names: Vec<&str> = rules().iter().map(|r| r.name).collect();
    for n in &names {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{n}"
        );
    }
    let len = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), len, "duplicate rule names in RULES");
    for w in waivable() {
        assert!(names.contains(&w), "waivable() names unknown rule {w}");
    }
}

#[test]
fn every_violation_names_a_catalogued_rule() {
    // Across all the cases above, no check emits a rule name missing from RULES.
    for r in CASE_RULES {
        assert!(rules().iter().any(|x| x.name == *r), "{r} is not in RULES");
    }
}

/// A rule added to `RULES` without a case above fails here.
#[test]
fn every_rule_has_a_case() {
    let missing: Vec<&str> = rules()
        .iter()
        .map(|r| r.name)
        .filter(|n| !CASE_RULES.contains(n))
        .collect();
    assert!(missing.is_empty(), "rules without a test case: {missing:?}");
}

// ---------------------------------------------------------------------------------------
// Bugs found while writing these tests: each test states the intended behaviour and is
// ignored until infra-core/src is fixed; each `ignore` reason names the bug.

#[test]
fn duplicate_rule_sees_equivalent_peers() {
    let mut s = lab();
    sg(&mut s, "alb_sg")
        .ingress
        .push(Rule::tcp(80, Peer::Cidr("0.0.0.0/0".into())));
    expect(
        &s,
        "duplicate-rule",
        "alb_sg",
        "ingress[1]",
        &["repeats an earlier rule of `alb_sg`"],
        &[],
    );
}

#[test]
fn app_port_bypass_is_reported_once_with_two_listeners() {
    let mut s = lab();
    s.albs[0]
        .listeners
        .push(Listener::http(8080, Ref::new("app")));
    sg(&mut s, "alb_sg")
        .ingress
        .push(Rule::tcp(8080, Peer::Internet));
    sg(&mut s, "web_sg")
        .ingress
        .push(Rule::tcp(80, Peer::Cidr("10.0.0.0/16".into())));
    let n = check(&s)
        .iter()
        .filter(|v| v.rule_name() == "app-port-bypasses-alb")
        .count();
    assert_eq!(n, 1, "{}", dump(&check(&s)));
}

#[test]
fn a_single_bad_port_is_reported_once() {
    let mut s = lab();
    sg(&mut s, "alb_sg")
        .ingress
        .push(Rule::tcp(0, Peer::Cidr("10.0.0.0/16".into())));
    let vs: Vec<Violation> = check(&s)
        .into_iter()
        .filter(|v| v.rule_name() == "port-range")
        .collect();
    assert_eq!(vs.len(), 1, "{}", dump(&vs));
}

#[test]
fn health_path_syntax_is_not_a_timing_violation() {
    let mut s = lab();
    s.target_groups[0].health.path = "health".into();
    let rules: Vec<&str> = check(&s).iter().map(|v| v.rule_name()).collect();
    assert!(!rules.contains(&"health-check-timing"), "{rules:?}");
}

#[test]
fn sg_doc_used_as_description_is_checked() {
    let mut s = lab();
    // No explicit description: the emitter uses the doc as the AWS description, and AWS
    // refuses the apostrophe and the em dash.
    sg(&mut s, "alb_sg").doc = Some("Load balancer's group — HTTP".into());
    let vs = check(&s);
    assert!(
        vs.iter()
            .any(|v| v.rule_name() == "description-charset" && v.at.resource == "alb_sg"),
        "{}",
        dump(&vs)
    );
}

#[test]
fn a_name_that_is_not_an_identifier_is_refused() {
    let mut s = lab();
    s.autoscaling_groups[0].name = "web asg".into();
    assert!(!check(&s).is_empty());
}

#[test]
fn a_name_colliding_with_generated_ones_is_refused() {
    let mut s = lab();
    s.roles[0].name = "logs".into();
    s.launch_templates[0].role = Some(Ref::new("logs"));
    assert!(!check(&s).is_empty());
}

/// Quotes, backslashes, `%` and `'` in environment values are escaped for systemd, not
/// refused: only what the unit cannot carry (control characters) is a violation.
#[test]
fn env_values_the_systemd_escaper_carries_are_accepted() {
    let mut s = lab();
    for v in [r#"say "hi""#, r"C:\x", "100%", "it's", "$HOME;#"] {
        s.payloads[0].env = vec![("MOTD".into(), v.into())];
        let vs = check(&s);
        assert!(vs.is_empty(), "{v:?} refused:{}", dump(&vs));
    }
}

// -- raw resources (the values a `{ expr }` gives at run time go through the same checks)

#[test]
fn raw_values_are_checked_against_the_schema() {
    let mut s = lab();
    s.raw_resources.push(
        RawResource::new("aws_sqs_queue", "jobs")
            .with("visibility_timeout_seconds", "sixty")
            .with("arn", "arn:aws:sqs:us-east-1:123456789012:jobs")
            .with("visibility_timeout", 60),
    );
    expect(
        &s,
        "argument-type",
        "jobs",
        "visibility_timeout_seconds",
        &["number", "\"sixty\""],
        &["computed-attribute", "unsupported-argument"],
    );
    let vs = check(&s);
    assert!(vs
        .iter()
        .any(|v| v.rule_name() == "computed-attribute" && v.at.to_string() == "jobs.arn.key"));
    let typo = vs
        .iter()
        .find(|v| v.rule_name() == "unsupported-argument")
        .unwrap();
    assert_eq!(typo.at.to_string(), "jobs.visibility_timeout.key");
    assert!(
        hint(typo).contains("visibility_timeout_seconds"),
        "{}",
        hint(typo)
    );
}

#[test]
fn raw_unknown_type_and_missing_argument() {
    let mut s = lab();
    s.raw_resources
        .push(RawResource::new("aws_sqs_queu", "jobs"));
    s.raw_resources.push(RawResource::new("aws_iam_role", "r"));
    let v = expect(
        &s,
        "unknown-resource-type",
        "jobs",
        "type",
        &["aws_sqs_queu"],
        &["missing-argument"],
    );
    assert!(hint(&v).contains("aws_sqs_queue"));
    expect(
        &s,
        "missing-argument",
        "r",
        "",
        &["assume_role_policy"],
        &["unknown-resource-type"],
    );
}

#[test]
fn raw_block_count_and_constraints() {
    let mut s = lab();
    let hc = |path: &str| RawValue::Map(vec![("path".into(), RawValue::Str(path.into()))]);
    s.raw_resources.push(
        RawResource::new("aws_lb_target_group", "tg")
            .with("protocol", "HTTPX")
            .with("health_check", RawValue::List(vec![hc("/a"), hc("/b")])),
    );
    expect(
        &s,
        "block-count",
        "tg",
        "health_check.key",
        &["2 `health_check` blocks", "at most 1"],
        &["aws-api-constraint"],
    );
    expect(
        &s,
        "aws-api-constraint",
        "tg",
        "protocol",
        &["HTTPX", "HTTP, HTTPS"],
        &["block-count"],
    );
}

#[test]
fn typed_literals_meet_the_api_constraints() {
    let mut s = lab();
    let long = format!("{}.example.org", vec!["a".repeat(60); 4].join("."));
    s.certificates.push(Certificate::managed(
        "cert",
        Text::Literal(long),
        Text::Literal("example.org".into()),
    ));
    expect(
        &s,
        "aws-api-constraint",
        "cert",
        "domain",
        &["domain_name", "253"],
        &[],
    );
}

#[test]
fn references_to_raw_attributes_are_checked() {
    let mut s = lab();
    s.raw_resources
        .push(RawResource::new("aws_sqs_queue", "jobs").with("visibility_timeout_seconds", 60));
    s.outputs.push(Output {
        name: "queue".into(),
        doc: None,
        value: s.raw_resources[0].attr("queue_url"),
    });
    expect(
        &s,
        "unknown-attribute",
        "queue",
        "value.attribute",
        &["queue_url"],
        &[],
    );
    s.outputs.pop();
    s.roles[0].grants.push(Grant {
        actions: vec!["sqs:*".into()],
        on: vec![Ref::new("jobs")],
    });
    expect(
        &s,
        "role-too-broad",
        "web_role",
        "allow[0].actions[0]",
        &["sqs:*"],
        &[],
    );
}
