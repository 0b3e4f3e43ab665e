//! Value rules shared by several kinds: TCP/UDP ports and AWS load-balancing names.

use std::fmt;

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::variable::{VarType, Variable};
use crate::location::{Field, Location};
use crate::naming::aws_name;

pub const PORT_RANGE: CheckRule = CheckRule::new("port-range", "a port outside 1-65535");
pub const AWS_NAME: CheckRule = CheckRule::new(
    "aws-name",
    "a load balancer or target group name AWS rejects",
);
/// A variable used as a knob (instance type, group sizes, CPU target) whose default the
/// compile-time checks cannot use: none, or not a value of that knob.
pub const KNOB_DEFAULT: CheckRule = CheckRule::new(
    "knob-default",
    "a variable used as a knob without a default the checks can use",
);
pub const RULES: &[&CheckRule] = &[&PORT_RANGE, &AWS_NAME, &KNOB_DEFAULT];

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

/// What a [`Knob`] holds: a value a Terraform variable of one type can carry.
pub trait KnobValue: Clone + PartialEq + fmt::Display {
    /// The variable type it is read from (its DSL keyword).
    const VAR_TYPE: VarType;
    /// What the variable's default must be, for messages ("a whole number of instances").
    const EXPECTED: &'static str;
    /// The value of a variable default, if it is one.
    fn from_default(default: &str) -> Option<Self>;
    /// Its Terraform JSON value.
    fn tf(&self) -> serde_json::Value;
    /// Its HCL expression.
    fn hcl(&self) -> String;
}

impl KnobValue for String {
    const VAR_TYPE: VarType = VarType::String;
    const EXPECTED: &'static str = "a string";
    fn from_default(default: &str) -> Option<Self> {
        Some(default.to_string())
    }
    fn tf(&self) -> serde_json::Value {
        crate::tf::lit(self)
    }
    fn hcl(&self) -> String {
        serde_json::Value::String(self.replace("${", "$${")).to_string()
    }
}

impl KnobValue for u32 {
    const VAR_TYPE: VarType = VarType::Number;
    const EXPECTED: &'static str = "a whole number";
    fn from_default(default: &str) -> Option<Self> {
        let f: f64 = default.trim().parse().ok()?;
        (f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f)).then_some(f as u32)
    }
    fn tf(&self) -> serde_json::Value {
        serde_json::json!(self)
    }
    fn hcl(&self) -> String {
        self.to_string()
    }
}

impl KnobValue for f64 {
    const VAR_TYPE: VarType = VarType::Number;
    const EXPECTED: &'static str = "a number";
    fn from_default(default: &str) -> Option<Self> {
        default.trim().parse().ok().filter(|f: &f64| f.is_finite())
    }
    fn tf(&self) -> serde_json::Value {
        serde_json::json!(self)
    }
    fn hcl(&self) -> String {
        self.to_string()
    }
}

/// A setting written in the stack or read from a Terraform variable (`var(desired)`): the
/// instance type, the group sizes, the CPU target. The emitted JSON reads the variable
/// (`"${var.desired}"`); the compile-time checks use its default, and the variable carries
/// `validation` blocks that repeat those checks at plan time
/// ([`crate::resource::Resource::validations`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Knob<T> {
    Literal(T),
    /// The name of a variable of type [`KnobValue::VAR_TYPE`].
    Variable(String),
}

impl<T> From<T> for Knob<T> {
    fn from(v: T) -> Self {
        Knob::Literal(v)
    }
}

impl From<&str> for Knob<String> {
    fn from(v: &str) -> Self {
        Knob::Literal(v.to_string())
    }
}

impl<T: fmt::Display> fmt::Display for Knob<T> {
    /// The literal, or `var(name)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Knob::Literal(v) => v.fmt(f),
            Knob::Variable(v) => write!(f, "var({v})"),
        }
    }
}

impl<T: KnobValue> Knob<T> {
    /// The variable it reads, if any.
    pub fn variable(&self) -> Option<&str> {
        match self {
            Knob::Literal(_) => None,
            Knob::Variable(v) => Some(v),
        }
    }

    /// The value the checks use: the literal, or the variable's default (`None` when the
    /// variable is not declared, has no default, or a default that is not a `T`).
    pub fn value(&self, w: &dyn crate::resource::World) -> Option<T> {
        match self {
            Knob::Literal(v) => Some(v.clone()),
            Knob::Variable(name) => T::from_default(default_of(w, name)?),
        }
    }

    /// The value, for messages: `9`, or `9 (the default of variable `desired`)`.
    pub fn describe(&self, value: &T) -> String {
        format!("{value}{}", self.whence())
    }

    /// Where the value comes from, for messages: nothing for a literal,
    /// ` (the default of variable `desired`)` for a variable.
    pub fn whence(&self) -> String {
        match self {
            Knob::Literal(_) => String::new(),
            Knob::Variable(v) => format!(" (the default of variable `{v}`)"),
        }
    }

