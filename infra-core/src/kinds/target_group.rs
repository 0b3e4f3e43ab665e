//! `target_group`: HTTP targets on a port, health-checked on a path.

use serde_json::json;

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::values::{check_aws_name, check_port};
use crate::kinds::vpc::{vpc_id, Vpc};
use crate::location::Field;
use crate::naming::aws_name;
use crate::resource::{Arn, Attr, Kind, KindInfo, Ref, Reference, Resource, World};
use crate::tf::{lit, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "target_group",
    display: "target group",
    tf_types: &["aws_lb_target_group"],
    address: "aws_lb_target_group.NAME",
    attributes: &[("arn", "${ADDR.arn}"), ("name", "${ADDR.name}")],
    raw: None,
};

pub const VPC: Field = Field::new("vpc");
pub const PORT: Field = Field::new("port");
pub const HEALTH: Field = Field::new("health");
pub const DEREGISTRATION_DELAY: Field = Field::new("deregistration_delay");
/// `health.path`.
pub const PATH: Field = Field::new("path");
/// `health.port` (the same name as the group's own `port`, under `health`).
pub const HEALTH_PORT: Field = PORT;
/// `health.interval`.
pub const INTERVAL: Field = Field::new("interval");
/// `health.timeout`.
pub const TIMEOUT: Field = Field::new("timeout");
/// `health.healthy_threshold`.
pub const HEALTHY_THRESHOLD: Field = Field::new("healthy_threshold");
/// `health.unhealthy_threshold`.
pub const UNHEALTHY_THRESHOLD: Field = Field::new("unhealthy_threshold");
/// `health.matcher`.
pub const MATCHER: Field = Field::new("matcher");

pub const HEALTH_CHECK_TIMING: CheckRule = CheckRule::new(
    "health-check-timing",
    "health check interval/timeout AWS rejects",
);
pub const HEALTH_CHECK_THRESHOLD: CheckRule = CheckRule::new(
    "health-check-threshold",
    "health check thresholds outside 2-10",
);
pub const HEALTH_CHECK_PATH: CheckRule = CheckRule::new(
    "health-check-path",
    "a health check path AWS rejects (must start with `/`)",
);
pub const HEALTH_PORT_MISMATCH: CheckRule = CheckRule::new(
    "health-port-mismatch",
    "the health check probes another port than traffic",
);

/// The port the health check uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthPort {
    /// The port each target receives traffic on (what the lab needs).
    TrafficPort,
    Port(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    pub path: String,
    pub port: HealthPort,
    pub interval_secs: u32,
    pub timeout_secs: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// HTTP codes that count as healthy.
    pub matcher: String,
}

impl HealthCheck {
    pub fn new(path: &str) -> Self {
        HealthCheck {
            path: path.to_string(),
            port: HealthPort::TrafficPort,
            interval_secs: 15,
            timeout_secs: 5,
            healthy_threshold: 2,
            unhealthy_threshold: 3,
            matcher: "200".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroup {
    pub name: String,
    pub doc: Option<String>,
    pub vpc: Ref<Vpc>,
    /// The port targets receive traffic on (HTTP).
    pub port: u32,
    pub health: HealthCheck,
    /// Seconds the load balancer keeps draining a deregistered target.
    pub deregistration_delay_secs: u32,
    /// The AWS name; defaults to `<stack>-<name>` in kebab case.
    pub aws_name: Option<String>,
}

impl TargetGroup {
    pub fn new(name: &str, vpc: Ref<Vpc>, port: u32, health_path: &str) -> Self {
        TargetGroup {
            name: name.to_string(),
            doc: None,
            vpc,
            port,
            health: HealthCheck::new(health_path),
            deregistration_delay_secs: 30,
            aws_name: None,
        }
    }

    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}

impl Ref<TargetGroup> {
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), TargetGroup::KIND, "arn")
    }
}

