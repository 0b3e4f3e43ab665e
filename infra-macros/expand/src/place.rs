//! Where a diagnostic of the macro points: a range of input tokens ([`Extent`]), and the
//! model [`Location`] when the tokens lowered to one. Every diagnostic, parse error or
//! check violation, is an `infra_core::Diagnostic<Place>` collected in one
//! `infra_core::Sink` (which panics if dropped unread), and becomes a `compile_error!`
//! at its tokens.

use std::fmt;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};

use infra_core::{Diagnostic, Location, Sink};

/// A range of input tokens (first, last): errors underline all of it.
#[derive(Clone, Copy, Debug)]
pub struct Extent {
    pub start: Span,
    pub end: Span,
}

impl Extent {
    pub fn one(s: Span) -> Self {
        Extent { start: s, end: s }
    }
    pub fn call_site() -> Self {
        Extent::one(Span::call_site())
    }
    pub fn to(self, other: Extent) -> Extent {
        Extent {
            start: self.start,
            end: other.end,
        }
    }
    /// A syntax error over these tokens.
    pub fn error(self, msg: impl Into<String>) -> Diag {
        Diagnostic::syntax(Place::tokens(self), msg)
    }
    /// A `syn::Error` spanning these tokens.
    pub fn syn_error(self, msg: impl fmt::Display) -> syn::Error {
        let mut ts = TokenStream::new();
        ts.extend([
            TokenTree::Ident(Ident::new("x", self.start)),
            TokenTree::Ident(Ident::new("x", self.end)),
        ]);
        syn::Error::new_spanned(ts, msg)
    }
}

/// Input tokens, and the model location they lowered to, if any.
#[derive(Clone, Debug)]
pub struct Place {
    pub extent: Extent,
    /// Boxed: keeps diagnostics small in the parser's `Result`s.
    pub location: Option<Box<Location>>,
}

impl Place {
    pub fn tokens(extent: Extent) -> Self {
        Place {
            extent,
            location: None,
        }
    }
}

impl fmt::Display for Place {
    /// Notes name their model location (`site.port`): stable proc macros cannot attach a
    /// second caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}"),
            None => f.write_str("here"),
        }
    }
}

/// A diagnostic of the macro.
pub type Diag = Diagnostic<Place>;
/// The macro's error sink.
pub type Errors = Sink<Place>;
pub type Res<T> = Result<T, Diag>;

/// Every diagnostic as one `syn::Error` (`None` when there are none).
pub fn to_syn(diags: Vec<Diag>) -> Option<syn::Error> {
    let mut it = diags.into_iter().map(|d| d.at.extent.syn_error(d.render()));
    let mut first = it.next()?;
    for e in it {
        first.combine(e);
    }
    Some(first)
}
