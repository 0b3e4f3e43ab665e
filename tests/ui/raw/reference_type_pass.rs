//! argument-type on references: the same stack, fixed (the id in a list; a name, not the
//! list of names).
use infra_macros::infra;

infra! {
    pub stack RawStack {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main { egress tcp 443 to internet }
        data aws_availability_zones azs {}
        resource aws_instance worker { vpc_security_group_ids: [web_sg.id] }
        resource aws_subnet extra {
            vpc_id: main.id,
            cidr_block: "10.0.9.0/24",
            availability_zone_id: azs.id,
        }
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
