//! infra-expand: the logic behind the `infra!` macro, as a plain library.
//!
//! ```text
//! tokens --stack::parse (items/*)--> StackAst --stack::lower (items/*)--> infra_core::Stack
//!        + span table --infra_core::check--> violations --> compile_error! at each token
//!                                                             (+ codegen::stub)
//!                                              clean      --> codegen::generate: struct + impl
//!                                                             + consts (const assertions)
//! ```
//!
//! Layout: one module per DSL item in `items/` (its grammar, lowering and code generation
//! together), on a small shared layer: [`place`] (token extents and the one diagnostics
//! sink), [`cursor`] (token cursor and attributes), [`value`] (values and bodies),
//! [`fields`] (field schemas), [`lowering`] (the lowering context and typed extractors),
//! [`gen`] (code generation helpers), [`codegen`] (the struct, and the stub emitted after
//! errors), [`stack`] (the stack header and the item loop).
//!
//! Two entry points: [`expand`] (what the proc macro calls; never panics) and [`lower`]
//! (the model or every error, for tests and benchmarks). The grammar is in
//! infra-macros/README.md.
//!
//! Values the macro cannot see (`{ expr }`, a payload spec module's consts, and anything
//! derived from them) are placeholders at compile time; a violation involving one is left
//! to `to_terraform()`, which runs the same checks on the real values, or, where the value
//! is a const, to a const assertion rustc evaluates ([`consts`]).

mod codegen;
mod consts;
mod cursor;
mod fields;
mod gen;
mod items;
mod lowering;
mod place;
mod stack;
mod value;

#[doc(hidden)]
pub mod source;

use proc_macro2::TokenStream;

use crate::lowering::Lowered;
use crate::place::{to_syn, Diag, Errors, Extent};
use crate::stack::StackAst;

pub use infra_core::kinds::launch_template::instance_type_problem;

/// The keywords that declare a named item (`vpc`, `security_group`, ..., `output`), from the
/// item registry: for tests and benchmarks that generate or mutate DSL text.
#[doc(hidden)]
pub fn item_keywords() -> Vec<&'static str> {
    items::items().iter().map(|d| d.keyword).collect()
}

/// What one run of the pipeline produced.
struct Analysis {
    ast: Option<StackAst>,
    lowered: Option<Lowered>,
    errors: Vec<Diag>,
    /// Const assertions for the violations left to rustc.
    asserts: TokenStream,
}

fn analyze(input: TokenStream) -> Analysis {
    let mut cx = Errors::new();
    let Some(ast) = stack::parse(input, &mut cx) else {
        return Analysis {
            ast: None,
            lowered: None,
            errors: cx.finish(),
            asserts: TokenStream::new(),
        };
    };
    let lowered = stack::lower(&ast, &mut cx);
    if !cx.is_empty() {
        // Syntax and schema errors first; checks on a partial model would only cascade.
        return Analysis {
            ast: Some(ast),
            lowered: None,
            errors: cx.finish(),
            asserts: TokenStream::new(),
        };
    }
    let (deferred, now): (Vec<_>, Vec<_>) = infra_core::check(&lowered.stack)
        .into_iter()
        .partition(|v| lowered.involves_unknown(v));
    cx.extend(now.into_iter().map(|v| v.map(|l| lowered.place(l))));
    let asserts = consts::assertions(&lowered, &deferred);
    Analysis {
        ast: Some(ast),
        lowered: Some(lowered),
        errors: cx.finish(),
        asserts,
    }
}

fn expand_inner(input: TokenStream) -> TokenStream {
    let a = analyze(input);
    let mut out = TokenStream::new();
    let clean = a.errors.is_empty();
    if let Some(e) = to_syn(a.errors) {
        out.extend(e.to_compile_error());
    }
    match (a.ast, a.lowered) {
        (Some(ast), Some(lw)) if clean => out.extend(codegen::generate(&ast, &lw, a.asserts)),
        (Some(ast), _) => out.extend(codegen::stub(&ast)),
        (None, _) => {}
    }
    out
}

/// The `infra!` macro: the typed stack, or every error as a `compile_error!` at its token
/// plus stub items so that the errors do not cascade. Never panics.
pub fn expand(input: TokenStream) -> TokenStream {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand_inner(input))) {
        Ok(ts) => ts,
        Err(_) => Extent::call_site()
            .syn_error("internal error in infra!: please report this input")
            .to_compile_error(),
    }
}

/// Parse, lower and check: the model, or every error combined. Violations that involve
/// run-time values (`{ expr }`, spec-module consts) are left out, as in [`expand`].
pub fn lower(input: TokenStream) -> Result<infra_core::Stack, syn::Error> {
    let a = analyze(input);
    match (to_syn(a.errors), a.lowered) {
        (None, Some(lw)) => Ok(lw.stack),
        (Some(e), _) => Err(e),
        (None, None) => Err(Extent::call_site().syn_error("infra!: no stack")),
    }
}

#[cfg(test)]
mod tests;
