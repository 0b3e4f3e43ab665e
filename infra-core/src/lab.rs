//! The lab (seed/README.md, items 1-11) written against the plain API, without the macro.
//!
//! It is the reference the `infra!` expansion is compared with, the good stack the check
//! tests mutate, and the input of the emitter benchmarks.

use crate::*;

/// What the lab needs to know about its payload (the webapp crate's `spec`, passed in so
/// that infra-core does not depend on the webapp).
#[derive(Debug, Clone, Copy)]
pub struct PayloadSpec<'a> {
    pub binary: &'a str,
    pub health_path: &'a str,
    pub routes: &'a [&'a str],
    pub port_env: &'a str,
}

/// The routes of the lab's web app, for tests that do not link the webapp crate.
pub const LAB_ROUTES: &[&str] = &[
    "/",
    "/health",
    "/hello/{name}",
    "/bonjour/{name}",
    "/salama/{name}",
];

impl Default for PayloadSpec<'static> {
    fn default() -> Self {
        PayloadSpec {
            binary: "webapp",
            health_path: "/health",
            routes: LAB_ROUTES,
            port_env: "PORT",
        }
    }
}

/// The whole lab: VPC with two public subnets, ALB and instance security groups, instance
/// role reading the payload, optional key pair and SSH CIDR variables, launch template,
/// internet-facing ALB, target group, listener 80, ASG 2/2/4 with CPU target tracking at
/// 50 %, and the ALB DNS name and URL as outputs. The app port is stated once (`port`).
pub fn lab_stack(spec: PayloadSpec<'_>, port: u32) -> Stack {
    let mut s = Stack::new("HelloStack");
    s.doc = Some("The lab: an ALB in front of 2..4 instances.".into());
    s.tags.insert("Project".into(), "tp2-alb-asg".into());

    s.variables.push(Variable {
        name: "admin_cidr".into(),
        doc: Some("Your own address (a /32) for SSH; SSH stays closed when unset.".into()),
        ty: VarType::Cidr,
        default: None,
    });
    s.variables.push(Variable {
        name: "ssh_public_key".into(),
        doc: Some("OpenSSH public key for the instances; no key pair when unset.".into()),
        ty: VarType::PublicKey,
        default: None,
    });

    let main = Vpc::managed("main", "10.0.0.0/16", &["10.0.1.0/24", "10.0.2.0/24"]);
    let vpc = main.to_ref();
    s.vpcs.push(main);

    let mut site = Payload::new("site", spec.binary, port, spec.health_path, spec.routes);
    site.port_env = spec.port_env.to_string();
    let site_ref = site.to_ref();
    s.payloads.push(site);

    let alb_sg_ref: Ref<SecurityGroup> = Ref::new("alb_sg");
    let web_sg_ref: Ref<SecurityGroup> = Ref::new("web_sg");

    let mut alb_sg = SecurityGroup::new("alb_sg", vpc.clone());
    alb_sg.doc = Some("Load balancer: HTTP from the internet".into());
    alb_sg.ingress.push(Rule::tcp(80, Peer::Internet));
    alb_sg
        .egress
        .push(Rule::tcp(port, Peer::SecurityGroup(web_sg_ref.clone())));
    s.security_groups.push(alb_sg);

    let mut web_sg = SecurityGroup::new("web_sg", vpc.clone());
    web_sg.doc = Some("Instances: the app port from the load balancer only".into());
    web_sg
        .ingress
        .push(Rule::tcp(port, Peer::SecurityGroup(alb_sg_ref.clone())));
    web_sg
        .ingress
        .push(Rule::tcp(22, Peer::Variable("admin_cidr".into())));
    web_sg.egress.push(Rule::tcp(443, Peer::Internet));
    s.security_groups.push(web_sg);

    let mut role = InstanceRole::new("web_role");
    role.reads.push(site_ref.clone());
    let role_ref = role.to_ref();
    s.roles.push(role);

    let kp = KeyPair {
        name: "ops".into(),
        doc: None,
        public_key: PublicKey::Variable("ssh_public_key".into()),
    };
    let kp_ref = kp.to_ref();
    s.key_pairs.push(kp);

    let mut lt = LaunchTemplate::new("web", Image::AmazonLinux2023, "t2.micro");
    lt.security_groups.push(web_sg_ref);
    lt.role = Some(role_ref);
    lt.key_pair = Some(kp_ref);
    lt.run = Some(site_ref);
    let lt_ref = lt.to_ref();
    s.launch_templates.push(lt);

    let tg = TargetGroup::new("app", vpc.clone(), port, spec.health_path);
    let tg_ref = tg.to_ref();
    s.target_groups.push(tg);

    let mut alb = Alb::new("front", vpc.clone());
    alb.security_groups.push(alb_sg_ref);
    alb.listeners.push(Listener::http(80, tg_ref.clone()));
    let alb_ref = alb.to_ref();
    s.albs.push(alb);

    let mut asg = AutoScalingGroup::new("web_asg", lt_ref, vpc);
    asg.min = 2.into();
    asg.desired = 2.into();
    asg.max = 4.into();
    asg.target_groups.push(tg_ref);
    asg.scale = Some(Scaling::CpuAverage(50.0.into()));
    s.autoscaling_groups.push(asg);

    let mut dns = Output::new("alb_dns", &alb_ref.dns_name());
    dns.doc = Some("DNS name of the load balancer".into());
    s.outputs.push(dns);
    let mut url = Output::new("alb_url", &alb_ref.url());
    url.doc = Some("Open this in a browser".into());
    s.outputs.push(url);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_is_clean() {
        let s = lab_stack(PayloadSpec::default(), 80);
        let v = crate::check(&s);
        assert!(v.is_empty(), "{}", crate::Violations(v));
    }

    #[test]
    fn the_sheet_literal_ports_are_refused() {
        // The sheet: target group and SG on 80, the app started on 8000.
        let mut s = lab_stack(PayloadSpec::default(), 80);
        s.payloads[0].port = 8000;
        let rules: Vec<&str> = crate::check(&s).iter().map(|v| v.rule_name()).collect();
        assert!(rules.contains(&"target-port-mismatch"), "{rules:?}");
    }
}