impl Resource for TargetGroup {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[
        &HEALTH_CHECK_TIMING,
        &HEALTH_CHECK_THRESHOLD,
        &HEALTH_CHECK_PATH,
        &HEALTH_PORT_MISMATCH,
    ];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        out.push(Reference::to(self.loc().at(VPC), &self.vpc));
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let me = self.loc();
        let health = me.at(HEALTH);
        check_port(
            out,
            self.port,
            || {
                (
                    me.at(PORT),
                    format!("target group port {} is outside 1-65535", self.port),
                )
            },
            "use the port the payload listens on",
        );
        let h = &self.health;
        if let HealthPort::Port(p) = h.port {
            check_port(
                out,
                p,
                || {
                    (
                        health.at(HEALTH_PORT),
                        format!("health check port {p} is outside 1-65535"),
                    )
                },
                "use `traffic-port`",
            );
        }
        check_aws_name(
            out,
            w.stack_name(),
            &w.kebab_name(),
            &me,
            &self.aws_name,
            "target group",
        );
        if !(5..=300).contains(&h.interval_secs) {
            out.push(
                Violation::new(
                    &HEALTH_CHECK_TIMING,
                    health.at(INTERVAL),
                    format!(
                        "health check interval {} s is outside AWS's 5-300 s",
                        h.interval_secs
                    ),
                )
                .help("use e.g. 15"),
            );
        }
        if !(2..=120).contains(&h.timeout_secs) {
            out.push(
                Violation::new(
                    &HEALTH_CHECK_TIMING,
                    health.at(TIMEOUT),
                    format!(
                        "health check timeout {} s is outside AWS's 2-120 s",
                        h.timeout_secs
                    ),
                )
                .help("use e.g. 5"),
            );
        }
        if h.timeout_secs >= h.interval_secs {
            out.push(
                Violation::new(
                    &HEALTH_CHECK_TIMING,
                    health.at(TIMEOUT),
                    format!(
                        "health check timeout {} s must be less than the interval {} s",
                        h.timeout_secs, h.interval_secs
                    ),
                )
                .help("lower the timeout or raise the interval")
                .note(health.at(INTERVAL), "the interval is set here"),
            );
        }
        for (v, f) in [
            (h.healthy_threshold, HEALTHY_THRESHOLD),
            (h.unhealthy_threshold, UNHEALTHY_THRESHOLD),
        ] {
            if !(2..=10).contains(&v) {
                out.push(
                    Violation::new(
                        &HEALTH_CHECK_THRESHOLD,
                        health.at(f),
                        format!(
                            "health check {} is {v}; AWS allows 2 to 10",
                            f.name().replace('_', " ")
                        ),
                    )
                    .help("use e.g. 2 healthy, 3 unhealthy"),
                );
            }
        }
        if !h.path.starts_with('/') || h.path.len() > 1024 {
            out.push(
                Violation::new(
                    &HEALTH_CHECK_PATH,
                    health.at(PATH),
                    format!(
                        "health check path `{}` must start with `/` and be at most 1024 characters",
                        h.path
                    ),
                )
                .help("use the payload's health path, e.g. /health"),
            );
        }
        if let HealthPort::Port(p) = h.port {
            if p != self.port {
                out.push(
                    Violation::new(
                        &HEALTH_PORT_MISMATCH,
                        health.at(HEALTH_PORT),
                        format!(
                            "health checks of `{}` probe port {p}, but traffic goes to port {}: a target can look healthy and still fail",
                            self.name, self.port
                        ),
                    )
                    .help("use `traffic-port` (the default)"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let stack = w.kebab_name();
        let h = &self.health;
        let port = match h.port {
            HealthPort::TrafficPort => json!("traffic-port"),
            HealthPort::Port(p) => json!(p.to_string()),
        };
        doc.res(
            "aws_lb_target_group",
            &self.name,
            json!({
                "name": aws_name(&stack, &self.aws_name, &self.name),
                "port": self.port,
                "protocol": "HTTP",
                "target_type": "instance",
                "vpc_id": vpc_id(w, &self.vpc),
                "deregistration_delay": self.deregistration_delay_secs.to_string(),
                "health_check": {
                    "enabled": true,
                    "protocol": "HTTP",
                    "path": lit(&h.path),
                    "port": port,
                    "matcher": lit(&h.matcher),
                    "interval": h.interval_secs,
                    "timeout": h.timeout_secs,
                    "healthy_threshold": h.healthy_threshold,
                    "unhealthy_threshold": h.unhealthy_threshold,
                },
                "tags": name_tag(&stack, &self.name),
            }),
        );
    }
}
