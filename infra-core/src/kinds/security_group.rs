//! `security_group`: a security group and its rules, each rule emitted as a standalone
//! `aws_vpc_security_group_ingress_rule` / `_egress_rule` resource.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::cidr::{self, check_syntax};
use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::values::check_port;
use crate::kinds::vpc::{vpc_id, Vpc};
use crate::location::{Field, Location};
use crate::naming::kebab;
use crate::resource::{Attr, Id, Kind, KindInfo, Ref, Reference, Resource, Scoped, Waiver, World};
use crate::tf::{interp, lit, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "security_group",
    display: "security group",
    tf_types: &[
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ],
    address: "aws_security_group.NAME",
    attributes: &[("id", "${ADDR.id}"), ("arn", "${ADDR.arn}")],
    raw: None,
};

pub const VPC: Field = Field::new("vpc");
pub const DESCRIPTION: Field = Field::new("description");
pub const INGRESS: Field = Field::new("ingress");
pub const EGRESS: Field = Field::new("egress");
/// A rule's port (or port range).
pub const PORT: Field = Field::new("port");
/// A rule's peer.
pub const PEER: Field = Field::new("peer");

pub const DESCRIPTION_CHARSET: CheckRule = CheckRule::new(
    "description-charset",
    "a security group or rule description AWS rejects",
);
pub const DUPLICATE_RULE: CheckRule = CheckRule::new(
    "duplicate-rule",
    "the same security group rule twice (AWS rejects it)",
);
pub const SSH_OPEN_TO_WORLD: CheckRule =
    CheckRule::waivable("ssh-open-to-world", "SSH from 0.0.0.0/0 or ::/0");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// Which list a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    pub fn field(self) -> Field {
        match self {
            Direction::Ingress => INGRESS,
            Direction::Egress => EGRESS,
        }
    }
    pub fn as_str(self) -> &'static str {
        self.field().name()
    }
    /// `from` (ingress) or `to` (egress): the word before the peer.
    pub fn peer_word(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// The other side of a security group rule: where traffic comes from (ingress) or goes
/// to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// `0.0.0.0/0`.
    Internet,
    /// An IPv4 or IPv6 CIDR block.
    Cidr(String),
    /// Another security group of the stack.
    SecurityGroup(Ref<SecurityGroup>),
    /// A Terraform variable holding a CIDR; the rule exists only when the variable is set.
    Variable(String),
}

impl Peer {
    /// True for `0.0.0.0/0` and `::/0` however they are spelled.
    pub fn is_world(&self) -> bool {
        match self {
            Peer::Internet => true,
            Peer::Cidr(c) => cidr::is_world(c),
            _ => false,
        }
    }

    /// The peer as AWS sees it: `0.0.0.0/0` is the internet, CIDRs in canonical form.
    pub fn normalized(&self) -> Peer {
        match self {
            Peer::Cidr(c) if cidr::is_world(c) && !cidr::is_v6(c) => Peer::Internet,
            Peer::Cidr(c) => match cidr::parse_any(c) {
                Ok(net) => Peer::Cidr(net.to_string()),
                Err(_) => self.clone(),
            },
            other => other.clone(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Peer::Internet => "the internet (0.0.0.0/0)".to_string(),
            Peer::Cidr(c) => format!("CIDR {c}"),
            Peer::SecurityGroup(sg) => format!("security group `{}`", sg.name()),
            Peer::Variable(v) => format!("the CIDR in variable `{v}`"),
        }
    }
}

/// One security group rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub protocol: Protocol,
    /// First port; ports are `u32` so that out-of-range values can be represented and
    /// reported by the checks rather than truncated.
    pub from_port: u32,
    pub to_port: u32,
    pub peer: Peer,
    pub description: Option<String>,
    pub waivers: Vec<Waiver>,
}

impl Rule {
    pub fn tcp(port: u32, peer: Peer) -> Self {
        Rule {
            protocol: Protocol::Tcp,
            from_port: port,
            to_port: port,
            peer,
            description: None,
            waivers: Vec::new(),
        }
    }

    pub fn covers(&self, protocol: Protocol, port: u32) -> bool {
        self.protocol == protocol && self.from_port <= port && port <= self.to_port
    }

