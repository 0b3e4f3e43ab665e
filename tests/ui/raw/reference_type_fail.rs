//! argument-type on references: what a reference reads is typed by the provider schema. A
//! security group's `id` (a string) where a set of ids goes, and a data source's list of
//! names where one name goes, fail at plan; here they fail at their references.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main { egress tcp 443 to internet }
        data aws_availability_zones azs {}
        resource aws_instance worker { vpc_security_group_ids: web_sg.id }
        resource aws_subnet extra {
            vpc_id: main.id,
            cidr_block: "10.0.9.0/24",
            availability_zone: azs.names,
        }
    }
}

fn main() {}
