//! Cross-kind rules: the ones that turn into 502s and outages when missed (listener ->
//! target group -> auto scaling group -> launch template -> payload, and the security
//! groups between them). A flat list of small named functions, [`CHECKS`], run in order.

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::alb::{self, Alb};
use crate::kinds::autoscaling_group::{self as asg_kind, AutoScalingGroup};
use crate::kinds::image::Arch;
use crate::kinds::instance_role::InstanceRole;
use crate::kinds::launch_template::{self as lt_kind, LaunchTemplate};
use crate::kinds::payload::{self, Payload};
use crate::kinds::security_group::{self as sg_kind, Direction, Peer, Protocol, SecurityGroup};
use crate::kinds::target_group::{self as tg_kind, TargetGroup};
use crate::kinds::vpc::{self as vpc_kind, Nat, Network, Vpc};
use crate::registry::Stack;
use crate::resource::Resource;

pub const TARGET_PORT_MISMATCH: CheckRule = CheckRule::new(
    "target-port-mismatch",
    "target group port differs from the payload's port",
);
pub const TARGETS_UNREACHABLE: CheckRule = CheckRule::new(
    "targets-unreachable",
    "the instance SG does not admit the app port from the ALB SG",
);
pub const APP_PORT_BYPASSES_ALB: CheckRule = CheckRule::waivable(
    "app-port-bypasses-alb",
    "the instance SG admits the app port from elsewhere",
);
pub const LISTENER_PORT_CLOSED: CheckRule = CheckRule::new(
    "listener-port-closed",
    "the ALB SG does not admit a listener port from the internet",
);
pub const ALB_SINGLE_AZ: CheckRule = CheckRule::new(
    "alb-single-az",
    "an internet-facing ALB needs public subnets in 2 AZs",
);
pub const LISTENER_WITHOUT_TARGETS: CheckRule = CheckRule::new(
    "listener-without-targets",
    "a listener forwards to a group no ASG registers into",
);
pub const VPC_MISMATCH: CheckRule = CheckRule::new(
    "vpc-mismatch",
    "load balancer, target group and instances in different VPCs",
);
pub const HEALTH_PATH_UNSERVED: CheckRule = CheckRule::new(
    "health-path-unserved",
    "the health check path is not one the payload serves",
);
pub const ALB_EGRESS_MISSING: CheckRule = CheckRule::new(
    "alb-egress-missing",
    "the ALB SG may not send to the instances on the app port",
);
pub const INSTANCE_EGRESS_MISSING: CheckRule = CheckRule::new(
    "instance-egress-missing",
    "the instance SG may not reach S3 (443) to fetch the payload",
);
pub const PAYLOAD_UNREADABLE: CheckRule = CheckRule::new(
    "payload-unreadable",
    "the instances' role may not read the payload they run",
);
pub const NO_PAYLOAD: CheckRule = CheckRule::new(
    "no-payload",
    "instances behind a target group that run nothing",
);

pub const PRIVATE_SUBNETS_OFFLINE: CheckRule = CheckRule::new(
    "private-subnets-offline",
    "instances on private subnets with neither an S3 endpoint nor NAT to fetch their payload",
);
pub const NO_PRIVATE_SUBNETS: CheckRule = CheckRule::new(
    "no-private-subnets",
    "instances launched on the private subnets of a VPC that declares none",
);
pub const PUBLIC_SUBNETS_WITHOUT_IPS: CheckRule = CheckRule::new(
    "public-subnets-without-ips",
    "instances on the public subnets of a VPC with private subnets, where they get no public IP",
);
/// Declared beside [`Arch`] (a launch template's instance type variable mirrors it at plan
/// time); checked here.
pub use crate::kinds::image::ARCH_MISMATCH;

