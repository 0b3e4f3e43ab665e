//! The `infra!` procedural macro: a thin shim over [`infra_expand`], which holds the parser,
//! the lowering into `infra_core`'s model, the checks and the code generator.
//!
//! The DSL is documented on [`infra!`](macro@infra): the crate README (its GRAMMAR
//! section), included there so that an editor shows it on hover.

use proc_macro::TokenStream;

/// Declare an AWS stack.
///
/// Expands to a struct with one typed field per resource and `new`, `stack`, `check`,
/// `to_terraform` and `to_json_string` methods. Every misconfiguration the checks find is a
/// compile error at the offending token. The grammar, the generated code and the errors
/// follow: the crate README, included here.
///
#[doc = include_str!("../README.md")]
#[proc_macro]
pub fn infra(input: TokenStream) -> TokenStream {
    infra_expand::expand(input.into()).into()
}
