use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main {
            ingress tpc 80 from internet,
            ingress tcp 80 to internet,
            egress tcp 443 from internet,
            ingres tcp 22 from internet,
            ingress tcp 80 from internet extra,
            ingress tcp 80 from 10.0.0.0,
        }
    }
}

fn main() {}
