//! The `infra!` procedural macro: a thin shim over [`infra_expand`], which holds the parser,
//! the lowering into `infra_core`'s model, the checks and the code generator.
//!
//! See the crate README (GRAMMAR section) and `infra_expand`'s docs for the DSL.

use proc_macro::TokenStream;

/// Declare an AWS stack; see the crate README for the grammar.
///
/// Expands to a struct with one typed field per resource and `new`, `stack`, `check`,
/// `to_terraform` and `to_json_string` methods. Every misconfiguration the checks find is a
/// compile error at the offending token.
#[proc_macro]
pub fn infra(input: TokenStream) -> TokenStream {
    infra_expand::expand(input.into()).into()
}
