use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16" }
        autoscaling_group web_asg { launch_template: web, subnets: main.public_subnets, min: 2 }
    }
}

fn main() {}
