//! `alb`: an Application Load Balancer on a VPC's public subnets, with its listeners.

use serde_json::{json, Map, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::security_group::SecurityGroup;
use crate::kinds::target_group::TargetGroup;
use crate::kinds::values::{check_aws_name, check_port};
use crate::kinds::vpc::{subnet_ids, Vpc};
use crate::location::{Field, Location};
use crate::naming::aws_name;
use crate::resource::{Arn, Attr, Kind, KindInfo, Ref, Reference, Resource, Str, World};
use crate::tf::{interp, name_tag, Doc};

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

pub const DUPLICATE_LISTENER: CheckRule =
    CheckRule::new("duplicate-listener", "two listeners on one port");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The port the load balancer listens on (HTTP).
    pub port: u32,
    /// The default action: forward to this target group.
    pub forward: Ref<TargetGroup>,
}

/// An Application Load Balancer with its listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alb {
    pub name: String,
    pub doc: Option<String>,
    /// The VPC whose public subnets the load balancer sits in.
    pub subnets: Ref<Vpc>,
    pub internet_facing: bool,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    pub listeners: Vec<Listener>,
    /// Access logs to the stack's log bucket.
    pub access_logs: bool,
    /// The AWS name; defaults to `<stack>-<name>` in kebab case.
    pub aws_name: Option<String>,
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
    const RULES: &'static [&'static CheckRule] = &[&DUPLICATE_LISTENER];

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
            out.push(Reference::to(self.listener_at(i).at(FORWARD), &l.forward));
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
        body.insert("subnets".into(), subnet_ids(w, &self.subnets));
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
            doc.res(
                "aws_lb_listener",
                &format!("{n}_{}", l.port),
                json!({
                    "load_balancer_arn": format!("${{aws_lb.{n}.arn}}"),
                    "port": l.port,
                    "protocol": "HTTP",
                    "default_action": [{
                        "type": "forward",
                        "target_group_arn": format!("${{aws_lb_target_group.{}.arn}}", l.forward.name()),
                    }],
                    "tags": name_tag(&stack, &format!("{n}_{}", l.port)),
                }),
            );
        }
    }
}
