//! Syntax tree -> `infra_core::Stack`, with a span for every lowered token.
//!
//! Each resource body is read through a [`Fields`] schema (unknown fields with a "did you
//! mean", duplicates, missing required fields), values through typed extractors ("expected
//! a port number, found string"). Every token lowered records its span under the same
//! `Location { resource, field }` the checks report, so a violation maps back to the token.
//!
//! Values the macro cannot know (`{ rust expression }`, the consts of a payload's spec
//! module, and whatever is derived from them) get a placeholder in the model, are marked
//! unknown, and carry the Rust expression the generated code evaluates instead.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;

use infra_core::*;

use crate::ast::{did_you_mean, DeclKind, Item, ItemKind, StackAst};
use crate::syntax::{Attrs, Body, Ctxt, Field, Other, Sp, Value};

/// The resource name under which stack-level settings (`region`, `tags`) are recorded.
pub const STACK: &str = "";

/// The lowered stack and everything codegen and error reporting need to go with it.
pub struct Lowered {
    pub stack: Stack,
    /// Where each lowered token came from.
    pub spans: HashMap<Location, Sp>,
    /// Locations whose value is only known at run time.
    pub unknown: HashSet<Location>,
    /// Rust expressions (already converted to the field's type) that the generated code
    /// uses instead of the placeholder at these locations.
    pub exprs: HashMap<Location, TokenStream>,
}

impl Lowered {
    /// A violation involving an unknown location (or a field under it) is left to the
    /// synth-time check, which sees the real value.
    pub fn involves_unknown(&self, v: &Violation) -> bool {
        v.locations().any(|l| self.is_unknown(l))
    }

    pub fn is_unknown(&self, loc: &Location) -> bool {
        self.unknown.iter().any(|u| {
            u.resource == loc.resource
                && (u.field == loc.field
                    || (!loc.field.is_empty()
                        && (u.field.starts_with(&format!("{}.", loc.field))
                            || u.field.starts_with(&format!("{}[", loc.field)))))
        })
    }

    /// The span for a location: the most specific recorded one, then the resource name.
    pub fn span_of(&self, loc: &Location) -> Sp {
        loc.fallbacks()
            .iter()
            .find_map(|l| self.spans.get(l).copied())
            .unwrap_or(Sp::one(Span::call_site()))
    }
}

struct PayloadInfo {
    port: u32,
}

struct Lx<'a> {
    cx: &'a mut Ctxt,
    out: Lowered,
    payloads: HashMap<String, PayloadInfo>,
    /// Every declared name with its kind (for outputs and `<payload>.port` hints).
    kinds: Vec<(String, DeclKind)>,
}

/// Lower a parsed stack. Errors go to `cx`; the returned model is complete only when no
/// error was recorded.
pub fn lower(ast: &StackAst, cx: &mut Ctxt) -> Lowered {
    let mut lx = Lx {
        cx,
        out: Lowered {
            stack: Stack::new(ast.name.unraw().to_string()),
            spans: HashMap::new(),
            unknown: HashSet::new(),
            exprs: HashMap::new(),
        },
        payloads: HashMap::new(),
        kinds: ast
            .declared
            .iter()
            .map(|d| (d.name.unraw().to_string(), d.kind))
            .collect(),
    };
    lx.out.stack.doc = ast.attrs.doc();
    lx.settings(&ast.settings);
    // Payloads first: `<payload>.port` and `<payload>.health` derive from them.
    for item in ast
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Payload { .. }))
    {
        lx.item(item);
    }
    for item in ast
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Payload { .. }))
    {
        lx.item(item);
    }
    lx.out
}

/// A resource body read against its schema.
struct Fields {
    owner: String,
    fields: Vec<Field>,
    name_sp: Sp,
}

