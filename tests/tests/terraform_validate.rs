//! The lab stack built with infra-core's plain API, emitted, and validated by the real
//! `terraform` offline against hashicorp/aws 5.100.0 from the provider mirror.

use infra_core::lab::{lab_stack, PayloadSpec};
use infra_tests::validate_offline;

fn validate(name: &str, stack: &infra_core::Stack) {
    let json = infra_core::to_json_string(stack).unwrap_or_else(|v| panic!("{v}"));
    validate_offline(name, json.as_bytes());
}

#[test]
fn lab_stack_validates_offline() {
    validate("plain-lab", &lab_stack(PayloadSpec::default(), 80));
}

#[test]
fn default_vpc_and_amazon_linux_2_variant_validates_offline() {
    let mut s = lab_stack(PayloadSpec::default(), 80);
    s.vpcs[0] = infra_core::Vpc::default_vpc("main");
    s.launch_templates[0].image = infra_core::Image::AmazonLinux2;
    validate("plain-lab-default-vpc", &s);
}

/// The lab on private subnets with NAT (shared, then one per AZ) and an HTTPS listener
/// presenting an existing certificate from a variable, 80 redirecting to it.
#[test]
fn private_subnets_nat_and_https_variants_validate_offline() {
    use infra_core::kinds::vpc::Nat;
    use infra_core::{
        Action, Certificate, Listener, ListenerProtocol, Peer, Ref, Rule, VarType, Variable,
    };
    for (nat, name) in [
        (Nat::Shared, "plain-lab-nat-shared"),
        (Nat::PerAz, "plain-lab-nat-per-az"),
    ] {
        let mut s = lab_stack(PayloadSpec::default(), 80);
        s.vpcs[0].private_subnets = vec!["10.0.11.0/24".into(), "10.0.12.0/24".into()];
        s.vpcs[0].nat = nat;
        s.autoscaling_groups[0].private_subnets = true;
        s.variables.push(Variable {
            name: "certificate_arn".into(),
            doc: None,
            ty: VarType::String,
            default: Some(
                "arn:aws:acm:us-east-1:123456789012:certificate/0f6b4d5e-0000-4000-8000-000000000000"
                    .into(),
            ),
        });
        s.certificates
            .push(Certificate::existing("cert", "certificate_arn"));
        s.albs[0].listeners[0].action = Action::Redirect(443);
        s.albs[0].listeners.push(Listener {
            port: 443,
            protocol: ListenerProtocol::Https,
            certificate: Some(Ref::new("cert")),
            action: Action::Forward(Ref::new("app")),
        });
        let alb_sg = s
            .security_groups
            .iter_mut()
            .find(|g| g.name == "alb_sg")
            .unwrap();
        alb_sg.ingress.push(Rule::tcp(443, Peer::Internet));
        let tf = infra_core::to_terraform(&s).unwrap_or_else(|v| panic!("{v}"));
        let gateways = tf["resource"]["aws_nat_gateway"]
            .as_object()
            .map_or(0, |m| m.len());
        assert_eq!(gateways, if nat == Nat::Shared { 1 } else { 2 }, "{nat:?}");
        assert!(tf["resource"]["aws_route"]["main_private_1_nat"].is_object());
        validate(name, &s);
    }
}

/// The lab with raw provider resources and data sources: nested blocks (single, list),
/// maps, lists, references both ways (a raw body naming the lab's VPC and security group,
/// an instance role grant and an output naming a raw queue, a data source's attribute).
#[test]
fn raw_resources_and_data_sources_validate_offline() {
    use infra_core::kinds::raw::RawValue as V;
    use infra_core::{Grant, Output, RawData, RawResource, Ref, Resource};
    let mut s = lab_stack(PayloadSpec::default(), 80);
    let vpc = s.vpcs[0].to_ref();
    let sg = s.security_groups[0].to_ref();
    let attr = |kind, res: &str, a: &str| {
        V::Ref(infra_core::AttrRef {
            resource: res.into(),
            kind,
            attribute: a.into(),
        })
    };
    let jobs = RawResource::new("aws_sqs_queue", "jobs")
        .with("visibility_timeout_seconds", 60)
        .with("tags", V::Map(vec![("Team".into(), V::Str("web".into()))]));
    let jobs_arn = attr(RawResource::KIND, "jobs", "arn");
    s.raw_resources.push(jobs);
    s.raw_resources.push(
        RawResource::new("aws_sqs_queue", "dead").with("message_retention_seconds", 1_209_600),
    );
    s.raw_resources.push(
        RawResource::new("aws_sqs_queue_redrive_policy", "jobs_redrive")
            .with("queue_url", attr(RawResource::KIND, "jobs", "url"))
            .with("redrive_policy", "{\"maxReceiveCount\": 4}"),
    );
    s.raw_resources.push(
        RawResource::new("aws_lb_target_group", "raw_tg")
            .with("port", 8080)
            .with("protocol", "HTTP")
            .with("vpc_id", attr(infra_core::Vpc::KIND, vpc.name(), "id"))
            .with(
                "health_check",
                V::Map(vec![
                    ("path".into(), V::Str("/health".into())),
                    ("interval".into(), V::Number(15.0)),
                ]),
            ),
    );
    s.raw_resources.push(
        RawResource::new("aws_vpc_security_group_ingress_rule", "https")
            .with(
                "security_group_id",
                attr(infra_core::SecurityGroup::KIND, sg.name(), "id"),
            )
            .with("cidr_ipv4", "10.0.0.0/16")
            .with("from_port", 443)
            .with("to_port", 443)
            .with("ip_protocol", "tcp"),
    );
    s.raw_data.push(RawData::new("aws_caller_identity", "me"));
    s.raw_data
        .push(RawData::new("aws_iam_policy_document", "send").with(
            "statement",
            V::List(vec![V::Map(vec![
                (
                    "actions".into(),
                    V::List(vec![V::Str("sqs:SendMessage".into())]),
                ),
                ("resources".into(), V::List(vec![jobs_arn])),
            ])]),
        ));
    s.roles[0].grants.push(Grant {
        actions: vec!["sqs:SendMessage".into()],
        on: vec![Ref::new("jobs")],
    });
    s.outputs.push(Output {
        name: "queue_url".into(),
        doc: None,
        value: infra_core::AttrRef {
            resource: "jobs".into(),
            kind: RawResource::KIND,
            attribute: "url".into(),
        },
    });
    s.outputs.push(Output {
        name: "account".into(),
        doc: None,
        value: infra_core::AttrRef {
            resource: "me".into(),
            kind: RawData::KIND,
            attribute: "account_id".into(),
        },
    });
    let tf = infra_core::to_terraform(&s).unwrap_or_else(|v| panic!("{v}"));
    assert_eq!(
        tf["output"]["queue_url"]["value"],
        "${aws_sqs_queue.jobs.url}"
    );
    assert_eq!(
        tf["output"]["account"]["value"],
        "${data.aws_caller_identity.me.account_id}"
    );
    validate("plain-lab-raw", &s);
}
