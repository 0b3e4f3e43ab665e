//! The raw kinds: any resource (`resource aws_sqs_queue jobs { .. }`) or data source
//! (`data aws_caller_identity me {}`) of the hashicorp/aws provider, written by its
//! Terraform type and checked against the provider's own schema ([`crate::schema`]) rather
//! than a Rust type per resource.
//!
//! Both kinds are one generic struct, [`Raw`], whose mode marker says which half of the
//! schema types it. Their bodies are trees of [`RawValue`]s, located by [`Location::key`]
//! (the names are the schema's, not `Field` constants); each entry's value is at
//! `<path>`, and its key's tokens at `<path>.key` ([`KEY`]). The schema checks below run
//! on the model, so a value the macro could not see (`{ expr }`) is checked by the same
//! code when the program runs. Literal values go to the one AWS API constraint check
//! through [`Resource::api_values`].

use std::fmt;
use std::marker::PhantomData;

use serde_json::{json, Map, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::variable::Variable;
use crate::location::{Field, Location};
use crate::resource::{ApiValue, AttrRef, Kind, KindInfo, Reference, Resource, World};
use crate::schema::{self, Block, BlockType, Literal, Mode, Nesting, Type};
use crate::suggest::did_you_mean;
use crate::tf::{interp, lit, Doc};

pub static RESOURCE_INFO: KindInfo = KindInfo {
    keyword: "resource",
    display: "resource",
    tf_types: &[],
    address: "TYPE.NAME",
    attributes: &[],
    raw: Some(Mode::Resource),
};

pub static DATA_INFO: KindInfo = KindInfo {
    keyword: "data",
    display: "data source",
    tf_types: &[],
    address: "data.TYPE.NAME",
    attributes: &[],
    raw: Some(Mode::Data),
};

/// The Terraform type token (`aws_sqs_queue` in `resource aws_sqs_queue jobs`).
pub const TYPE: Field = Field::new("type");
/// The key of a body entry (`visibility_timeout_seconds` in `visibility_timeout_seconds: 60`),
/// under the entry's location.
pub const KEY: Field = Field::new("key");

pub const UNKNOWN_TYPE: CheckRule = CheckRule::new(
    "unknown-resource-type",
    "a raw resource or data source whose type hashicorp/aws does not have",
);
pub const UNSUPPORTED_ARGUMENT: CheckRule = CheckRule::new(
    "unsupported-argument",
    "a raw resource sets an attribute or block its type does not have",
);
pub const MISSING_ARGUMENT: CheckRule = CheckRule::new(
    "missing-argument",
    "a raw resource lacks a required attribute or block",
);
pub const COMPUTED_ATTRIBUTE: CheckRule = CheckRule::new(
    "computed-attribute",
    "a raw resource sets an attribute only AWS computes",
);
pub const ARGUMENT_TYPE: CheckRule = CheckRule::new(
    "argument-type",
    "a raw resource's value of the wrong kind (string, number, bool, list, set, map, object)",
);
pub const BLOCK_COUNT: CheckRule = CheckRule::new(
    "block-count",
    "a nested block of a raw resource given fewer or more times than its type allows",
);

/// A raw kind's mode: which half of the schema, which [`KindInfo`].
pub trait RawMode: fmt::Debug + Clone + PartialEq + 'static {
    const MODE: Mode;
    const INFO: &'static KindInfo;
    /// The schema rules, listed once (on resources; data sources enforce the same ones).
    const RULES: &'static [&'static CheckRule];
}

/// A managed resource (`resource <type> <name> { .. }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Managed {}
/// A data source (`data <type> <name> { .. }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {}

impl RawMode for Managed {
    const MODE: Mode = Mode::Resource;
    const INFO: &'static KindInfo = &RESOURCE_INFO;
    const RULES: &'static [&'static CheckRule] = &[
        &UNKNOWN_TYPE,
        &UNSUPPORTED_ARGUMENT,
        &MISSING_ARGUMENT,
        &COMPUTED_ATTRIBUTE,
        &ARGUMENT_TYPE,
        &BLOCK_COUNT,
    ];
}
impl RawMode for DataSource {
    const MODE: Mode = Mode::Data;
    const INFO: &'static KindInfo = &DATA_INFO;
    const RULES: &'static [&'static CheckRule] = &[];
}

