use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: 10, public_subnets: "10.0.1.0/24" }
        target_group app in main { port: "80", health: "/health", deregistration_delay: true }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.public_subnets, min: two, max: -1,
        }
    }
}

fn main() {}