impl Fields {
    fn new(owner: String, fields: &[Field], allowed: &[&str], name_sp: Sp, cx: &mut Ctxt) -> Self {
        let mut kept: Vec<Field> = Vec::new();
        for f in fields {
            if let Some(first) = kept.iter().find(|k| k.key == f.key) {
                let _ = first;
                cx.error(
                    f.key_sp,
                    format!(
                        "duplicate field `{}` in {owner}\n  help: set each field once; remove this one or the earlier one",
                        f.key
                    ),
                );
                continue;
            }
            if !allowed.contains(&f.key.as_str()) {
                let mut msg = format!("unknown field `{}` in {owner}", f.key);
                match did_you_mean(&f.key, allowed.iter().copied()) {
                    Some(s) => msg.push_str(&format!("\n  help: did you mean `{s}`?")),
                    None => msg.push_str(&format!(
                        "\n  help: expected one of: {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
                cx.error(f.key_sp, msg);
                continue;
            }
            kept.push(f.clone());
        }
        Fields {
            owner,
            fields: kept,
            name_sp,
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    fn required(&self, key: &str, example: &str, cx: &mut Ctxt) -> Option<&Value> {
        let v = self.get(key);
        if v.is_none() {
            cx.error(
                self.name_sp,
                format!(
                    "missing field `{key}` in {}\n  help: add `{key}: {example}`",
                    self.owner
                ),
            );
        }
        v
    }
}

fn seg_text(v: &Value) -> Vec<String> {
    match v {
        Value::Path(segs) => segs.iter().map(|s| s.text.clone()).collect(),
        _ => Vec::new(),
    }
}

impl Lx<'_> {
    fn span(&mut self, res: &str, field: impl Into<String>, sp: Sp) {
        self.out.spans.insert(Location::new(res, field), sp);
    }

    fn mark_unknown(&mut self, res: &str, field: &str, sp: Sp, expr: TokenStream) {
        let loc = Location::new(res, field);
        self.out.spans.insert(loc.clone(), sp);
        self.out.unknown.insert(loc.clone());
        self.out.exprs.insert(loc, expr);
    }

    /// Copy the unknown-ness (and run-time expression) of `from` to `to`.
    fn derive(&mut self, from: &Location, res: &str, field: &str) {
        if self.out.unknown.contains(from) {
            let to = Location::new(res, field);
            self.out.unknown.insert(to.clone());
            if let Some(e) = self.out.exprs.get(from).cloned() {
                self.out.exprs.insert(to, e);
            }
        }
    }

    fn is_unknown_under(&self, res: &str, field: &str) -> bool {
        self.out.is_unknown(&Location::new(res, field))
    }

    fn err(&mut self, sp: Sp, msg: impl std::fmt::Display) {
        self.cx.error(sp, msg);
    }

    fn expected(&mut self, what: &str, v: &Value) {
        self.err(v.sp(), format!("expected {what}, found {}", v.describe()));
    }

    // -- typed extractors ---------------------------------------------------------------

    /// A non-negative integer, a `{ expr }`, or `<payload>.port`.
    fn uint(&mut self, v: &Value, res: &str, field: &str, what: &str) -> Option<u32> {
        self.span(res, field, v.sp());
        match v {
            Value::Int {
                value, neg: false, ..
            } => match u32::try_from(*value) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.err(v.sp(), format!("`{value}` is too large for {what}"));
                    None
                }
            },
            Value::Int { neg: true, .. } => {
                self.err(v.sp(), format!("expected {what}, found a negative number"));
                None
            }
            Value::Expr(g) => {
                let e = quote_spanned!(g.span()=> { let __infra_value: u32 = #g; __infra_value });
                self.mark_unknown(res, field, v.sp(), e);
                Some(0)
            }
            Value::Path(segs) if segs.len() == 2 => {
                let (p, attr) = (&segs[0], &segs[1]);
                if attr.text != "port" {
                    self.err(
                        attr.sp,
                        format!(
                            "expected {what}, found `{}.{}`\n  help: a payload's port is `{}.port`",
                            p.text, attr.text, p.text
                        ),
                    );
                    return None;
                }
                let port = self.payload_ref(p.text.as_str(), v.sp())?.port;
                self.derive(&Location::new(&p.text, "port"), res, field);
                Some(port)
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    fn payload_ref(&mut self, name: &str, sp: Sp) -> Option<&PayloadInfo> {
        if !self.payloads.contains_key(name) {
            let payloads: Vec<&str> = self
                .kinds
                .iter()
                .filter(|(_, k)| *k == DeclKind::Resource(Kind::Payload))
                .map(|(n, _)| n.as_str())
                .collect();
            let declared = self
                .kinds
                .iter()
                .any(|(n, k)| n == name && *k == DeclKind::Resource(Kind::Payload));
            if !declared {
                let hint = match did_you_mean(name, payloads.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if payloads.is_empty() => "declare a `payload` first".to_string(),
                    None => format!("declared payloads: {}", payloads.join(", ")),
                };
                self.err(
                    sp,
                    format!("no payload named `{name}` in this stack\n  help: {hint}"),
                );
            }
            // A declared payload that failed to lower already has its own error.
            return None;
        }
        self.payloads.get(name)
    }

    fn port(&mut self, v: &Value, res: &str, field: &str) -> Option<u32> {
        self.uint(v, res, field, "a port number")
    }

    fn float(&mut self, v: &Value, res: &str, field: &str, what: &str) -> Option<f64> {
        self.span(res, field, v.sp());
        match v {
            Value::Int { value, neg, .. } => {
                let f = *value as f64;
                Some(if *neg { -f } else { f })
            }
            Value::Float(f, _) => Some(*f),
            Value::Expr(g) => {
                let e = quote_spanned!(g.span()=> { let __infra_value: f64 = #g; __infra_value });
                self.mark_unknown(res, field, v.sp(), e);
                Some(0.0)
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    fn string(&mut self, v: &Value, res: &str, field: &str, what: &str) -> Option<String> {
        self.span(res, field, v.sp());
        match v {
            Value::Str(s, _) => Some(s.clone()),
            Value::Expr(g) => {
                let e = quote_spanned!(g.span()=> ::std::string::ToString::to_string(&#g));
                self.mark_unknown(res, field, v.sp(), e);
                Some(String::new())
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    fn string_list(
        &mut self,
        v: &Value,
        res: &str,
        field: &str,
        what: &str,
    ) -> Option<Vec<String>> {
        self.span(res, field, v.sp());
        let Value::List(items, _) = v else {
            self.expected(&format!("a list of {what}s `[...]`"), v);
            return None;
        };
        self.each(items, res, field, what, Self::string)
    }

    /// Apply `f` to every item as `field[i]`; `None` when any item failed (all are tried, so
    /// every bad item is reported).
    fn each<T>(
        &mut self,
        items: &[Value],
        res: &str,
        field: &str,
        what: &str,
        f: impl Fn(&mut Self, &Value, &str, &str, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match f(self, item, res, &format!("{field}[{i}]"), what) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn boolean(&mut self, v: &Value, res: &str, field: &str) -> Option<bool> {
        self.span(res, field, v.sp());
        match v {
            Value::Bool(b, _) => Some(*b),
            _ => {
                self.expected("`true` or `false`", v);
                None
            }
        }
    }

    /// A resource name.
    fn name(&mut self, v: &Value, res: &str, field: &str, what: &str) -> Option<String> {
        match v.as_ident() {
            Some(seg) => {
                self.span(res, field, seg.sp);
                Some(seg.text.trim_start_matches("r#").to_string())
            }
            None => {
                self.span(res, field, v.sp());
                self.expected(&format!("the name of a {what}"), v);
                None
            }
        }
    }

    /// `[a, b]` (a single `a` is accepted too).
    fn names(&mut self, v: &Value, res: &str, field: &str, what: &str) -> Option<Vec<String>> {
        self.span(res, field, v.sp());
        let items: Vec<Value> = match v {
            Value::List(items, _) => items.clone(),
            Value::Path(segs) if segs.len() == 1 => vec![v.clone()],
            _ => {
                self.expected(&format!("a list of {what}s `[...]`"), v);
                return None;
            }
        };
        self.each(&items, res, field, what, Self::name)
    }

    /// `main` or `main.public_subnets`: the VPC whose public subnets are meant.
    fn subnets(&mut self, v: &Value, res: &str, field: &str) -> Option<String> {
        let segs = seg_text(v);
        match (v, segs.len()) {
            (Value::Path(s), 1) => self.name(&Value::Path(s.clone()), res, field, "VPC"),
            (Value::Path(s), 2) if segs[1] == "public_subnets" => {
                let first = vec![s[0].clone()];
                self.name(&Value::Path(first), res, field, "VPC")
            }
            (Value::Path(s), 2) => {
                self.span(res, field, v.sp());
                let mut msg = format!(
                    "a VPC has no `{}`; expected `<vpc>.public_subnets`",
                    segs[1]
                );
                if did_you_mean(&segs[1], ["public_subnets"]).is_some() {
                    msg.push_str("\n  help: did you mean `public_subnets`?");
                }
                self.err(s[1].sp, msg);
                None
            }
            _ => {
                self.span(res, field, v.sp());
                self.expected("`<vpc>.public_subnets`", v);
                None
            }
        }
    }

    fn waivers(&mut self, attrs: &Attrs, res: &str, field: &str) -> Vec<Waiver> {
        if let Some(w) = attrs.waivers.first() {
            self.span(res, field, w.rule_span);
        }
        attrs
            .waivers
            .iter()
            .map(|w| Waiver {
                rule: w.rule.clone(),
                reason: w.reason.clone(),
            })
            .collect()
    }

    fn no_waivers(&mut self, attrs: &Attrs, what: &str) {
        for w in &attrs.waivers {
            self.err(
                w.rule_span,
                format!("waivers are not accepted on a {what}: put them on the security group rule, launch template or instance role they silence"),
            );
        }
    }

    // -- items --------------------------------------------------------------------------

    fn settings(&mut self, settings: &[Field]) {
        let mut seen: Vec<&str> = Vec::new();
        for f in settings {
            if seen.contains(&f.key.as_str()) {
                self.err(f.key_sp, format!("duplicate `{}` in the stack", f.key));
                continue;
            }
            seen.push(&f.key);
            match f.key.as_str() {
                "region" => {
                    if let Some(r) = self.string(&f.value, STACK, "region", "a region name string")
                    {
                        self.out.stack.region = r;
                    }
                }
                _ => {
                    let Value::Map(entries, _) = &f.value else {
                        self.expected("`{ Key: \"value\", ... }`", &f.value);
                        continue;
                    };
                    let mut keys: Vec<&str> = Vec::new();
                    for e in entries {
                        if keys.contains(&e.key.as_str()) {
                            self.err(e.key_sp, format!("duplicate tag `{}`", e.key));
                            continue;
                        }
                        keys.push(&e.key);
                        let field = format!("tags.{}", e.key);
                        if let Some(v) = self.string(&e.value, STACK, &field, "a tag value string")
                        {
                            self.out.stack.tags.insert(e.key.clone(), v);
                        }
                    }
                }
            }
        }
    }

    fn item(&mut self, item: &Item) {
        let name = item.name.unraw().to_string();
        let name_sp = Sp::one(item.name.span());
        if name == "outputs" {
            self.err(
                name_sp,
                "`outputs` is reserved: the generated struct keeps the stack's outputs in a field of that name",
            );
        }
        let kw = item.keyword.to_string();
        let owner = format!("{} `{name}`", kw);
        let doc = item.attrs.doc();
        let res = name.as_str();
        if !matches!(item.kind, ItemKind::Output { .. }) {
            // The resource's name; for a duplicate, the later declaration wins (that is
            // where `duplicate-name` points).
            self.span(res, "", name_sp);
        }
        if !matches!(
            item.kind,
            ItemKind::LaunchTemplate(_) | ItemKind::InstanceRole(_)
        ) {
            self.no_waivers(&item.attrs, &kw);
        }
        match &item.kind {
            ItemKind::Variable { ty, default } => {
                let ty = match ty.to_string().as_str() {
                    "cidr" => VarType::Cidr,
                    "public_key" => VarType::PublicKey,
                    "string" => VarType::String,
                    "number" => VarType::Number,
                    other => {
                        let mut msg = format!(
                            "unknown variable type `{other}`: expected `cidr`, `public_key`, `string` or `number`"
                        );
                        if let Some(s) =
                            did_you_mean(other, ["cidr", "public_key", "string", "number"])
                        {
                            msg.push_str(&format!("\n  help: did you mean `{s}`?"));
                        }
                        self.err(Sp::one(ty.span()), msg);
                        return;
                    }
                };
                let default = match default {
                    None => None,
                    Some(v) => {
                        self.span(res, "default", v.sp());
                        match (v, ty) {
                            (Value::Int { value, neg, .. }, VarType::Number) => {
                                Some(format!("{}{value}", if *neg { "-" } else { "" }))
                            }
                            (Value::Float(f, _), VarType::Number) => Some(f.to_string()),
                            _ => self.string(v, res, "default", "a string default"),
                        }
                    }
                };
                self.out.stack.variables.push(Variable {
                    name,
                    doc,
                    ty,
                    default,
                });
            }
            ItemKind::DefaultVpc => {
                self.out.stack.vpcs.push(Vpc {
                    doc,
                    ..Vpc::default_vpc(&name)
                });
            }
            ItemKind::Vpc(body) => {
                let f = Fields::new(
                    owner,
                    &body.fields,
                    &["cidr", "public_subnets", "flow_logs"],
                    name_sp,
                    self.cx,
                );
                self.no_others(body, &f.owner);
                let cidr = f
                    .required("cidr", "\"10.0.0.0/16\"", self.cx)
                    .and_then(|v| self.string(v, res, "cidr", "a CIDR block string"));
                let subnets = f
                    .required(
                        "public_subnets",
                        "[\"10.0.1.0/24\", \"10.0.2.0/24\"]",
                        self.cx,
                    )
                    .and_then(|v| self.string_list(v, res, "public_subnets", "CIDR block string"));
                let flow_logs = match f.get("flow_logs") {
                    Some(v) => self.boolean(v, res, "flow_logs"),
                    None => Some(true),
                };
                if let (Some(cidr), Some(public_subnets), Some(flow_logs)) =
                    (cidr, subnets, flow_logs)
                {
                    self.out.stack.vpcs.push(Vpc {
                        name,
                        doc,
                        network: Network::Managed {
                            cidr,
                            public_subnets,
                        },
                        flow_logs,
                    });
                }
            }
            ItemKind::Payload { module, body } => self.payload(item, module, body, owner, doc),
            ItemKind::SecurityGroup { vpc, body } => {
                self.security_group(item, vpc, body, owner, doc)
            }
            ItemKind::InstanceRole(body) => {
                let f = Fields::new(
                    owner,
                    &body.fields,
                    &["read", "managed_policies"],
                    name_sp,
                    self.cx,
                );
                self.no_others(body, &f.owner);
                let reads = match f.get("read") {
                    Some(v) => self.names(v, res, "reads", "payload"),
                    None => Some(Vec::new()),
                };
                let policies = match f.get("managed_policies") {
                    Some(v) => self.string_list(v, res, "managed_policies", "policy ARN string"),
                    None => Some(Vec::new()),
                };
                let waivers = self.waivers(&item.attrs, res, "waivers");
                if let (Some(reads), Some(managed_policies)) = (reads, policies) {
                    self.out.stack.roles.push(InstanceRole {
                        name,
                        doc,
                        reads: reads.into_iter().map(Ref::new).collect(),
                        managed_policies,
                        waivers,
                    });
                }
            }
            ItemKind::KeyPair(body) => {
                let f = Fields::new(owner, &body.fields, &["public_key"], name_sp, self.cx);
                self.no_others(body, &f.owner);
                let key = f
                    .required("public_key", "var(ssh_key)", self.cx)
                    .and_then(|v| self.public_key(v, res));
                if let Some(public_key) = key {
                    self.out.stack.key_pairs.push(KeyPair {
                        name,
                        doc,
                        public_key,
                    });
                }
            }
            ItemKind::LaunchTemplate(body) => self.launch_template(item, body, owner, doc),
            ItemKind::TargetGroup { vpc, body } => self.target_group(item, vpc, body, owner, doc),
            ItemKind::Alb { vpc, body } => self.alb(item, vpc, body, owner, doc),
            ItemKind::AutoScalingGroup(body) => self.asg(item, body, owner, doc),
            ItemKind::Output { value } => self.output(item, value, doc),
        }
    }

    /// Entries that are not `key: value` where only fields are allowed.
    fn no_others(&mut self, body: &Body, owner: &str) {
        for o in &body.others {
            self.other_error(o, owner, &[]);
        }
    }

    fn other_error(&mut self, o: &Other, owner: &str, entries: &[&str]) {
        let sp = o.first_span();
        match o.cursor.peek_ident() {
            Some(i) => {
                let word = i.to_string();
                let mut msg = format!("expected `{word}: <value>` in {owner}: a field needs a `:`");
                if !entries.is_empty() {
                    msg = format!(
                        "unknown entry `{word}` in {owner}: expected `field: value` or {}",
                        entries.join(" or ")
                    );
                    if let Some(s) = did_you_mean(
                        &word,
                        entries
                            .iter()
                            .map(|e| e.trim_matches('`').split(' ').next().unwrap_or("")),
                    ) {
                        msg.push_str(&format!("\n  help: did you mean `{s}`?"));
                    }
                }
                self.err(sp, msg);
            }
            None => self.err(
                sp,
                format!(
                    "expected `field: value` in {owner}, found {}",
                    o.cursor.found()
                ),
            ),
        }
    }

    fn public_key(&mut self, v: &Value, res: &str) -> Option<PublicKey> {
        self.span(res, "public_key", v.sp());
        match v {
            Value::Call(f, args, _) if f == "var" => {
                let [arg] = args.as_slice() else {
                    self.err(v.sp(), "expected `var(<variable>)` with one variable name");
                    return None;
                };
                let n = self.name(arg, res, "public_key", "variable")?;
                Some(PublicKey::Variable(n))
            }
            Value::Str(..) | Value::Expr(_) => self
                .string(v, res, "public_key", "a public key")
                .map(PublicKey::Literal),
            _ => {
                self.expected(
                    "`var(<public_key variable>)` or an OpenSSH public key string",
                    v,
                );
                None
            }
        }
    }

    fn payload(
        &mut self,
        item: &Item,
        module: &Option<(TokenStream, Sp)>,
        body: &Body,
        owner: String,
        doc: Option<String>,
    ) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let name_sp = Sp::one(item.name.span());
        let allowed: &[&str] = if module.is_some() {
            &["port", "artifact", "env"]
        } else {
            &[
                "binary", "port", "health", "routes", "port_env", "artifact", "env",
            ]
        };
        let f = Fields::new(owner, &body.fields, allowed, name_sp, self.cx);
        self.no_others(body, &f.owner);
        let port = f
            .required("port", "80", self.cx)
            .and_then(|v| self.port(v, res, "port"));
        let env = match f.get("env") {
            None => Some(Vec::new()),
            Some(Value::Map(entries, _)) => {
                let mut out = Vec::new();
                for (i, e) in entries.iter().enumerate() {
                    if let Some(s) = self.string(&e.value, res, &format!("env[{i}]"), "a string") {
                        out.push((e.key.clone(), s));
                    }
                }
                Some(out)
            }
            Some(v) => {
                self.expected("`{ NAME: \"value\", ... }`", v);
                None
            }
        };
        let mut p;
        match module {
            Some((path, sp)) => {
                let sp = *sp;
                p = Payload::new(&name, "payload", port.unwrap_or(0), "/", &[]);
                let span = sp.start;
                self.mark_unknown(
                    res,
                    "binary",
                    sp,
                    quote_spanned!(span=> ::std::string::ToString::to_string(#path::BINARY)),
                );
                self.mark_unknown(
                    res,
                    "health_path",
                    sp,
                    quote_spanned!(span=> ::std::string::ToString::to_string(#path::HEALTH_PATH)),
                );
                self.mark_unknown(
                    res,
                    "routes",
                    sp,
                    quote_spanned!(span=> #path::ROUTES.iter().map(|r| ::std::string::ToString::to_string(r)).collect()),
                );
                self.mark_unknown(
                    res,
                    "port_env",
                    sp,
                    quote_spanned!(span=> ::std::string::ToString::to_string(#path::PORT_ENV)),
                );
                if f.get("artifact").is_none() {
                    self.mark_unknown(
                        res,
                        "artifact",
                        sp,
                        quote_spanned!(span=> ::std::format!("{}/{}", ::infra_core::Payload::DEFAULT_ARTIFACT_DIR, #path::BINARY)),
                    );
                }
            }
            None => {
                let binary = f
                    .required("binary", "\"webapp\"", self.cx)
                    .and_then(|v| self.string(v, res, "binary", "the executable's name string"));
                let health = f
                    .required("health", "\"/health\"", self.cx)
                    .and_then(|v| self.string(v, res, "health_path", "a health check path string"));
                let routes = match f.get("routes") {
                    Some(v) => self.string_list(v, res, "routes", "path string"),
                    None => health.clone().map(|h| vec![h]),
                };
                let (Some(binary), Some(health), Some(routes)) = (binary, health, routes) else {
                    return;
                };
                // Whether the health path is served depends on every route: a run-time
                // route makes that unknown too.
                if self.is_unknown_under(res, "routes") {
                    self.out.unknown.insert(Location::new(res, "health_path"));
                }
                let routes: Vec<&str> = routes.iter().map(String::as_str).collect();
                p = Payload::new(&name, &binary, port.unwrap_or(0), &health, &routes);
                if self.out.unknown.contains(&Location::new(res, "binary")) {
                    let b = self.out.exprs.get(&Location::new(res, "binary")).cloned();
                    if let Some(b) = b {
                        self.mark_unknown(
                            res,
                            "artifact",
                            name_sp,
                            quote!(::std::format!("{}/{}", ::infra_core::Payload::DEFAULT_ARTIFACT_DIR, #b)),
                        );
                    }
                }
                if let Some(v) = f.get("port_env") {
                    match self.string(v, res, "port_env", "an environment variable name") {
                        Some(s) => p.port_env = s,
                        None => return,
                    }
                }
            }
        }
        if let Some(v) = f.get("artifact") {
            match self.string(v, res, "artifact", "a path string") {
                Some(s) => p.artifact = s,
                None => return,
            }
        }
        let (Some(port), Some(env)) = (port, env) else {
            return;
        };
        p.doc = doc;
        p.env = env;
        self.payloads.insert(name, PayloadInfo { port });
        self.out.stack.payloads.push(p);
    }

    fn security_group(
        &mut self,
        item: &Item,
        vpc: &Value,
        body: &Body,
        owner: String,
        doc: Option<String>,
    ) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let f = Fields::new(
            owner,
            &body.fields,
            &["description"],
            Sp::one(item.name.span()),
            self.cx,
        );
        let vpc = self.name(vpc, res, "vpc", "VPC");
        let description = match f.get("description") {
            Some(v) => self
                .string(v, res, "description", "a description string")
                .map(Some),
            None => Some(None),
        };
        let mut sg = SecurityGroup::new(&name, Ref::new(vpc.clone().unwrap_or_default()));
        let mut ok = vpc.is_some() && description.is_some();
        for o in &body.others {
            let dir = o.cursor.peek_ident().map(|i| i.to_string());
            match dir.as_deref() {
                Some("ingress") | Some("egress") => {
                    let ingress = dir.as_deref() == Some("ingress");
                    let i = if ingress {
                        sg.ingress.len()
                    } else {
                        sg.egress.len()
                    };
                    let prefix = format!("{}[{i}]", if ingress { "ingress" } else { "egress" });
                    match self.rule(o, res, &prefix, ingress) {
                        Some(r) if ingress => sg.ingress.push(r),
                        Some(r) => sg.egress.push(r),
                        None => ok = false,
                    }
                }
                _ => {
                    self.other_error(
                        o,
                        &f.owner,
                        &[
                            "`ingress <proto> <port> from <peer>`",
                            "`egress <proto> <port> to <peer>`",
                        ],
                    );
                    ok = false;
                }
            }
        }
        if ok {
            sg.doc = doc;
            sg.description = description.flatten();
            self.out.stack.security_groups.push(sg);
        }
    }

    fn rule(&mut self, o: &Other, res: &str, prefix: &str, ingress: bool) -> Option<Rule> {
        let mut c = o.cursor.clone();
        let c = &mut c;
        let start = c.span();
        c.next_tt(); // ingress / egress
        let proto = match c.next_ident() {
            Some(p) if p == "tcp" => Protocol::Tcp,
            Some(p) if p == "udp" => Protocol::Udp,
            Some(p) => {
                let mut msg = format!("unknown protocol `{p}`: expected `tcp` or `udp`");
                if let Some(s) = did_you_mean(&p.to_string(), ["tcp", "udp"]) {
                    msg.push_str(&format!("\n  help: did you mean `{s}`?"));
                }
                self.err(Sp::one(p.span()), msg);
                return None;
            }
            None => {
                self.cx.push(c.err_expected("a protocol (`tcp` or `udp`)"));
                return None;
            }
        };
        let port_v = match crate::syntax::parse_value(c) {
            Ok(v) => v,
            Err(e) => {
                self.cx.push(e);
                return None;
            }
        };
        let port_field = format!("{prefix}.port");
        let (from_port, to_port) = match &port_v {
            Value::Range(lo, hi, sp)
                if matches!(**lo, Value::Expr(_)) || matches!(**hi, Value::Expr(_)) =>
            {
                self.err(
                    *sp,
                    "a port range takes literal ports; use a single `{ expr }` port or two rules",
                );
                return None;
            }
            Value::Range(lo, hi, sp) => {
                let lo = self.port(lo, res, &port_field);
                let hi = self.port(hi, res, &port_field);
                self.span(res, &port_field, *sp);
                let (lo, hi) = (lo?, hi?);
                (lo, hi)
            }
            v => {
                let p = self.port(v, res, &port_field)?;
                (p, p)
            }
        };
        let (want, other) = if ingress {
            ("from", "to")
        } else {
            ("to", "from")
        };
        match c.next_ident() {
            Some(w) if w == want => {}
            Some(w) if w == other => {
                self.err(
                    Sp::one(w.span()),
                    format!(
                        "{} rules take `{want} <peer>`, not `{other}`",
                        if ingress { "ingress" } else { "egress" }
                    ),
                );
                return None;
            }
            _ => {
                self.cx
                    .push(c.err_expected(&format!("`{want} <peer>` after the port")));
                return None;
            }
        }
        let peer_field = format!("{prefix}.peer");
        let peer_v = match crate::syntax::parse_value(c) {
            Ok(v) => v,
            Err(e) => {
                self.cx.push(e);
                return None;
            }
        };
        self.span(res, &peer_field, peer_v.sp());
        let peer = match &peer_v {
            Value::Path(segs) if segs.len() == 1 && segs[0].text == "internet" => Peer::Internet,
            Value::Path(segs) if segs.len() == 1 => {
                Peer::SecurityGroup(Ref::new(segs[0].text.clone()))
            }
            Value::Str(..) | Value::Expr(_) => {
                Peer::Cidr(self.string(&peer_v, res, &peer_field, "a CIDR")?)
            }
            Value::Call(f, args, _) if f == "var" && args.len() == 1 => {
                Peer::Variable(self.name(&args[0], res, &peer_field, "variable")?)
            }
            v => {
                let mut msg = format!(
                    "expected a peer: `internet`, a CIDR string, a security group, or `var(<cidr variable>)`, found {}",
                    v.describe()
                );
                if matches!(v, Value::Int { .. } | Value::Float(..)) {
                    msg.push_str("\n  help: write a CIDR block as a string: `\"203.0.113.0/24\"`");
                }
                self.err(v.sp(), msg);
                return None;
            }
        };
        if let Err(e) = c.expect_end("the rule") {
            self.cx.push(e);
            return None;
        }
        let end = peer_v.sp();
        self.span(res, prefix, start.to(end));
        let description = o.attrs.doc();
        if let Some(sp) = o.attrs.doc_span() {
            self.span(res, format!("{prefix}.description"), sp);
        }
        let waivers = self.waivers(&o.attrs, res, &format!("{prefix}.waivers"));
        Some(Rule {
            protocol: proto,
            from_port,
            to_port,
            peer,
            description,
            waivers,
        })
    }

    fn launch_template(&mut self, item: &Item, body: &Body, owner: String, doc: Option<String>) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let f = Fields::new(
            owner,
            &body.fields,
            &[
                "image",
                "instance_type",
                "security_groups",
                "role",
                "key_pair",
                "run",
                "imdsv2",
                "root_volume",
            ],
            Sp::one(item.name.span()),
            self.cx,
        );
        self.no_others(body, &f.owner);
        let image = f
            .required("image", "amazon_linux_2023", self.cx)
            .and_then(|v| self.image(v, res));
        let instance_type = f
            .required("instance_type", "t2.micro", self.cx)
            .and_then(|v| self.instance_type(v, res));
        let sgs = f
            .required("security_groups", "[web_sg]", self.cx)
            .and_then(|v| self.names(v, res, "security_groups", "security group"));
        let opt = |lx: &mut Self, key: &str, what: &str| -> Option<Option<String>> {
            match f.get(key) {
                Some(v) => lx.name(v, res, key, what).map(Some),
                None => Some(None),
            }
        };
        let role = opt(self, "role", "instance role");
        let key_pair = opt(self, "key_pair", "key pair");
        let run = opt(self, "run", "payload");
        let imdsv2 = match f.get("imdsv2") {
            None => Some(true),
            Some(v) => {
                self.span(res, "imdsv2_required", v.sp());
                match v.as_ident().map(|s| s.text.as_str()) {
                    Some("required") => Some(true),
                    Some("optional") => Some(false),
                    _ => {
                        self.expected("`required` or `optional`", v);
                        None
                    }
                }
            }
        };
        let root = match f.field("root_volume") {
            None => Some(RootVolume::default()),
            Some(fd) => self.root_volume(&fd.value, res),
        };
        let waivers = self.waivers(&item.attrs, res, "waivers");
        let (
            Some(image),
            Some(instance_type),
            Some(sgs),
            Some(role),
            Some(key_pair),
            Some(run),
            Some(imdsv2),
            Some(root_volume),
        ) = (image, instance_type, sgs, role, key_pair, run, imdsv2, root)
        else {
            return;
        };
        self.out.stack.launch_templates.push(LaunchTemplate {
            name,
            doc,
            image,
            instance_type,
            security_groups: sgs.into_iter().map(Ref::new).collect(),
            role: role.map(Ref::new),
            key_pair: key_pair.map(Ref::new),
            run: run.map(Ref::new),
            imdsv2_required: imdsv2,
            root_volume,
            waivers,
        });
    }

    fn image(&mut self, v: &Value, res: &str) -> Option<Image> {
        self.span(res, "image", v.sp());
        const IMAGES: [&str; 2] = ["amazon_linux_2023", "amazon_linux_2"];
        match v.as_ident().map(|s| s.text.as_str()) {
            Some("amazon_linux_2023") => Some(Image::AmazonLinux2023),
            Some("amazon_linux_2") => Some(Image::AmazonLinux2),
            Some(other) => {
                let mut msg = format!(
                    "unknown image `{other}`: expected `amazon_linux_2023` or `amazon_linux_2`"
                );
                if let Some(s) = did_you_mean(other, IMAGES) {
                    msg.push_str(&format!("\n  help: did you mean `{s}`?"));
                }
                self.err(v.sp(), msg);
                None
            }
            None => {
                self.expected("an image (`amazon_linux_2023` or `amazon_linux_2`)", v);
                None
            }
        }
    }

    fn instance_type(&mut self, v: &Value, res: &str) -> Option<String> {
        self.span(res, "instance_type", v.sp());
        let text = match v {
            Value::Path(segs) => segs
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("."),
            Value::Str(s, _) => s.clone(),
            Value::Expr(_) => return self.string(v, res, "instance_type", "an instance type"),
            _ => {
                self.expected("an instance type such as `t2.micro`", v);
                return None;
            }
        };
        match instance_type_problem(&text) {
            None => Some(text),
            Some(why) => {
                self.err(
                    v.sp(),
                    format!("`{text}` is not an instance type: {why}\n  help: write `family.size`, e.g. `t2.micro`, `t3.small`, `c5.2xlarge`"),
                );
                None
            }
        }
    }

    fn root_volume(&mut self, v: &Value, res: &str) -> Option<RootVolume> {
        self.span(res, "root_volume", v.sp());
        let Value::Map(fields, sp) = v else {
            self.expected("`{ size: 8, encrypted: true }`", v);
            return None;
        };
        let f = Fields::new(
            "root_volume".to_string(),
            fields,
            &["size", "encrypted"],
            Sp::one(sp.start),
            self.cx,
        );
        let mut rv = RootVolume::default();
        if let Some(v) = f.get("size") {
            rv.size_gib = self.uint(v, res, "root_volume.size", "a size in GiB")?;
        }
        if let Some(v) = f.get("encrypted") {
            rv.encrypted = self.boolean(v, res, "root_volume.encrypted")?;
        }
        Some(rv)
    }

    fn target_group(
        &mut self,
        item: &Item,
        vpc: &Value,
        body: &Body,
        owner: String,
        doc: Option<String>,
    ) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let f = Fields::new(
            owner,
            &body.fields,
            &["port", "health", "aws_name", "deregistration_delay"],
            Sp::one(item.name.span()),
            self.cx,
        );
        self.no_others(body, &f.owner);
        let vpc = self.name(vpc, res, "vpc", "VPC");
        let port = f
            .required("port", "site.port", self.cx)
            .and_then(|v| self.port(v, res, "port"));
        let health = f
            .required("health", "site.health", self.cx)
            .and_then(|v| self.health(v, res));
        let aws_name = match f.get("aws_name") {
            Some(v) => self.string(v, res, "aws_name", "a name string").map(Some),
            None => Some(None),
        };
        let dereg = match f.get("deregistration_delay") {
            Some(v) => self.uint(v, res, "deregistration_delay", "a number of seconds"),
            None => Some(30),
        };
        let (Some(vpc), Some(port), Some(health), Some(aws_name), Some(dereg)) =
            (vpc, port, health, aws_name, dereg)
        else {
            return;
        };
        self.out.stack.target_groups.push(TargetGroup {
            name,
            doc,
            vpc: Ref::new(vpc),
            port,
            health,
            deregistration_delay_secs: dereg,
            aws_name,
        });
    }

    fn health_path(&mut self, v: &Value, res: &str) -> Option<String> {
        match v {
            Value::Path(segs) if segs.len() == 2 && segs[1].text == "health" => {
                let p = segs[0].text.clone();
                self.span(res, "health.path", v.sp());
                self.payload_ref(&p, segs[0].sp)?;
                let from = Location::new(&p, "health_path");
                self.derive(&from, res, "health.path");
                self.out
                    .stack
                    .payloads
                    .iter()
                    .find(|x| x.name == p)
                    .map(|x| x.health_path.clone())
            }
            Value::Path(segs) if segs.len() == 2 => {
                self.span(res, "health.path", v.sp());
                self.err(
                    segs[1].sp,
                    format!(
                        "expected a health check path, found `{}.{}`\n  help: a payload's health path is `{}.health`",
                        segs[0].text, segs[1].text, segs[0].text
                    ),
                );
                None
            }
            _ => self.string(v, res, "health.path", "a health check path string"),
        }
    }

    fn health(&mut self, v: &Value, res: &str) -> Option<HealthCheck> {
        self.span(res, "health", v.sp());
        let Value::Map(fields, sp) = v else {
            return self.health_path(v, res).map(|p| HealthCheck::new(&p));
        };
        let f = Fields::new(
            "health".to_string(),
            fields,
            &[
                "path",
                "port",
                "interval",
                "timeout",
                "healthy_threshold",
                "unhealthy_threshold",
                "matcher",
            ],
            Sp::one(sp.start),
            self.cx,
        );
        let path = f
            .required("path", "\"/health\"", self.cx)
            .and_then(|v| self.health_path(v, res));
        let mut h = HealthCheck::new(path.as_deref().unwrap_or("/"));
        let mut ok = path.is_some();
        for (key, slot) in [
            ("interval", &mut h.interval_secs),
            ("timeout", &mut h.timeout_secs),
            ("healthy_threshold", &mut h.healthy_threshold),
            ("unhealthy_threshold", &mut h.unhealthy_threshold),
        ] {
            if let Some(v) = f.get(key) {
                match self.uint(v, res, &format!("health.{key}"), "a number") {
                    Some(n) => *slot = n,
                    None => ok = false,
                }
            }
        }
        if let Some(v) = f.get("port") {
            if v.as_ident().is_some_and(|s| s.text == "traffic_port") {
                self.span(res, "health.port", v.sp());
                h.port = HealthPort::TrafficPort;
            } else {
                match self.port(v, res, "health.port") {
                    Some(p) => h.port = HealthPort::Port(p),
                    None => ok = false,
                }
            }
        }
        if let Some(v) = f.get("matcher") {
            match self.string(v, res, "health.matcher", "HTTP codes, e.g. \"200\"") {
                Some(m) => h.matcher = m,
                None => ok = false,
            }
        }
        ok.then_some(h)
    }

    fn alb(&mut self, item: &Item, vpc: &Value, body: &Body, owner: String, doc: Option<String>) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let f = Fields::new(
            owner,
            &body.fields,
            &["security_groups", "aws_name", "access_logs"],
            Sp::one(item.name.span()),
            self.cx,
        );
        let subnets = self.subnets(vpc, res, "subnets");
        let sgs = f
            .required("security_groups", "[alb_sg]", self.cx)
            .and_then(|v| self.names(v, res, "security_groups", "security group"));
        let aws_name = match f.get("aws_name") {
            Some(v) => self.string(v, res, "aws_name", "a name string").map(Some),
            None => Some(None),
        };
        let access_logs = match f.get("access_logs") {
            Some(v) => self.boolean(v, res, "access_logs"),
            None => Some(true),
        };
        let mut listeners = Vec::new();
        let mut internet_facing = true;
        let mut ok = true;
        for o in &body.others {
            let mut c = o.cursor.clone();
            if c.peek_ident_is("internal") {
                let i = c.next_ident();
                if let Err(e) = c.expect_end("`internal`") {
                    self.cx.push(e);
                    ok = false;
                }
                if let Some(i) = i {
                    self.span(res, "internal", Sp::one(i.span()));
                }
                internet_facing = false;
            } else if c.peek_ident_is("listener") {
                let kw = c.next_ident();
                let i = listeners.len();
                match self.listener(&mut c, res, i) {
                    Some(l) => {
                        if let Some(kw) = kw {
                            let end = self
                                .out
                                .spans
                                .get(&Location::new(res, format!("listeners[{i}].forward")))
                                .copied()
                                .unwrap_or(Sp::one(kw.span()));
                            self.span(res, format!("listeners[{i}]"), Sp::one(kw.span()).to(end));
                        }
                        listeners.push(l)
                    }
                    None => ok = false,
                }
            } else {
                self.other_error(
                    o,
                    &f.owner,
                    &["`listener <port> => <target_group>`", "`internal`"],
                );
                ok = false;
            }
        }
        let (Some(subnets), Some(sgs), Some(aws_name), Some(access_logs), true) =
            (subnets, sgs, aws_name, access_logs, ok)
        else {
            return;
        };
        self.out.stack.albs.push(Alb {
            name,
            doc,
            subnets: Ref::new(subnets),
            internet_facing,
            security_groups: sgs.into_iter().map(Ref::new).collect(),
            listeners,
            access_logs,
            aws_name,
        });
    }

    fn listener(&mut self, c: &mut crate::syntax::Cursor, res: &str, i: usize) -> Option<Listener> {
        let port_v = match crate::syntax::parse_value(c) {
            Ok(v) => v,
            Err(e) => {
                self.cx.push(e);
                return None;
            }
        };
        let port = self.port(&port_v, res, &format!("listeners[{i}].port"));
        if !c.peek_fat_arrow() {
            self.cx
                .push(c.err_expected("`=> <target_group>` after the listener port"));
            return None;
        }
        c.next_tt();
        c.next_tt();
        let tg_v = match crate::syntax::parse_value(c) {
            Ok(v) => v,
            Err(e) => {
                self.cx.push(e);
                return None;
            }
        };
        let tg = self.name(
            &tg_v,
            res,
            &format!("listeners[{i}].forward"),
            "target group",
        );
        if let Err(e) = c.expect_end("the listener") {
            self.cx.push(e);
            return None;
        }
        Some(Listener {
            port: port?,
            forward: Ref::new(tg?),
        })
    }

    fn asg(&mut self, item: &Item, body: &Body, owner: String, doc: Option<String>) {
        let name = item.name.unraw().to_string();
        let res = name.as_str();
        let f = Fields::new(
            owner,
            &body.fields,
            &[
                "launch_template",
                "subnets",
                "min",
                "desired",
                "max",
                "target_groups",
                "scale",
                "health_check_grace",
            ],
            Sp::one(item.name.span()),
            self.cx,
        );
        self.no_others(body, &f.owner);
        let lt = f
            .required("launch_template", "web", self.cx)
            .and_then(|v| self.name(v, res, "launch_template", "launch template"));
        let subnets = f
            .required("subnets", "main.public_subnets", self.cx)
            .and_then(|v| self.subnets(v, res, "subnets"));
        let min = f
            .required("min", "2", self.cx)
            .and_then(|v| self.uint(v, res, "min", "an instance count"));
        let max = f
            .required("max", "4", self.cx)
            .and_then(|v| self.uint(v, res, "max", "an instance count"));
        let desired = match f.get("desired") {
            Some(v) => self.uint(v, res, "desired", "an instance count"),
            None => {
                // Defaults to min: derived, so unknown when min is.
                self.derive(&Location::new(res, "min"), res, "desired");
                min
            }
        };
        let tgs = match f.get("target_groups") {
            Some(v) => self.names(v, res, "target_groups", "target group"),
            None => Some(Vec::new()),
        };
        let scale = match f.get("scale") {
            None => Some(None),
            Some(v) => self.scale(v, res).map(Some),
        };
        let grace = match f.get("health_check_grace") {
            Some(v) => self.uint(v, res, "health_check_grace", "a number of seconds"),
            None => Some(120),
        };
        let (
            Some(lt),
            Some(subnets),
            Some(min),
            Some(max),
            Some(desired),
            Some(tgs),
            Some(scale),
            Some(grace),
        ) = (lt, subnets, min, max, desired, tgs, scale, grace)
        else {
            return;
        };
        self.out.stack.autoscaling_groups.push(AutoScalingGroup {
            name,
            doc,
            launch_template: Ref::new(lt),
            subnets: Ref::new(subnets),
            min,
            desired,
            max,
            target_groups: tgs.into_iter().map(Ref::new).collect(),
            scale,
            health_check_grace_secs: grace,
        });
    }

    fn scale(&mut self, v: &Value, res: &str) -> Option<Scaling> {
        self.span(res, "scale", v.sp());
        match v {
            Value::Call(f, args, _) if f == "cpu_average" => {
                let [arg] = args.as_slice() else {
                    self.err(v.sp(), "expected `cpu_average(<percent>)` with one number");
                    return None;
                };
                let t = self.float(arg, res, "scale", "a CPU percentage")?;
                Some(Scaling::CpuAverage(t))
            }
            Value::Call(f, ..) => {
                let mut msg =
                    format!("unknown scaling policy `{f}`: expected `cpu_average(<percent>)`");
                if did_you_mean(&f.to_string(), ["cpu_average"]).is_some() {
                    msg.push_str("\n  help: did you mean `cpu_average`?");
                }
                self.err(Sp::one(f.span()), msg);
                None
            }
            _ => {
                self.expected("a scaling policy such as `cpu_average(50)`", v);
                None
            }
        }
    }

    fn output(&mut self, item: &Item, value: &Value, doc: Option<String>) {
        let name = item.name.unraw().to_string();
        self.span(&name, "", Sp::one(item.name.span()));
        self.span(&name, "value", value.sp());
        let Value::Path(segs) = value else {
            self.expected("`<resource>.<attribute>`, e.g. `front.dns_name`", value);
            return;
        };
        let [res, attr] = segs.as_slice() else {
            self.expected("`<resource>.<attribute>`, e.g. `front.dns_name`", value);
            return;
        };
        // The kind of the named resource; for an unknown name, the kind that has this
        // attribute, so that the check's "no load balancer named `frnt`" reads right.
        let declared = self.kinds.iter().find_map(|(n, k)| match k {
            DeclKind::Resource(k) if *n == res.text => Some(*k),
            _ => None,
        });
        let kind = declared.unwrap_or_else(|| {
            ALL_KINDS
                .iter()
                .copied()
                .find(|k| AttrRef::known(*k).iter().any(|(a, _)| *a == attr.text))
                .unwrap_or(Kind::Alb)
        });
        self.out.stack.outputs.push(Output {
            name,
            doc,
            value: AttrRef {
                resource: res.text.clone(),
                kind,
                attribute: attr.text.clone(),
            },
        });
    }
}

const ALL_KINDS: [Kind; 10] = [
    Kind::Alb,
    Kind::Vpc,
    Kind::SecurityGroup,
    Kind::TargetGroup,
    Kind::AutoScalingGroup,
    Kind::LaunchTemplate,
    Kind::InstanceRole,
    Kind::Payload,
    Kind::KeyPair,
    Kind::Variable,
];

/// Why `text` is not an EC2 instance type (`family.size`), if it is not.
pub fn instance_type_problem(text: &str) -> Option<String> {
    let Some((family, size)) = text.split_once('.') else {
        return Some("it has no `.` between family and size".to_string());
    };
    let fam_ok = family.starts_with(|c: char| c.is_ascii_lowercase())
        && family.chars().any(|c| c.is_ascii_digit())
        && family
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !fam_ok {
        return Some(format!(
            "`{family}` is not an instance family (a letter, a generation digit and options, e.g. `t3`, `m6i`, `c7gn`)"
        ));
    }
    let digits = size.trim_end_matches("xlarge");
    let size_ok = matches!(
        size,
        "nano" | "micro" | "small" | "medium" | "large" | "xlarge" | "metal"
    ) || (size.ends_with("xlarge")
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit()))
        || size
            .strip_prefix("metal-")
            .is_some_and(|s| s.ends_with("xl"));
    if !size_ok {
        return Some(format!(
            "`{size}` is not an instance size (nano, micro, small, medium, large, xlarge, 2xlarge, ..., metal)"
        ));
    }
    None
}
