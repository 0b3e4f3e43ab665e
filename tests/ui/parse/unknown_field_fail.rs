use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        target_group app in main { port: 80, helth: "/health" }
        alb front in main.public_subnets { security_groups: [], acces_logs: false, listener 80 => app }
    }
}

fn main() {}