/// A value in a raw body.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Str(String),
    Number(f64),
    Bool(bool),
    /// `[..]`: a list, set or tuple, or a repeated nested block.
    List(Vec<RawValue>),
    /// `{ key: value, .. }`: a map, an object or a nested block.
    Map(Vec<(String, RawValue)>),
    /// `<resource>.<attribute>` of any resource of the stack.
    Ref(AttrRef),
    /// `var(<variable>)`.
    Var(String),
    /// `json(<value>)`: the value encoded as a JSON string by Terraform (`jsonencode`), for
    /// the attributes the provider takes as JSON documents (policies, redrive policies),
    /// references inside it resolved at plan time.
    Json(Box<RawValue>),
}

impl RawValue {
    /// What the value is, for "expected a number, found ...".
    pub fn describe(&self) -> String {
        match self {
            RawValue::Str(s) => format!("string {s:?}"),
            RawValue::Number(n) => format!("number `{n}`"),
            RawValue::Bool(b) => format!("`{b}`"),
            RawValue::List(_) => "a list `[..]`".into(),
            RawValue::Map(_) => "a block `{ .. }`".into(),
            RawValue::Ref(r) => format!("`{}.{}`", r.resource, r.attribute),
            RawValue::Var(v) => format!("`var({v})`"),
            RawValue::Json(_) => "`json(..)` (a string)".into(),
        }
    }

    fn literal(&self) -> Option<Literal<'_>> {
        match self {
            RawValue::Str(s) => Some(Literal::Str(s)),
            RawValue::Number(n) => Some(Literal::Number(*n)),
            RawValue::Bool(b) => Some(Literal::Bool(*b)),
            _ => None,
        }
    }

    /// Terraform JSON (`w` gives references their address).
    pub fn to_json(&self, w: &dyn World) -> Value {
        match self {
            RawValue::Str(s) => lit(s),
            RawValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(*n as i64),
            RawValue::Number(n) => json!(n),
            RawValue::Bool(b) => json!(b),
            RawValue::List(items) => Value::Array(items.iter().map(|v| v.to_json(w)).collect()),
            RawValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json(w)))
                    .collect::<Map<_, _>>(),
            ),
            RawValue::Ref(r) => json!(r.expression_in(w)),
            RawValue::Var(v) => interp(format!("var.{v}")),
            RawValue::Json(v) => interp(format!("jsonencode({})", v.to_hcl(w))),
        }
    }

    /// The value as a Terraform (HCL) expression, for `jsonencode(..)`: strings quoted with
    /// nothing in them interpolated, references as the templates they are.
    fn to_hcl(&self, w: &dyn World) -> String {
        match self {
            RawValue::Str(s) => crate::escape::hcl_string(s),
            RawValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                format!("{}", *n as i64)
            }
            RawValue::Number(n) => format!("{n}"),
            RawValue::Bool(b) => b.to_string(),
            RawValue::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| v.to_hcl(w))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RawValue::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{} = {}", crate::escape::hcl_string(k), v.to_hcl(w)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            // A reference's expression is a template: `${aws_sqs_queue.dlq.arn}` is the
            // bare traversal; `http://${aws_lb.front.dns_name}/` a quoted HCL string,
            // which is a template too.
            RawValue::Ref(r) => {
                let e = r.expression_in(w);
                match e.strip_prefix("${").and_then(|x| x.strip_suffix('}')) {
                    Some(bare) if !bare.contains("${") && !bare.contains('}') => bare.to_string(),
                    _ => format!("\"{e}\""),
                }
            }
            RawValue::Var(v) => format!("var.{v}"),
            RawValue::Json(v) => format!("jsonencode({})", v.to_hcl(w)),
        }
    }
}

