//! The lowering context shared by every item: syntax tree -> `infra_core::Stack`, with the
//! span of every lowered token recorded under the same [`Location`] the checks report, so
//! a violation maps back to its token.
//!
//! Values the macro cannot know (`{ rust expression }`, the consts of a payload's spec
//! module, and whatever is derived from them) get a placeholder in the model, are marked
//! unknown, and carry the Rust expression the generated code evaluates instead.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote_spanned;

use infra_core::kinds::payload::Payload;
use infra_core::suggest::did_you_mean;
use infra_core::{Kind, Knob, Location, Resource, Stack, Violation, Waiver};

use crate::cursor::Attrs;
use crate::place::{Errors, Extent, Place};
use crate::value::{Other, Value};

/// The lowered stack and everything codegen and error reporting need to go with it.
pub struct Lowered {
    pub stack: Stack,
    /// Where each lowered token came from.
    pub spans: HashMap<Location, Extent>,
    /// Locations whose value is only known at run time.
    pub unknown: HashSet<Location>,
    /// Rust expressions (already converted to the field's type) that the generated code
    /// uses instead of the placeholder at these locations.
    pub exprs: HashMap<Location, TokenStream>,
    /// For unknown locations whose value is a spec module's const (`webapp_spec::ROUTES`):
    /// the const path, which compile-time assertions can evaluate.
    pub consts: HashMap<Location, TokenStream>,
}

impl Lowered {
    /// A violation involving an unknown location (or a field under it) is left to the
    /// synth-time check, which sees the real value.
    pub fn involves_unknown(&self, v: &Violation) -> bool {
        v.locations().any(|l| self.is_unknown(l))
    }

    /// True when `loc` is unknown, or (unless it is a bare resource) holds an unknown part.
    pub fn is_unknown(&self, loc: &Location) -> bool {
        self.unknown
            .iter()
            .any(|u| u == loc || (!loc.is_resource() && u.starts_with(loc)))
    }

    /// The tokens of a location: the most specific recorded one, then the resource name.
    pub fn extent_of(&self, loc: &Location) -> Extent {
        loc.fallbacks()
            .iter()
            .find_map(|l| self.spans.get(l).copied())
            .unwrap_or(Extent::call_site())
    }

    /// A model location as a place in the input.
    pub fn place(&self, loc: Location) -> Place {
        Place {
            extent: self.extent_of(&loc),
            location: Some(Box::new(loc)),
        }
    }
}

/// What later items may need of an earlier one.
pub struct PayloadInfo {
    pub port: u32,
}

/// A declared name with its item kind (`None`: an output).
pub type Declared = (String, Option<Kind>);

pub struct Lower<'a> {
    pub cx: &'a mut Errors,
    pub out: Lowered,
    pub payloads: HashMap<String, PayloadInfo>,
    /// Every declared name with its kind (for outputs and `<payload>.port` hints).
    pub kinds: Vec<Declared>,
}

impl<'a> Lower<'a> {
    pub fn new(cx: &'a mut Errors, stack: Stack, kinds: Vec<Declared>) -> Self {
        Lower {
            cx,
            out: Lowered {
                stack,
                spans: HashMap::new(),
                unknown: HashSet::new(),
                exprs: HashMap::new(),
                consts: HashMap::new(),
            },
            payloads: HashMap::new(),
            kinds,
        }
    }

    /// Record where `at` is written.
    pub fn span(&mut self, at: &Location, ext: Extent) {
        self.out.spans.insert(at.clone(), ext);
    }

    /// `at` holds a run-time value, computed by `expr` in the generated code.
    pub fn mark_unknown(&mut self, at: &Location, ext: Extent, expr: TokenStream) {
        self.out.spans.insert(at.clone(), ext);
        self.out.unknown.insert(at.clone());
        self.out.exprs.insert(at.clone(), expr);
    }

    /// Copy the unknown-ness (and run-time expression) of `from` to `to`.
    pub fn derive(&mut self, from: &Location, to: &Location) {
        if self.out.unknown.contains(from) {
            self.out.unknown.insert(to.clone());
            if let Some(e) = self.out.exprs.get(from).cloned() {
                self.out.exprs.insert(to.clone(), e);
            }
            if let Some(c) = self.out.consts.get(from).cloned() {
                self.out.consts.insert(to.clone(), c);
            }
        }
    }

    pub fn is_unknown(&self, at: &Location) -> bool {
        self.out.is_unknown(at)
    }

    pub fn err(&mut self, ext: Extent, msg: impl Into<String>) {
        self.cx.push(ext.error(msg));
    }

    pub fn expected(&mut self, what: &str, v: &Value) {
        self.err(v.sp(), format!("expected {what}, found {}", v.describe()));
    }

