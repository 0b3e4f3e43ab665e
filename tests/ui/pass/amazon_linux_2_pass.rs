//! The lab on Amazon Linux 2, with health-check tuning, explicit AWS names and a root volume.
use infra_macros::infra;

infra! {
    pub(crate) stack Al2Stack {
        region: "eu-west-3",
        vpc main { cidr: "10.1.0.0/16", public_subnets: ["10.1.1.0/24", "10.1.2.0/24"] }
        payload site = webapp_spec { port: 8000 }
        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }
        instance_role web_role { read: [site] }
        launch_template web {
            image: amazon_linux_2, instance_type: "t2.micro",
            security_groups: [web_sg], role: web_role, run: site,
            imdsv2: required, root_volume: { size: 16, encrypted: true },
        }
        target_group app in main {
            port: site.port,
            health: { path: "/health", interval: 30, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 5 },
            aws_name: "lab-app", deregistration_delay: 10,
        }
        alb front in main.public_subnets {
            security_groups: [alb_sg], listener 80 => app, aws_name: "lab-front",
        }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.public_subnets,
            min: 2, desired: 3, max: 4, target_groups: [app], scale: cpu_average(60.5),
        }
        output alb_dns = front.dns_name;
    }
}

fn main() {
    let stack = Al2Stack::new();
    assert_eq!(stack.web.image, infra_core::Image::AmazonLinux2);
    assert_eq!(stack.web.root_volume.size_gib, 16);
    assert_eq!(stack.app.health.interval_secs, 30);
    assert_eq!(stack.stack().region, "eu-west-3");
    let tf = stack.to_terraform().expect("passes every check");
    assert_eq!(tf["resource"]["aws_lb"]["front"]["name"], "lab-front", "{tf}");
}
