//! A `{ expr }` value of the wrong type: rustc reports it at the expression itself.
use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        payload site = webapp_spec { port: 80 }
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
            image: amazon_linux_2023, instance_type: t2.micro,
            security_groups: [web_sg], role: web_role, run: site,
        }
        target_group app in main { port: site.port, health: site.health }
        alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.public_subnets,
            min: 2, desired: { "two" }, max: 4, target_groups: [app],
        }
    }
}

fn main() {}
