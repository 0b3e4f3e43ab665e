//! `vpc main { cidr: "10.0.0.0/16", public_subnets: [..], flow_logs?: bool }` or
//! `vpc main = default;`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::vpc::{CIDR, FLOW_LOGS, PUBLIC_SUBNETS};
use infra_core::{Network, Resource, Vpc};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{body, expect_item_end, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::Body;

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
            &["cidr", "public_subnets", "flow_logs"],
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
        if let (Some(cidr), Some(public_subnets), Some(flow_logs)) = (cidr, subnets, flow_logs) {
            lx.out.stack.vpcs.push(Vpc {
                name: d.name(),
                doc: d.doc(),
                network: Network::Managed {
                    cidr,
                    public_subnets,
                },
                flow_logs,
            });
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
        quote!(::infra_core::Vpc {
            name: #name,
            doc: #d,
            network: #network,
            flow_logs: #flow,
        })
    }
}
