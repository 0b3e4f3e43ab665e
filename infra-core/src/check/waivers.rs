//! Waivers: a violation of a waivable rule inside a waiver's scope is moved to the report's
//! `waived` list with the waiver's reason; a waiver that silences nothing is itself a
//! violation. Generic over [`Resource::waivers`].

use crate::diag::{CheckRule, Violation};
use crate::registry::{Stack, Visit};
use crate::resource::{Resource, Scoped, WAIVERS};

pub const UNUSED_WAIVER: CheckRule =
    CheckRule::new("unused-waiver", "a waiver that silences nothing");
pub const RULES: &[&CheckRule] = &[&UNUSED_WAIVER];

/// The result of a check: what is wrong, and what the stack explicitly accepted.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub violations: Vec<Violation>,
    /// Violations silenced by a waiver, with the waiver's reason.
    pub waived: Vec<(Violation, String)>,
}

struct Collect<'a>(Vec<Scoped<'a>>);

impl<'a> Visit<'a> for Collect<'a> {
    fn visit<T: Resource>(&mut self, r: &'a T) {
        r.waivers(&mut self.0);
    }
}

/// Every waiver of the stack, kind by kind.
pub fn all(stack: &Stack) -> Vec<Scoped<'_>> {
    let mut c = Collect(Vec::new());
    stack.visit(&mut c);
    c.0
}

/// Apply the stack's waivers to the violations found.
pub fn apply(stack: &Stack, found: Vec<Violation>, waivable: &[&str], known: &[&str]) -> Report {
    let scoped = all(stack);
    let mut used = vec![false; scoped.len()];
    let mut report = Report::default();
    'next: for v in found {
        for (k, w) in scoped.iter().enumerate() {
            let rule = v.rule_name();
            if v.at.starts_with(&w.scope) && w.waiver.rule == rule && waivable.contains(&rule) {
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
        let rule = w.waiver.rule.as_str();
        let why = if waivable.contains(&rule) {
            "it silences nothing here".to_string()
        } else if known.contains(&rule) {
            format!("`{rule}` is not a rule that can be waived")
        } else {
            format!("there is no rule named `{rule}`")
        };
        report.violations.push(
            Violation::new(
                &UNUSED_WAIVER,
                w.scope.at(WAIVERS),
                format!(
                    "waiver `{rule}` on `{}` is not needed: {why}",
                    w.scope.resource
                ),
            )
            .help(format!(
                "remove it; rules that can be waived: {}",
                waivable.join(", ")
            )),
        );
    }
    report
}
