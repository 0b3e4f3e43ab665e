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
