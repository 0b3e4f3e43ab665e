//! The check engine: one function, [`check`], takes a stack and returns every violation.
//!
//! Checks are a flat list of small named functions, each owning one rule (see [`RULES`]).
//! Per-value checks come first, then the graph (names and references), then the topology
//! checks that turn into 502s and outages when missed, then the security defaults. The
//! `infra!` macro runs this same function at compile time.

use std::collections::{BTreeMap, BTreeSet};

use crate::cidr::{self, CidrError};
use crate::model::*;
use crate::refs::{Kind, Ref, Resource};
use crate::userdata;
use crate::violation::{Location, Violation};

/// Every rule the engine knows: name, and what it protects against.
pub const RULES: &[(&str, &str)] = &[
    ("duplicate-name", "two resources share a name"),
    (
        "invalid-name",
        "a name Terraform rejects, or one the stack reserves",
    ),
    (
        "unknown-reference",
        "a reference names nothing in the stack",
    ),
    (
        "wrong-kind-reference",
        "a reference names a resource of another kind",
    ),
    (
        "unknown-attribute",
        "an output names an attribute the resource does not have",
    ),
    ("invalid-cidr", "a CIDR block that AWS rejects"),
    (
        "cidr-prefix",
        "a VPC or subnet block outside AWS's /16 to /28",
    ),
    (
        "subnet-outside-vpc",
        "a subnet block not inside its VPC's block",
    ),
    ("subnet-overlap", "two subnets sharing addresses"),
    ("port-range", "a port outside 1-65535"),
    (
        "aws-name",
        "a load balancer or target group name AWS rejects",
    ),
    (
        "description-charset",
        "a security group or rule description AWS rejects",
    ),
    (
        "health-check-timing",
        "health check interval/timeout AWS rejects",
    ),
    (
        "health-check-threshold",
        "health check thresholds outside 2-10",
    ),
    (
        "health-check-path",
        "a health check path AWS rejects (must start with `/`)",
    ),
    (
        "payload-value",
        "a payload binary name or environment entry that would break the boot script",
    ),
    ("asg-size", "Auto Scaling group sizes out of order"),
    ("cpu-target", "a CPU target outside (0, 100]"),
    (
        "variable-default",
        "a variable default its own validation rejects",
    ),
    (
        "duplicate-rule",
        "the same security group rule twice (AWS rejects it)",
    ),
    ("duplicate-listener", "two listeners on one port"),
    (
        "target-port-mismatch",
        "target group port differs from the payload's port",
    ),
    (
        "targets-unreachable",
        "the instance SG does not admit the app port from the ALB SG",
    ),
    (
        "app-port-bypasses-alb",
        "the instance SG admits the app port from elsewhere",
    ),
    (
        "listener-port-closed",
        "the ALB SG does not admit a listener port from the internet",
    ),
    (
        "alb-single-az",
        "an internet-facing ALB needs public subnets in 2 AZs",
    ),
    (
        "listener-without-targets",
        "a listener forwards to a group no ASG registers into",
    ),
    (
        "vpc-mismatch",
        "load balancer, target group and instances in different VPCs",
    ),
    (
        "health-path-unserved",
        "the health check path is not one the payload serves",
    ),
    (
        "health-port-mismatch",
        "the health check probes another port than traffic",
    ),
    (
        "alb-egress-missing",
        "the ALB SG may not send to the instances on the app port",
    ),
    (
        "instance-egress-missing",
        "the instance SG may not reach S3 (443) to fetch the payload",
    ),
    (
        "payload-unreadable",
        "the instances' role may not read the payload they run",
    ),
    (
        "no-payload",
        "instances behind a target group that run nothing",
    ),
    ("user-data-too-large", "user data over AWS's 16 KB"),
    (
        "user-data-unescaped",
        "a literal `${` in user data that Terraform would interpolate",
    ),
    ("ssh-open-to-world", "SSH from 0.0.0.0/0 or ::/0"),
    ("imdsv1-allowed", "instance metadata without IMDSv2 tokens"),
    ("root-volume-unencrypted", "an unencrypted root volume"),
    (
        "role-too-broad",
        "an instance role with a broad managed policy",
    ),
    ("unused-waiver", "a waiver that silences nothing"),
];

/// The rules a stack may waive, with a reason, in its source.
pub const WAIVABLE: &[&str] = &[
    "ssh-open-to-world",
    "app-port-bypasses-alb",
    "imdsv1-allowed",
    "root-volume-unencrypted",
    "role-too-broad",
];

/// The result of a check: what is wrong, and what the stack explicitly accepted.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub violations: Vec<Violation>,
    /// Violations silenced by a waiver, with the waiver's reason.
    pub waived: Vec<(Violation, String)>,
}

/// Every violation of the stack, after waivers. The order is stable: by check, then by
/// declaration order.
pub fn check(stack: &Stack) -> Vec<Violation> {
    report(stack).violations
}

/// Like [`check`], keeping the waived violations too.
pub fn report(stack: &Stack) -> Report {
    let mut cx = Cx {
        stack,
        names: stack.names(),
        out: Vec::new(),
    };
    // Values.
    vpc_cidrs(&mut cx);
    rule_values(&mut cx);
    aws_names(&mut cx);
    health_checks(&mut cx);
    asg_sizes(&mut cx);
    variable_defaults(&mut cx);
    payload_values(&mut cx);
    // Graph.
    duplicate_names(&mut cx);
    references(&mut cx);
    output_attributes(&mut cx);
    // Topology.
    duplicate_rules(&mut cx);
    duplicate_listeners(&mut cx);
    target_ports(&mut cx);
    instance_sg_admits_alb(&mut cx);
    alb_sg_admits_listeners(&mut cx);
    alb_subnets(&mut cx);
    listener_wiring(&mut cx);
    health_paths(&mut cx);
    egress(&mut cx);
    payload_delivery(&mut cx);
    user_data(&mut cx);
    // Security defaults.
    ssh_open(&mut cx);
    imds_and_volumes(&mut cx);
    role_scope(&mut cx);
    apply_waivers(stack, cx.out)
}

struct Cx<'a> {
    stack: &'a Stack,
    /// Every declared name with its kind, listed once for all reference lookups.
    names: Vec<(&'a str, Kind)>,
    out: Vec<Violation>,
}

impl Cx<'_> {
    fn push(&mut self, v: Violation) {
        self.out.push(v);
    }
}

fn at(resource: &str, field: impl Into<String>) -> Location {
    Location::new(resource, field)
}

