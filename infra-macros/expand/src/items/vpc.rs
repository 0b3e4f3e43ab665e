//! `vpc main { cidr: "10.0.0.0/16", public_subnets: [..], flow_logs?: bool,
//! private_subnets?: [..], s3_endpoint?: bool, nat?: none | shared | per_az }` or
//! `vpc main = default;`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::vpc::{
    Nat, CIDR, FLOW_LOGS, NAT, PRIVATE_SUBNETS, PUBLIC_SUBNETS, S3_ENDPOINT,
};
use infra_core::{Network, Resource, Vpc};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{body, expect_item_end, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::{Body, Value};
use infra_core::Location;

enum VpcItem {
    /// `= default`: the region's default VPC.
    Default,
    Managed(Body),
}

impl DslKind for Vpc {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        if c.eat_punct('=').is_some() {
            c.expect_keyword("default")?;
            expect_item_end(c, "`= default`")?;
            return Ok(Box::new(VpcItem::Default));
        }
        Ok(Box::new(VpcItem::Managed(body(c, cx, "VPC")?)))
    }
}

impl Item for VpcItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let body = match self {
            VpcItem::Default => {
                lx.out.stack.vpcs.push(Vpc {
                    doc: d.doc(),
                    ..Vpc::default_vpc(&d.name())
                });
                return;
            }
            VpcItem::Managed(body) => body,
        };
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &body.fields,
            &[
                "cidr",
                "public_subnets",
                "flow_logs",
                "private_subnets",
                "s3_endpoint",
                "nat",
            ],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&body.others, &f.owner);
        let cidr = f
            .required("cidr", "\"10.0.0.0/16\"", lx.cx)
            .and_then(|v| lx.string(v, &me.at(CIDR), "a CIDR block string"));
        let subnets = f
            .required(
                "public_subnets",
                "[\"10.0.1.0/24\", \"10.0.2.0/24\"]",
                lx.cx,
            )
            .and_then(|v| lx.string_list(v, &me.at(PUBLIC_SUBNETS), "CIDR block string"));
        let flow_logs = match f.get("flow_logs") {
            Some(v) => lx.boolean(v, &me.at(FLOW_LOGS)),
            None => Some(true),
        };
        let private = match f.get("private_subnets") {
            Some(v) => lx.string_list(v, &me.at(PRIVATE_SUBNETS), "CIDR block string"),
            None => Some(Vec::new()),
        };
        let s3 = match f.get("s3_endpoint") {
            Some(v) => lx.boolean(v, &me.at(S3_ENDPOINT)),
            None => Some(false),
        };
        let nat = match f.get("nat") {
            Some(v) => nat(lx, v, &me.at(NAT)),
            None => Some(Nat::None),
        };
        if let (
            Some(cidr),
            Some(public_subnets),
            Some(flow_logs),
            Some(private),
            Some(s3),
            Some(nat),
        ) = (cidr, subnets, flow_logs, private, s3, nat)
        {
            lx.out.stack.vpcs.push(Vpc {
                name: d.name(),
                doc: d.doc(),
                network: Network::Managed {
                    cidr,
                    public_subnets,
                },
                flow_logs,
                private_subnets: private,
                s3_endpoint: s3,
                nat,
            });
        }
    }
}

/// `none`, `shared` or `per_az`.
fn nat(lx: &mut Lower, v: &Value, at: &Location) -> Option<Nat> {
    lx.span(at, v.sp());
    let keywords: Vec<&str> = Nat::ALL.iter().map(|n| n.keyword()).collect();
    match v.as_ident().map(|s| s.text.as_str()) {
        Some(word) => match Nat::from_keyword(word) {
            Some(n) => Some(n),
            None => {
                lx.unknown_word(
                    v.sp(),
                    format!("unknown NAT mode `{word}`: expected `none`, `shared` or `per_az`"),
                    word,
                    &keywords,
                );
                None
            }
        },
        None => {
            lx.expected("a NAT mode (`none`, `shared` or `per_az`)", v);
            None
        }
    }
}

impl ToRust for Vpc {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let (name, d, flow) = (string(&self.name), doc(&self.doc), self.flow_logs);
        let network = match &self.network {
            Network::Default => quote!(::infra_core::Network::Default),
            Network::Managed {
                cidr,
                public_subnets,
            } => {
                let cidr = g.s(&me.at(CIDR), cidr);
                let subnets = g.slist(&me.at(PUBLIC_SUBNETS), public_subnets);
                quote!(::infra_core::Network::Managed { cidr: #cidr, public_subnets: #subnets })
            }
        };
        let private = g.slist(&me.at(PRIVATE_SUBNETS), &self.private_subnets);
        let s3 = self.s3_endpoint;
        let nat = match self.nat {
            Nat::None => quote!(::infra_core::kinds::vpc::Nat::None),
            Nat::Shared => quote!(::infra_core::kinds::vpc::Nat::Shared),
            Nat::PerAz => quote!(::infra_core::kinds::vpc::Nat::PerAz),
        };
        quote!(::infra_core::Vpc {
            name: #name,
            doc: #d,
            network: #network,
            flow_logs: #flow,
            private_subnets: #private,
            s3_endpoint: #s3,
            nat: #nat,
        })
    }
}
