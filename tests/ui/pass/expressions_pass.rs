//! Rust expressions as values: evaluated at run time, checked by `to_terraform()`; and an
//! explicit waiver with its reason.
use infra_macros::infra;

fn desired_from_env() -> u32 {
    std::env::var("LAB_DESIRED").ok().and_then(|s| s.parse().ok()).unwrap_or(3)
}

infra! {
    stack ExprStack {
        region: { std::env::var("LAB_REGION").unwrap_or_else(|_| "us-east-1".to_string()) },
        tags: { Project: "tp2", "infra:owner": { "ops" } },
        variable admin_cidr: cidr;
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", { format!("10.0.{}.0/24", 2) }] }
        payload site = webapp_spec { port: 80 }
        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            /// SSH for the lab bastion
            #[waive(ssh_open_to_world, "lab bastion, destroyed after class")]
            ingress tcp 22 from internet,
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
            min: 2, desired: { desired_from_env() }, max: 4, target_groups: [app],
        }
    }
}

fn main() {
    std::env::set_var("LAB_DESIRED", "4");
    let stack = ExprStack::new();
    assert_eq!(stack.web_asg.desired, 4.into());
    assert_eq!(stack.web_sg.ingress[1].waivers[0].reason, "lab bastion, destroyed after class");
    assert_eq!(stack.stack().tags["infra:owner"], "ops");
    assert!(stack.to_terraform().is_ok());

    // The same checks run at synth time: a bad run-time value is refused there.
    std::env::set_var("LAB_DESIRED", "9");
    let err = ExprStack::new().to_terraform().unwrap_err();
    assert!(err.0.iter().any(|v| v.rule_name() == "asg-size"), "{err}");
}