    /// For display (diagrams, costs): the value, with the variable when there is one
    /// (`t4g.micro (var.instance_type)`), or `var.name` when it has no usable default.
    pub fn label(&self, w: &dyn crate::resource::World) -> String {
        match (self, self.value(w)) {
            (Knob::Literal(v), _) => v.to_string(),
            (Knob::Variable(n), Some(v)) => format!("{v} (var.{n})"),
            (Knob::Variable(n), None) => format!("var.{n}"),
        }
    }

    /// Its Terraform JSON value (`2` or `"${var.desired}"`).
    pub fn tf(&self) -> serde_json::Value {
        match self {
            Knob::Literal(v) => v.tf(),
            Knob::Variable(v) => crate::tf::interp(format!("var.{v}")),
        }
    }

    /// Its HCL expression (`2` or `var.desired`), for use inside an interpolation.
    pub fn hcl(&self) -> String {
        match self {
            Knob::Literal(v) => v.hcl(),
            Knob::Variable(v) => format!("var.{v}"),
        }
    }

    /// Its text inside a Terraform string template (`50` or `${var.cpu_target}`).
    pub fn template(&self) -> String {
        match self {
            Knob::Literal(v) => crate::escape::terraform_template(&v.to_string()),
            Knob::Variable(v) => format!("${{var.{v}}}"),
        }
    }

    /// The reference it holds to a variable, written at `at`.
    pub fn reference(&self, at: Location) -> Option<crate::resource::Reference> {
        self.variable().map(|v| crate::resource::Reference {
            at,
            name: v.to_string(),
            want: <Variable as crate::resource::Resource>::KIND,
            var_type: Some(T::VAR_TYPE.keyword()),
            attribute: None,
        })
    }

    /// The value for the checks, reporting a variable whose default they cannot use
    /// ([`KNOB_DEFAULT`], at `at`: the `var(...)`). `what` names the setting ("desired
    /// capacity of `web_asg`"). A variable that is not declared, or not of the knob's type,
    /// is the graph check's to report.
    pub fn checked(
        &self,
        w: &dyn crate::resource::World,
        out: &mut Sink,
        at: impl FnOnce() -> Location,
        what: impl FnOnce() -> String,
    ) -> Option<T> {
        let Knob::Variable(name) = self else {
            return self.value(w);
        };
        let var = w.all::<Variable>().iter().find(|x| &x.name == name)?;
        if var.ty != T::VAR_TYPE {
            return None;
        }
        let found = var.default.as_deref().map(T::from_default);
        if let Some(Some(v)) = found {
            return Some(v);
        }
        let message = match found {
            None => format!(
                "variable `{name}` sets the {} but has no default: the checks need a value to check",
                what()
            ),
            Some(_) => format!(
                "default `{}` of variable `{name}` is not {} (it sets the {})",
                var.default.as_deref().unwrap_or(""),
                T::EXPECTED,
                what()
            ),
        };
        out.push(
            Violation::new(&KNOB_DEFAULT, at(), message)
                .help(format!(
                    "give it a default: `variable {name}: {} = ...;`",
                    T::VAR_TYPE.keyword()
                ))
                .note(Location::of(name), "the variable is declared here"),
        );
        None
    }
}

/// The default of the variable `name`, if the stack declares it with one.
fn default_of<'a>(w: &'a dyn crate::resource::World, name: &str) -> Option<&'a str> {
    w.all::<Variable>()
        .iter()
        .find(|x| x.name == name)
        .and_then(|x| x.default.as_deref())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knob_values_from_variable_defaults() {
        assert_eq!(u32::from_default("2"), Some(2));
        assert_eq!(u32::from_default("2.0"), Some(2));
        assert_eq!(u32::from_default("2.5"), None);
        assert_eq!(u32::from_default("-1"), None);
        assert_eq!(u32::from_default("many"), None);
        assert_eq!(f64::from_default("50.5"), Some(50.5));
        assert_eq!(f64::from_default("inf"), None);
        assert_eq!(
            String::from_default("t3.micro").as_deref(),
            Some("t3.micro")
        );
    }

    #[test]
    fn knobs_render_as_literals_or_variable_reads() {
        let lit: Knob<u32> = 4.into();
        let var: Knob<u32> = Knob::Variable("max_size".into());
        assert_eq!(lit.tf(), serde_json::json!(4));
        assert_eq!(var.tf(), serde_json::json!("${var.max_size}"));
        assert_eq!((lit.hcl(), var.hcl()), ("4".into(), "var.max_size".into()));
        assert_eq!(var.template(), "${var.max_size}");
        assert_eq!(var.describe(&4), "4 (the default of variable `max_size`)");
        assert_eq!(lit.describe(&4), "4");
        assert_eq!(var.to_string(), "var(max_size)");
        let ty: Knob<String> = "t3.micro".into();
        assert_eq!(ty.hcl(), "\"t3.micro\"");
        assert_eq!(Knob::<f64>::Literal(50.0).template(), "50");
    }
}
