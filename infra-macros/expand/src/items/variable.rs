//! `variable admin_cidr: cidr;`, `variable desired: number = 2;`

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use infra_core::kinds::variable::DEFAULT;
use infra_core::{Resource, VarType, Variable};

use crate::cursor::Cursor;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{expect_item_end, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{parse_value, Value};

struct VariableItem {
    ty: Ident,
    default: Option<Value>,
}

impl DslKind for Variable {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        c.expect_punct(':')?;
        let ty = c.expect_ident(
            "the variable's type (`cidr`, `public_key`, `string`, `number` or `ami_id`)",
        )?;
        let default = if c.eat_punct('=').is_some() {
            Some(parse_value(c, cx)?)
        } else {
            None
        };
        expect_item_end(c, "the variable")?;
        Ok(Box::new(VariableItem { ty, default }))
    }
}

impl Item for VariableItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let word = self.ty.to_string();
        let Some(ty) = VarType::from_keyword(&word) else {
            let kws: Vec<&str> = VarType::ALL.iter().map(|t| t.keyword()).collect();
            lx.unknown_word(
                Extent::one(self.ty.span()),
                format!("unknown variable type `{word}`: expected `cidr`, `public_key`, `string`, `number` or `ami_id`"),
                &word,
                &kws,
            );
            return;
        };
        let at = d.loc().at(DEFAULT);
        let default = match &self.default {
            None => None,
            Some(v) => {
                lx.span(&at, v.sp());
                match (v, ty) {
                    (Value::Int { value, neg, .. }, VarType::Number) => {
                        Some(format!("{}{value}", if *neg { "-" } else { "" }))
                    }
                    (Value::Float(f, _), VarType::Number) => Some(f.to_string()),
                    _ => lx.string(v, &at, "a string default"),
                }
            }
        };
        lx.out.stack.variables.push(Variable {
            name: d.name(),
            doc: d.doc(),
            ty,
            default,
        });
    }
}

impl ToRust for Variable {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let name = string(&self.name);
        let d = doc(&self.doc);
        let ty = match self.ty {
            VarType::Cidr => quote!(::infra_core::VarType::Cidr),
            VarType::PublicKey => quote!(::infra_core::VarType::PublicKey),
            VarType::String => quote!(::infra_core::VarType::String),
            VarType::Number => quote!(::infra_core::VarType::Number),
            VarType::AmiId => quote!(::infra_core::VarType::AmiId),
        };
        let default = g.os(&self.loc().at(DEFAULT), &self.default);
        quote!(::infra_core::Variable {
            name: #name,
            doc: #d,
            ty: #ty,
            default: #default,
        })
    }
}
