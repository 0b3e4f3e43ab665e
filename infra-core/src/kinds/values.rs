//! Value rules shared by several kinds: TCP/UDP ports and AWS load-balancing names.

use crate::diag::{CheckRule, Sink, Violation};
use crate::location::{Field, Location};
use crate::naming::aws_name;

pub const PORT_RANGE: CheckRule = CheckRule::new("port-range", "a port outside 1-65535");
pub const AWS_NAME: CheckRule = CheckRule::new(
    "aws-name",
    "a load balancer or target group name AWS rejects",
);
pub const RULES: &[&CheckRule] = &[&PORT_RANGE, &AWS_NAME];

/// The field holding an explicit AWS name (load balancers, target groups).
pub const AWS_NAME_FIELD: Field = Field::new("aws_name");

/// True for a TCP/UDP port AWS accepts.
pub fn port_ok(port: u32) -> bool {
    (1..=65535).contains(&port)
}

/// Report `port` when it is outside 1-65535; `what` gives the location and the message,
/// built only then.
pub fn check_port(
    out: &mut Sink,
    port: u32,
    what: impl FnOnce() -> (Location, String),
    help: &str,
) {
    if !port_ok(port) {
        let (at, message) = what();
        out.push(Violation::new(&PORT_RANGE, at, message).help(help));
    }
}

/// AWS's rules for load balancer and target group names: 1 to 32 of `[A-Za-z0-9-]`, no
/// hyphen at either end, and (load balancers) not starting with `internal-`.
pub fn check_aws_name(
    out: &mut Sink,
    stack_name: &str,
    stack_kebab: &str,
    res: &Location,
    explicit: &Option<String>,
    what: &str,
) {
    let name = aws_name(stack_kebab, explicit, &res.resource);
    let at = if explicit.is_some() {
        res.at(AWS_NAME_FIELD)
    } else {
        res.clone()
    };
    let derived = if explicit.is_some() {
        String::new()
    } else {
        format!(
            " (derived from stack `{stack_name}` and `{}`)",
            res.resource
        )
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
        out.push(
            Violation::new(
                &AWS_NAME,
                at.clone(),
                format!("{what} name `{name}`{derived} {p}"),
            )
            .help(
                "set a shorter `aws_name` of letters, digits and hyphens, or rename the resource",
            ),
        );
    }
}

/// A string that is either written in the stack or read from a Terraform variable
/// (`var(domain_name)`): domain and zone names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Literal(String),
    /// The name of a `string` variable.
    Variable(String),
}

impl Text {
    /// Its Terraform JSON value (`"app.example.com"` or `"${var.domain_name}"`).
    pub fn tf(&self) -> serde_json::Value {
        match self {
            Text::Literal(s) => crate::tf::lit(s),
            Text::Variable(v) => crate::tf::interp(format!("var.{v}")),
        }
    }

    /// Its HCL expression, for use inside an interpolation.
    pub fn hcl(&self) -> String {
        match self {
            Text::Literal(s) => serde_json::Value::String(s.replace("${", "$${")).to_string(),
            Text::Variable(v) => format!("var.{v}"),
        }
    }

    /// The value when known before the plan: the literal, or the variable's default.
    pub fn known<'a>(&'a self, w: &'a dyn crate::resource::World) -> Option<&'a str> {
        match self {
            Text::Literal(s) => Some(s),
            Text::Variable(v) => w
                .all::<crate::kinds::variable::Variable>()
                .iter()
                .find(|x| &x.name == v)
                .and_then(|x| x.default.as_deref()),
        }
    }

    /// The reference it holds to a `string` variable, written at `at`.
    pub fn reference(&self, at: Location) -> Option<crate::resource::Reference> {
        match self {
            Text::Literal(_) => None,
            Text::Variable(v) => Some(crate::resource::Reference {
                at,
                name: v.clone(),
                want: <crate::kinds::variable::Variable as crate::resource::Resource>::KIND,
                var_type: Some("string"),
                attribute: None,
            }),
        }
    }
}

/// A DNS name in lower case without its trailing dot.
pub fn dns_name(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// True when `name` is `zone` or a name under it.
pub fn in_zone(name: &str, zone: &str) -> bool {
    let (n, z) = (dns_name(name), dns_name(zone));
    !z.is_empty() && (n == z || n.ends_with(&format!(".{z}")))
}
