//! The check engine: [`check`] takes a stack and returns every violation.
//!
//! Phases, in order: each kind's value checks ([`Resource::check`], kind by kind in
//! registry order), the AWS API constraints on every literal ([`constraints`],
//! [`Resource::api_values`]), the graph ([`graph`]: names and references), the cross-kind topology
//! ([`topology::CHECKS`]), then each kind's security defaults
//! ([`Resource::check_defaults`]); last, waivers ([`waivers`]). The `infra!` macro runs
//! this same function at compile time.

pub mod constraints;
pub mod graph;
pub mod topology;
pub mod waivers;

use crate::cidr;
use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::values;
use crate::registry::{Stack, Visit};
use crate::resource::{Resource, World};

pub use waivers::Report;

/// Every rule the engine knows.
pub fn rules() -> Vec<&'static CheckRule> {
    let mut out: Vec<&'static CheckRule> = Vec::new();
    out.extend(graph::RULES);
    out.extend(constraints::RULES);
    out.extend(cidr::RULES);
    out.extend(values::RULES);
    out.extend(Stack::kind_rules());
    out.extend(topology::RULES);
    out.extend(waivers::RULES);
    out
}

/// The rule named `name`, if any.
pub fn rule(name: &str) -> Option<&'static CheckRule> {
    rules().into_iter().find(|r| r.name == name)
}

/// The rules a stack may waive, with a reason, in its source (alphabetical).
pub fn waivable() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = rules()
        .into_iter()
        .filter(|r| r.waivable)
        .map(|r| r.name)
        .collect();
    out.sort_unstable();
    out
}

/// Every violation of the stack, after waivers. The order is stable: by phase, then by
/// kind and declaration order.
pub fn check(stack: &Stack) -> Vec<Violation> {
    report(stack).violations
}

struct Values<'s> {
    world: &'s dyn World,
    out: &'s mut Sink,
}

impl Visit<'_> for Values<'_> {
    fn visit<T: Resource>(&mut self, r: &T) {
        r.check(self.world, self.out);
    }
}

struct Defaults<'s>(&'s mut Sink);

impl Visit<'_> for Defaults<'_> {
    fn visit<T: Resource>(&mut self, r: &T) {
        r.check_defaults(self.0);
    }
}

/// Like [`check`], keeping the waived violations too.
pub fn report(stack: &Stack) -> Report {
    let mut out = Sink::new();
    stack.visit(&mut Values {
        world: stack.world(),
        out: &mut out,
    });
    constraints::check(stack, &mut out);
    graph::check(stack, &mut out);
    for (_, check) in topology::CHECKS {
        check(stack, &mut out);
    }
    stack.visit(&mut Defaults(&mut out));
    let found = out.finish();
    let known: Vec<&str> = rules().iter().map(|r| r.name).collect();
    debug_assert!(
        found.iter().all(|v| known.contains(&v.rule_name())),
        "a check reported a rule missing from check::rules()"
    );
    waivers::apply(stack, found, &waivable(), &known)
}