// ---------------------------------------------------------------------------------------
// Values

fn vpc_cidrs(cx: &mut Cx) {
    for vpc in &cx.stack.vpcs {
        let Network::Managed {
            cidr,
            public_subnets,
        } = &vpc.network
        else {
            continue;
        };
        let block = cidr_value(cx, &vpc.name, "cidr", cidr, "VPC");
        let mut subnets = Vec::new();
        for (i, s) in public_subnets.iter().enumerate() {
            let field = format!("public_subnets[{i}]");
            if let Some(net) = cidr_value(cx, &vpc.name, &field, s, "subnet") {
                if let Some(vpc_net) = &block {
                    if !vpc_net.contains(&net) {
                        cx.push(
                            Violation::new(
                                "subnet-outside-vpc",
                                at(&vpc.name, field.clone()),
                                format!(
                                    "subnet {net} is not inside VPC `{}`'s block {vpc_net}",
                                    vpc.name
                                ),
                                format!("pick a subnet block inside {vpc_net}"),
                            )
                            .related(at(&vpc.name, "cidr"), "the VPC block is set here"),
                        );
                    }
                }
                for (j, other) in &subnets {
                    if cidr::overlaps(other, &net) {
                        cx.push(
                            Violation::new(
                                "subnet-overlap",
                                at(&vpc.name, field.clone()),
                                format!(
                                    "subnet {net} overlaps subnet {other} of VPC `{}`",
                                    vpc.name
                                ),
                                "give each subnet its own block, e.g. 10.0.1.0/24 and 10.0.2.0/24",
                            )
                            .related(
                                at(&vpc.name, format!("public_subnets[{j}]")),
                                "the other subnet",
                            ),
                        );
                    }
                }
                subnets.push((i, net));
            }
        }
    }
}

/// Parse a VPC or subnet block, reporting syntax and prefix-size violations.
fn cidr_value(
    cx: &mut Cx,
    res: &str,
    field: &str,
    value: &str,
    what: &str,
) -> Option<ipnet::Ipv4Net> {
    match cidr::parse_v4(value) {
        Err(CidrError::Syntax) => {
            cx.push(Violation::new(
                "invalid-cidr",
                at(res, field),
                format!("`{value}` is not an IPv4 CIDR block"),
                "write it as a.b.c.d/n, e.g. 10.0.0.0/16",
            ));
            None
        }
        Err(CidrError::HostBits { network }) => {
            cx.push(Violation::new(
                "invalid-cidr",
                at(res, field),
                format!("`{value}` has host bits set beyond its prefix"),
                format!("use the network address: {network}"),
            ));
            None
        }
        Ok(net) => {
            if !(16..=28).contains(&net.prefix_len()) {
                cx.push(Violation::new(
                    "cidr-prefix",
                    at(res, field),
                    format!(
                        "{what} block {net} has prefix /{}; AWS allows /16 to /28",
                        net.prefix_len()
                    ),
                    "choose a prefix between /16 (65,536 addresses) and /28 (16 addresses)",
                ));
            }
            Some(net)
        }
    }
}

fn rule_values(cx: &mut Cx) {
    for sg in &cx.stack.security_groups {
        // What AWS receives: the explicit description, else the doc comment.
        let field = if sg.description.is_some() {
            "description"
        } else {
            ""
        };
        description(cx, &sg.name, field, &sg.aws_description(cx.stack));
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for (i, r) in rules.iter().enumerate() {
                let ports = if r.from_port == r.to_port {
                    vec![r.from_port]
                } else {
                    vec![r.from_port, r.to_port]
                };
                for port in ports {
                    if !(1..=65535).contains(&port) {
                        cx.push(Violation::new(
                            "port-range",
                            at(&sg.name, format!("{dir}[{i}].port")),
                            format!(
                                "port {port} of an {dir} rule of `{}` is outside 1-65535",
                                sg.name
                            ),
                            "use a TCP/UDP port between 1 and 65535",
                        ));
                    }
                }
                if r.from_port > r.to_port {
                    cx.push(Violation::new(
                        "port-range",
                        at(&sg.name, format!("{dir}[{i}].port")),
                        format!("port range {}-{} runs backwards", r.from_port, r.to_port),
                        "write the lower port first",
                    ));
                }
                if let Peer::Cidr(c) = &r.peer {
                    match cidr::parse_any(c) {
                        Err(CidrError::Syntax) => cx.push(Violation::new(
                            "invalid-cidr",
                            at(&sg.name, format!("{dir}[{i}].peer")),
                            format!("`{c}` is not an IPv4 or IPv6 CIDR block"),
                            "write it as a.b.c.d/n, e.g. 203.0.113.7/32",
                        )),
                        Err(CidrError::HostBits { network }) => cx.push(Violation::new(
                            "invalid-cidr",
                            at(&sg.name, format!("{dir}[{i}].peer")),
                            format!("`{c}` has host bits set beyond its prefix"),
                            format!("use the network address: {network} (or a /32 for one host)"),
                        )),
                        Ok(_) => {}
                    }
                }
                if let Some(d) = &r.description {
                    description(cx, &sg.name, &format!("{dir}[{i}].description"), d);
                }
            }
        }
    }
    for alb in &cx.stack.albs {
        for (i, l) in alb.listeners.iter().enumerate() {
            if !(1..=65535).contains(&l.port) {
                cx.push(Violation::new(
                    "port-range",
                    at(&alb.name, format!("listeners[{i}].port")),
                    format!("listener port {} is outside 1-65535", l.port),
                    "listen on a port between 1 and 65535, e.g. 80",
                ));
            }
        }
    }
    for tg in &cx.stack.target_groups {
        if !(1..=65535).contains(&tg.port) {
            cx.push(Violation::new(
                "port-range",
                at(&tg.name, "port"),
                format!("target group port {} is outside 1-65535", tg.port),
                "use the port the payload listens on",
            ));
        }
        if let HealthPort::Port(p) = tg.health.port {
            if !(1..=65535).contains(&p) {
                cx.push(Violation::new(
                    "port-range",
                    at(&tg.name, "health.port"),
                    format!("health check port {p} is outside 1-65535"),
                    "use `traffic-port`",
                ));
            }
        }
    }
    for p in &cx.stack.payloads {
        if !(1..=65535).contains(&p.port) {
            cx.push(Violation::new(
                "port-range",
                at(&p.name, "port"),
                format!("payload port {} is outside 1-65535", p.port),
                "use a port between 1 and 65535, e.g. 80",
            ));
        }
    }
}

