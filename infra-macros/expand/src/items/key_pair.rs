//! `key_pair ops { public_key: var(ssh_public_key) | "ssh-ed25519 AAAA..." }`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::key_pair::PUBLIC_KEY;
use infra_core::{KeyPair, Location, PublicKey, Resource};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Res};
use crate::value::{Body, Value};

struct KeyPairItem(Body);

impl DslKind for KeyPair {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(KeyPairItem(body(c, cx, "key pair")?)))
    }
}

fn public_key(lx: &mut Lower, v: &Value, at: &Location) -> Option<PublicKey> {
    lx.span(at, v.sp());
    match v {
        Value::Call(f, args, _) if f == "var" => {
            let [arg] = args.as_slice() else {
                lx.err(v.sp(), "expected `var(<variable>)` with one variable name");
                return None;
            };
            let n = lx.name(arg, at, "variable")?;
            Some(PublicKey::Variable(n))
        }
        Value::Str(..) | Value::Expr(_) => lx.string(v, at, "a public key").map(PublicKey::Literal),
        _ => {
            lx.expected(
                "`var(<public_key variable>)` or an OpenSSH public key string",
                v,
            );
            None
        }
    }
}

impl Item for KeyPairItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let f = Fields::new(
            d.owner(),
            &self.0.fields,
            &["public_key"],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.0.others, &f.owner);
        let at = d.loc().at(PUBLIC_KEY);
        let key = f
            .required("public_key", "var(ssh_key)", lx.cx)
            .and_then(|v| public_key(lx, v, &at));
        if let Some(public_key) = key {
            lx.out.stack.key_pairs.push(KeyPair {
                name: d.name(),
                doc: d.doc(),
                public_key,
            });
        }
    }
}

impl ToRust for KeyPair {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let name = string(&self.name);
        let d = doc(&self.doc);
        let key = match &self.public_key {
            PublicKey::Variable(v) => {
                quote!(::infra_core::PublicKey::Variable(::std::string::String::from(#v)))
            }
            PublicKey::Literal(k) => {
                let k = g.s(&self.loc().at(PUBLIC_KEY), k);
                quote!(::infra_core::PublicKey::Literal(#k))
            }
        };
        quote!(::infra_core::KeyPair {
            name: #name,
            doc: #d,
            public_key: #key,
        })
    }
}
