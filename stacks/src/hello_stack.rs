// The lab stack, written once: `stacks/src/lib.rs` includes this file as a module (the
// `HelloStack` behind `hello_stack`), `tests/ui/pass/lab_pass.rs` `include!`s it, and
// infra-expand's benchmark and property test read its `infra! { ... }` block
// (`include_str!` and `infra_expand::source::macro_body`).
//
// Keep it one `use` and one `infra!` invocation, with `//` comments only (an `include!`d
// file may not carry `//!` inner docs).

use infra_macros::infra;

infra! {
    /// The lab: an ALB in front of 2..4 instances running the webapp.
    pub stack HelloStack {
        region: "us-east-1",
        tags: { Project: "tp2-alb-asg" },

        /// Your own address as a /32, to allow SSH; SSH stays closed when unset.
        variable admin_cidr: cidr;
        /// OpenSSH public key for the instances; no key pair when unset.
        variable ssh_public_key: public_key;

        /// Items 1: a VPC with public subnets in two Availability Zones.
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }

        /// Item 6: the web app, listening on port 80 (stated once, derived everywhere).
        payload site = webapp_spec { port: 80 }

        /// Item 2: the load balancer takes HTTP from the internet.
        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        /// Item 3: the instances take the app port from the load balancer only.
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            ingress tcp 22 from var(admin_cidr),
            egress tcp 443 to internet,
        }

        /// Item 4: the instances may read their payload, nothing more.
        instance_role web_role { read: site }
        /// Item 5: an SSH key pair, imported from a variable.
        key_pair ops { public_key: var(ssh_public_key) }

        /// Item 6: Amazon Linux 2023 (`amazon_linux_2` for the sheet's image), t2.micro.
        launch_template web {
            image: amazon_linux_2023,
            instance_type: t2.micro,
            security_groups: [web_sg],
            role: web_role,
            key_pair: ops,
            run: site,
        }

        /// Item 8: HTTP targets on the payload's port, health-checked on its health path.
        target_group app in main { port: site.port, health: site.health }
        /// Items 7 and 9: internet-facing, on both public subnets, listener 80 -> app.
        alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app }

        /// Item 10: 2 to 4 instances on both subnets, CPU held at 50 %.
        autoscaling_group web_asg {
            launch_template: web,
            subnets: main.public_subnets,
            min: 2, desired: 2, max: 4,
            target_groups: [app],
            scale: cpu_average(50),
        }

        /// Item 11: the load balancer's DNS name.
        output alb_dns = front.dns_name;
        /// The URL to open in a browser.
        output alb_url = front.url;
        /// The Auto Scaling group, to watch its instances come and go.
        output asg_name = web_asg.name;
        /// The target group, to watch its targets' health.
        output target_group_name = app.name;
    }
}
