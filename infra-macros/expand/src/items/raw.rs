//! `resource <type> <name> { key: value, .. }` and `data <type> <name> { .. }`: any
//! resource or data source of hashicorp/aws by its Terraform type. Values: strings,
//! numbers, `true`/`false`, `[..]`, `{ key: value }` (maps, objects and nested blocks;
//! `[{ .. }, { .. }]` repeats a block), `<resource>.<attribute>` of any resource of the
//! stack, `var(<variable>)`, `json(<value>)` (Terraform's `jsonencode` of the value, for
//! the attributes that take JSON documents), and `{ rust expression }` (anything
//! `Into<RawValue>`). The schema checks are the kind's (`infra_core::kinds::raw`), on the
//! model.

use std::marker::PhantomData;

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};

use infra_core::kinds::raw::{RawMode, KEY, TYPE};
use infra_core::resource::ATTRIBUTE;
use infra_core::suggest::did_you_mean;
use infra_core::{AttrRef, Kind, Location, Raw, RawData, RawResource, RawValue, Resource};

use crate::cursor::Cursor;
use crate::gen::{doc, kind_tokens, string, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{Body, Field, Value};

struct RawItem<M>(Body, PhantomData<M>);

impl DslKind for RawResource {
    const TYPED: bool = true;
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(RawItem::<infra_core::kinds::raw::Managed>(
            body(c, cx, "resource")?,
            PhantomData,
        )))
    }
}

impl DslKind for RawData {
    const TYPED: bool = true;
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(RawItem::<infra_core::kinds::raw::DataSource>(
            body(c, cx, "data source")?,
            PhantomData,
        )))
    }
}

/// Where a raw kind's resources go in the stack.
trait Push: RawMode {
    fn push(lx: &mut Lower, r: Raw<Self>);
}
impl Push for infra_core::kinds::raw::Managed {
    fn push(lx: &mut Lower, r: Raw<Self>) {
        lx.out.stack.raw_resources.push(r);
    }
}
impl Push for infra_core::kinds::raw::DataSource {
    fn push(lx: &mut Lower, r: Raw<Self>) {
        lx.out.stack.raw_data.push(r);
    }
}

impl<M: Push> Item for RawItem<M> {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let Some(ty) = &d.ty else { return };
        lx.span(&me.at(TYPE), Extent::one(ty.span()));
        let owner = format!("{} {ty} `{}`", d.keyword, d.name());
        for o in &self.0.others {
            match o.cursor.peek_ident() {
                // `health_check { .. }`: a nested block with its colon forgotten.
                Some(i)
                    if matches!(
                        o.cursor.ahead(1).peek(),
                        Some(proc_macro2::TokenTree::Group(_))
                    ) =>
                {
                    lx.err(
                        o.first_span(),
                        format!("expected `{i}: {{ .. }}` in {owner}: a nested block is written as a field"),
                    );
                }
                _ => lx.other_error(o, &owner, &[]),
            }
        }
        if let Some(body) = entries(lx, &self.0.fields, &me, &owner) {
            M::push(
                lx,
                Raw {
                    name: d.name(),
                    doc: d.doc(),
                    tf_type: syn::ext::IdentExt::unraw(ty).to_string(),
                    body,
                    mode: PhantomData,
                },
            );
        }
    }
}

