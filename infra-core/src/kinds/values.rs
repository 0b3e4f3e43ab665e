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
