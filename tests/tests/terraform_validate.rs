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
