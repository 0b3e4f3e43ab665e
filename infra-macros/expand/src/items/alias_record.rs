//! `alias_record site { domain: var(domain_name), zone: var(zone_name), to: front }`: a
//! Route 53 alias record pointing the domain at a load balancer.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::alias_record::{DOMAIN, TO, ZONE};
use infra_core::{AliasRecord, Ref, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, r, string, Gen, ToRust};
use crate::items::certificate::{text, text_rust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::Body;

struct AliasItem(Body);

impl DslKind for AliasRecord {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(AliasItem(body(c, cx, "alias record")?)))
    }
}

impl Item for AliasItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.0.fields,
            &["domain", "zone", "to"],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.0.others, &f.owner);
        let domain = f
            .required("domain", "var(domain_name)", lx.cx)
            .and_then(|v| text(lx, v, &me.at(DOMAIN)));
        let zone = f
            .required("zone", "var(zone_name)", lx.cx)
            .and_then(|v| text(lx, v, &me.at(ZONE)));
        let to = f
            .required("to", "front", lx.cx)
            .and_then(|v| lx.name(v, &me.at(TO), "load balancer"));
        if let (Some(domain), Some(zone), Some(to)) = (domain, zone, to) {
            lx.out.stack.alias_records.push(AliasRecord {
                name: d.name(),
                doc: d.doc(),
                domain,
                zone,
                to: Ref::new(to),
            });
        }
    }
}

impl ToRust for AliasRecord {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let domain = text_rust(g, &me.at(DOMAIN), &self.domain);
        let zone = text_rust(g, &me.at(ZONE), &self.zone);
        let to = r(&self.to);
        quote!(::infra_core::AliasRecord {
            name: #name,
            doc: #d,
            domain: #domain,
            zone: #zone,
            to: #to,
        })
    }
}