    /// `<what> `<word>`` with a "did you mean" among `choices`.
    pub fn unknown_word(&mut self, ext: Extent, message: String, word: &str, choices: &[&str]) {
        let mut d = ext.error(message);
        if let Some(s) = did_you_mean(word, choices.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.cx.push(d);
    }

    // -- typed extractors ---------------------------------------------------------------

    /// A non-negative integer, a `{ expr }`, or `<payload>.port`.
    pub fn uint(&mut self, v: &Value, at: &Location, what: &str) -> Option<u32> {
        self.span(at, v.sp());
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
                self.mark_unknown(at, v.sp(), e);
                Some(0)
            }
            Value::Path(segs) if segs.len() == 2 => {
                let (p, attr) = (&segs[0], &segs[1]);
                if attr.text != "port" {
                    self.cx.push(
                        attr.sp
                            .error(format!("expected {what}, found `{}.{}`", p.text, attr.text))
                            .help(format!("a payload's port is `{}.port`", p.text)),
                    );
                    return None;
                }
                let port = self.payload_ref(p.text.as_str(), v.sp())?.port;
                self.derive(
                    &Location::of(&p.text).at(infra_core::kinds::payload::PORT),
                    at,
                );
                Some(port)
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    /// A declared payload that lowered; reports an unknown one.
    pub fn payload_ref(&mut self, name: &str, ext: Extent) -> Option<&PayloadInfo> {
        if !self.payloads.contains_key(name) {
            let payloads: Vec<&str> = self
                .kinds
                .iter()
                .filter(|(_, k)| *k == Some(Payload::KIND))
                .map(|(n, _)| n.as_str())
                .collect();
            let declared = payloads.contains(&name);
            if !declared {
                let help = match did_you_mean(name, payloads.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if payloads.is_empty() => "declare a `payload` first".to_string(),
                    None => format!("declared payloads: {}", payloads.join(", ")),
                };
                self.cx.push(
                    ext.error(format!("no payload named `{name}` in this stack"))
                        .help(help),
                );
            }
            // A declared payload that failed to lower already has its own error.
            return None;
        }
        self.payloads.get(name)
    }

    pub fn port(&mut self, v: &Value, at: &Location) -> Option<u32> {
        self.uint(v, at, "a port number")
    }

    pub fn float(&mut self, v: &Value, at: &Location, what: &str) -> Option<f64> {
        self.span(at, v.sp());
        match v {
            Value::Int { value, neg, .. } => {
                let f = *value as f64;
                Some(if *neg { -f } else { f })
            }
            Value::Float(f, _) => Some(*f),
            Value::Expr(g) => {
                let e = quote_spanned!(g.span()=> { let __infra_value: f64 = #g; __infra_value });
                self.mark_unknown(at, v.sp(), e);
                Some(0.0)
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    pub fn string(&mut self, v: &Value, at: &Location, what: &str) -> Option<String> {
        self.span(at, v.sp());
        match v {
            Value::Str(s, _) => Some(s.clone()),
            Value::Expr(g) => {
                let e = quote_spanned!(g.span()=> ::std::string::ToString::to_string(&#g));
                self.mark_unknown(at, v.sp(), e);
                Some(String::new())
            }
            _ => {
                self.expected(what, v);
                None
            }
        }
    }

    pub fn string_list(&mut self, v: &Value, at: &Location, what: &str) -> Option<Vec<String>> {
        self.span(at, v.sp());
        let Value::List(items, _) = v else {
            self.expected(&format!("a list of {what}s `[...]`"), v);
            return None;
        };
        self.each(items, at, what, Self::string)
    }

    /// Apply `f` to every item as `at[i]`; `None` when any item failed (all are tried, so
    /// every bad item is reported).
    pub fn each<T>(
        &mut self,
        items: &[Value],
        at: &Location,
        what: &str,
        f: impl Fn(&mut Self, &Value, &Location, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match f(self, item, &at.nth(i), what) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub fn boolean(&mut self, v: &Value, at: &Location) -> Option<bool> {
        self.span(at, v.sp());
        match v {
            Value::Bool(b, _) => Some(*b),
            _ => {
                self.expected("`true` or `false`", v);
                None
            }
        }
    }

    /// A knob: `var(<variable>)` (the whole call is where it is written, so a check on the
    /// variable's default points at it), or what `literal` reads.
    pub fn knob<T>(
        &mut self,
        v: &Value,
        at: &Location,
        literal: impl FnOnce(&mut Self, &Value, &Location) -> Option<T>,
    ) -> Option<Knob<T>> {
        let Value::Call(f, args, _) = v else {
            return literal(self, v, at).map(Knob::Literal);
        };
        if f != "var" {
            return literal(self, v, at).map(Knob::Literal);
        }
        self.span(at, v.sp());
        let [arg] = args.as_slice() else {
            self.err(v.sp(), "expected `var(<variable>)` with one variable name");
            return None;
        };
        match arg.as_ident() {
            Some(seg) => Some(Knob::Variable(
                seg.text.trim_start_matches("r#").to_string(),
            )),
            None => {
                self.expected("the name of a variable", arg);
                None
            }
        }
    }

    /// A resource name.
    pub fn name(&mut self, v: &Value, at: &Location, what: &str) -> Option<String> {
        match v.as_ident() {
            Some(seg) => {
                self.span(at, seg.sp);
                Some(seg.text.trim_start_matches("r#").to_string())
            }
            None => {
                self.span(at, v.sp());
                self.expected(&format!("the name of a {what}"), v);
                None
            }
        }
    }

    /// `[a, b]` (a single `a` is accepted too).
    pub fn names(&mut self, v: &Value, at: &Location, what: &str) -> Option<Vec<String>> {
        self.span(at, v.sp());
        let items: Vec<Value> = match v {
            Value::List(items, _) => items.clone(),
            Value::Path(segs) if segs.len() == 1 => vec![v.clone()],
            _ => {
                self.expected(&format!("a list of {what}s `[...]`"), v);
                return None;
            }
        };
        self.each(&items, at, what, Self::name)
    }

    /// An optional name field: `Some(None)` when absent.
    pub fn opt_name(
        &mut self,
        v: Option<&Value>,
        at: &Location,
        what: &str,
    ) -> Option<Option<String>> {
        match v {
            Some(v) => self.name(v, at, what).map(Some),
            None => Some(None),
        }
    }

    /// `main` or `main.public_subnets`: the VPC whose public subnets are meant.
    /// `<vpc>.public_subnets` or `<vpc>.private_subnets`: the VPC and whether the private
    /// tier is meant.
    pub fn subnets(&mut self, v: &Value, at: &Location) -> Option<(String, bool)> {
        const TIERS: [&str; 2] = ["public_subnets", "private_subnets"];
        let Value::Path(s) = v else {
            self.span(at, v.sp());
            self.expected("`<vpc>.public_subnets`", v);
            return None;
        };
        match s.as_slice() {
            [_] => self.name(v, at, "VPC").map(|n| (n, false)),
            [vpc, sub] if TIERS.contains(&sub.text.as_str()) => {
                let n = self.name(&Value::Path(vec![vpc.clone()]), at, "VPC")?;
                let private = sub.text == "private_subnets";
                if private {
                    // The tier is part of what a check may point at.
                    self.span(at, v.sp());
                }
                Some((n, private))
            }
            [_, sub] => {
                self.span(at, v.sp());
                let mut d = sub.sp.error(format!(
                    "a VPC has no `{}`; expected `<vpc>.public_subnets`",
                    sub.text
                ));
                if let Some(m) = did_you_mean(&sub.text, TIERS) {
                    d = d.help(format!("did you mean `{m}`?"));
                }
                self.cx.push(d);
                None
            }
            _ => {
                self.span(at, v.sp());
                self.expected("`<vpc>.public_subnets`", v);
                None
            }
        }
    }

    /// The waivers written on an item or rule, recorded at `at` (`<resource>.waivers`).
    pub fn waivers(&mut self, attrs: &Attrs, at: &Location) -> Vec<Waiver> {
        if let Some(w) = attrs.waivers.first() {
            self.span(at, w.rule_span);
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

    pub fn no_waivers(&mut self, attrs: &Attrs, what: &str) {
        for w in &attrs.waivers {
            self.err(
                w.rule_span,
                format!("waivers are not accepted on a {what}: put them on the security group rule, launch template or instance role they silence"),
            );
        }
    }

    /// Entries that are not `key: value` where only fields are allowed.
    pub fn no_others(&mut self, others: &[Other], owner: &str) {
        for o in others {
            self.other_error(o, owner, &[]);
        }
    }

    /// An entry that is neither a field nor one of the item's `entries`.
    pub fn other_error(&mut self, o: &Other, owner: &str, entries: &[&str]) {
        let sp = o.first_span();
        match o.cursor.peek_ident() {
            Some(i) => {
                let word = i.to_string();
                if entries.is_empty() {
                    self.err(
                        sp,
                        format!("expected `{word}: <value>` in {owner}: a field needs a `:`"),
                    );
                } else {
                    let words: Vec<&str> = entries
                        .iter()
                        .map(|e| e.trim_matches('`').split(' ').next().unwrap_or(""))
                        .collect();
                    self.unknown_word(
                        sp,
                        format!(
                            "unknown entry `{word}` in {owner}: expected `field: value` or {}",
                            entries.join(" or ")
                        ),
                        &word,
                        &words,
                    );
                }
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
}
