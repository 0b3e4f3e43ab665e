//! `instance_role web_role { read?: site | [site, ..], managed_policies?: ["arn", ..],
//! allow?: [{ actions: ["sqs:SendMessage", ..], on: jobs | [jobs, ..] }, ..] }`, which may
//! carry `#[waive(role_too_broad, "reason")]`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::instance_role::{ACTIONS, GRANTS, MANAGED_POLICIES, ON, READS};
use infra_core::resource::WAIVERS;
use infra_core::{Grant, InstanceRole, Location, Ref, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, refs, string, waivers, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::{Body, Value};

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
            &["read", "managed_policies", "allow"],
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
        let grants = match f.get("allow") {
            Some(v) => grants(lx, v, &me.at(GRANTS), &f.owner),
            None => Some(Vec::new()),
        };
        let waivers = lx.waivers(&d.attrs, &me.at(WAIVERS));
        if let (Some(reads), Some(managed_policies), Some(grants)) = (reads, policies, grants) {
            lx.out.stack.roles.push(InstanceRole {
                name: d.name(),
                doc: d.doc(),
                reads: reads.into_iter().map(Ref::new).collect(),
                managed_policies,
                grants,
                waivers,
            });
        }
    }
}

/// `[{ actions: [..], on: jobs }, ..]` (one `{ .. }` alone is fine too).
fn grants(lx: &mut Lower, v: &Value, at: &Location, owner: &str) -> Option<Vec<Grant>> {
    lx.span(at, v.sp());
    let items = match v {
        Value::List(items, _) => items.clone(),
        Value::Map(..) => vec![v.clone()],
        _ => {
            lx.expected(
                "grants `[{ actions: [\"sqs:SendMessage\"], on: <resource> }, ..]`",
                v,
            );
            return None;
        }
    };
    lx.each(&items, at, owner, |lx, item, at, owner| {
        lx.span(at, item.sp());
        let Value::Map(fields, _) = item else {
            lx.expected("a grant `{ actions: [..], on: <resource> }`", item);
            return None;
        };
        let f = Fields::new(
            format!("a grant of {owner}"),
            fields,
            &["actions", "on"],
            item.sp(),
            lx.cx,
        );
        let actions = f
            .required("actions", "[\"sqs:SendMessage\"]", lx.cx)
            .and_then(|v| lx.string_list(v, &at.at(ACTIONS), "IAM action string"));
        let on = f
            .required("on", "jobs", lx.cx)
            .and_then(|v| lx.names(v, &at.at(ON), "resource"));
        let (actions, on) = (actions?, on?);
        for (i, a) in actions.iter().enumerate() {
            let ok = a.split_once(':').is_some_and(|(svc, act)| {
                !svc.is_empty()
                    && !act.is_empty()
                    && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
            if !ok && !lx.is_unknown(&at.at(ACTIONS).nth(i)) {
                let sp = lx.out.extent_of(&at.at(ACTIONS).nth(i));
                lx.err(
                    sp,
                    format!("`{a}` is not an IAM action: expected `<service>:<Action>`, e.g. `sqs:SendMessage`"),
                );
                return None;
            }
        }
        Some(Grant {
            actions,
            on: on.into_iter().map(Ref::new).collect(),
        })
    })
}

impl ToRust for InstanceRole {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let name = string(&self.name);
        let d = doc(&self.doc);
        let reads = refs(&self.reads);
        let mp = g.slist(&self.loc().at(MANAGED_POLICIES), &self.managed_policies);
        let w = waivers(&self.waivers);
        let grants = self.grants.iter().enumerate().map(|(i, gr)| {
            let actions = g.slist(&self.loc().at(GRANTS).nth(i).at(ACTIONS), &gr.actions);
            let on = refs(&gr.on);
            quote!(::infra_core::Grant { actions: #actions, on: #on })
        });
        quote!(::infra_core::InstanceRole {
            name: #name,
            doc: #d,
            reads: #reads,
            managed_policies: #mp,
            grants: ::std::vec![#(#grants),*],
            waivers: #w,
        })
    }
}
