//! knob-default's neighbour: the variable `desired` has a default.
use infra_macros::infra;

infra! {
    /// The lab: an ALB in front of 2..4 instances running the webapp on port 8000.
    pub stack HelloStack {
        variable instance_type: string = "t3.micro";
        variable min_size: number = 2;
        variable desired: number = 2;
        variable max_size: number = 4;
        variable cpu_target: number = 50;
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        payload site { binary: "webapp", port: 8000, health: "/health", routes: ["/", "/health"] }
        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }
        instance_role web_role { read: site }
        launch_template web {
            image: amazon_linux_2023, instance_type: var(instance_type),
            security_groups: [web_sg], role: web_role, run: site,
        }
        target_group app in main { port: site.port, health: site.health }
        alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.public_subnets,
            min: var(min_size), desired: var(desired), max: var(max_size),
            target_groups: [app], scale: cpu_average(var(cpu_target)),
        }
        output alb_dns = front.dns_name;
    }
}

fn main() {}
