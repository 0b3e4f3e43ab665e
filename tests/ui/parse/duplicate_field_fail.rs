use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24"], cidr: "10.1.0.0/16" }
        target_group app in main { port: 80, health: "/health", port: 8080 }
    }
}

fn main() {}