// What a `{ rust expression }` may evaluate to.
impl From<&str> for RawValue {
    fn from(s: &str) -> Self {
        RawValue::Str(s.to_string())
    }
}
impl From<String> for RawValue {
    fn from(s: String) -> Self {
        RawValue::Str(s)
    }
}
impl From<&String> for RawValue {
    fn from(s: &String) -> Self {
        RawValue::Str(s.clone())
    }
}
impl From<bool> for RawValue {
    fn from(b: bool) -> Self {
        RawValue::Bool(b)
    }
}
macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for RawValue {
            fn from(n: $t) -> Self {
                RawValue::Number(n as f64)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);
impl<T: Into<RawValue>> From<Vec<T>> for RawValue {
    fn from(v: Vec<T>) -> Self {
        RawValue::List(v.into_iter().map(Into::into).collect())
    }
}

/// A provider resource or data source written by its Terraform type.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw<M> {
    pub name: String,
    pub doc: Option<String>,
    /// The Terraform type (`aws_sqs_queue`).
    pub tf_type: String,
    /// Its body, in the order written.
    pub body: Vec<(String, RawValue)>,
    pub mode: PhantomData<M>,
}

/// `resource <type> <name> { .. }`.
pub type RawResource = Raw<Managed>;
/// `data <type> <name> { .. }`.
pub type RawData = Raw<DataSource>;

impl<M: RawMode> Raw<M> {
    pub fn new(tf_type: &str, name: &str) -> Self {
        Raw {
            name: name.to_string(),
            doc: None,
            tf_type: tf_type.to_string(),
            body: Vec::new(),
            mode: PhantomData,
        }
    }

    /// Set `key` to `value` (builder).
    pub fn with(mut self, key: &str, value: impl Into<RawValue>) -> Self {
        self.body.push((key.to_string(), value.into()));
        self
    }

    /// Its type's schema, if hashicorp/aws has the type.
    pub fn schema(&self) -> Option<&'static Block> {
        schema::lookup(M::MODE, &self.tf_type)
    }

    /// Attribute `name` as a reference (`jobs.attr("arn")`), for outputs and typed fields.
    pub fn attr(&self, name: &str) -> AttrRef {
        AttrRef {
            resource: self.name.clone(),
            kind: Kind::new(M::INFO),
            attribute: name.to_string(),
        }
    }

    /// `aws_sqs_queue `jobs``, how messages name it.
    fn owner(&self) -> String {
        format!("{} `{}`", self.tf_type, self.name)
    }
}

/// Walks a body against its schema, reporting every violation.
struct Checker<'s> {
    owner: String,
    out: &'s mut Sink,
    /// The stack, to type what references read.
    w: &'s dyn World,
}

/// A name `set` may set: not computed-only.
fn settable(b: &Block) -> impl Iterator<Item = &str> {
    b.attributes
        .iter()
        .filter(|a| a.required || a.optional)
        .map(|a| a.name.as_str())
        .chain(b.blocks.iter().map(|b| b.name.as_str()))
}

