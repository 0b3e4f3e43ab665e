//! Neighbour of redirect_without_listener_fail.rs: 80 redirects to the 443 listener.
use infra_macros::infra;

infra! {
    /// HTTPS in front of Graviton instances on private subnets.
    pub stack WebStack {
        variable domain_name: string = "app.example.com";
        variable zone_name: string = "example.com";
        vpc main {
            cidr: "10.0.0.0/16",
            public_subnets: ["10.0.1.0/24", "10.0.2.0/24"],
            private_subnets: ["10.0.11.0/24", "10.0.12.0/24"],
            s3_endpoint: true,
        }
        payload site { binary: "webapp", port: 8000, health: "/health", arch: arm64 }
        security_group alb_sg in main {
            ingress tcp 443 from internet,
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }
        instance_role web_role { read: site }
        launch_template web {
            image: amazon_linux_2023_arm64, instance_type: t4g.micro,
            security_groups: [web_sg], role: web_role, run: site,
        }
        certificate site_cert { domain: var(domain_name), zone: var(zone_name) }
        target_group app in main { port: site.port, health: site.health }
        alb front in main.public_subnets {
            security_groups: [alb_sg],
            listener 443 https(site_cert) => app,
            listener 80 => redirect(443),
        }
        alias_record site_dns { domain: var(domain_name), zone: var(zone_name), to: front }
        autoscaling_group web_asg {
            launch_template: web, subnets: main.private_subnets,
            min: 2, desired: 2, max: 4, target_groups: [app], scale: cpu_average(50),
        }
        output url = site_dns.url;
    }
}

fn main() {
    let stack = WebStack::new();
    assert!(stack.check().is_empty(), "{:?}", stack.check());
    let tf = stack.to_terraform().expect("the fixed stack passes every check");
    assert!(tf["resource"]["aws_lb"]["front"].is_object(), "{tf}");
}
