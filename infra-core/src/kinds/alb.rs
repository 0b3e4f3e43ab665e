//! `alb`: an Application Load Balancer on a VPC's public subnets, with its listeners
//! (HTTP or HTTPS, forwarding to a target group or redirecting to another listener).

use serde_json::{json, Map, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::certificate::{certificate_arn, Certificate};
use crate::kinds::security_group::SecurityGroup;
use crate::kinds::target_group::TargetGroup;
use crate::kinds::values::{check_aws_name, check_port};
use crate::kinds::vpc::{private_subnet_ids, subnet_ids, Vpc};
use crate::location::{Field, Location};
use crate::naming::aws_name;
use crate::resource::{
    Arn, Attr, Kind, KindInfo, Ref, Reference, Resource, Scoped, Str, Waiver, World,
};
use crate::tf::{interp, lit, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "alb",
    display: "load balancer",
    tf_types: &["aws_lb", "aws_lb_listener"],
    address: "aws_lb.NAME",
    attributes: &[
        ("dns_name", "${ADDR.dns_name}"),
        ("arn", "${ADDR.arn}"),
        ("zone_id", "${ADDR.zone_id}"),
        ("url", "http://${ADDR.dns_name}/"),
    ],
    raw: None,
};

pub const SUBNETS: Field = Field::new("subnets");
pub const SECURITY_GROUPS: Field = Field::new("security_groups");
pub const LISTENERS: Field = Field::new("listeners");
pub const ACCESS_LOGS: Field = Field::new("access_logs");
/// The `internal` flag.
pub const INTERNAL: Field = Field::new("internal");
/// `listeners[i].port`.
pub const PORT: Field = Field::new("port");
/// `listeners[i].forward`.
pub const FORWARD: Field = Field::new("forward");
/// `listeners[i].protocol` (the `https` token).
pub const PROTOCOL: Field = Field::new("protocol");
/// `listeners[i].certificate`.
pub const CERTIFICATE: Field = Field::new("certificate");
/// `listeners[i].redirect` (the port redirected to).
pub const REDIRECT: Field = Field::new("redirect");
/// The TLS policy of the HTTPS listeners.
pub const TLS_POLICY: Field = Field::new("tls_policy");

pub const DUPLICATE_LISTENER: CheckRule =
    CheckRule::new("duplicate-listener", "two listeners on one port");
pub const HTTPS_WITHOUT_CERTIFICATE: CheckRule = CheckRule::new(
    "https-without-certificate",
    "an HTTPS listener with no certificate to present",
);
pub const REDIRECT_WITHOUT_LISTENER: CheckRule = CheckRule::new(
    "redirect-without-listener",
    "a listener redirecting to a port the load balancer does not listen on",
);
pub const TLS_POLICY_OBSOLETE: CheckRule = CheckRule::waivable(
    "tls-policy-obsolete",
    "HTTPS listeners with a TLS policy older than TLS 1.2 + 1.3",
);
pub const ALB_NO_INTERNET_ROUTE: CheckRule = CheckRule::new(
    "alb-no-internet-route",
    "an internet-facing ALB on subnets with no route to an internet gateway",
);

/// The TLS policy HTTPS listeners use unless told otherwise: TLS 1.3 and 1.2, forward
/// secrecy only (AWS's recommended policy).
pub const DEFAULT_TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// True for a TLS policy that offers TLS 1.3 and nothing older than TLS 1.2.
pub fn tls_policy_current(policy: &str) -> bool {
    [
        "ELBSecurityPolicy-TLS13-1-2-",
        "ELBSecurityPolicy-TLS13-1-3-",
    ]
    .iter()
    .any(|p| policy.starts_with(p))
}

/// The protocol a listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListenerProtocol {
    #[default]
    Http,
    Https,
}

impl ListenerProtocol {
    pub fn tf(self) -> &'static str {
        match self {
            ListenerProtocol::Http => "HTTP",
            ListenerProtocol::Https => "HTTPS",
        }
    }
}

/// What a listener does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Forward to this target group.
    Forward(Ref<TargetGroup>),
    /// Answer a 301 redirect to the same host and path on this port (the protocol of the
    /// listener there).
    Redirect(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The port the load balancer listens on.
    pub port: u32,
    pub protocol: ListenerProtocol,
    /// The certificate an HTTPS listener presents.
    pub certificate: Option<Ref<Certificate>>,
    /// The default action.
    pub action: Action,
}

impl Listener {
    /// A plain HTTP listener forwarding to `tg`.
    pub fn http(port: u32, tg: Ref<TargetGroup>) -> Self {
        Listener {
            port,
            protocol: ListenerProtocol::Http,
            certificate: None,
            action: Action::Forward(tg),
        }
    }

