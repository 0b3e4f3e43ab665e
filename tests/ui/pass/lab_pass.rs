//! The full lab stack: an ALB in front of 2..4 instances running the webapp payload.
use infra_macros::infra;

infra! {
    /// The lab: an ALB in front of 2..4 instances.
    pub stack HelloStack {
        region: "us-east-1",
        tags: { Project: "tp2", Owner: "ops" },
        /// Your own address, for SSH; SSH is closed when unset.
        variable admin_cidr: cidr;
        variable ssh_key: public_key;
        variable foo: string = "bar";
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        payload site = webapp_spec { port: 80 }
        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            /// HTTP from the load balancer
            ingress tcp site.port from alb_sg,
            ingress tcp 22 from var(admin_cidr),
            egress tcp 443 to internet,
        }
        instance_role web_role { read: site }
        key_pair ops { public_key: var(ssh_key) }
        launch_template web {
            image: amazon_linux_2023, instance_type: t2.micro,
            security_groups: [web_sg], role: web_role, key_pair: ops, run: site,
        }
        target_group app in main { port: site.port, health: site.health }
        alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.public_subnets,
            min: 2, desired: 2, max: 4, target_groups: [app], scale: cpu_average(50),
        }
        /// The load balancer's DNS name.
        output alb_dns = front.dns_name;
        output alb_url = front.url;
    }
}

fn main() {
    let stack = HelloStack::new();
    assert_eq!(stack.site.port, 80);
    assert_eq!(stack.site.health_path, webapp_spec::HEALTH_PATH);
    assert_eq!(stack.app.health.path, "/health");
    assert_eq!(stack.front.dns_name().expression(), "${aws_lb.front.dns_name}");
    assert!(stack.check().is_empty(), "{:?}", stack.check());
    let tf = stack.to_terraform().expect("the lab stack passes every check");
    assert!(tf["resource"]["aws_lb"]["front"].is_object(), "{tf}");
    assert!(tf["resource"]["aws_autoscaling_group"]["web_asg"].is_object());
    assert!(tf["output"]["alb_dns"].is_object());
    let json = stack.to_json_string().unwrap();
    assert_eq!(json, HelloStack::default().to_json_string().unwrap(), "deterministic");
}