    pub fn ports(&self) -> String {
        if self.from_port == self.to_port {
            self.from_port.to_string()
        } else {
            format!("{}-{}", self.from_port, self.to_port)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroup {
    pub name: String,
    pub doc: Option<String>,
    pub vpc: Ref<Vpc>,
    /// The AWS description (defaults to the doc comment or a generated one).
    pub description: Option<String>,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

impl SecurityGroup {
    pub fn new(name: &str, vpc: Ref<Vpc>) -> Self {
        SecurityGroup {
            name: name.to_string(),
            doc: None,
            vpc,
            description: None,
            ingress: Vec::new(),
            egress: Vec::new(),
        }
    }

    /// The description AWS receives: the explicit one, else the doc comment, else a
    /// generated one.
    pub fn aws_description(&self, stack_kebab: &str) -> String {
        self.description
            .clone()
            .or_else(|| self.doc.clone())
            .unwrap_or_else(|| format!("{stack_kebab} security group {}", kebab(&self.name)))
    }

    pub fn rules(&self, dir: Direction) -> &[Rule] {
        match dir {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Where rule `i` of `dir` is written.
    pub fn rule_at(&self, dir: Direction, i: usize) -> Location {
        self.loc().at(dir.field()).nth(i)
    }

    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}

impl Ref<SecurityGroup> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), SecurityGroup::KIND, "id")
    }
}

/// AWS: security group and rule descriptions are at most 255 characters of
/// `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`.
fn description(out: &mut Sink, at: &Location, d: &str) {
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
        out.push(
            Violation::new(
                &DESCRIPTION_CHARSET,
                at.clone(),
                format!(
                    "description contains {}, which AWS does not accept in security group descriptions",
                    list.join(", ")
                ),
            )
            .help("use only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"),
        );
    }
    if d.chars().count() > 255 {
        out.push(
            Violation::new(
                &DESCRIPTION_CHARSET,
                at.clone(),
                format!(
                    "description has {} characters; AWS allows 255",
                    d.chars().count()
                ),
            )
            .help("shorten it"),
        );
    }
}

/// The Terraform local name of one security group rule: descriptive and stable.
pub fn rule_name(sg: &str, dir: Direction, r: &Rule) -> String {
    let peer = match &r.peer {
        Peer::Internet => "internet".to_string(),
        Peer::Cidr(c) if cidr::is_world(c) => {
            if cidr::is_v6(c) {
                "internet_v6".to_string()
            } else {
                "internet".to_string()
            }
        }
        Peer::Cidr(c) => c
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
        Peer::SecurityGroup(g) => g.name().to_string(),
        Peer::Variable(v) => v.clone(),
    };
    let ports = r.ports().replace('-', "_");
    format!(
        "{sg}_{}_{}_{ports}_{peer}",
        dir.as_str(),
        r.protocol.as_str()
    )
}

fn rule_tf_type(dir: Direction) -> &'static str {
    match dir {
        Direction::Ingress => "aws_vpc_security_group_ingress_rule",
        Direction::Egress => "aws_vpc_security_group_egress_rule",
    }
}

