//! Several mistakes in one block, and more in later resources: all reported in one build.
use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        launch_template web {
            image: ubuntu, instance_type: t2micro, security_groups: [web_sg],
            imdsv2: maybe, colour: "blue",
        }
        security_group web_sg on main { egress tcp 443 to internet }
        target_group app in main { port: 80, health: "/health", health: "/" }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.privat_subnets, min: 1, max: 2,
            scale: cpu_avg(50),
        }
    }
}

fn main() {
    // After errors the macro still emits the struct, so this does not add errors.
    let _ = Lab::new().web;
}
