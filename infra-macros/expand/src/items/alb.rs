//! `alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app,
//! listener 443 https(site_cert) => app, listener 80 => redirect(443),
//! aws_name?: "..", access_logs?: bool, tls_policy?: "..", internal? }`, which may carry
//! `#[waive(tls-policy-obsolete, "reason")]`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::alb::{
    ACCESS_LOGS, CERTIFICATE, FORWARD, INTERNAL, LISTENERS, PORT, PROTOCOL, REDIRECT,
    SECURITY_GROUPS, SUBNETS, TLS_POLICY,
};
use infra_core::kinds::values::AWS_NAME_FIELD;
use infra_core::resource::WAIVERS;
use infra_core::{Action, Alb, Listener, ListenerProtocol, Location, Ref, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, opt_ref, r, refs, string, waivers, Gen, ToRust};
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
    const WAIVABLE: bool = true;
}

impl Item for AlbItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.body.fields,
            &["security_groups", "aws_name", "access_logs", "tls_policy"],
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
        let tls_policy = match f.get("tls_policy") {
            Some(v) => lx.string(v, &me.at(TLS_POLICY), "a TLS policy name string"),
            None => Some(infra_core::kinds::alb::DEFAULT_TLS_POLICY.to_string()),
        };
        let waivers = lx.waivers(&d.attrs, &me.at(WAIVERS));
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
                            let end = [at.at(FORWARD), at.at(REDIRECT)]
                                .iter()
                                .find_map(|l| lx.out.spans.get(l).copied())
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
        let (Some(subnets), Some(sgs), Some(aws_name), Some(access_logs), Some(tls_policy), true) =
            (subnets, sgs, aws_name, access_logs, tls_policy, ok)
        else {
            return;
        };
        lx.out.stack.albs.push(Alb {
            name: d.name(),
            doc: d.doc(),
            subnets: Ref::new(subnets.0),
            private_subnets: subnets.1,
            tls_policy,
            waivers,
            internet_facing,
            security_groups: sgs.into_iter().map(Ref::new).collect(),
            listeners,
            access_logs,
            aws_name,
        });
    }
}

/// `listener <port> [https(<certificate>)] => <target_group> | redirect(<port>)`, after
/// the keyword, lowered at `at`.
fn listener(lx: &mut Lower, c: &mut Cursor, at: &Location) -> Option<Listener> {
    let port_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    let port = lx.port(&port_v, &at.at(PORT));
    let mut protocol = Some((ListenerProtocol::Http, None));
    if !c.peek_fat_arrow() && !c.is_empty() {
        let p = match parse_value(c, lx.cx) {
            Ok(v) => v,
            Err(e) => {
                lx.cx.push(e);
                return None;
            }
        };
        protocol = listener_protocol(lx, &p, at);
    }
    if !c.peek_fat_arrow() {
        lx.cx.push(
            c.err_expected("`=> <target_group>` or `=> redirect(<port>)` after the listener port"),
        );
        return None;
    }
    c.next_tt();
    c.next_tt();
    let action_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    let action = match &action_v {
        Value::Call(f, args, sp) if f == "redirect" => match args.as_slice() {
            [p] => lx.port(p, &at.at(REDIRECT)).map(Action::Redirect),
            _ => {
                lx.err(*sp, "expected `redirect(<port>)` with one port");
                None
            }
        },
        _ => lx
            .name(&action_v, &at.at(FORWARD), "target group")
            .map(|n| Action::Forward(Ref::new(n))),
    };
    if let Err(e) = c.expect_end("the listener") {
        lx.cx.push(e);
        return None;
    }
    let (protocol, certificate) = protocol?;
    Some(Listener {
        port: port?,
        protocol,
        certificate,
        action: action?,
    })
}

/// `http`, `https` (no certificate: a check reports it) or `https(<certificate>)`.
#[allow(clippy::type_complexity)]
fn listener_protocol(
    lx: &mut Lower,
    v: &Value,
    at: &Location,
) -> Option<(ListenerProtocol, Option<Ref<infra_core::Certificate>>)> {
    lx.span(&at.at(PROTOCOL), v.sp());
    match v {
        Value::Call(f, args, sp) if f == "https" => match args.as_slice() {
            [cert] => lx
                .name(cert, &at.at(CERTIFICATE), "certificate")
                .map(|n| (ListenerProtocol::Https, Some(Ref::new(n)))),
            _ => {
                lx.err(*sp, "expected `https(<certificate>)` with one certificate");
                None
            }
        },
        _ => match v.as_ident().map(|s| s.text.as_str()) {
            Some("https") => {
                if let Value::Path(segs) = v {
                    lx.span(&at.at(PROTOCOL), segs[0].sp);
                }
                Some((ListenerProtocol::Https, None))
            }
            Some("http") => Some((ListenerProtocol::Http, None)),
            _ => {
                lx.expected("`http`, `https(<certificate>)` or `=> <target_group>`", v);
                None
            }
        },
    }
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
            let protocol = match l.protocol {
                ListenerProtocol::Http => quote!(::infra_core::ListenerProtocol::Http),
                ListenerProtocol::Https => quote!(::infra_core::ListenerProtocol::Https),
            };
            let cert = opt_ref(&l.certificate);
            let action = match &l.action {
                Action::Forward(tg) => {
                    let tg = r(tg);
                    quote!(::infra_core::Action::Forward(#tg))
                }
                Action::Redirect(to) => {
                    let to = g.n(&self.listener_at(i).at(REDIRECT), *to);
                    quote!(::infra_core::Action::Redirect(#to))
                }
            };
            quote!(::infra_core::Listener {
                port: #port,
                protocol: #protocol,
                certificate: #cert,
                action: #action,
            })
        });
        let private = self.private_subnets;
        let policy = g.s(&me.at(TLS_POLICY), &self.tls_policy);
        let w = waivers(&self.waivers);
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
            private_subnets: #private,
            tls_policy: #policy,
            waivers: #w,
        })
    }
}
