//! The generated Rust: the typed stack struct and its methods ([`generate`]), or, after
//! errors, the same struct with stub methods ([`stub`], thiserror's `fallback`) so that one
//! mistake does not cascade into "no field `front` on `HelloStack`" elsewhere. Both are
//! driven by the core's registry of kinds (`infra_core::with_kinds!`); each kind's struct
//! literal comes from its item module ([`ToRust`]).

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;

use infra_core::{Kind, Location, Resource, Stack};

use crate::gen::{doc, kind_tokens, type_of, Gen, ToRust};
use crate::items::output;
use crate::lowering::Lowered;
use crate::stack::{tag_at, StackAst, REGION, STACK};

macro_rules! kind_tables {
    ($(($ty:ident, $field:ident)),* $(,)?) => {
        /// The struct literal of every resource, by name.
        fn inits(s: &Stack, g: &Gen) -> HashMap<String, TokenStream> {
            let mut out = HashMap::new();
            $(for x in &s.$field {
                out.insert(x.name().to_string(), x.to_rust(g));
            })*
            out
        }

        /// `<stack field>: vec![<clones of the struct's fields>],` for every kind.
        fn stack_lists(s: &Stack, field_of: &HashMap<String, Ident>) -> TokenStream {
            let mut out = TokenStream::new();
            $(
                let items = s
                    .$field
                    .iter()
                    .filter_map(|x| field_of.get(x.name()))
                    .map(|i| quote!(::core::clone::Clone::clone(&self.#i)));
                let f = format_ident!("{}", stringify!($field));
                out.extend(quote!(#f: ::std::vec![#(#items),*],));
            )*
            out
        }
    };
}

infra_core::with_kinds!(kind_tables);

/// The struct's fields: every declared resource once (first declaration), in order.
fn fields(ast: &StackAst) -> Vec<(Ident, Kind, Vec<String>)> {
    let mut out = Vec::new();
    // The first declaration of a name wins (a duplicate is an error reported elsewhere).
    let mut seen = HashSet::new();
    for d in &ast.declared {
        let Some(kind) = d.kind else { continue };
        let name = d.name.unraw().to_string();
        if name == "outputs" || !seen.insert(name) {
            continue;
        }
        let docs = d.attrs.docs.iter().map(|(s, _)| s.clone()).collect();
        out.push((d.name.clone(), kind, docs));
    }
    out
}

fn struct_decl(ast: &StackAst) -> TokenStream {
    let name = &ast.name;
    let vis = &ast.vis;
    let docs = ast.attrs.docs.iter().map(|(d, _)| quote!(#[doc = #d]));
    let fields = fields(ast).into_iter().map(|(n, kind, docs)| {
        let ty = type_of(kind);
        quote!(#(#[doc = #docs])* pub #n: #ty,)
    });
    quote! {
        #(#docs)*
        #vis struct #name {
            #(#fields)*
            /// The stack's outputs (Terraform `output` blocks).
            pub outputs: ::std::vec::Vec<::infra_core::Output>,
        }
    }
}

/// After errors: the struct with every field that parsed, and methods that are never run
/// (the crate does not compile), so that uses of the stack elsewhere type-check.
pub fn stub(ast: &StackAst) -> TokenStream {
    let name = &ast.name;
    let decl = struct_decl(ast);
    quote! {
        #decl
        #[allow(dead_code, unused_variables, clippy::all)]
        impl #name {
            pub fn new() -> Self { ::core::unreachable!("infra!: the stack has compile errors") }
            pub fn stack(&self) -> ::infra_core::Stack { ::core::unreachable!() }
            pub fn check(&self) -> ::std::vec::Vec<::infra_core::Violation> { ::core::unreachable!() }
            pub fn to_terraform(&self) -> ::core::result::Result<::infra_core::serde_json::Value, ::infra_core::Violations> { ::core::unreachable!() }
            pub fn to_json_string(&self) -> ::core::result::Result<::std::string::String, ::infra_core::Violations> { ::core::unreachable!() }
        }
        impl ::core::default::Default for #name {
            fn default() -> Self { Self::new() }
        }
    }
}

/// The full expansion for a stack that parsed, lowered and passed the checks.
pub fn generate(ast: &StackAst, lw: &Lowered, asserts: TokenStream) -> TokenStream {
    let g = Gen { exprs: &lw.exprs };
    let s = &lw.stack;
    let name = &ast.name;
    let decl = struct_decl(ast);
    let mut inits = inits(s, &g);
    let fields = fields(ast);
    let field_of: HashMap<String, Ident> = fields
        .iter()
        .map(|(i, _, _)| (i.unraw().to_string(), i.clone()))
        .collect();
    let init_fields = fields.iter().map(|(ident, _, _)| {
        let key = ident.unraw().to_string();
        let init = inits
            .remove(key.as_str())
            .unwrap_or_else(|| quote!(::core::unreachable!("infra!: resource without a model")));
        quote!(#ident: #init,)
    });
    let outputs = s
        .outputs
        .iter()
        .map(|o| output::to_rust(o, kind_tokens(o.value.kind)));
    let lists = stack_lists(s, &field_of);
    let stack_name = &s.name;
    let stack_doc = doc(&s.doc);
    let region = g.s(&Location::of(STACK).at(REGION), &s.region);
    let backend = match &s.backend {
        None => quote!(::core::option::Option::None),
        Some(::infra_core::Backend::S3 {
            bucket,
            key,
            region,
        }) => {
            let region = match region {
                Some(r) => quote!(::core::option::Option::Some(::std::string::String::from(#r))),
                None => quote!(::core::option::Option::None),
            };
            quote!(::core::option::Option::Some(::infra_core::Backend::S3 {
                bucket: ::std::string::String::from(#bucket),
                key: ::std::string::String::from(#key),
                region: #region,
            }))
        }
    };
    let tags = s.tags.iter().map(|(k, v)| {
        let v = g.s(&tag_at(k), v);
        quote!((::std::string::String::from(#k), #v))
    });
    quote! {
        #decl

        #asserts

        #[allow(clippy::all)]
        impl #name {
            /// Builds every resource of the stack (run-time expressions are evaluated here).
            pub fn new() -> Self {
                #name {
                    #(#init_fields)*
                    outputs: ::std::vec![#(#outputs),*],
                }
            }

            /// The stack as `infra_core`'s model.
            pub fn stack(&self) -> ::infra_core::Stack {
                ::infra_core::Stack {
                    name: ::std::string::String::from(#stack_name),
                    doc: #stack_doc,
                    region: #region,
                    tags: ::std::collections::BTreeMap::from([#(#tags),*]),
                    backend: #backend,
                    #lists
                    outputs: ::core::clone::Clone::clone(&self.outputs),
                }
            }

            /// Every violation of the stack (the same checks the macro ran at compile
            /// time, now with run-time values).
            pub fn check(&self) -> ::std::vec::Vec<::infra_core::Violation> {
                ::infra_core::check(&self.stack())
            }

            /// Terraform JSON, or every violation.
            pub fn to_terraform(&self) -> ::core::result::Result<::infra_core::serde_json::Value, ::infra_core::Violations> {
                ::infra_core::to_terraform(&self.stack())
            }

            /// `main.tf.json`'s text, or every violation.
            pub fn to_json_string(&self) -> ::core::result::Result<::std::string::String, ::infra_core::Violations> {
                ::infra_core::to_json_string(&self.stack())
            }
        }

        impl ::core::default::Default for #name {
            fn default() -> Self {
                Self::new()
            }
        }
    }
}