/// AWS: security group and rule descriptions are at most 255 characters of
/// `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`.
fn description(cx: &mut Cx, res: &str, field: &str, d: &str) {
    const EXTRA: &str = ". _-:/()#,@[]+=&;{}!$*";
    let bad: BTreeSet<char> = d
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || EXTRA.contains(*c)))
        .collect();
    if !bad.is_empty() {
        let list: Vec<String> = bad
            .iter()
            .map(|c| {
                if c.is_control() {
                    format!("{c:?}")
                } else {
                    format!("`{c}`")
                }
            })
            .collect();
        cx.push(Violation::new(
            "description-charset",
            at(res, field),
            format!(
                "description contains {}, which AWS does not accept in security group descriptions",
                list.join(", ")
            ),
            "use only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ));
    }
    if d.chars().count() > 255 {
        cx.push(Violation::new(
            "description-charset",
            at(res, field),
            format!(
                "description has {} characters; AWS allows 255",
                d.chars().count()
            ),
            "shorten it",
        ));
    }
}

/// The AWS name a load balancer or target group gets: its explicit name, or
/// `<stack>-<name>` in kebab case.
pub fn aws_name(stack: &Stack, explicit: &Option<String>, name: &str) -> String {
    explicit
        .clone()
        .unwrap_or_else(|| format!("{}-{}", stack.kebab_name(), kebab(name)))
}

fn aws_names(cx: &mut Cx) {
    let mut named: Vec<(&str, &Option<String>, &str)> = Vec::new();
    for alb in &cx.stack.albs {
        named.push((&alb.name, &alb.aws_name, "load balancer"));
    }
    for tg in &cx.stack.target_groups {
        named.push((&tg.name, &tg.aws_name, "target group"));
    }
    for (res, explicit, what) in named {
        let name = aws_name(cx.stack, explicit, res);
        let field = if explicit.is_some() { "aws_name" } else { "" };
        let derived = if explicit.is_some() {
            String::new()
        } else {
            format!(" (derived from stack `{}` and `{res}`)", cx.stack.name)
        };
        let mut problems = Vec::new();
        if name.is_empty() || name.len() > 32 {
            problems.push(format!("has {} characters; AWS allows 1 to 32", name.len()));
        }
        if name
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            problems.push("may contain only A-Z, a-z, 0-9 and hyphens".to_string());
        }
        if name.starts_with('-') || name.ends_with('-') {
            problems.push("may not begin or end with a hyphen".to_string());
        }
        if what == "load balancer" && name.starts_with("internal-") {
            problems.push("may not begin with `internal-`".to_string());
        }
        for p in problems {
            cx.push(Violation::new(
                "aws-name",
                at(res, field),
                format!("{what} name `{name}`{derived} {p}"),
                "set a shorter `aws_name` of letters, digits and hyphens, or rename the resource",
            ));
        }
    }
}

fn health_checks(cx: &mut Cx) {
    for tg in &cx.stack.target_groups {
        let h = &tg.health;
        if !(5..=300).contains(&h.interval_secs) {
            cx.push(Violation::new(
                "health-check-timing",
                at(&tg.name, "health.interval"),
                format!(
                    "health check interval {} s is outside AWS's 5-300 s",
                    h.interval_secs
                ),
                "use e.g. 15",
            ));
        }
        if !(2..=120).contains(&h.timeout_secs) {
            cx.push(Violation::new(
                "health-check-timing",
                at(&tg.name, "health.timeout"),
                format!(
                    "health check timeout {} s is outside AWS's 2-120 s",
                    h.timeout_secs
                ),
                "use e.g. 5",
            ));
        }
        if h.timeout_secs >= h.interval_secs {
            cx.push(
                Violation::new(
                    "health-check-timing",
                    at(&tg.name, "health.timeout"),
                    format!(
                        "health check timeout {} s must be less than the interval {} s",
                        h.timeout_secs, h.interval_secs
                    ),
                    "lower the timeout or raise the interval",
                )
                .related(at(&tg.name, "health.interval"), "the interval is set here"),
            );
        }
        for (v, f) in [
            (h.healthy_threshold, "healthy_threshold"),
            (h.unhealthy_threshold, "unhealthy_threshold"),
        ] {
            if !(2..=10).contains(&v) {
                cx.push(Violation::new(
                    "health-check-threshold",
                    at(&tg.name, format!("health.{f}")),
                    format!(
                        "health check {} is {v}; AWS allows 2 to 10",
                        f.replace('_', " ")
                    ),
                    "use e.g. 2 healthy, 3 unhealthy",
                ));
            }
        }
        if !h.path.starts_with('/') || h.path.len() > 1024 {
            cx.push(Violation::new(
                "health-check-path",
                at(&tg.name, "health.path"),
                format!(
                    "health check path `{}` must start with `/` and be at most 1024 characters",
                    h.path
                ),
                "use the payload's health path, e.g. /health",
            ));
        }
    }
}

fn asg_sizes(cx: &mut Cx) {
    for asg in &cx.stack.autoscaling_groups {
        if asg.max < 1 {
            cx.push(Violation::new(
                "asg-size",
                at(&asg.name, "max"),
                "max size is 0: the group can never run an instance",
                "set max to at least 1 (the lab uses 4)",
            ));
        }
        if asg.min > asg.desired {
            cx.push(
                Violation::new(
                    "asg-size",
                    at(&asg.name, "min"),
                    format!(
                        "min size {} is greater than desired capacity {}",
                        asg.min, asg.desired
                    ),
                    "AWS requires min <= desired <= max",
                )
                .related(at(&asg.name, "desired"), "desired is set here"),
            );
        }
        if asg.desired > asg.max {
            cx.push(
                Violation::new(
                    "asg-size",
                    at(&asg.name, "desired"),
                    format!(
                        "desired capacity {} is greater than max size {}",
                        asg.desired, asg.max
                    ),
                    "AWS requires min <= desired <= max",
                )
                .related(at(&asg.name, "max"), "max is set here"),
            );
        }
        if let Some(Scaling::CpuAverage(t)) = asg.scale {
            if !(t > 0.0 && t <= 100.0) {
                cx.push(Violation::new(
                    "cpu-target",
                    at(&asg.name, "scale"),
                    format!("average CPU target {t} % is outside (0, 100]"),
                    "use a percentage such as 50",
                ));
            }
        }
    }
}