    /// The target group it forwards to, if it forwards.
    pub fn forward(&self) -> Option<&Ref<TargetGroup>> {
        match &self.action {
            Action::Forward(tg) => Some(tg),
            Action::Redirect(_) => None,
        }
    }
}

/// An Application Load Balancer with its listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alb {
    pub name: String,
    pub doc: Option<String>,
    /// The VPC whose public subnets the load balancer sits in.
    pub subnets: Ref<Vpc>,
    /// On the VPC's private subnets instead (`main.private_subnets`): internal only.
    pub private_subnets: bool,
    pub internet_facing: bool,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    pub listeners: Vec<Listener>,
    /// Access logs to the stack's log bucket.
    pub access_logs: bool,
    /// The AWS name; defaults to `<stack>-<name>` in kebab case.
    pub aws_name: Option<String>,
    /// The TLS policy of its HTTPS listeners.
    pub tls_policy: String,
    pub waivers: Vec<Waiver>,
}

impl Alb {
    pub fn new(name: &str, subnets: Ref<Vpc>) -> Self {
        Alb {
            name: name.to_string(),
            doc: None,
            subnets,
            internet_facing: true,
            security_groups: Vec::new(),
            listeners: Vec::new(),
            access_logs: true,
            aws_name: None,
            private_subnets: false,
            tls_policy: DEFAULT_TLS_POLICY.to_string(),
            waivers: Vec::new(),
        }
    }

    /// Where listener `i` is written.
    pub fn listener_at(&self, i: usize) -> Location {
        self.loc().at(LISTENERS).nth(i)
    }

    pub fn dns_name(&self) -> Attr<Str> {
        self.to_ref().dns_name()
    }
    pub fn url(&self) -> Attr<Str> {
        self.to_ref().url()
    }
    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}

impl Ref<Alb> {
    pub fn dns_name(&self) -> Attr<Str> {
        Attr::new(self.name(), Alb::KIND, "dns_name")
    }
    /// `http://<dns_name>/`, with `:<port>` when the first listener is not on 80.
    pub fn url(&self) -> Attr<Str> {
        Attr::new(self.name(), Alb::KIND, "url")
    }
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), Alb::KIND, "arn")
    }
}