impl Resource for SecurityGroup {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] =
        &[&DESCRIPTION_CHARSET, &DUPLICATE_RULE, &SSH_OPEN_TO_WORLD];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        out.push(Reference::to(self.loc().at(VPC), &self.vpc));
        for dir in Direction::BOTH {
            for (i, r) in self.rules(dir).iter().enumerate() {
                let at = self.rule_at(dir, i).at(PEER);
                match &r.peer {
                    Peer::SecurityGroup(p) => out.push(Reference::to(at, p)),
                    Peer::Variable(v) => out.push(Reference {
                        at,
                        name: v.clone(),
                        want: crate::kinds::variable::Variable::KIND,
                        var_type: Some("cidr"),
                        attribute: None,
                    }),
                    _ => {}
                }
            }
        }
    }

    fn waivers<'a>(&'a self, out: &mut Vec<Scoped<'a>>) {
        for dir in Direction::BOTH {
            for (i, r) in self.rules(dir).iter().enumerate() {
                for w in &r.waivers {
                    out.push(Scoped {
                        scope: self.rule_at(dir, i),
                        waiver: w,
                        recorded_on: (rule_tf_type(dir), rule_name(&self.name, dir, r)),
                    });
                }
            }
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let me = self.loc();
        // What AWS receives: the explicit description, else the doc comment.
        let at = if self.description.is_some() {
            me.at(DESCRIPTION)
        } else {
            me.clone()
        };
        description(out, &at, &self.aws_description(&w.kebab_name()));
        for dir in Direction::BOTH {
            for (i, r) in self.rules(dir).iter().enumerate() {
                let rule_at = self.rule_at(dir, i);
                let ports = if r.from_port == r.to_port {
                    vec![r.from_port]
                } else {
                    vec![r.from_port, r.to_port]
                };
                for port in ports {
                    check_port(
                        out,
                        port,
                        || {
                            (
                                rule_at.at(PORT),
                                format!(
                                    "port {port} of an {} rule of `{}` is outside 1-65535",
                                    dir.as_str(),
                                    self.name
                                ),
                            )
                        },
                        "use a TCP/UDP port between 1 and 65535",
                    );
                }
                if r.from_port > r.to_port {
                    out.push(
                        Violation::new(
                            &crate::kinds::values::PORT_RANGE,
                            rule_at.at(PORT),
                            format!("port range {}-{} runs backwards", r.from_port, r.to_port),
                        )
                        .help("write the lower port first"),
                    );
                }
                if let Peer::Cidr(c) = &r.peer {
                    check_syntax(out, &rule_at.at(PEER), c, true);
                }
                if let Some(d) = &r.description {
                    description(out, &rule_at.at(DESCRIPTION), d);
                }
            }
        }
        for dir in Direction::BOTH {
            let rules = self.rules(dir);
            for (i, r) in rules.iter().enumerate() {
                if let Some(j) = rules[..i].iter().position(|o| {
                    o.protocol == r.protocol
                        && o.from_port == r.from_port
                        && o.to_port == r.to_port
                        && o.peer.normalized() == r.peer.normalized()
                }) {
                    out.push(
                        Violation::new(
                            &DUPLICATE_RULE,
                            self.rule_at(dir, i),
                            format!(
                                "{} rule {} {} {} {} repeats an earlier rule of `{}`",
                                dir.as_str(),
                                r.protocol.as_str(),
                                r.ports(),
                                dir.peer_word(),
                                r.peer.describe(),
                                self.name
                            ),
                        )
                        .help(
                            "AWS rejects duplicate rules (InvalidPermission.Duplicate): remove one",
                        )
                        .note(self.rule_at(dir, j), "the first one"),
                    );
                }
            }
        }
    }

    fn check_defaults(&self, out: &mut Sink) {
        for (i, r) in self.ingress.iter().enumerate() {
            if r.covers(Protocol::Tcp, 22) && r.peer.is_world() {
                out.push(
                    Violation::new(
                        &SSH_OPEN_TO_WORLD,
                        self.rule_at(Direction::Ingress, i).at(PEER),
                        format!(
                            "security group `{}` admits SSH (tcp 22) from {}",
                            self.name,
                            r.peer.describe()
                        ),
                    )
                    .help("admit SSH from your own address only: `from var(admin_cidr)` with a /32, or waive it with a reason"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        doc.res(
            "aws_security_group",
            n,
            json!({
                "name_prefix": format!("{stack}-{}-", kebab(n)),
                "description": lit(&self.aws_description(&stack)),
                "vpc_id": vpc_id(w, &self.vpc),
                "tags": name_tag(&stack, n),
                "lifecycle": { "create_before_destroy": true },
            }),
        );
        for dir in Direction::BOTH {
            for r in self.rules(dir) {
                let mut body = Map::new();
                body.insert(
                    "security_group_id".into(),
                    interp(format!("aws_security_group.{n}.id")),
                );
                body.insert("ip_protocol".into(), json!(r.protocol.as_str()));
                body.insert("from_port".into(), json!(r.from_port));
                body.insert("to_port".into(), json!(r.to_port));
                let peer_text = match &r.peer {
                    Peer::Internet => {
                        body.insert("cidr_ipv4".into(), json!("0.0.0.0/0"));
                        "the internet".to_string()
                    }
                    Peer::Cidr(c) if cidr::is_v6(c) => {
                        body.insert("cidr_ipv6".into(), lit(c));
                        c.clone()
                    }
                    Peer::Cidr(c) => {
                        body.insert("cidr_ipv4".into(), lit(c));
                        c.clone()
                    }
                    Peer::SecurityGroup(g) => {
                        body.insert(
                            "referenced_security_group_id".into(),
                            interp(format!("aws_security_group.{}.id", g.name())),
                        );
                        kebab(g.name())
                    }
                    Peer::Variable(v) => {
                        body.insert("count".into(), interp(format!("var.{v} == null ? 0 : 1")));
                        body.insert("cidr_ipv4".into(), interp(format!("var.{v}")));
                        format!("var {v}")
                    }
                };
                let description = r.description.clone().unwrap_or_else(|| {
                    format!(
                        "{} {} {} {peer_text}",
                        r.protocol.as_str(),
                        r.ports(),
                        dir.peer_word()
                    )
                });
                body.insert("description".into(), lit(&description));
                body.insert(
                    "tags".into(),
                    name_tag(&stack, &format!("{n}_{}", dir.as_str())),
                );
                doc.res(
                    rule_tf_type(dir),
                    &rule_name(n, dir, r),
                    Value::Object(body),
                );
            }
        }
    }
}