pub const RULES: &[&CheckRule] = &[
    &TARGET_PORT_MISMATCH,
    &TARGETS_UNREACHABLE,
    &APP_PORT_BYPASSES_ALB,
    &LISTENER_PORT_CLOSED,
    &ALB_SINGLE_AZ,
    &LISTENER_WITHOUT_TARGETS,
    &VPC_MISMATCH,
    &HEALTH_PATH_UNSERVED,
    &ALB_EGRESS_MISSING,
    &INSTANCE_EGRESS_MISSING,
    &PAYLOAD_UNREADABLE,
    &NO_PAYLOAD,
    &PRIVATE_SUBNETS_OFFLINE,
    &NO_PRIVATE_SUBNETS,
    &PUBLIC_SUBNETS_WITHOUT_IPS,
    &ARCH_MISMATCH,
];

/// A cross-kind check: reads the stack, reports into the sink.
pub type Check = fn(&Stack, &mut Sink);

/// The topology checks, by name, in the order they run.
pub const CHECKS: &[(&str, Check)] = &[
    ("target_ports", target_ports),
    ("instance_sg_admits_alb", instance_sg_admits_alb),
    ("alb_sg_admits_listeners", alb_sg_admits_listeners),
    ("alb_subnets", alb_subnets),
    ("listener_wiring", listener_wiring),
    ("health_paths", health_paths),
    ("egress", egress),
    ("payload_delivery", payload_delivery),
    ("private_egress", private_egress),
    ("architectures", architectures),
];

/// The launch template, payload and instance security groups behind a target group:
/// every (ASG, launch template) registering into it.
struct Backend<'a> {
    asg: &'a AutoScalingGroup,
    lt: &'a LaunchTemplate,
    payload: Option<&'a Payload>,
}

fn backends<'a>(s: &'a Stack, tg: &str) -> Vec<Backend<'a>> {
    s.autoscaling_groups
        .iter()
        .filter(|a| a.target_groups.iter().any(|t| t.name() == tg))
        .filter_map(|asg| {
            let lt = s.get(&asg.launch_template)?;
            let payload = lt.run.as_ref().and_then(|p| s.get(p));
            Some(Backend { asg, lt, payload })
        })
        .collect()
}

/// The load balancers forwarding to a target group, each once, with the index of its
/// first listener that does.
fn frontends<'a>(s: &'a Stack, tg: &str) -> Vec<(&'a Alb, usize)> {
    s.albs
        .iter()
        .filter_map(|alb| {
            alb.listeners
                .iter()
                .position(|l| l.forward().is_some_and(|f| f.name() == tg))
                .map(|i| (alb, i))
        })
        .collect()
}