impl Resource for Alb {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[
        &DUPLICATE_LISTENER,
        &HTTPS_WITHOUT_CERTIFICATE,
        &REDIRECT_WITHOUT_LISTENER,
        &TLS_POLICY_OBSOLETE,
        &ALB_NO_INTERNET_ROUTE,
    ];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        let me = self.loc();
        out.push(Reference::to(me.at(SUBNETS), &self.subnets));
        for (i, sg) in self.security_groups.iter().enumerate() {
            out.push(Reference::to(me.at(SECURITY_GROUPS).nth(i), sg));
        }
        for (i, l) in self.listeners.iter().enumerate() {
            if let Some(tg) = l.forward() {
                out.push(Reference::to(self.listener_at(i).at(FORWARD), tg));
            }
            if let Some(c) = &l.certificate {
                out.push(Reference::to(self.listener_at(i).at(CERTIFICATE), c));
            }
        }
    }

    fn waivers<'a>(&'a self, out: &mut Vec<Scoped<'a>>) {
        for w in &self.waivers {
            out.push(Scoped {
                scope: self.loc(),
                waiver: w,
                recorded_on: ("aws_lb", self.name.clone()),
            });
        }
    }

    fn check_defaults(&self, out: &mut Sink) {
        let https = self
            .listeners
            .iter()
            .position(|l| l.protocol == ListenerProtocol::Https);
        if let Some(i) = https {
            if !tls_policy_current(&self.tls_policy) {
                out.push(
                    Violation::new(
                        &TLS_POLICY_OBSOLETE,
                        self.loc().at(TLS_POLICY),
                        format!(
                            "load balancer `{}` uses TLS policy `{}`, which does not limit its HTTPS listeners to TLS 1.2 and 1.3",
                            self.name, self.tls_policy
                        ),
                    )
                    .help(format!("use `{DEFAULT_TLS_POLICY}` (the default), or waive `tls-policy-obsolete` with the clients that need it"))
                    .note(self.listener_at(i).at(PORT), "the HTTPS listener"),
                );
            }
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        for (i, l) in self.listeners.iter().enumerate() {
            check_port(
                out,
                l.port,
                || {
                    (
                        self.listener_at(i).at(PORT),
                        format!("listener port {} is outside 1-65535", l.port),
                    )
                },
                "listen on a port between 1 and 65535, e.g. 80",
            );
        }
        check_aws_name(
            out,
            w.stack_name(),
            &w.kebab_name(),
            &self.loc(),
            &self.aws_name,
            "load balancer",
        );
        if self.internet_facing && self.private_subnets {
            out.push(
                Violation::new(
                    &ALB_NO_INTERNET_ROUTE,
                    self.loc().at(SUBNETS),
                    format!(
                        "internet-facing load balancer `{}` is on private subnets, which have no route to an internet gateway: it would be unreachable from the internet",
                        self.name
                    ),
                )
                .help(format!(
                    "put it on `{}.public_subnets`, or mark it `internal`",
                    self.subnets.name()
                )),
            );
        }
        for (i, l) in self.listeners.iter().enumerate() {
            if l.protocol == ListenerProtocol::Https && l.certificate.is_none() {
                out.push(
                    Violation::new(
                        &HTTPS_WITHOUT_CERTIFICATE,
                        self.listener_at(i).at(PROTOCOL),
                        format!(
                            "HTTPS listener {} of `{}` has no certificate to present: AWS refuses to create it",
                            l.port, self.name
                        ),
                    )
                    .help("name the certificate: `https(<certificate>)`"),
                );
            }
            if let Action::Redirect(to) = l.action {
                if !self.listeners.iter().any(|o| o.port == to) || to == l.port {
                    out.push(
                        Violation::new(
                            &REDIRECT_WITHOUT_LISTENER,
                            self.listener_at(i).at(REDIRECT),
                            format!(
                                "listener {} of `{}` redirects to port {to}, where the load balancer has no {}listener: every redirected request would time out",
                                l.port,
                                self.name,
                                if to == l.port { "other " } else { "" }
                            ),
                        )
                        .help(format!("add `listener {to} https(<certificate>) => <target_group>`, or redirect to a port it listens on")),
                    );
                }
            }
        }
        for (i, l) in self.listeners.iter().enumerate() {
            if let Some(j) = self.listeners[..i].iter().position(|o| o.port == l.port) {
                out.push(
                    Violation::new(
                        &DUPLICATE_LISTENER,
                        self.listener_at(i).at(PORT),
                        format!(
                            "load balancer `{}` has two listeners on port {}",
                            self.name, l.port
                        ),
                    )
                    .help("one listener per port: remove one or change its port")
                    .note(self.listener_at(j).at(PORT), "the first listener"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        let mut body = Map::new();
        body.insert("name".into(), json!(aws_name(&stack, &self.aws_name, n)));
        body.insert("internal".into(), json!(!self.internet_facing));
        body.insert("load_balancer_type".into(), json!("application"));
        let sgs: Vec<Value> = self
            .security_groups
            .iter()
            .map(|r| interp(format!("aws_security_group.{}.id", r.name())))
            .collect();
        body.insert("security_groups".into(), Value::Array(sgs));
        body.insert(
            "subnets".into(),
            if self.private_subnets {
                private_subnet_ids(w, &self.subnets)
            } else {
                subnet_ids(w, &self.subnets)
            },
        );
        body.insert("drop_invalid_header_fields".into(), json!(true));
        body.insert("enable_deletion_protection".into(), json!(false));
        if self.access_logs {
            body.insert(
                "access_logs".into(),
                json!({ "bucket": "${aws_s3_bucket.logs.id}", "prefix": "alb", "enabled": true }),
            );
            // After the policy has taken effect (emit::log_bucket), not only been written.
            body.insert(
                "depends_on".into(),
                json!([
                    "aws_s3_bucket_policy.logs",
                    "terraform_data.logs_policy_settled"
                ]),
            );
        }
        body.insert("tags".into(), name_tag(&stack, n));
        doc.res("aws_lb", n, Value::Object(body));
        for l in &self.listeners {
            let action = match &l.action {
                Action::Forward(tg) => json!([{
                    "type": "forward",
                    "target_group_arn": format!("${{aws_lb_target_group.{}.arn}}", tg.name()),
                }]),
                Action::Redirect(to) => {
                    let protocol = self
                        .listeners
                        .iter()
                        .find(|o| o.port == *to)
                        .map_or(ListenerProtocol::Https, |o| o.protocol);
                    json!([{
                        "type": "redirect",
                        "redirect": {
                            "port": to.to_string(),
                            "protocol": protocol.tf(),
                            "status_code": "HTTP_301",
                        },
                    }])
                }
            };
            let mut body = Map::new();
            body.insert(
                "load_balancer_arn".into(),
                json!(format!("${{aws_lb.{n}.arn}}")),
            );
            body.insert("port".into(), json!(l.port));
            body.insert("protocol".into(), json!(l.protocol.tf()));
            if l.protocol == ListenerProtocol::Https {
                body.insert("ssl_policy".into(), lit(&self.tls_policy));
                if let Some(c) = &l.certificate {
                    body.insert("certificate_arn".into(), certificate_arn(w, c));
                }
            }
            body.insert("default_action".into(), action);
            body.insert("tags".into(), name_tag(&stack, &format!("{n}_{}", l.port)));
            doc.res(
                "aws_lb_listener",
                &format!("{n}_{}", l.port),
                Value::Object(body),
            );
        }
    }
}
