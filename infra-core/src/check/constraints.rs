//! The AWS API's own constraints (enums, ranges, lengths, patterns, from botocore through
//! the provider schema) on every literal the stack sets: typed kinds declare theirs with
//! [`Resource::api_values`] (each literal field with its Terraform type and attribute),
//! raw resources every literal of their body. One check for all of them.

use crate::diag::{CheckRule, Sink, Violation};
use crate::registry::{Stack, Visit};
use crate::resource::{ApiValue, Resource};
use crate::schema_pending::{self as schema, Literal};

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
        Literal::Str(s) => format!("{s:?}"),
        Literal::Number(n) => format!("{n}"),
        Literal::Bool(b) => format!("{b}"),
    }
}

/// Check every literal against its attribute's constraint. A location that already has a
/// violation (a kind's own rule, which says more) is not reported twice.
pub fn check(stack: &Stack, out: &mut Sink) {
    let mut values = Collect(Vec::new());
    stack.visit(&mut values);
    for v in values.0 {
        let Some(c) = schema::constraint(v.tf_type, &v.attr) else {
            continue;
        };
        let Err(why) = c.check(v.value) else {
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
                    "AWS refuses {} for `{}` of {}: {why}",
                    show(v.value),
                    v.attr,
                    v.tf_type
                ),
            )
            .help(format!(
                "a value the API accepts (constraint from {})",
                c.source
            )),
        );
    }
}
