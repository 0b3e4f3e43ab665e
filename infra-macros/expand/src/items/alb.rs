//! `alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app,
//! aws_name?: "..", access_logs?: bool, internal? }`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::alb::{
    ACCESS_LOGS, FORWARD, INTERNAL, LISTENERS, PORT, SECURITY_GROUPS, SUBNETS,
};
use infra_core::kinds::values::AWS_NAME_FIELD;
use infra_core::{Alb, Listener, Location, Ref, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, r, refs, string, Gen, ToRust};
use crate::items::{body, in_vpc, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{parse_value, Body, Value};

struct AlbItem {
    vpc: Value,
    body: Body,
}

impl DslKind for Alb {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        let vpc = in_vpc(c, cx)?;
        let body = body(c, cx, "alb")?;
        Ok(Box::new(AlbItem { vpc, body }))
    }
}

impl Item for AlbItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.body.fields,
            &["security_groups", "aws_name", "access_logs"],
            d.name_at(),
            lx.cx,
        );
        let subnets = lx.subnets(&self.vpc, &me.at(SUBNETS));
        let sgs = f
            .required("security_groups", "[alb_sg]", lx.cx)
            .and_then(|v| lx.names(v, &me.at(SECURITY_GROUPS), "security group"));
        let aws_name = match f.get("aws_name") {
            Some(v) => lx
                .string(v, &me.at(AWS_NAME_FIELD), "a name string")
                .map(Some),
            None => Some(None),
        };
        let access_logs = match f.get("access_logs") {
            Some(v) => lx.boolean(v, &me.at(ACCESS_LOGS)),
            None => Some(true),
        };
        let mut listeners = Vec::new();
        let mut internet_facing = true;
        let mut ok = true;
        for o in &self.body.others {
            let mut c = o.cursor.clone();
            if c.peek_ident_is("internal") {
                let i = c.next_ident();
                if let Err(e) = c.expect_end("`internal`") {
                    lx.cx.push(e);
                    ok = false;
                }
                if let Some(i) = i {
                    lx.span(&me.at(INTERNAL), Extent::one(i.span()));
                }
                internet_facing = false;
            } else if c.peek_ident_is("listener") {
                let kw = c.next_ident();
                let at = me.at(LISTENERS).nth(listeners.len());
                match listener(lx, &mut c, &at) {
                    Some(l) => {
                        if let Some(kw) = kw {
                            let end = lx
                                .out
                                .spans
                                .get(&at.at(FORWARD))
                                .copied()
                                .unwrap_or(Extent::one(kw.span()));
                            lx.span(&at, Extent::one(kw.span()).to(end));
                        }
                        listeners.push(l)
                    }
                    None => ok = false,
                }
            } else {
                lx.other_error(
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
        lx.out.stack.albs.push(Alb {
            name: d.name(),
            doc: d.doc(),
            subnets: Ref::new(subnets),
            internet_facing,
            security_groups: sgs.into_iter().map(Ref::new).collect(),
            listeners,
            access_logs,
            aws_name,
        });
    }
}

/// `listener <port> => <target_group>`, after the keyword, lowered at `at`.
fn listener(lx: &mut Lower, c: &mut Cursor, at: &Location) -> Option<Listener> {
    let port_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    let port = lx.port(&port_v, &at.at(PORT));
    if !c.peek_fat_arrow() {
        lx.cx
            .push(c.err_expected("`=> <target_group>` after the listener port"));
        return None;
    }
    c.next_tt();
    c.next_tt();
    let tg_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    let tg = lx.name(&tg_v, &at.at(FORWARD), "target group");
    if let Err(e) = c.expect_end("the listener") {
        lx.cx.push(e);
        return None;
    }
    Some(Listener {
        port: port?,
        forward: Ref::new(tg?),
    })
}

impl ToRust for Alb {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let subnets = r(&self.subnets);
        let facing = self.internet_facing;
        let sgs = refs(&self.security_groups);
        let listeners = self.listeners.iter().enumerate().map(|(i, l)| {
            let port = g.n(&self.listener_at(i).at(PORT), l.port);
            let fwd = r(&l.forward);
            quote!(::infra_core::Listener { port: #port, forward: #fwd })
        });
        let logs = self.access_logs;
        let aws = g.os(&me.at(AWS_NAME_FIELD), &self.aws_name);
        quote!(::infra_core::Alb {
            name: #name,
            doc: #d,
            subnets: #subnets,
            internet_facing: #facing,
            security_groups: #sgs,
            listeners: ::std::vec![#(#listeners),*],
            access_logs: #logs,
            aws_name: #aws,
        })
    }
}