impl Checker<'_> {
    /// The resource, or the nested block whose name is written at `name_at`.
    fn what(&self, name_at: &Location) -> String {
        if name_at.is_resource() {
            self.owner.clone()
        } else {
            format!("block `{}` of {}", name_at_text(name_at), self.owner)
        }
    }

    /// The entries of a body or nested block at `at`, whose name is written at `name_at`.
    fn entries(
        &mut self,
        block: &Block,
        entries: &[(String, RawValue)],
        at: &Location,
        name_at: &Location,
    ) {
        for (k, v) in entries {
            let here = at.key(k);
            if let Some(a) = block.attribute(k) {
                if a.computed && !a.optional && !a.required {
                    self.out.push(
                        Violation::new(
                            &COMPUTED_ATTRIBUTE,
                            here.at(KEY),
                            format!(
                                "`{k}` of {} is computed by AWS: it can be read, not set",
                                self.owner
                            ),
                        )
                        .help(format!(
                            "remove it; read it elsewhere as `{}.{k}`",
                            at.resource
                        )),
                    );
                } else {
                    self.value(&a.ty, v, &here, k);
                }
            } else if let Some(b) = block.block(k) {
                self.block(b, v, &here);
            } else {
                let help = match did_you_mean(k, settable(block)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        let all: Vec<String> = settable(block).map(|n| format!("`{n}`")).collect();
                        format!("it takes: {}", all.join(", "))
                    }
                };
                self.out.push(
                    Violation::new(
                        &UNSUPPORTED_ARGUMENT,
                        here.at(KEY),
                        format!(
                            "{} has no attribute or block `{k}` (hashicorp/aws {})",
                            self.what(name_at),
                            schema::PROVIDER_VERSION
                        ),
                    )
                    .help(help),
                );
            }
        }
        let has = |n: &str| entries.iter().any(|(k, _)| k == n);
        let missing: Vec<&str> = block
            .attributes
            .iter()
            .filter(|a| a.required && !has(&a.name))
            .map(|a| a.name.as_str())
            .chain(
                block
                    .blocks
                    .iter()
                    .filter(|b| b.min_items > 0 && !has(&b.name))
                    .map(|b| b.name.as_str()),
            )
            .collect();
        if !missing.is_empty() {
            let what = self.what(name_at);
            let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            self.out.push(
                Violation::new(
                    &MISSING_ARGUMENT,
                    name_at.clone(),
                    format!("{what} lacks required {}", list.join(", ")),
                )
                .help(format!(
                    "add {}",
                    missing
                        .iter()
                        .map(|m| format!("`{m}: ..`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }

    /// A nested block: one `{ .. }`, or `[{ .. }, ..]`.
    fn block(&mut self, b: &BlockType, v: &RawValue, at: &Location) {
        let items: Vec<(Location, &[(String, RawValue)])> = match v {
            RawValue::Map(entries) if b.nesting == Nesting::Map => {
                let mut out = Vec::new();
                for (label, item) in entries {
                    match item {
                        RawValue::Map(e) => out.push((at.key(label), e.as_slice())),
                        other => self.wrong(
                            at.key(label),
                            &format!("block `{}` ({label})", b.name),
                            "a block `{ .. }`",
                            other,
                        ),
                    }
                }
                out
            }
            RawValue::Map(entries) => vec![(at.clone(), entries.as_slice())],
            RawValue::List(items) if matches!(b.nesting, Nesting::List | Nesting::Set) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        RawValue::Map(e) => out.push((at.nth(i), e.as_slice())),
                        other => self.wrong(
                            at.nth(i),
                            &format!("block `{}`", b.name),
                            "a block `{ .. }`",
                            other,
                        ),
                    }
                }
                out
            }
            other => {
                let want = match b.nesting {
                    Nesting::List | Nesting::Set => {
                        "a block `{ .. }` or a list of blocks `[{ .. }, ..]`"
                    }
                    Nesting::Map => "a map of labelled blocks `{ label: { .. } }`",
                    Nesting::Single | Nesting::Group => "a block `{ .. }`",
                };
                self.wrong(at.clone(), &format!("block `{}`", b.name), want, other);
                return;
            }
        };
        let n = items.len() as u64;
        if n < b.min_items || (b.max_items > 0 && n > b.max_items) {
            let allowed = match (b.min_items, b.max_items) {
                (lo, 0) => format!("at least {lo}"),
                (lo, hi) if lo == hi => format!("exactly {lo}"),
                (0, hi) => format!("at most {hi}"),
                (lo, hi) => format!("{lo} to {hi}"),
            };
            self.out.push(
                Violation::new(
                    &BLOCK_COUNT,
                    at.at(KEY),
                    format!(
                        "{} has {n} `{}` block{}, but its type takes {allowed}",
                        self.owner,
                        b.name,
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .help(format!("give {allowed} `{}` block(s)", b.name)),
            );
        }
        for (loc, entries) in items {
            self.entries(&b.block, entries, &loc, &at.at(KEY));
        }
    }

    /// A value of type `ty`.
    fn value(&mut self, ty: &Type, v: &RawValue, at: &Location, what: &str) {
        match (ty, v) {
            // A reference is typed by what it reads, in the provider schema: a string where
            // a list goes (`vpc_security_group_ids: web_sg.id`) fails at plan.
            (ty, RawValue::Ref(r)) => {
                if let Some(got) = reference_type(self.w, r) {
                    if !converts(&got, ty) {
                        let found = format!(
                            "`{}.{}`, which is {}",
                            r.resource,
                            r.attribute,
                            article_of(&got)
                        );
                        let want = article_of(ty);
                        let help = match ty {
                            Type::List(e) | Type::Set(e) if converts(&got, e) => {
                                format!("put it in a list: `[{}.{}]`", r.resource, r.attribute)
                            }
                            _ => format!("write {want} here"),
                        };
                        self.wrong_found(at.clone(), &format!("`{what}`"), &want, found, help);
                    }
                }
            }
            // A variable is typed by Terraform at plan time.
            (_, RawValue::Var(_)) | (Type::Dynamic, _) => {}
            (Type::String, RawValue::Str(_) | RawValue::Number(_) | RawValue::Bool(_)) => {}
            (Type::String, RawValue::Json(_)) => {}
            (Type::Number, RawValue::Number(_)) | (Type::Bool, RawValue::Bool(_)) => {}
            (Type::Number, RawValue::Str(s)) if s.trim().parse::<f64>().is_ok() => {}
            (Type::Bool, RawValue::Str(s)) if s == "true" || s == "false" => {}
            (Type::List(t) | Type::Set(t), RawValue::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(t, item, &at.nth(i), what);
                }
            }
            (Type::Map(t), RawValue::Map(entries)) => {
                for (k, item) in entries {
                    self.value(t, item, &at.key(k), what);
                }
            }
            (Type::Object(fields), RawValue::Map(entries)) => {
                for (k, item) in entries {
                    match fields.iter().find(|(n, _)| n == k) {
                        Some((_, t)) => self.value(t, item, &at.key(k), k),
                        None => {
                            let mut d = Violation::new(
                                &UNSUPPORTED_ARGUMENT,
                                at.key(k).at(KEY),
                                format!("`{what}` of {} has no field `{k}`", self.owner),
                            );
                            if let Some(s) = did_you_mean(k, fields.iter().map(|(n, _)| n.as_str()))
                            {
                                d = d.help(format!("did you mean `{s}`?"));
                            }
                            self.out.push(d);
                        }
                    }
                }
            }
            (Type::Tuple(ts), RawValue::List(items)) if ts.len() == items.len() => {
                for (i, (t, item)) in ts.iter().zip(items).enumerate() {
                    self.value(t, item, &at.nth(i), what);
                }
            }
            (ty, other) => self.wrong(at.clone(), &format!("`{what}`"), &article_of(ty), other),
        }
    }

    fn wrong(&mut self, at: Location, what: &str, want: &str, found: &RawValue) {
        self.wrong_found(
            at,
            what,
            want,
            found.describe(),
            format!("write {want} here"),
        );
    }

    fn wrong_found(&mut self, at: Location, what: &str, want: &str, found: String, help: String) {
        self.out.push(
            Violation::new(
                &ARGUMENT_TYPE,
                at,
                format!("{what} of {} takes {want}, found {found}", self.owner),
            )
            .help(help),
        );
    }
}

/// The type of what a reference reads, from the provider schema: a raw resource's or data
/// source's attribute, or a typed kind's, which is an attribute of its Terraform resource
/// (`main.id` is `aws_vpc`'s `id`) or, composed (`front.url`), a string. `None` when the
/// reference is not resolved (the graph check reports that).
fn reference_type(w: &dyn World, r: &AttrRef) -> Option<Type> {
    if let Some(mode) = r.kind.raw() {
        let tf = w.raw_type(r.kind, &r.resource)?;
        let a = schema::lookup(mode, tf)?.attribute(&r.attribute)?;
        return Some(a.ty.clone());
    }
    let info = r.kind.info();
    let (_, template) = info.attributes.iter().find(|(n, _)| *n == r.attribute)?;
    let tf = info.address.split('.').next()?;
    match template
        .strip_prefix("${ADDR.")
        .and_then(|t| t.strip_suffix('}'))
    {
        Some(a) => Some(schema::lookup(Mode::Resource, tf)?.attribute(a)?.ty.clone()),
        None => Some(Type::String),
    }
}

/// Whether Terraform converts a value of type `got` where `want` goes: primitives into each
/// other (whether the value does is known at plan), collections by their elements, objects
/// into maps, anything into or from `dynamic`. A primitive is never a collection, nor the
/// other way round.
fn converts(got: &Type, want: &Type) -> bool {
    use Type::*;
    match (got, want) {
        (Dynamic, _) | (_, Dynamic) => true,
        (String | Number | Bool, String | Number | Bool) => true,
        (List(a) | Set(a), List(b) | Set(b)) => converts(a, b),
        (Tuple(ts), List(b) | Set(b)) => ts.iter().all(|t| converts(t, b)),
        (List(_) | Set(_) | Tuple(_), Tuple(_)) => true,
        (Map(a), Map(b)) => converts(a, b),
        (Object(fs), Map(b)) => fs.iter().all(|(_, t)| converts(t, b)),
        (Map(_) | Object(_), Object(_)) => true,
        _ => false,
    }
}

/// `a number`, `a list of string`, ... for messages.
fn article_of(ty: &Type) -> String {
    let d = ty.describe();
    format!("{} {d}", crate::suggest::article(&d))
}

/// The block name a `<block>.key` location ends with.
fn name_at_text(at: &Location) -> String {
    at.path()
        .iter()
        .rev()
        .find_map(|s| match s {
            crate::location::Step::Key(k) => Some(k.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Every literal of the body set on a schema attribute, with its path for the constraints.
fn api_values<'a>(
    tf_type: &'a str,
    block: &Block,
    entries: &'a [(String, RawValue)],
    at: &Location,
    prefix: &str,
    out: &mut Vec<ApiValue<'a>>,
) {
    for (k, v) in entries {
        let here = at.key(k);
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if block.attribute(k).is_some() {
            match v {
                RawValue::List(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(l) = item.literal() {
                            out.push(ApiValue::new(here.nth(i), tf_type, &path, l));
                        }
                    }
                }
                RawValue::Var(name) => out.push(ApiValue::variable(here, tf_type, &path, name)),
                _ => {
                    if let Some(l) = v.literal() {
                        out.push(ApiValue::new(here, tf_type, &path, l));
                    }
                }
            }
        } else if let Some(b) = block.block(k) {
            match v {
                RawValue::Map(e) if b.nesting != Nesting::Map => {
                    api_values(tf_type, &b.block, e, &here, &path, out)
                }
                RawValue::List(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let RawValue::Map(e) = item {
                            api_values(tf_type, &b.block, e, &here.nth(i), &path, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn references(entries: &[(String, RawValue)], at: &Location, out: &mut Vec<Reference>) {
    for (k, v) in entries {
        value_references(v, &at.key(k), out);
    }
}

fn value_references(v: &RawValue, at: &Location, out: &mut Vec<Reference>) {
    match v {
        RawValue::Ref(r) => out.push(Reference {
            at: at.clone(),
            name: r.resource.clone(),
            want: r.kind,
            var_type: None,
            attribute: Some(r.attribute.clone()),
        }),
        RawValue::Var(name) => out.push(Reference {
            at: at.clone(),
            name: name.clone(),
            want: Variable::KIND,
            var_type: None,
            attribute: None,
        }),
        RawValue::List(items) => {
            for (i, item) in items.iter().enumerate() {
                value_references(item, &at.nth(i), out);
            }
        }
        RawValue::Map(entries) => references(entries, at, out),
        RawValue::Json(inner) => value_references(inner, &at.nth(0), out),
        _ => {}
    }
}

impl<M: RawMode> Resource for Raw<M> {
    const KIND: Kind = Kind::new(M::INFO);
    const RULES: &'static [&'static CheckRule] = M::RULES;

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        references(&self.body, &self.loc(), out);
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let Some(block) = self.schema() else {
            let kind = Self::KIND;
            let help = match did_you_mean(&self.tf_type, schema::type_names(M::MODE)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "see the {} types of {} {}",
                    kind,
                    schema::PROVIDER,
                    schema::PROVIDER_VERSION
                ),
            };
            out.push(
                Violation::new(
                    &UNKNOWN_TYPE,
                    self.loc().at(TYPE),
                    format!(
                        "{} {} has no {kind} type `{}`",
                        schema::PROVIDER,
                        schema::PROVIDER_VERSION,
                        self.tf_type
                    ),
                )
                .help(help),
            );
            return;
        };
        let mut c = Checker {
            owner: self.owner(),
            out,
            w,
        };
        c.entries(block, &self.body, &self.loc(), &self.loc());
    }

    fn api_values<'a>(&'a self, out: &mut Vec<ApiValue<'a>>) {
        if let Some(block) = self.schema() {
            api_values(&self.tf_type, block, &self.body, &self.loc(), "", out);
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let body: Map<String, Value> = self
            .body
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json(w)))
            .collect();
        match M::MODE {
            Mode::Resource => doc.res(&self.tf_type, &self.name, Value::Object(body)),
            Mode::Data => doc.data(&self.tf_type, &self.name, Value::Object(body)),
        }
    }
}
