use infra_macros::infra;

infra! {
    stack Lab {
        payload site = webapp_spec { port: 80 }
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        target_group app in main { port: sitee.port, health: site.path }
        alb front in main.subnets { security_groups: [alb_sg], listener 80 => app }
        output dns = front;
    }
}

fn main() {}
