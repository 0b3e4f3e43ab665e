//! Reading a macro's input out of a Rust source file, so that tests and benchmarks can use a
//! stack written once in a real file (`stacks/src/hello_stack.rs`) instead of a copy:
//!
//! ```
//! let src = "use infra_macros::infra;\n\ninfra! {\n    stack S { region: \"eu-west-3\" }\n}\n";
//! let body = infra_expand::source::macro_body(src, "infra").expect("one infra! block");
//! assert_eq!(body.to_string(), "stack S { region : \"eu-west-3\" }");
//! ```
//!
//! The tokens keep their spans: with `proc-macro2`'s `span-locations` feature, lines and
//! columns are those of the file text (line 1 is the file's first line).

use proc_macro2::{TokenStream, TokenTree};

/// The input of the first `name! { ... }` (or `name!( ... )`, `name![ ... ]`) invocation in
/// `src`, a Rust source file: the stream inside the delimiters, as the macro receives it.
/// A path before the name (`infra_macros::infra! { ... }`) is fine; invocations nested in
/// groups (a `mod m { ... }`, a function body) are found too, depth first.
///
/// `None` when `src` does not lex as Rust tokens or holds no such invocation.
#[doc(hidden)]
pub fn macro_body(src: &str, name: &str) -> Option<TokenStream> {
    let tokens: TokenStream = src.parse().ok()?;
    find(tokens, name)
}

fn find(tokens: TokenStream, name: &str) -> Option<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        if let [TokenTree::Ident(id), TokenTree::Punct(bang), TokenTree::Group(g)] =
            &trees[i..trees.len().min(i + 3)]
        {
            if id == name && bang.as_char() == '!' {
                return Some(g.stream());
            }
        }
        if let TokenTree::Group(g) = tree {
            if let Some(found) = find(g.stream(), name) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::macro_body;

    #[test]
    fn finds_the_first_invocation_with_or_without_a_path() {
        let src = r#"
            //! A crate.
            use infra_macros::infra;
            /// Not this one: `infra!` in a doc comment is a string.
            const X: &str = "infra! { nope }";
            infra_macros::infra! { first }
            infra!( second );
        "#;
        assert_eq!(macro_body(src, "infra").unwrap().to_string(), "first");
    }

    #[test]
    fn finds_an_invocation_inside_a_module_or_function() {
        let src = "mod m { fn f() { other!{x}; infra![ y z ] } }";
        assert_eq!(macro_body(src, "infra").unwrap().to_string(), "y z");
        assert_eq!(macro_body(src, "other").unwrap().to_string(), "x");
    }

    #[test]
    fn none_without_an_invocation_or_when_the_text_does_not_lex() {
        assert!(macro_body("fn infra() {} infra ! ;", "infra").is_none());
        assert!(macro_body("infra! { unbalanced", "infra").is_none());
        assert!(macro_body("myinfra! { x }", "infra").is_none());
    }
}
