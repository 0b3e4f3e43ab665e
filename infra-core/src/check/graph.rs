//! Graph checks: names and references, generic over what each kind declares
//! ([`Resource::references`]), so no kind can be forgotten.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::output::VALUE;
use crate::kinds::variable::Variable;
use crate::location::Location;
use crate::naming::is_identifier;
use crate::registry::{Stack, Visit};
use crate::resource::{attribute_known, Kind, Reference, Resource, ATTRIBUTE};
use crate::schema;
use crate::suggest::{article, did_you_mean};

pub const DUPLICATE_NAME: CheckRule =
    CheckRule::new("duplicate-name", "two resources share a name");
pub const INVALID_NAME: CheckRule = CheckRule::new(
    "invalid-name",
    "a name Terraform rejects, or one the stack reserves",
);
pub const UNKNOWN_REFERENCE: CheckRule = CheckRule::new(
    "unknown-reference",
    "a reference names nothing in the stack",
);
pub const WRONG_KIND_REFERENCE: CheckRule = CheckRule::new(
    "wrong-kind-reference",
    "a reference names a resource of another kind",
);
pub const UNKNOWN_ATTRIBUTE: CheckRule = CheckRule::new(
    "unknown-attribute",
    "an output or a raw resource names an attribute the resource does not have (a raw one's are its type's in the provider schema)",
);

pub const RULES: &[&CheckRule] = &[
    &DUPLICATE_NAME,
    &INVALID_NAME,
    &UNKNOWN_REFERENCE,
    &WRONG_KIND_REFERENCE,
    &UNKNOWN_ATTRIBUTE,
];

/// Names the emitter gives its own resources and data sources (the log bucket, the
/// region and AZ data sources): a user name equal to one would overwrite it in the output.
const RESERVED: &[&str] = &["logs", "current", "available"];

/// True when `name` is one the stack's own resources, data sources or variables use.
pub fn reserved(name: &str, kind: Kind) -> bool {
    RESERVED.contains(&name)
        || (kind == Variable::KIND && (name == "aws_region" || name.ends_with("_artifact")))
}

/// Every graph check, in order.
pub fn check(stack: &Stack, out: &mut Sink) {
    let names = stack.names();
    duplicate_names(stack, &names, out);
    references(stack, &names, out);
    output_attributes(stack, &names, out);
}

fn duplicate_names(stack: &Stack, names: &[(&str, Kind)], out: &mut Sink) {
    for &(name, kind) in names {
        if !is_identifier(name) {
            out.push(
                Violation::new(
                    &INVALID_NAME,
                    Location::of(name),
                    format!("{kind} name `{name}` is not an identifier; Terraform names resources with letters, digits and underscores"),
                )
                .help("rename it, e.g. `web_asg`"),
            );
        } else if reserved(name, kind) {
            out.push(
                Violation::new(
                    &INVALID_NAME,
                    Location::of(name),
                    format!(
                        "{kind} name `{name}` is reserved: the stack's own {} it",
                        if kind == Variable::KIND {
                            "variables use"
                        } else {
                            "log bucket and data sources use"
                        }
                    ),
                )
                .help("rename it"),
            );
        }
    }
    let mut seen: BTreeMap<&str, Kind> = BTreeMap::new();
    for &(name, kind) in names {
        if let Some(first) = seen.get(name) {
            out.push(
                Violation::new(
                    &DUPLICATE_NAME,
                    Location::of(name),
                    format!("`{name}` is declared twice: as a {first} and as a {kind}"),
                )
                .help("give each resource its own name"),
            );
        } else {
            seen.insert(name, kind);
        }
    }
    let mut outputs = BTreeSet::new();
    for o in &stack.outputs {
        if !outputs.insert(o.name.as_str()) {
            out.push(
                Violation::new(
                    &DUPLICATE_NAME,
                    Location::of(&o.name),
                    format!("output `{}` is declared twice", o.name),
                )
                .help("give each output its own name"),
            );
        }
    }
}

fn list_of(names: &[(&str, Kind)], want: Kind) -> String {
    let of: Vec<String> = names
        .iter()
        .filter(|(_, k)| *k == want)
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    if of.is_empty() {
        format!("the stack declares no {want}")
    } else {
        format!("declared: {}", of.join(", "))
    }
}

