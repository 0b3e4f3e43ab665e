//! The AWS API's own constraints (enums, ranges, lengths, patterns, from botocore through
//! the provider schema) on every literal the stack sets: typed kinds declare theirs with
//! [`Resource::api_values`] (each literal field with its Terraform type and attribute),
//! raw resources every literal of their body. One check for all of them.

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::variable::{VarType, Variable};
use crate::registry::{Stack, Visit};
use crate::resource::{ApiSource, ApiValue, Resource, Validation};
use crate::schema::{self, Literal};

pub const AWS_API_CONSTRAINT: CheckRule = CheckRule::new(
    "aws-api-constraint",
    "a literal value the AWS API refuses (not one of its values, out of range, too long or short, or not matching its pattern)",
);

pub const RULES: &[&CheckRule] = &[&AWS_API_CONSTRAINT];

struct Collect<'a>(Vec<ApiValue<'a>>);

impl<'a> Visit<'a> for Collect<'a> {
    fn visit<T: Resource>(&mut self, r: &'a T) {
        r.api_values(&mut self.0);
    }
}

fn show(v: Literal<'_>) -> String {
    match v {
        // A long value is shortened: the caret shows it whole.
        Literal::Str(s) if s.chars().count() > 48 => {
            let head: String = s.chars().take(32).collect();
            format!("{head:?}... ({} characters)", s.chars().count())
        }
        Literal::Str(s) => format!("{s:?}"),
        Literal::Number(n) => format!("{n}"),
        Literal::Bool(b) => format!("{b}"),
    }
}

fn collect(stack: &Stack) -> Vec<ApiValue<'_>> {
    let mut values = Collect(Vec::new());
    stack.visit(&mut values);
    values.0
}

/// The default of variable `name` as the literal the checks see, and where it came from.
fn default_of<'s>(stack: &'s Stack, name: &str) -> Option<(Literal<'s>, &'s Variable)> {
    let var = stack.variables.iter().find(|v| v.name == name)?;
    let d = var.default.as_deref()?;
    let lit = match var.ty {
        VarType::Number => Literal::Number(d.parse().ok()?),
        _ => Literal::Str(d),
    };
    Some((lit, var))
}

/// Check every literal, and every variable's default, against its attribute's constraint.
/// A location that already has a violation (a kind's own rule, which says more) is not
/// reported twice.
pub fn check(stack: &Stack, out: &mut Sink) {
    for v in collect(stack) {
        let Some(c) = schema::constraint(v.tf_type, &v.attr) else {
            continue;
        };
        let (value, whence) = match v.value {
            ApiSource::Literal(l) => (l, String::new()),
            ApiSource::Variable(name) => match default_of(stack, name) {
                Some((l, _)) => (l, format!(" (the default of variable `{name}`)")),
                None => continue,
            },
        };
        let Err(why) = c.check(value) else {
            continue;
        };
        if out.any(|d| d.at == v.at) {
            continue;
        }
        out.push(
            Violation::new(
                &AWS_API_CONSTRAINT,
                v.at.clone(),
                format!(
                    "AWS refuses {}{whence} for `{}` of {}: {why}",
                    show(value),
                    v.attr,
                    v.tf_type
                ),
            )
            .help("use a value the AWS API accepts: `terraform apply` would fail on this one"),
        );
    }
}

/// The plan-time mirror of [`check`] for values read from variables: a `validation` block
/// on each such variable, so a value given with `-var` or a tfvars file that AWS would
/// refuse fails the plan, naming the rule.
pub fn validations(stack: &Stack) -> Vec<Validation> {
    let mut out: Vec<Validation> = Vec::new();
    for v in collect(stack) {
        let ApiSource::Variable(name) = v.value else {
            continue;
        };
        let Some(c) = schema::constraint(v.tf_type, &v.attr) else {
            continue;
        };
        let Some(var) = stack.variables.iter().find(|x| x.name == name) else {
            continue;
        };
        let expr = format!("var.{name}");
        let Some(condition) = c.hcl_condition(&expr, var.ty == VarType::Number) else {
            continue;
        };
        let message = format!(
            "`{}` of {} must be {}: AWS would refuse ${{var.{name}}} at apply.",
            v.attr,
            v.tf_type,
            // A literal in Terraform's template (the message is one).
            crate::escape::terraform_template(&c.describe())
        );
        let val = Validation {
            variable: name.to_string(),
            rule: &AWS_API_CONSTRAINT,
            condition,
            message,
        };
        if !out.contains(&val) {
            out.push(val);
        }
    }
    out
}
