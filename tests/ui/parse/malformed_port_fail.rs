use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main {
            ingress tcp http from internet,
            ingress tcp -22 from internet,
            ingress tcp 99999999999 from internet,
            ingress tcp "80" from internet,
            ingress tcp 8000..web from internet,
            ingress tcp sitee.port from internet,
        }
    }
}

fn main() {}
