use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        securty_group web_sg in main { egress tcp 443 to internet }
        load_balancer front in main { security_groups: [web_sg] }
        security_group alb_sg in main { ingress tcp 80 from internet }
    }
}

fn main() {}