/// The entries of a body or block at `at`; `None` when one failed (all are tried).
fn entries(
    lx: &mut Lower,
    fields: &[Field],
    at: &Location,
    owner: &str,
) -> Option<Vec<(String, RawValue)>> {
    let mut out: Vec<(String, RawValue)> = Vec::new();
    let mut ok = true;
    for f in fields {
        if out.iter().any(|(k, _)| *k == f.key) {
            lx.cx.push(
                f.key_at
                    .error(format!("duplicate key `{}` in {owner}", f.key))
                    .help("set each key once"),
            );
            ok = false;
            continue;
        }
        let here = at.key(&f.key);
        lx.span(&here.at(KEY), f.key_at);
        match value(lx, &f.value, &here, owner) {
            Some(v) => out.push((f.key.clone(), v)),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn value(lx: &mut Lower, v: &Value, at: &Location, owner: &str) -> Option<RawValue> {
    lx.span(at, v.sp());
    Some(match v {
        Value::Str(s, _) => RawValue::Str(s.clone()),
        Value::Int { value, neg, .. } => {
            let n = *value as f64;
            RawValue::Number(if *neg { -n } else { n })
        }
        Value::Float(f, _) if f.is_finite() => RawValue::Number(*f),
        Value::Bool(b, _) => RawValue::Bool(*b),
        Value::List(items, _) => {
            let mut out = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match value(lx, item, &at.nth(i), owner) {
                    Some(x) => out.push(x),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            RawValue::List(out)
        }
        Value::Map(fields, _) => RawValue::Map(entries(lx, fields, at, owner)?),
        Value::Path(segs) if segs.len() == 2 => {
            let (res, attr) = (&segs[0], &segs[1]);
            lx.span(&at.at(ATTRIBUTE), attr.sp);
            let name = res.text.trim_start_matches("r#").to_string();
            RawValue::Ref(AttrRef {
                kind: kind_of(lx, &name),
                resource: name,
                attribute: attr.text.clone(),
            })
        }
        Value::Call(f, args, _) if f == "json" => match args.as_slice() {
            // The inner value has a location of its own: a `{ expr }` inside stands for
            // the inner value, not for the `json(..)`.
            [arg] => RawValue::Json(Box::new(value(lx, arg, &at.nth(0), owner)?)),
            _ => {
                lx.err(v.sp(), "expected `json(<value>)` with one value");
                return None;
            }
        },
        Value::Call(f, args, _) if f == "var" => match args.as_slice() {
            [arg] => RawValue::Var(lx.name(arg, at, "variable")?),
            _ => {
                lx.err(v.sp(), "expected `var(<variable>)` with one variable name");
                return None;
            }
        },
        Value::Expr(g) => {
            let e = quote_spanned!(g.span()=> {
                let __infra_raw = #g;
                let __infra_value: ::infra_core::RawValue = ::core::convert::Into::into(__infra_raw);
                __infra_value
            });
            lx.mark_unknown(at, v.sp(), e);
            RawValue::Str(String::new())
        }
        _ => {
            lx.expected(
                &format!("a value for {owner}: a string, a number, `true`/`false`, `[..]`, `{{ key: value }}`, `<resource>.<attribute>`, `var(<variable>)`, `json(<value>)` or `{{ expr }}`"),
                v,
            );
            return None;
        }
    })
}

/// The kind of a referenced name: the declared one; for an unknown name, the closest
/// declared name's, so that "no resource named `jbos`" reads right.
fn kind_of(lx: &Lower, name: &str) -> Kind {
    let declared = |n: &str| {
        lx.kinds
            .iter()
            .find_map(|(d, k)| (d == n).then_some(*k).flatten())
    };
    declared(name)
        .or_else(|| {
            let names = lx
                .kinds
                .iter()
                .filter(|(_, k)| k.is_some())
                .map(|(n, _)| n.as_str());
            did_you_mean(name, names).and_then(declared)
        })
        .unwrap_or(RawResource::KIND)
}

fn value_rust(g: &Gen, v: &RawValue, at: &Location) -> TokenStream {
    if let Some(e) = g.expr(at) {
        return e;
    }
    match v {
        RawValue::Str(s) => quote!(::infra_core::RawValue::Str(::std::string::String::from(#s))),
        RawValue::Number(n) => {
            let l = Literal::f64_suffixed(*n);
            quote!(::infra_core::RawValue::Number(#l))
        }
        RawValue::Bool(b) => quote!(::infra_core::RawValue::Bool(#b)),
        RawValue::List(items) => {
            let items = items
                .iter()
                .enumerate()
                .map(|(i, x)| value_rust(g, x, &at.nth(i)));
            quote!(::infra_core::RawValue::List(::std::vec![#(#items),*]))
        }
        RawValue::Map(entries) => {
            let e = body_rust(g, entries, at);
            quote!(::infra_core::RawValue::Map(#e))
        }
        RawValue::Ref(r) => {
            let (res, attr) = (&r.resource, &r.attribute);
            let kind = kind_tokens(r.kind);
            quote!(::infra_core::RawValue::Ref(::infra_core::AttrRef {
                resource: ::std::string::String::from(#res),
                kind: #kind,
                attribute: ::std::string::String::from(#attr),
            }))
        }
        RawValue::Var(v) => quote!(::infra_core::RawValue::Var(::std::string::String::from(#v))),
        RawValue::Json(inner) => {
            let inner = value_rust(g, inner, &at.nth(0));
            quote!(::infra_core::RawValue::Json(::std::boxed::Box::new(#inner)))
        }
    }
}

fn body_rust(g: &Gen, entries: &[(String, RawValue)], at: &Location) -> TokenStream {
    let items = entries.iter().map(|(k, v)| {
        let v = value_rust(g, v, &at.key(k));
        quote!((::std::string::String::from(#k), #v))
    });
    quote!(::std::vec![#(#items),*])
}

impl<M: RawMode> ToRust for Raw<M> {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let name = string(&self.name);
        let d = doc(&self.doc);
        let ty = string(&self.tf_type);
        let body = body_rust(g, &self.body, &self.loc());
        quote!(::infra_core::Raw {
            name: #name,
            doc: #d,
            tf_type: #ty,
            body: #body,
            mode: ::core::marker::PhantomData,
        })
    }
}
