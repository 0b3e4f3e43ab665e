//! `output alb_dns = front.dns_name;`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::output::VALUE;
use infra_core::resource::ATTRIBUTE;
use infra_core::suggest::did_you_mean;
use infra_core::{Alb, AttrRef, Kind, Location, Output, Resource, Stack};

use crate::cursor::Cursor;
use crate::gen::{doc, string};
use crate::items::{expect_item_end, Decl, Item, ItemDef};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::{parse_value, Value};

pub const DEF: ItemDef = ItemDef {
    keyword: "output",
    kind: None,
    parse,
    waivable: false,
    typed: false,
};

struct OutputItem {
    value: Value,
}

fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
    c.expect_punct('=')?;
    let value = parse_value(c, cx)?;
    expect_item_end(c, "the output")?;
    Ok(Box::new(OutputItem { value }))
}

impl Item for OutputItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let name = d.name();
        let me = Location::of(&name);
        lx.span(&me, d.name_at());
        lx.span(&me.at(VALUE), self.value.sp());
        let Value::Path(segs) = &self.value else {
            lx.expected(
                "`<resource>.<attribute>`, e.g. `front.dns_name`",
                &self.value,
            );
            return;
        };
        let [res, attr] = segs.as_slice() else {
            lx.expected(
                "`<resource>.<attribute>`, e.g. `front.dns_name`",
                &self.value,
            );
            return;
        };
        lx.span(&me.at(VALUE).at(ATTRIBUTE), attr.sp);
        // The kind of the named resource; for an unknown name, the kind of the closest
        // declared name that has this attribute, else the first kind that has it, so that
        // the check's "no load balancer named `frnt`" reads right.
        let has = |k: &Kind| k.attributes().any(|a| a == attr.text);
        let declared = lx
            .kinds
            .iter()
            .find_map(|(n, k)| (*n == res.text).then_some(*k).flatten());
        let kind = declared.unwrap_or_else(|| {
            let candidates: Vec<(&str, Kind)> = lx
                .kinds
                .iter()
                .filter_map(|(n, k)| k.filter(has).map(|k| (n.as_str(), k)))
                .collect();
            did_you_mean(&res.text, candidates.iter().map(|(n, _)| *n))
                .and_then(|n| candidates.iter().find(|(c, _)| *c == n).map(|(_, k)| *k))
                .or_else(|| Stack::kinds().into_iter().find(has))
                .unwrap_or(Alb::KIND)
        });
        lx.out.stack.outputs.push(Output {
            name,
            doc: d.doc(),
            value: AttrRef {
                resource: res.text.clone(),
                kind,
                attribute: attr.text.clone(),
            },
        });
    }
}

/// An output as a Rust struct literal; `kind` is the tokens naming its kind.
pub fn to_rust(o: &Output, kind: TokenStream) -> TokenStream {
    let name = string(&o.name);
    let d = doc(&o.doc);
    let (res, attr) = (&o.value.resource, &o.value.attribute);
    quote!(::infra_core::Output {
        name: #name,
        doc: #d,
        value: ::infra_core::AttrRef {
            resource: ::std::string::String::from(#res),
            kind: #kind,
            attribute: ::std::string::String::from(#attr),
        },
    })
}
