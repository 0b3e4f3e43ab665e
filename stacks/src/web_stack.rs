// The production web stack, written once: `stacks/src/lib.rs` includes this file as a
// module (the `WebStack` behind `web_stack`), and `tests/ui/pass/web_stack_pass.rs`
// `include!`s it.
//
// Keep it one `use` and one `infra!` invocation, with `//` comments only (an `include!`d
// file may not carry `//!` inner docs).

use infra_macros::infra;

infra! {
    /// HTTPS with a managed certificate in front of Graviton instances on private subnets.
    pub stack WebStack {
        region: "us-east-1",
        tags: { Project: "web-stack" },

        /// The name the site answers on; a name in `zone_name`.
        variable domain_name: string = "app.example.com";
        /// The public Route 53 hosted zone that holds `domain_name` and its certificate's
        /// validation records.
        variable zone_name: string = "example.com";

        // The knobs: set them with `-var` or a tfvars file. The checks below use the
        // defaults; the variables' validation blocks repeat them at plan time.
        /// The instance type: Graviton (arm64), like the image and the payload.
        variable instance_type: string = "t4g.micro";
        /// The fewest instances the group runs.
        variable min_size: number = 2;
        /// The instances at creation (the scaling policy owns it afterwards).
        variable desired: number = 2;
        /// The most instances the group runs.
        variable max_size: number = 4;
        /// The average CPU utilisation the group scales to hold, in percent.
        variable cpu_target: number = 50;

        /// Public subnets for the load balancer, private ones (no public IPs) for the
        /// instances, which fetch their payload through the S3 gateway endpoint: no NAT.
        vpc main {
            cidr: "10.0.0.0/16",
            public_subnets: ["10.0.1.0/24", "10.0.2.0/24"],
            private_subnets: ["10.0.11.0/24", "10.0.12.0/24"],
            s3_endpoint: true,
            nat: none,
        }

        /// The web app, built for arm64 by `scripts/build-payload.sh aarch64`.
        payload site = webapp_spec { port: 8000, arch: arm64 }

        /// The load balancer takes HTTPS, and HTTP only to redirect it.
        security_group alb_sg in main {
            ingress tcp 443 from internet,
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        /// The instances take the app port from the load balancer only, and reach S3.
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }

        /// The instances may read their payload, nothing more.
        instance_role web_role { read: site }

        /// Amazon Linux 2023 on Graviton.
        launch_template web {
            image: amazon_linux_2023_arm64,
            instance_type: var(instance_type),
            security_groups: [web_sg],
            role: web_role,
            run: site,
        }

        /// A certificate for the domain, validated in the zone.
        certificate site_cert { domain: var(domain_name), zone: var(zone_name) }

        target_group app in main { port: site.port, health: site.health }
        /// HTTPS with TLS 1.2 and 1.3 forwards; HTTP answers a 301 to HTTPS.
        alb front in main.public_subnets {
            security_groups: [alb_sg],
            listener 443 https(site_cert) => app,
            listener 80 => redirect(443),
        }
        /// The domain points at the load balancer.
        alias_record site_dns { domain: var(domain_name), zone: var(zone_name), to: front }

        /// 2 to 4 instances on the private subnets, CPU held at 50 % (the defaults).
        autoscaling_group web_asg {
            launch_template: web,
            subnets: main.private_subnets,
            min: var(min_size), desired: var(desired), max: var(max_size),
            target_groups: [app],
            scale: cpu_average(var(cpu_target)),
        }

        /// The site.
        output url = site_dns.url;
        /// The load balancer's DNS name.
        output alb_dns = front.dns_name;
        /// The Auto Scaling group, to watch its instances come and go.
        output asg_name = web_asg.name;
        /// The target group, to watch its targets' health.
        output target_group_name = app.name;
    }
}
