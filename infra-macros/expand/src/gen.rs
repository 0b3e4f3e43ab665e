//! Model -> Rust, the shared part: the value helpers every item's code generation uses
//! (a run-time expression where the model holds a placeholder), and [`ToRust`], which each
//! item module implements for its kind.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use infra_core::{Kind, Knob, Location, Ref, Resource, Waiver};

macro_rules! kind_types {
    ($(($ty:ident, $field:ident)),* $(,)?) => {
        /// The Rust type of a kind's resources.
        pub fn type_of(kind: Kind) -> TokenStream {
            $(if kind == <infra_core::$ty as Resource>::KIND {
                return quote!(::infra_core::$ty);
            })*
            unreachable!("every kind is in the registry")
        }
    };
}

infra_core::with_kinds!(kind_types);

/// `<Type as Resource>::KIND`: a kind in generated code.
pub fn kind_tokens(kind: Kind) -> TokenStream {
    let ty = type_of(kind);
    quote!(<#ty as ::infra_core::Resource>::KIND)
}

/// Rebuilds one resource of the model as a Rust struct literal.
pub trait ToRust {
    fn to_rust(&self, g: &Gen) -> TokenStream;
}

/// The run-time expressions recorded by the lowering, by location.
pub struct Gen<'a> {
    pub exprs: &'a HashMap<Location, TokenStream>,
}

impl Gen<'_> {
    pub fn expr(&self, at: &Location) -> Option<TokenStream> {
        self.exprs.get(at).cloned()
    }
    /// A `String`.
    pub fn s(&self, at: &Location, v: &str) -> TokenStream {
        self.expr(at)
            .unwrap_or_else(|| quote!(::std::string::String::from(#v)))
    }
    /// An `Option<String>`.
    pub fn os(&self, at: &Location, v: &Option<String>) -> TokenStream {
        match (self.expr(at), v) {
            (Some(e), _) => quote!(::core::option::Option::Some(#e)),
            (None, Some(v)) => {
                quote!(::core::option::Option::Some(::std::string::String::from(#v)))
            }
            (None, None) => quote!(::core::option::Option::None),
        }
    }
    /// A `u32`.
    pub fn n(&self, at: &Location, v: u32) -> TokenStream {
        self.expr(at).unwrap_or_else(|| {
            let l = Literal::u32_suffixed(v);
            quote!(#l)
        })
    }
    /// An `f64`.
    pub fn f(&self, at: &Location, v: f64) -> TokenStream {
        self.expr(at).unwrap_or_else(|| {
            let l = Literal::f64_suffixed(v);
            quote!(#l)
        })
    }
    /// A `Knob<T>`: the variable's name, or the literal as `literal` writes it.
    pub fn knob<T>(&self, k: &Knob<T>, literal: impl FnOnce(&T) -> TokenStream) -> TokenStream {
        match k {
            Knob::Literal(v) => {
                let v = literal(v);
                quote!(::infra_core::Knob::Literal(#v))
            }
            Knob::Variable(n) => {
                quote!(::infra_core::Knob::Variable(::std::string::String::from(#n)))
            }
        }
    }
    /// A `Vec<String>`, item by item.
    pub fn slist(&self, at: &Location, v: &[String]) -> TokenStream {
        if let Some(e) = self.expr(at) {
            return e;
        }
        let items = v.iter().enumerate().map(|(i, s)| self.s(&at.nth(i), s));
        quote!(::std::vec![#(#items),*])
    }
}

/// A doc comment as `Option<String>`.
pub fn doc(d: &Option<String>) -> TokenStream {
    match d {
        Some(d) => quote!(::core::option::Option::Some(::std::string::String::from(#d))),
        None => quote!(::core::option::Option::None),
    }
}

/// `String::from(name)`.
pub fn string(s: &str) -> TokenStream {
    quote!(::std::string::String::from(#s))
}

pub fn r<T>(x: &Ref<T>) -> TokenStream {
    let name = x.name();
    quote!(::infra_core::Ref::new(#name))
}

pub fn refs<T>(v: &[Ref<T>]) -> TokenStream {
    let items = v.iter().map(r);
    quote!(::std::vec![#(#items),*])
}

pub fn opt_ref<T>(v: &Option<Ref<T>>) -> TokenStream {
    match v {
        Some(x) => {
            let x = r(x);
            quote!(::core::option::Option::Some(#x))
        }
        None => quote!(::core::option::Option::None),
    }
}

pub fn waivers(v: &[Waiver]) -> TokenStream {
    let items = v.iter().map(|w| {
        let (rule, reason) = (&w.rule, &w.reason);
        quote!(::infra_core::Waiver {
            rule: ::std::string::String::from(#rule),
            reason: ::std::string::String::from(#reason),
        })
    });
    quote!(::std::vec![#(#items),*])
}