fn variable_defaults(cx: &mut Cx) {
    for v in &cx.stack.variables {
        let Some(d) = &v.default else { continue };
        match v.ty {
            VarType::Cidr => {
                if cidr::parse_v4(d).is_err() {
                    cx.push(Violation::new(
                        "variable-default",
                        at(&v.name, "default"),
                        format!(
                            "default `{d}` of CIDR variable `{}` is not an IPv4 CIDR block",
                            v.name
                        ),
                        "write it as a.b.c.d/n, e.g. 203.0.113.7/32",
                    ));
                } else if cidr::is_world(d) {
                    cx.push(Violation::new(
                        "variable-default",
                        at(&v.name, "default"),
                        format!(
                            "default of CIDR variable `{}` is the whole internet",
                            v.name
                        ),
                        "CIDR variables admit one network; default to none, or to your own /32",
                    ));
                }
            }
            VarType::Number => {
                if d.parse::<f64>().is_err() {
                    cx.push(Violation::new(
                        "variable-default",
                        at(&v.name, "default"),
                        format!(
                            "default `{d}` of number variable `{}` is not a number",
                            v.name
                        ),
                        "write a number",
                    ));
                }
            }
            VarType::PublicKey => {
                if !is_public_key(d) {
                    cx.push(Violation::new(
                        "variable-default",
                        at(&v.name, "default"),
                        format!(
                            "default of variable `{}` is not an OpenSSH public key",
                            v.name
                        ),
                        "paste the one line of your id_ed25519.pub (ssh-ed25519 AAAA...)",
                    ));
                }
            }
            VarType::String => {}
        }
    }
}

