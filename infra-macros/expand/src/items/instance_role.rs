//! `instance_role web_role { read?: site | [site, ..], managed_policies?: ["arn", ..] }`,
//! which may carry `#[waive(role_too_broad, "reason")]`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::instance_role::{MANAGED_POLICIES, READS};
use infra_core::resource::WAIVERS;
use infra_core::{InstanceRole, Ref, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, refs, string, waivers, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::Body;

struct InstanceRoleItem(Body);

impl DslKind for InstanceRole {
    const WAIVABLE: bool = true;

    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(InstanceRoleItem(body(c, cx, "instance role")?)))
    }
}

impl Item for InstanceRoleItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.0.fields,
            &["read", "managed_policies"],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.0.others, &f.owner);
        let reads = match f.get("read") {
            Some(v) => lx.names(v, &me.at(READS), "payload"),
            None => Some(Vec::new()),
        };
        let policies = match f.get("managed_policies") {
            Some(v) => lx.string_list(v, &me.at(MANAGED_POLICIES), "policy ARN string"),
            None => Some(Vec::new()),
        };
        let waivers = lx.waivers(&d.attrs, &me.at(WAIVERS));
        if let (Some(reads), Some(managed_policies)) = (reads, policies) {
            lx.out.stack.roles.push(InstanceRole {
                name: d.name(),
                doc: d.doc(),
                reads: reads.into_iter().map(Ref::new).collect(),
                managed_policies,
                waivers,
            });
        }
    }
}

impl ToRust for InstanceRole {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let name = string(&self.name);
        let d = doc(&self.doc);
        let reads = refs(&self.reads);
        let mp = g.slist(&self.loc().at(MANAGED_POLICIES), &self.managed_policies);
        let w = waivers(&self.waivers);
        quote!(::infra_core::InstanceRole {
            name: #name,
            doc: #d,
            reads: #reads,
            managed_policies: #mp,
            waivers: #w,
        })
    }
}