/// Check that `name`, used at `at`, names a resource of kind `want`.
fn resolve(names: &[(&str, Kind)], at: &Location, name: &str, want: Kind, out: &mut Sink) -> bool {
    if names.iter().any(|(n, k)| *n == name && *k == want) {
        return true;
    }
    if let Some((_, k)) = names.iter().find(|(n, _)| *n == name) {
        out.push(
            Violation::new(
                &WRONG_KIND_REFERENCE,
                at.clone(),
                format!(
                    "`{name}` is {} {k}, but {} {want} is expected here",
                    article(k.describe()),
                    article(want.describe())
                ),
            )
            .help(format!("name a {want} ({})", list_of(names, want)))
            .note(Location::of(name), format!("`{name}` is declared here")),
        );
        return false;
    }
    let candidates = names.iter().filter(|(_, k)| *k == want).map(|(n, _)| *n);
    let help = match did_you_mean(name, candidates) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("declare a {want} named `{name}` ({})", list_of(names, want)),
    };
    out.push(
        Violation::new(
            &UNKNOWN_REFERENCE,
            at.clone(),
            format!("no {want} named `{name}` in this stack"),
        )
        .help(help),
    );
    false
}

struct Collect(Vec<Reference>);

impl Visit<'_> for Collect {
    fn visit<T: Resource>(&mut self, r: &T) {
        r.references(&mut self.0);
    }
}

fn references(stack: &Stack, names: &[(&str, Kind)], out: &mut Sink) {
    let mut refs = Collect(Vec::new());
    stack.visit(&mut refs);
    for r in refs.0 {
        if !resolve(names, &r.at, &r.name, r.want, out) {
            continue;
        }
        if let Some(attr) = &r.attribute {
            attribute(stack, r.at.at(ATTRIBUTE), r.want, &r.name, attr, out);
        }
        let (Some(want), Some(v)) = (r.var_type, stack.variable(&r.name)) else {
            continue;
        };
        if v.ty.keyword() != want {
            out.push(
                Violation::new(
                    &WRONG_KIND_REFERENCE,
                    r.at.clone(),
                    format!(
                        "variable `{}` is of type {}, but a {want} is expected here",
                        r.name,
                        v.ty.keyword(),
                    ),
                )
                .help(format!("declare `{}` with type {want}", r.name))
                .note(Location::of(&r.name), "the variable is declared here"),
            );
        }
    }
}

fn output_attributes(stack: &Stack, names: &[(&str, Kind)], out: &mut Sink) {
    for o in &stack.outputs {
        let at = Location::of(&o.name).at(VALUE);
        if !resolve(names, &at, &o.value.resource, o.value.kind, out) {
            continue;
        }
        let v = &o.value;
        attribute(
            stack,
            at.at(ATTRIBUTE),
            v.kind,
            &v.resource,
            &v.attribute,
            out,
        );
    }
}

/// Check that `kind` `name` (declared) has attribute `attr`: a typed kind's declared ones,
/// a raw resource's type's in the provider schema.
fn attribute(stack: &Stack, at: Location, kind: Kind, name: &str, attr: &str, out: &mut Sink) {
    let w = stack.world();
    if attribute_known(w, kind, name, attr) != Some(false) {
        return;
    }
    let (what, known): (String, Vec<&str>) = match (kind.raw(), w.raw_type(kind, name)) {
        (Some(mode), Some(ty)) => (
            format!("{kind} `{name}` ({ty})"),
            schema::lookup(mode, ty)
                .map(|b| b.attributes.iter().map(|a| a.name.as_str()).collect())
                .unwrap_or_default(),
        ),
        _ => (format!("{kind} `{name}`"), kind.attributes().collect()),
    };
    let help = match did_you_mean(attr, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("use one of: {}", known.join(", ")),
    };
    out.push(
        Violation::new(
            &UNKNOWN_ATTRIBUTE,
            at,
            format!("{what} has no attribute `{attr}`"),
        )
        .help(help),
    );
}
