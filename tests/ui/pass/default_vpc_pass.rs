//! The lab in the region's default VPC, with a literal-form payload on port 8000.
use infra_macros::infra;

infra! {
    stack DefaultVpcStack {
        vpc main = default;
        payload site {
            binary: "webapp", port: 8000, health: "/health",
            routes: ["/", "/health", "/hello/{name}"],
        }
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
            image: amazon_linux_2023, instance_type: t3.micro,
            security_groups: [web_sg], role: web_role, run: site,
        }
        target_group app in main { port: site.port, health: site.health }
        alb front in main { security_groups: [alb_sg], listener 80 => app }
        autoscaling_group web_asg {
            launch_template: web, subnets: main, min: 1, max: 2, target_groups: [app],
        }
        output alb_url = front.url;
    }
}

fn main() {
    let stack = DefaultVpcStack::new();
    assert_eq!(stack.main.network, infra_core::Network::Default);
    assert_eq!(stack.app.port, 8000);
    assert_eq!(stack.web_asg.desired, 1.into(), "desired defaults to min");
    let tf = stack.to_terraform().expect("passes every check");
    assert!(tf["resource"]["aws_lb"]["front"].is_object());
    assert!(tf["resource"].get("aws_vpc").is_none(), "no VPC is created");
}
