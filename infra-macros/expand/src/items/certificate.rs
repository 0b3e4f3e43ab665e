//! `certificate site_cert { domain: var(domain_name), zone: var(zone_name) }` (a new ACM
//! certificate, DNS-validated in the hosted zone) or `certificate site_cert =
//! var(certificate_arn);` (an existing one).

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::certificate::{CertificateSource, ARN, DOMAIN, ZONE};
use infra_core::{Certificate, Location, Resource, Text};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{body, expect_item_end, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::{parse_value, Body, Value};

enum CertificateItem {
    /// `= var(<arn variable>)`.
    Existing(Value),
    Managed(Body),
}

impl DslKind for Certificate {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        if c.eat_punct('=').is_some() {
            let v = parse_value(c, cx)?;
            expect_item_end(c, "`= var(<certificate ARN variable>)`")?;
            return Ok(Box::new(CertificateItem::Existing(v)));
        }
        Ok(Box::new(CertificateItem::Managed(body(
            c,
            cx,
            "certificate",
        )?)))
    }
}

/// `var(<variable>)`: the variable's name.
pub fn variable(lx: &mut Lower, v: &Value, at: &Location, what: &str) -> Option<String> {
    lx.span(at, v.sp());
    match v {
        Value::Call(f, args, _) if f == "var" => {
            let [arg] = args.as_slice() else {
                lx.err(v.sp(), "expected `var(<variable>)` with one variable name");
                return None;
            };
            lx.name(arg, at, "variable")
        }
        _ => {
            lx.expected(what, v);
            None
        }
    }
}

/// A string, or `var(<string variable>)`.
pub fn text(lx: &mut Lower, v: &Value, at: &Location) -> Option<Text> {
    match v {
        Value::Call(f, _, _) if f == "var" => {
            variable(lx, v, at, "`var(<variable>)`").map(Text::Variable)
        }
        Value::Str(..) => lx.string(v, at, "a name string").map(Text::Literal),
        _ => {
            lx.span(at, v.sp());
            lx.expected("a name string or `var(<string variable>)`", v);
            None
        }
    }
}

pub fn text_rust(g: &Gen, at: &Location, t: &Text) -> TokenStream {
    match t {
        Text::Variable(v) => {
            quote!(::infra_core::Text::Variable(::std::string::String::from(#v)))
        }
        Text::Literal(s) => {
            let s = g.s(at, s);
            quote!(::infra_core::Text::Literal(#s))
        }
    }
}

impl Item for CertificateItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let source = match self {
            CertificateItem::Existing(v) => {
                variable(lx, v, &me.at(ARN), "`var(<certificate ARN variable>)`")
                    .map(CertificateSource::Existing)
            }
            CertificateItem::Managed(b) => {
                let f = Fields::new(
                    d.owner(),
                    &b.fields,
                    &["domain", "zone"],
                    d.name_at(),
                    lx.cx,
                );
                lx.no_others(&b.others, &f.owner);
                let domain = f
                    .required("domain", "var(domain_name)", lx.cx)
                    .and_then(|v| text(lx, v, &me.at(DOMAIN)));
                let zone = f
                    .required("zone", "var(zone_name)", lx.cx)
                    .and_then(|v| text(lx, v, &me.at(ZONE)));
                match (domain, zone) {
                    (Some(domain), Some(zone)) => Some(CertificateSource::Managed { domain, zone }),
                    _ => None,
                }
            }
        };
        if let Some(source) = source {
            lx.out.stack.certificates.push(Certificate {
                name: d.name(),
                doc: d.doc(),
                source,
            });
        }
    }
}

impl ToRust for Certificate {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let source = match &self.source {
            CertificateSource::Existing(v) => quote!(
                ::infra_core::CertificateSource::Existing(::std::string::String::from(#v))
            ),
            CertificateSource::Managed { domain, zone } => {
                let domain = text_rust(g, &me.at(DOMAIN), domain);
                let zone = text_rust(g, &me.at(ZONE), zone);
                quote!(::infra_core::CertificateSource::Managed { domain: #domain, zone: #zone })
            }
        };
        quote!(::infra_core::Certificate {
            name: #name,
            doc: #d,
            source: #source,
        })
    }
}