/// The payload's binary name and environment are written into the boot script and the
/// systemd unit: anything that could end a quoted string, a heredoc or a line is refused.
fn payload_values(cx: &mut Cx) {
    for p in &cx.stack.payloads {
        let ok_binary = !p.binary.is_empty()
            && p.binary.len() <= 64
            && !p.binary.starts_with(['.', '-'])
            && p.binary
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok_binary {
            cx.push(Violation::new(
                "payload-value",
                at(&p.name, "binary"),
                format!(
                    "payload binary name {:?} is not a plain file name; it is written into the boot script and the systemd unit",
                    p.binary
                ),
                "use letters, digits, `.`, `_` and `-` (at most 64), e.g. `webapp`",
            ));
        }
        let ok_key = |k: &str| {
            k.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        for (i, (k, v)) in p.env.iter().enumerate() {
            if !ok_key(k) {
                cx.push(Violation::new(
                    "payload-value",
                    at(&p.name, format!("env[{i}]")),
                    format!(
                        "environment variable name {k:?} of payload `{}` is not a shell identifier",
                        p.name
                    ),
                    "use letters, digits and `_`, not starting with a digit",
                ));
            }
            if let Some(c) = v
                .chars()
                .find(|c| c.is_control() || matches!(c, '"' | '\\' | '%'))
            {
                cx.push(Violation::new(
                    "payload-value",
                    at(&p.name, format!("env[{i}]")),
                    format!(
                        "value of environment variable `{k}` of payload `{}` contains {c:?}, which would break the systemd unit",
                        p.name
                    ),
                    "no control characters, quotes, backslashes or `%` in payload environment values",
                ));
            }
        }
    }
}

/// `ssh-ed25519 AAAA...`, `ssh-rsa AAAA...`, `ecdsa-sha2-nistp256 AAAA...`.
pub fn is_public_key(s: &str) -> bool {
    let mut parts = s.split_whitespace();
    matches!(
        (parts.next(), parts.next()),
        (Some(alg), Some(body)) if (alg.starts_with("ssh-") || alg.starts_with("ecdsa-")) && body.starts_with("AAAA")
    )
}

// ---------------------------------------------------------------------------------------
// Graph

/// Names the emitter gives its own resources and variables: a user name equal to one would
/// overwrite it in the output.
pub fn reserved(name: &str, kind: Kind) -> bool {
    name == "logs"
        || name == "current"
        || name == "available"
        || (kind == Kind::Variable && (name == "aws_region" || name.ends_with("_artifact")))
}

fn duplicate_names(cx: &mut Cx) {
    for (name, kind) in cx.stack.names() {
        let ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident {
            cx.push(Violation::new(
                "invalid-name",
                at(name, ""),
                format!("{kind} name `{name}` is not an identifier; Terraform names resources with letters, digits and underscores"),
                "rename it, e.g. `web_asg`",
            ));
        } else if reserved(name, kind) {
            cx.push(Violation::new(
                "invalid-name",
                at(name, ""),
                format!(
                    "{kind} name `{name}` is reserved: the stack's own {} it",
                    if kind == Kind::Variable {
                        "variables use"
                    } else {
                        "log bucket and data sources use"
                    }
                ),
                "rename it",
            ));
        }
    }
    let mut seen: BTreeMap<&str, Kind> = BTreeMap::new();
    for (name, kind) in cx.stack.names() {
        if let Some(first) = seen.get(name) {
            cx.push(Violation::new(
                "duplicate-name",
                at(name, ""),
                format!("`{name}` is declared twice: as a {first} and as a {kind}"),
                "give each resource its own name",
            ));
        } else {
            seen.insert(name, kind);
        }
    }
    let mut outputs = BTreeSet::new();
    for o in &cx.stack.outputs {
        if !outputs.insert(o.name.as_str()) {
            cx.push(Violation::new(
                "duplicate-name",
                at(&o.name, ""),
                format!("output `{}` is declared twice", o.name),
                "give each output its own name",
            ));
        }
    }
}

/// Check that `name`, used at `loc`, names a resource of kind `want`.
fn resolve(cx: &mut Cx, loc: Location, name: &str, want: Kind) -> bool {
    let names = &cx.names;
    if names.iter().any(|(n, k)| *n == name && *k == want) {
        return true;
    }
    if let Some((_, k)) = names.iter().find(|(n, _)| *n == name) {
        cx.out.push(
            Violation::new(
                "wrong-kind-reference",
                loc,
                format!(
                    "`{name}` is {} {k}, but {} {want} is expected here",
                    article(k.describe()),
                    article(want.describe())
                ),
                format!("name a {want} ({})", list_of(names, want)),
            )
            .related(at(name, ""), format!("`{name}` is declared here")),
        );
        return false;
    }
    let best = names
        .iter()
        .filter(|(_, k)| *k == want)
        .map(|(n, _)| (strsim::levenshtein(n, name), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min();
    let hint = match best {
        Some((_, n)) => format!("did you mean `{n}`?"),
        None => format!("declare a {want} named `{name}` ({})", list_of(names, want)),
    };
    cx.out.push(Violation::new(
        "unknown-reference",
        loc,
        format!("no {want} named `{name}` in this stack"),
        hint,
    ));
    false
}

/// "a" or "an" before a word, by its first letter.
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

fn list_of(names: &[(&str, Kind)], want: Kind) -> String {
    let of: Vec<String> = names
        .iter()
        .filter(|(_, k)| *k == want)
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    if of.is_empty() {
        format!("the stack declares no {want}")
    } else {
        format!("declared: {}", of.join(", "))
    }
}

fn resolve_ref<T: Resource>(cx: &mut Cx, res: &str, field: String, r: &Ref<T>) -> bool {
    resolve(cx, at(res, field), r.name(), T::KIND)
}

fn references(cx: &mut Cx) {
    let s = cx.stack;
    for sg in &s.security_groups {
        resolve_ref(cx, &sg.name, "vpc".into(), &sg.vpc);
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for (i, r) in rules.iter().enumerate() {
                match &r.peer {
                    Peer::SecurityGroup(p) => {
                        resolve_ref(cx, &sg.name, format!("{dir}[{i}].peer"), p);
                    }
                    Peer::Variable(v) => {
                        variable_of(
                            cx,
                            at(&sg.name, format!("{dir}[{i}].peer")),
                            v,
                            VarType::Cidr,
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    for role in &s.roles {
        for (i, p) in role.reads.iter().enumerate() {
            resolve_ref(cx, &role.name, format!("reads[{i}]"), p);
        }
    }
    for kp in &s.key_pairs {
        if let PublicKey::Variable(v) = &kp.public_key {
            variable_of(cx, at(&kp.name, "public_key"), v, VarType::PublicKey);
        }
    }
    for lt in &s.launch_templates {
        for (i, sg) in lt.security_groups.iter().enumerate() {
            resolve_ref(cx, &lt.name, format!("security_groups[{i}]"), sg);
        }
        if let Some(r) = &lt.role {
            resolve_ref(cx, &lt.name, "role".into(), r);
        }
        if let Some(k) = &lt.key_pair {
            resolve_ref(cx, &lt.name, "key_pair".into(), k);
        }
        if let Some(p) = &lt.run {
            resolve_ref(cx, &lt.name, "run".into(), p);
        }
    }
    for tg in &s.target_groups {
        resolve_ref(cx, &tg.name, "vpc".into(), &tg.vpc);
    }
    for alb in &s.albs {
        resolve_ref(cx, &alb.name, "subnets".into(), &alb.subnets);
        for (i, sg) in alb.security_groups.iter().enumerate() {
            resolve_ref(cx, &alb.name, format!("security_groups[{i}]"), sg);
        }
        for (i, l) in alb.listeners.iter().enumerate() {
            resolve_ref(cx, &alb.name, format!("listeners[{i}].forward"), &l.forward);
        }
    }
    for asg in &s.autoscaling_groups {
        resolve_ref(
            cx,
            &asg.name,
            "launch_template".into(),
            &asg.launch_template,
        );
        resolve_ref(cx, &asg.name, "subnets".into(), &asg.subnets);
        for (i, tg) in asg.target_groups.iter().enumerate() {
            resolve_ref(cx, &asg.name, format!("target_groups[{i}]"), tg);
        }
    }
}

fn variable_of(cx: &mut Cx, loc: Location, name: &str, ty: VarType) {
    if !resolve(cx, loc.clone(), name, Kind::Variable) {
        return;
    }
    if let Some(v) = cx.stack.variable(name) {
        if v.ty != ty {
            cx.push(
                Violation::new(
                    "wrong-kind-reference",
                    loc,
                    format!(
                        "variable `{name}` is of type {}, but a {} is expected here",
                        var_type_keyword(v.ty),
                        var_type_keyword(ty)
                    ),
                    format!("declare `{name}` with type {}", var_type_keyword(ty)),
                )
                .related(at(name, ""), "the variable is declared here"),
            );
        }
    }
}

/// The DSL keyword of a variable type.
pub fn var_type_keyword(ty: VarType) -> &'static str {
    match ty {
        VarType::Cidr => "cidr",
        VarType::PublicKey => "public_key",
        VarType::String => "string",
        VarType::Number => "number",
    }
}

fn output_attributes(cx: &mut Cx) {
    for o in &cx.stack.outputs {
        if !resolve(cx, at(&o.name, "value"), &o.value.resource, o.value.kind) {
            continue;
        }
        if !o.value.is_known() {
            let known: Vec<&str> = crate::refs::AttrRef::known(o.value.kind)
                .iter()
                .map(|(n, _)| *n)
                .collect();
            cx.push(Violation::new(
                "unknown-attribute",
                at(&o.name, "value"),
                format!(
                    "{} `{}` has no attribute `{}`",
                    o.value.kind, o.value.resource, o.value.attribute
                ),
                format!("use one of: {}", known.join(", ")),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Topology

fn duplicate_rules(cx: &mut Cx) {
    for sg in &cx.stack.security_groups {
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for (i, r) in rules.iter().enumerate() {
                if let Some(j) = rules[..i].iter().position(|o| {
                    o.protocol == r.protocol
                        && o.from_port == r.from_port
                        && o.to_port == r.to_port
                        && o.peer.normalized() == r.peer.normalized()
                }) {
                    cx.push(
                        Violation::new(
                            "duplicate-rule",
                            at(&sg.name, format!("{dir}[{i}]")),
                            format!(
                                "{dir} rule {} {} {} {} repeats an earlier rule of `{}`",
                                r.protocol.as_str(),
                                r.ports(),
                                if dir == "ingress" { "from" } else { "to" },
                                r.peer.describe(),
                                sg.name
                            ),
                            "AWS rejects duplicate rules (InvalidPermission.Duplicate): remove one",
                        )
                        .related(at(&sg.name, format!("{dir}[{j}]")), "the first one"),
                    );
                }
            }
        }
    }
}

fn duplicate_listeners(cx: &mut Cx) {
    for alb in &cx.stack.albs {
        for (i, l) in alb.listeners.iter().enumerate() {
            if let Some(j) = alb.listeners[..i].iter().position(|o| o.port == l.port) {
                cx.push(
                    Violation::new(
                        "duplicate-listener",
                        at(&alb.name, format!("listeners[{i}].port")),
                        format!(
                            "load balancer `{}` has two listeners on port {}",
                            alb.name, l.port
                        ),
                        "one listener per port: remove one or change its port",
                    )
                    .related(
                        at(&alb.name, format!("listeners[{j}].port")),
                        "the first listener",
                    ),
                );
            }
        }
    }
}

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
            let lt = s.launch_template(&asg.launch_template)?;
            let payload = lt.run.as_ref().and_then(|p| s.payload(p));
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
                .position(|l| l.forward.name() == tg)
                .map(|i| (alb, i))
        })
        .collect()
}

fn target_ports(cx: &mut Cx) {
    for tg in &cx.stack.target_groups {
        for b in backends(cx.stack, &tg.name) {
            let Some(p) = b.payload else {
                cx.push(
                    Violation::new(
                        "no-payload",
                        at(&b.lt.name, "run"),
                        format!(
                            "launch template `{}` runs no payload, yet its instances are registered in target group `{}`: nothing would listen on port {}",
                            b.lt.name, tg.name, tg.port
                        ),
                        "add `run: <payload>` to the launch template",
                    )
                    .related(at(&b.asg.name, "target_groups"), "the group registers here"),
                );
                continue;
            };
            if p.port != tg.port {
                cx.push(
                    Violation::new(
                        "target-port-mismatch",
                        at(&tg.name, "port"),
                        format!(
                            "target group `{}` sends traffic to port {}, but payload `{}` listens on port {}: every target would fail its health check (502/503)",
                            tg.name, tg.port, p.name, p.port
                        ),
                        format!("derive the port from the payload: `port: {}.port`", p.name),
                    )
                    .related(at(&p.name, "port"), format!("payload `{}` listens on {} here", p.name, p.port))
                    .related(at(&b.lt.name, "run"), "the instances run it here"),
                );
            }
        }
    }
}

/// True when every security group named by these launch templates and load balancers
/// exists: topology checks stay silent otherwise (the unknown reference is the error,
/// and reasoning over a half-known graph would only add noise).
fn sgs_resolve(s: &Stack, backends: &[Backend<'_>], albs: &[(&Alb, usize)]) -> bool {
    backends
        .iter()
        .flat_map(|b| &b.lt.security_groups)
        .chain(albs.iter().flat_map(|(a, _)| &a.security_groups))
        .all(|r| s.security_group(r).is_some())
}

/// Security groups of the launch templates behind a target group.
fn instance_sgs<'a>(s: &'a Stack, backends: &[Backend<'a>]) -> Vec<&'a SecurityGroup> {
    let mut out: Vec<&SecurityGroup> = Vec::new();
    for b in backends {
        for r in &b.lt.security_groups {
            if let Some(sg) = s.security_group(r) {
                if !out.iter().any(|o| o.name == sg.name) {
                    out.push(sg);
                }
            }
        }
    }
    out
}

fn instance_sg_admits_alb(cx: &mut Cx) {
    let s = cx.stack;
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
        let lt = &backs[0].lt.name;
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
                let loc = match sgs.first() {
                    Some(sg) => at(&sg.name, ""),
                    None => at(lt, "security_groups"),
                };
                cx.push(
                    Violation::new(
                        "targets-unreachable",
                        loc,
                        format!(
                            "the instances' security group{} {} do{} not admit tcp {port} from load balancer `{}`'s security group: every target would be unhealthy (502)",
                            if names.len() == 1 { "" } else { "s" },
                            if names.is_empty() { "(none)".to_string() } else { names.join(", ") },
                            if names.len() == 1 { "es" } else { "" },
                            alb.name
                        ),
                        format!("add `ingress tcp {port} from {from}`"),
                    )
                    .related(at(&alb.name, format!("listeners[{li}].forward")), "the load balancer forwards here")
                    .related(at(&tg.name, "port"), format!("targets receive traffic on port {port}")),
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
                        cx.push(
                            Violation::new(
                                "app-port-bypasses-alb",
                                at(&sg.name, format!("ingress[{i}].peer")),
                                format!(
                                    "instance security group `{}` admits the app port {port} from {}, not only from load balancer `{}`'s security group",
                                    sg.name,
                                    r.peer.describe(),
                                    alb.name
                                ),
                                format!(
                                    "remove this rule: the instances take traffic on {port} only through the load balancer (`from {from}`)"
                                ),
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn alb_sg_admits_listeners(cx: &mut Cx) {
    let s = cx.stack;
    for alb in s.albs.iter().filter(|a| a.internet_facing) {
        let sgs: Vec<&SecurityGroup> = alb
            .security_groups
            .iter()
            .filter_map(|r| s.security_group(r))
            .collect();
        for (i, l) in alb.listeners.iter().enumerate() {
            let open = sgs.iter().any(|sg| {
                sg.ingress
                    .iter()
                    .any(|r| r.covers(Protocol::Tcp, l.port) && r.peer.is_world())
            });
            if !open {
                let loc = match alb.security_groups.first() {
                    Some(_) => at(&alb.name, "security_groups"),
                    None => at(&alb.name, ""),
                };
                let sg = alb
                    .security_groups
                    .first()
                    .map(|r| r.name())
                    .unwrap_or("<alb sg>");
                cx.push(
                    Violation::new(
                        "listener-port-closed",
                        loc,
                        format!(
                            "internet-facing load balancer `{}` listens on port {}, but its security group{} do{} not admit tcp {} from the internet",
                            alb.name,
                            l.port,
                            if sgs.len() == 1 { "" } else { "s" },
                            if sgs.len() == 1 { "es" } else { "" },
                            l.port
                        ),
                        format!("add `ingress tcp {} from internet` to `{sg}`", l.port),
                    )
                    .related(at(&alb.name, format!("listeners[{i}].port")), "the listener is declared here"),
                );
            }
        }
    }
}

fn alb_subnets(cx: &mut Cx) {
    let s = cx.stack;
    for alb in s.albs.iter().filter(|a| a.internet_facing) {
        let Some(vpc) = s.vpc(&alb.subnets) else {
            continue;
        };
        if let Network::Managed { public_subnets, .. } = &vpc.network {
            if public_subnets.len() < 2 {
                cx.push(
                    Violation::new(
                        "alb-single-az",
                        at(&alb.name, "subnets"),
                        format!(
                            "internet-facing load balancer `{}` needs public subnets in at least 2 Availability Zones; VPC `{}` has {}",
                            alb.name,
                            vpc.name,
                            public_subnets.len()
                        ),
                        "add a second public subnet: each one is placed in its own AZ",
                    )
                    .related(at(&vpc.name, "public_subnets"), "the subnets are declared here"),
                );
            }
        }
    }
}

fn listener_wiring(cx: &mut Cx) {
    let s = cx.stack;
    for alb in &s.albs {
        for (i, l) in alb.listeners.iter().enumerate() {
            let Some(tg) = s.target_group(&l.forward) else {
                continue;
            };
            let backs = backends(s, &tg.name);
            if backs.is_empty() {
                cx.push(
                    Violation::new(
                        "listener-without-targets",
                        at(&alb.name, format!("listeners[{i}].forward")),
                        format!(
                            "listener {} of `{}` forwards to target group `{}`, but no auto scaling group registers instances into it (503)",
                            l.port, alb.name, tg.name
                        ),
                        format!("add `target_groups: [{}]` to an autoscaling_group", tg.name),
                    )
                    .related(at(&tg.name, ""), "the target group is declared here"),
                );
            }
            if tg.vpc.name() != alb.subnets.name() {
                cx.push(
                    Violation::new(
                        "vpc-mismatch",
                        at(&tg.name, "vpc"),
                        format!(
                            "target group `{}` is in VPC `{}`, but load balancer `{}` is in VPC `{}`",
                            tg.name,
                            tg.vpc.name(),
                            alb.name,
                            alb.subnets.name()
                        ),
                        "put them in the same VPC",
                    )
                    .related(at(&alb.name, "subnets"), "the load balancer's VPC"),
                );
            }
            for b in &backs {
                if b.asg.subnets.name() != tg.vpc.name() {
                    cx.push(
                        Violation::new(
                            "vpc-mismatch",
                            at(&b.asg.name, "subnets"),
                            format!(
                                "auto scaling group `{}` launches in VPC `{}`, but its target group `{}` is in VPC `{}`",
                                b.asg.name,
                                b.asg.subnets.name(),
                                tg.name,
                                tg.vpc.name()
                            ),
                            "launch the instances in the target group's VPC",
                        )
                        .related(at(&tg.name, "vpc"), "the target group's VPC"),
                    );
                }
                for r in &b.lt.security_groups {
                    if let Some(sg) = s.security_group(r) {
                        if sg.vpc.name() != b.asg.subnets.name() {
                            cx.push(Violation::new(
                                "vpc-mismatch",
                                at(&sg.name, "vpc"),
                                format!(
                                    "security group `{}` is in VPC `{}`, but launch template `{}` starts instances in VPC `{}`",
                                    sg.name,
                                    sg.vpc.name(),
                                    b.lt.name,
                                    b.asg.subnets.name()
                                ),
                                "declare the security group in the instances' VPC",
                            ));
                        }
                    }
                }
            }
            for r in &alb.security_groups {
                if let Some(sg) = s.security_group(r) {
                    if sg.vpc.name() != alb.subnets.name() {
                        cx.push(Violation::new(
                            "vpc-mismatch",
                            at(&sg.name, "vpc"),
                            format!(
                                "security group `{}` is in VPC `{}`, but load balancer `{}` is in VPC `{}`",
                                sg.name,
                                sg.vpc.name(),
                                alb.name,
                                alb.subnets.name()
                            ),
                            "declare the security group in the load balancer's VPC",
                        ));
                    }
                }
            }
        }
    }
}

fn health_paths(cx: &mut Cx) {
    let s = cx.stack;
    for tg in &s.target_groups {
        if let HealthPort::Port(p) = tg.health.port {
            if p != tg.port {
                cx.push(Violation::new(
                    "health-port-mismatch",
                    at(&tg.name, "health.port"),
                    format!(
                        "health checks of `{}` probe port {p}, but traffic goes to port {}: a target can look healthy and still fail",
                        tg.name, tg.port
                    ),
                    "use `traffic-port` (the default)",
                ));
            }
        }
        for b in backends(s, &tg.name) {
            let Some(p) = b.payload else { continue };
            if !p.serves(&tg.health.path) {
                cx.push(
                    Violation::new(
                        "health-path-unserved",
                        at(&tg.name, "health.path"),
                        format!(
                            "health check path `{}` is not served by payload `{}` (it serves {}): every target would be unhealthy",
                            tg.health.path,
                            p.name,
                            p.routes.join(", ")
                        ),
                        format!("use the payload's health path: `health: {}.health` (= `{}`)", p.name, p.health_path),
                    )
                    .related(at(&p.name, "health_path"), "the payload is declared here"),
                );
            }
        }
    }
}

fn egress(cx: &mut Cx) {
    let s = cx.stack;
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
                .filter_map(|r| s.security_group(r))
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
                cx.push(Violation::new(
                    "alb-egress-missing",
                    at(&alb_sgs[0].name, ""),
                    format!(
                        "load balancer security group `{}` has no egress rule to `{to}` on tcp {}: Terraform removes AWS's default allow-all egress, so the load balancer could not reach its targets",
                        alb_sgs[0].name, tg.port
                    ),
                    format!("add `egress tcp {} to {to}`", tg.port),
                )
                .related(at(&tg.name, "port"), format!("targets receive traffic on port {}", tg.port)));
            }
        }
        for b in &backs {
            if b.payload.is_none() {
                continue;
            }
            let sgs: Vec<&SecurityGroup> =
                b.lt.security_groups
                    .iter()
                    .filter_map(|r| s.security_group(r))
                    .collect();
            let ok = sgs.iter().any(|g| {
                g.egress
                    .iter()
                    .any(|r| r.covers(Protocol::Tcp, 443) && r.peer.is_world())
            });
            if !ok && !sgs.is_empty() {
                cx.push(
                    Violation::new(
                        "instance-egress-missing",
                        at(&sgs[0].name, ""),
                        format!(
                            "instance security group `{}` has no egress on tcp 443 to the internet: the instances of `{}` could not fetch their payload from S3",
                            sgs[0].name, b.lt.name
                        ),
                        "add `egress tcp 443 to internet`",
                    )
                    .related(at(&b.lt.name, "run"), "the payload is fetched at boot"),
                );
            }
        }
    }
}

fn payload_delivery(cx: &mut Cx) {
    let s = cx.stack;
    for lt in &s.launch_templates {
        let Some(p) = &lt.run else { continue };
        let role = lt.role.as_ref().and_then(|r| s.role(r));
        let readable = role.is_some_and(|r| r.reads.iter().any(|x| x.name() == p.name()));
        if !readable {
            let (loc, hint) = match (&lt.role, role) {
                (Some(_), Some(r)) => (
                    at(&lt.name, "role"),
                    format!("add `read: {}` to instance_role `{}`", p.name(), r.name),
                ),
                _ => (
                    at(&lt.name, "run"),
                    format!(
                        "give the launch template `role: <an instance_role with read: {}>`",
                        p.name()
                    ),
                ),
            };
            cx.push(Violation::new(
                "payload-unreadable",
                loc,
                format!(
                    "launch template `{}` runs payload `{}`, but its instance role may not read the payload's artifact: the boot script could not fetch it",
                    lt.name,
                    p.name()
                ),
                hint,
            ));
        }
    }
}

fn user_data(cx: &mut Cx) {
    let s = cx.stack;
    for lt in &s.launch_templates {
        let Some(ud) = userdata::for_launch_template(s, lt) else {
            continue;
        };
        let size = ud.worst_case_len();
        if size > userdata::MAX_BYTES {
            cx.push(Violation::new(
                "user-data-too-large",
                at(&lt.name, "run"),
                format!(
                    "user data of `{}` is {size} bytes before base64; AWS allows {}",
                    lt.name,
                    userdata::MAX_BYTES
                ),
                "move configuration into the payload artifact",
            ));
        }
        if let Some(pos) = userdata::unescaped_interpolation(&ud.to_template()) {
            cx.push(Violation::new(
                "user-data-unescaped",
                at(&lt.name, "run"),
                format!(
                    "user data of `{}` has an unescaped `${{` at byte {pos}",
                    lt.name
                ),
                "write `$${` for a literal `${` in Terraform strings",
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Security defaults

fn ssh_open(cx: &mut Cx) {
    for sg in &cx.stack.security_groups {
        for (i, r) in sg.ingress.iter().enumerate() {
            if r.covers(Protocol::Tcp, 22) && r.peer.is_world() {
                cx.push(Violation::new(
                    "ssh-open-to-world",
                    at(&sg.name, format!("ingress[{i}].peer")),
                    format!(
                        "security group `{}` admits SSH (tcp 22) from {}",
                        sg.name,
                        r.peer.describe()
                    ),
                    "admit SSH from your own address only: `from var(admin_cidr)` with a /32, or waive it with a reason",
                ));
            }
        }
    }
}

fn imds_and_volumes(cx: &mut Cx) {
    for lt in &cx.stack.launch_templates {
        if !lt.imdsv2_required {
            cx.push(Violation::new(
                "imdsv1-allowed",
                at(&lt.name, "imdsv2_required"),
                format!(
                    "launch template `{}` allows IMDSv1 (metadata without session tokens)",
                    lt.name
                ),
                "keep IMDSv2 required (the default); the payload uses tokens",
            ));
        }
        if !lt.root_volume.encrypted {
            cx.push(Violation::new(
                "root-volume-unencrypted",
                at(&lt.name, "root_volume.encrypted"),
                format!(
                    "launch template `{}` has an unencrypted root volume",
                    lt.name
                ),
                "keep the root volume encrypted (the default)",
            ));
        }
    }
}

fn role_scope(cx: &mut Cx) {
    for role in &cx.stack.roles {
        for (i, arn) in role.managed_policies.iter().enumerate() {
            let broad = arn.ends_with("AdministratorAccess")
                || arn.ends_with("PowerUserAccess")
                || arn.contains("FullAccess")
                || arn.contains('*');
            if broad {
                cx.push(Violation::new(
                    "role-too-broad",
                    at(&role.name, format!("managed_policies[{i}]")),
                    format!("instance role `{}` attaches broad policy `{arn}`", role.name),
                    "grant only what the stack names (`read: <payload>`), or waive it with a reason",
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Waivers

/// A waiver in the stack, with where it stands and what scope it covers.
struct Scoped<'a> {
    resource: &'a str,
    /// Field prefix: violations under it are covered (`ingress[0]`; empty: whole resource).
    scope: String,
    waiver: &'a Waiver,
}

fn waivers(stack: &Stack) -> Vec<Scoped<'_>> {
    let mut out = Vec::new();
    for sg in &stack.security_groups {
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for (i, r) in rules.iter().enumerate() {
                for w in &r.waivers {
                    out.push(Scoped {
                        resource: &sg.name,
                        scope: format!("{dir}[{i}]"),
                        waiver: w,
                    });
                }
            }
        }
    }
    for lt in &stack.launch_templates {
        for w in &lt.waivers {
            out.push(Scoped {
                resource: &lt.name,
                scope: String::new(),
                waiver: w,
            });
        }
    }
    for role in &stack.roles {
        for w in &role.waivers {
            out.push(Scoped {
                resource: &role.name,
                scope: String::new(),
                waiver: w,
            });
        }
    }
    out
}

fn apply_waivers(stack: &Stack, found: Vec<Violation>) -> Report {
    let scoped = waivers(stack);
    let mut used = vec![false; scoped.len()];
    let mut report = Report::default();
    'next: for v in found {
        for (k, w) in scoped.iter().enumerate() {
            let in_scope = v.at.resource == w.resource
                && (w.scope.is_empty()
                    || v.at.field == w.scope
                    || v.at.field.starts_with(&format!("{}.", w.scope)));
            if in_scope && w.waiver.rule == v.rule && WAIVABLE.contains(&v.rule) {
                used[k] = true;
                report.waived.push((v, w.waiver.reason.clone()));
                continue 'next;
            }
        }
        report.violations.push(v);
    }
    for (k, w) in scoped.iter().enumerate() {
        if used[k] {
            continue;
        }
        let field = if w.scope.is_empty() {
            "waivers".to_string()
        } else {
            format!("{}.waivers", w.scope)
        };
        let why = if WAIVABLE.contains(&w.waiver.rule.as_str()) {
            "it silences nothing here".to_string()
        } else if RULES.iter().any(|(r, _)| *r == w.waiver.rule) {
            format!("`{}` is not a rule that can be waived", w.waiver.rule)
        } else {
            format!("there is no rule named `{}`", w.waiver.rule)
        };
        report.violations.push(Violation::new(
            "unused-waiver",
            Location::new(w.resource, field),
            format!(
                "waiver `{}` on `{}` is not needed: {why}",
                w.waiver.rule, w.resource
            ),
            format!(
                "remove it; rules that can be waived: {}",
                WAIVABLE.join(", ")
            ),
        ));
    }
    report
}