/// True when every security group named by these launch templates and load balancers
/// exists: topology checks stay silent otherwise (the unknown reference is the error,
/// and reasoning over a half-known graph would only add noise).
fn sgs_resolve(s: &Stack, backends: &[Backend<'_>], albs: &[(&Alb, usize)]) -> bool {
    backends
        .iter()
        .flat_map(|b| &b.lt.security_groups)
        .chain(albs.iter().flat_map(|(a, _)| &a.security_groups))
        .all(|r| s.get(r).is_some())
}

/// Security groups of the launch templates behind a target group.
fn instance_sgs<'a>(s: &'a Stack, backends: &[Backend<'a>]) -> Vec<&'a SecurityGroup> {
    let mut out: Vec<&SecurityGroup> = Vec::new();
    for b in backends {
        for r in &b.lt.security_groups {
            if let Some(sg) = s.get(r) {
                if !out.iter().any(|o| o.name == sg.name) {
                    out.push(sg);
                }
            }
        }
    }
    out
}

fn target_ports(s: &Stack, out: &mut Sink) {
    for tg in &s.target_groups {
        for b in backends(s, &tg.name) {
            let Some(p) = b.payload else {
                out.push(
                    Violation::new(
                        &NO_PAYLOAD,
                        b.lt.loc().at(lt_kind::RUN),
                        format!(
                            "launch template `{}` runs no payload, yet its instances are registered in target group `{}`: nothing would listen on port {}",
                            b.lt.name, tg.name, tg.port
                        ),
                    )
                    .help("add `run: <payload>` to the launch template")
                    .note(b.asg.loc().at(asg_kind::TARGET_GROUPS), "the group registers here"),
                );
                continue;
            };
            if p.port != tg.port {
                out.push(
                    Violation::new(
                        &TARGET_PORT_MISMATCH,
                        tg.loc().at(tg_kind::PORT),
                        format!(
                            "target group `{}` sends traffic to port {}, but payload `{}` listens on port {}: every target would fail its health check (502/503)",
                            tg.name, tg.port, p.name, p.port
                        ),
                    )
                    .help(format!("derive the port from the payload: `port: {}.port`", p.name))
                    .note(p.loc().at(payload::PORT), format!("payload `{}` listens on {} here", p.name, p.port))
                    .note(b.lt.loc().at(lt_kind::RUN), "the instances run it here"),
                );
            }
        }
    }
}

fn instance_sg_admits_alb(s: &Stack, out: &mut Sink) {
    for tg in &s.target_groups {
        let backs = backends(s, &tg.name);
        if backs.is_empty() {
            continue;
        }
        let port = tg.port;
        let fronts = frontends(s, &tg.name);
        if !sgs_resolve(s, &backs, &fronts) {
            continue;
        }
        let sgs = instance_sgs(s, &backs);
        let lt = backs[0].lt;
        for (alb, li) in fronts {
            let alb_sgs: Vec<&str> = alb.security_groups.iter().map(|r| r.name()).collect();
            let from = alb_sgs
                .first()
                .copied()
                .unwrap_or("<the ALB's security group>");
            let admitted = sgs.iter().any(|sg| {
                sg.ingress.iter().any(|r| {
                    r.covers(Protocol::Tcp, port)
                        && matches!(&r.peer, Peer::SecurityGroup(p) if alb_sgs.contains(&p.name()))
                })
            });
            if !admitted {
                let names: Vec<String> = sgs.iter().map(|s| format!("`{}`", s.name)).collect();
                let at = match sgs.first() {
                    Some(sg) => sg.loc(),
                    None => lt.loc().at(lt_kind::SECURITY_GROUPS),
                };
                out.push(
                    Violation::new(
                        &TARGETS_UNREACHABLE,
                        at,
                        format!(
                            "the instances' security group{} {} do{} not admit tcp {port} from load balancer `{}`'s security group: every target would be unhealthy (502)",
                            if names.len() == 1 { "" } else { "s" },
                            if names.is_empty() { "(none)".to_string() } else { names.join(", ") },
                            if names.len() == 1 { "es" } else { "" },
                            alb.name
                        ),
                    )
                    .help(format!("add `ingress tcp {port} from {from}`"))
                    .note(alb.listener_at(li).at(alb::FORWARD), "the load balancer forwards here")
                    .note(tg.loc().at(tg_kind::PORT), format!("targets receive traffic on port {port}")),
                );
            }
            // Nothing else may reach the app port: the instances take traffic only
            // through the load balancer.
            for sg in &sgs {
                for (i, r) in sg.ingress.iter().enumerate() {
                    if !(r.protocol == Protocol::Tcp && r.from_port <= port && port <= r.to_port) {
                        continue;
                    }
                    let via_alb =
                        matches!(&r.peer, Peer::SecurityGroup(p) if alb_sgs.contains(&p.name()));
                    if !via_alb {
                        out.push(
                            Violation::new(
                                &APP_PORT_BYPASSES_ALB,
                                sg.rule_at(Direction::Ingress, i).at(sg_kind::PEER),
                                format!(
                                    "instance security group `{}` admits the app port {port} from {}, not only from load balancer `{}`'s security group",
                                    sg.name,
                                    r.peer.describe(),
                                    alb.name
                                ),
                            )
                            .help(format!(
                                "remove this rule: the instances take traffic on {port} only through the load balancer (`from {from}`)"
                            )),
                        );
                    }
                }
            }
        }
    }
}

fn alb_sg_admits_listeners(s: &Stack, out: &mut Sink) {
    for alb in s.albs.iter().filter(|a| a.internet_facing) {
        let sgs: Vec<&SecurityGroup> = alb
            .security_groups
            .iter()
            .filter_map(|r| s.get(r))
            .collect();
        for (i, l) in alb.listeners.iter().enumerate() {
            let open = sgs.iter().any(|sg| {
                sg.ingress
                    .iter()
                    .any(|r| r.covers(Protocol::Tcp, l.port) && r.peer.is_world())
            });
            if open {
                continue;
            }
            let at = match alb.security_groups.first() {
                Some(_) => alb.loc().at(alb::SECURITY_GROUPS),
                None => alb.loc(),
            };
            let sg = alb
                .security_groups
                .first()
                .map(|r| r.name())
                .unwrap_or("<alb sg>");
            out.push(
                Violation::new(
                    &LISTENER_PORT_CLOSED,
                    at,
                    format!(
                        "internet-facing load balancer `{}` listens on port {}, but its security group{} do{} not admit tcp {} from the internet",
                        alb.name,
                        l.port,
                        if sgs.len() == 1 { "" } else { "s" },
                        if sgs.len() == 1 { "es" } else { "" },
                        l.port
                    ),
                )
                .help(format!("add `ingress tcp {} from internet` to `{sg}`", l.port))
                .note(alb.listener_at(i).at(alb::PORT), "the listener is declared here"),
            );
        }
    }
}

fn alb_subnets(s: &Stack, out: &mut Sink) {
    for alb in s.albs.iter().filter(|a| a.internet_facing) {
        let Some(vpc) = s.get::<Vpc>(&alb.subnets) else {
            continue;
        };
        if let Network::Managed { public_subnets, .. } = &vpc.network {
            if public_subnets.len() < 2 {
                out.push(
                    Violation::new(
                        &ALB_SINGLE_AZ,
                        alb.loc().at(alb::SUBNETS),
                        format!(
                            "internet-facing load balancer `{}` needs public subnets in at least 2 Availability Zones; VPC `{}` has {}",
                            alb.name,
                            vpc.name,
                            public_subnets.len()
                        ),
                    )
                    .help("add a second public subnet: each one is placed in its own AZ")
                    .note(vpc.loc().at(vpc_kind::PUBLIC_SUBNETS), "the subnets are declared here"),
                );
            }
        }
    }
}

fn listener_wiring(s: &Stack, out: &mut Sink) {
    for alb in &s.albs {
        for (i, l) in alb.listeners.iter().enumerate() {
            let Some(tg) = l.forward().and_then(|f| s.get::<TargetGroup>(f)) else {
                continue;
            };
            let backs = backends(s, &tg.name);
            if backs.is_empty() {
                out.push(
                    Violation::new(
                        &LISTENER_WITHOUT_TARGETS,
                        alb.listener_at(i).at(alb::FORWARD),
                        format!(
                            "listener {} of `{}` forwards to target group `{}`, but no auto scaling group registers instances into it (503)",
                            l.port, alb.name, tg.name
                        ),
                    )
                    .help(format!("add `target_groups: [{}]` to an autoscaling_group", tg.name))
                    .note(tg.loc(), "the target group is declared here"),
                );
            }
            if tg.vpc.name() != alb.subnets.name() {
                out.push(
                    Violation::new(
                        &VPC_MISMATCH,
                        tg.loc().at(tg_kind::VPC),
                        format!(
                            "target group `{}` is in VPC `{}`, but load balancer `{}` is in VPC `{}`",
                            tg.name,
                            tg.vpc.name(),
                            alb.name,
                            alb.subnets.name()
                        ),
                    )
                    .help("put them in the same VPC")
                    .note(alb.loc().at(alb::SUBNETS), "the load balancer's VPC"),
                );
            }
            for b in &backs {
                if b.asg.subnets.name() != tg.vpc.name() {
                    out.push(
                        Violation::new(
                            &VPC_MISMATCH,
                            b.asg.loc().at(asg_kind::SUBNETS),
                            format!(
                                "auto scaling group `{}` launches in VPC `{}`, but its target group `{}` is in VPC `{}`",
                                b.asg.name,
                                b.asg.subnets.name(),
                                tg.name,
                                tg.vpc.name()
                            ),
                        )
                        .help("launch the instances in the target group's VPC")
                        .note(tg.loc().at(tg_kind::VPC), "the target group's VPC"),
                    );
                }
                for r in &b.lt.security_groups {
                    if let Some(sg) = s.get(r) {
                        if sg.vpc.name() != b.asg.subnets.name() {
                            out.push(
                                Violation::new(
                                    &VPC_MISMATCH,
                                    sg.loc().at(sg_kind::VPC),
                                    format!(
                                        "security group `{}` is in VPC `{}`, but launch template `{}` starts instances in VPC `{}`",
                                        sg.name,
                                        sg.vpc.name(),
                                        b.lt.name,
                                        b.asg.subnets.name()
                                    ),
                                )
                                .help("declare the security group in the instances' VPC"),
                            );
                        }
                    }
                }
            }
            for r in &alb.security_groups {
                if let Some(sg) = s.get(r) {
                    if sg.vpc.name() != alb.subnets.name() {
                        out.push(
                            Violation::new(
                                &VPC_MISMATCH,
                                sg.loc().at(sg_kind::VPC),
                                format!(
                                    "security group `{}` is in VPC `{}`, but load balancer `{}` is in VPC `{}`",
                                    sg.name,
                                    sg.vpc.name(),
                                    alb.name,
                                    alb.subnets.name()
                                ),
                            )
                            .help("declare the security group in the load balancer's VPC"),
                        );
                    }
                }
            }
        }
    }
}

fn health_paths(s: &Stack, out: &mut Sink) {
    for tg in &s.target_groups {
        for b in backends(s, &tg.name) {
            let Some(p) = b.payload else { continue };
            if !p.serves(&tg.health.path) {
                out.push(
                    Violation::new(
                        &HEALTH_PATH_UNSERVED,
                        tg.loc().at(tg_kind::HEALTH).at(tg_kind::PATH),
                        format!(
                            "health check path `{}` is not served by payload `{}` (it serves {}): every target would be unhealthy",
                            tg.health.path,
                            p.name,
                            p.routes.join(", ")
                        ),
                    )
                    .help(format!("use the payload's health path: `health: {}.health` (= `{}`)", p.name, p.health_path))
                    .note(p.loc().at(payload::HEALTH_PATH), "the payload is declared here"),
                );
            }
        }
    }
}

fn egress(s: &Stack, out: &mut Sink) {
    for tg in &s.target_groups {
        let backs = backends(s, &tg.name);
        if backs.is_empty() {
            continue;
        }
        let fronts = frontends(s, &tg.name);
        if !sgs_resolve(s, &backs, &fronts) {
            continue;
        }
        let inst = instance_sgs(s, &backs);
        let inst_names: Vec<&str> = inst.iter().map(|g| g.name.as_str()).collect();
        for (alb, _) in fronts {
            let alb_sgs: Vec<&SecurityGroup> = alb
                .security_groups
                .iter()
                .filter_map(|r| s.get(r))
                .collect();
            if alb_sgs.is_empty() {
                continue;
            }
            let ok = alb_sgs.iter().any(|g| {
                g.egress.iter().any(|r| {
                    r.covers(Protocol::Tcp, tg.port)
                        && match &r.peer {
                            Peer::SecurityGroup(p) => inst_names.contains(&p.name()),
                            Peer::Internet | Peer::Cidr(_) => r.peer.is_world(),
                            Peer::Variable(_) => false,
                        }
                })
            });
            if !ok {
                let to = inst_names.first().copied().unwrap_or("<instance sg>");
                out.push(
                    Violation::new(
                        &ALB_EGRESS_MISSING,
                        alb_sgs[0].loc(),
                        format!(
                            "load balancer security group `{}` has no egress rule to `{to}` on tcp {}: Terraform removes AWS's default allow-all egress, so the load balancer could not reach its targets",
                            alb_sgs[0].name, tg.port
                        ),
                    )
                    .help(format!("add `egress tcp {} to {to}`", tg.port))
                    .note(tg.loc().at(tg_kind::PORT), format!("targets receive traffic on port {}", tg.port)),
                );
            }
        }
        for b in &backs {
            if b.payload.is_none() {
                continue;
            }
            let sgs: Vec<&SecurityGroup> =
                b.lt.security_groups
                    .iter()
                    .filter_map(|r| s.get(r))
                    .collect();
            let ok = sgs.iter().any(|g| {
                g.egress
                    .iter()
                    .any(|r| r.covers(Protocol::Tcp, 443) && r.peer.is_world())
            });
            if !ok && !sgs.is_empty() {
                out.push(
                    Violation::new(
                        &INSTANCE_EGRESS_MISSING,
                        sgs[0].loc(),
                        format!(
                            "instance security group `{}` has no egress on tcp 443 to the internet: the instances of `{}` could not fetch their payload from S3",
                            sgs[0].name, b.lt.name
                        ),
                    )
                    .help("add `egress tcp 443 to internet`")
                    .note(b.lt.loc().at(lt_kind::RUN), "the payload is fetched at boot"),
                );
            }
        }
    }
}

fn payload_delivery(s: &Stack, out: &mut Sink) {
    for lt in &s.launch_templates {
        let Some(p) = &lt.run else { continue };
        let role: Option<&InstanceRole> = lt.role.as_ref().and_then(|r| s.get(r));
        let readable = role.is_some_and(|r| r.reads.iter().any(|x| x.name() == p.name()));
        if readable {
            continue;
        }
        let (at, help) = match (&lt.role, role) {
            (Some(_), Some(r)) => (
                lt.loc().at(lt_kind::ROLE),
                format!("add `read: {}` to instance_role `{}`", p.name(), r.name),
            ),
            _ => (
                lt.loc().at(lt_kind::RUN),
                format!(
                    "give the launch template `role: <an instance_role with read: {}>`",
                    p.name()
                ),
            ),
        };
        out.push(
            Violation::new(
                &PAYLOAD_UNREADABLE,
                at,
                format!(
                    "launch template `{}` runs payload `{}`, but its instance role may not read the payload's artifact: the boot script could not fetch it",
                    lt.name,
                    p.name()
                ),
            )
            .help(help),
        );
    }
}

/// Instances on private subnets fetch their payload from S3 at boot: through the VPC's S3
/// gateway endpoint or a NAT gateway. With neither, the boot script never gets it, the
/// health checks never pass, and the group replaces its instances forever.
fn private_egress(s: &Stack, out: &mut Sink) {
    // A VPC with private subnets maps no public IPs on its public ones (they hold only the
    // load balancer and NAT): instances launched there could reach nothing.
    for asg in s.autoscaling_groups.iter().filter(|a| !a.private_subnets) {
        let Some(vpc) = s.get::<Vpc>(&asg.subnets) else {
            continue;
        };
        if !vpc.private_subnets.is_empty() {
            out.push(
                Violation::new(
                    &PUBLIC_SUBNETS_WITHOUT_IPS,
                    asg.loc().at(asg_kind::SUBNETS),
                    format!(
                        "auto scaling group `{}` launches on the public subnets of VPC `{}`, which has private subnets: its public subnets map no public IPs, so the instances could not reach S3 or the internet",
                        asg.name, vpc.name
                    ),
                )
                .help(format!("launch on `{}.private_subnets`", vpc.name))
                .note(vpc.loc().at(vpc_kind::PRIVATE_SUBNETS), "the private subnets are declared here"),
            );
        }
    }
    for asg in s.autoscaling_groups.iter().filter(|a| a.private_subnets) {
        let Some(vpc) = s.get::<Vpc>(&asg.subnets) else {
            continue;
        };
        if vpc.private_subnets.is_empty() {
            out.push(
                Violation::new(
                    &NO_PRIVATE_SUBNETS,
                    asg.loc().at(asg_kind::SUBNETS),
                    format!(
                        "auto scaling group `{}` launches on the private subnets of VPC `{}`, which declares none",
                        asg.name, vpc.name
                    ),
                )
                .help(format!(
                    "add `private_subnets: [\"10.0.11.0/24\", \"10.0.12.0/24\"]` to VPC `{}`, or use `{}.public_subnets`",
                    vpc.name, vpc.name
                ))
                .note(vpc.loc(), "the VPC is declared here"),
            );
            continue;
        }
        let runs_payload = s
            .get::<LaunchTemplate>(&asg.launch_template)
            .is_some_and(|lt| lt.run.is_some());
        if runs_payload && !vpc.s3_endpoint && vpc.nat == Nat::None {
            out.push(
                Violation::new(
                    &PRIVATE_SUBNETS_OFFLINE,
                    asg.loc().at(asg_kind::SUBNETS),
                    format!(
                        "the instances of `{}` are on private subnets of VPC `{}`, which has neither an S3 endpoint nor NAT: they could not fetch their payload and would never become healthy",
                        asg.name, vpc.name
                    ),
                )
                .help(format!(
                    "add `s3_endpoint: true` (free) or `nat: shared` to VPC `{}`",
                    vpc.name
                ))
                .note(vpc.loc(), "the VPC is declared here"),
            );
        }
    }
}

/// The instance type, the image and the payload must agree on the CPU architecture: an
/// arm64 image does not boot on an x86_64 type (the launch fails), and an x86_64 payload
/// does not run on arm64 (exec format error, so every target is unhealthy).
fn architectures(s: &Stack, out: &mut Sink) {
    for lt in &s.launch_templates {
        let image = lt.image.arch();
        let w = s.world();
        let it = lt.instance_type.value(w);
        if let Some((it, ty)) = it
            .as_ref()
            .and_then(|t| Some((t, Arch::of_instance_type(t)?)))
        {
            if ty != image {
                out.push(
                    Violation::new(
                        &ARCH_MISMATCH,
                        lt.loc().at(lt_kind::INSTANCE_TYPE),
                        format!(
                            "instance type `{it}`{} is {}, but image `{}` of launch template `{}` is {}: the instances would not launch",
                            lt.instance_type.whence(),
                            ty.keyword(),
                            lt.image.keyword(),
                            lt.name,
                            image.keyword()
                        ),
                    )
                    .help(match image {
                        Arch::Arm64 => "use a Graviton type such as `t4g.micro`, or an x86_64 image".to_string(),
                        Arch::X86_64 => "use an x86_64 type such as `t3.micro`, or `amazon_linux_2023_arm64`".to_string(),
                    })
                    .note(lt.loc().at(lt_kind::IMAGE), "the image is chosen here"),
                );
                continue;
            }
        }
        let Some(p) = lt.run.as_ref().and_then(|r| s.get(r)) else {
            continue;
        };
        if p.arch != image {
            out.push(
                Violation::new(
                    &ARCH_MISMATCH,
                    lt.loc().at(lt_kind::RUN),
                    format!(
                        "payload `{}` is built for {}, but launch template `{}` starts {} instances: the binary would not run",
                        p.name,
                        p.arch.keyword(),
                        lt.name,
                        image.keyword()
                    ),
                )
                .help(format!("build the payload for {0} (`arch: {0}`), or run it on {1} instances", image.keyword(), p.arch.keyword()))
                .note(lt.loc().at(lt_kind::IMAGE), "the image is chosen here"),
            );
        }
    }
}
