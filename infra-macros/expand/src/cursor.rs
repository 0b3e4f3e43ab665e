//! The token cursor: a small hand-written cursor over `TokenTree`s, so that every error
//! has the span of the token it is about (syn's "unexpected end of input" would point at the
//! whole macro call) and nothing can panic. Also the leading attributes of an item (doc
//! comments, `#[waive(rule, "reason")]`).

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};

use crate::place::{Diag, Errors, Extent, Res};

/// Rust's strict and reserved keywords (2021 edition and later) and `_`.
pub const RUST_KEYWORDS: &[&str] = &[
    "_", "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
];

// ---------------------------------------------------------------------------------------
// Cursor

#[derive(Clone)]
pub struct Cursor {
    tts: Vec<TokenTree>,
    pos: usize,
    /// Where "expected X, found end of input" points: the closing delimiter or the comma
    /// after the entry.
    end: Span,
}

pub fn tt_span(tt: &TokenTree) -> Extent {
    match tt {
        TokenTree::Group(g) => Extent {
            start: g.span_open(),
            end: g.span_close(),
        },
        other => Extent::one(other.span()),
    }
}

/// "`name`", "string \"x\"", "integer `80`", "`{ ... }`": how a token is named in messages.
pub fn describe(tt: &TokenTree) -> String {
    match tt {
        TokenTree::Ident(i) => format!("`{i}`"),
        TokenTree::Punct(p) => format!("`{}`", p.as_char()),
        TokenTree::Literal(l) => match syn::Lit::new(l.clone()) {
            syn::Lit::Str(s) => format!("string {:?}", s.value()),
            syn::Lit::Int(i) => format!("integer `{i}`"),
            syn::Lit::Float(f) => format!("number `{f}`"),
            syn::Lit::Bool(b) => format!("`{}`", b.value),
            _ => format!("literal `{l}`"),
        },
        TokenTree::Group(g) => match g.delimiter() {
            Delimiter::Brace => "`{ ... }`".to_string(),
            Delimiter::Bracket => "`[ ... ]`".to_string(),
            Delimiter::Parenthesis => "`( ... )`".to_string(),
            Delimiter::None => "a group".to_string(),
        },
    }
}

impl Cursor {
    pub fn new(ts: TokenStream, end: Span) -> Self {
        Cursor {
            tts: ts.into_iter().collect(),
            pos: 0,
            end,
        }
    }
    pub fn from_tts(tts: Vec<TokenTree>, end: Span) -> Self {
        Cursor { tts, pos: 0, end }
    }
    pub fn of_group(g: &Group) -> Self {
        Cursor::new(g.stream(), g.span_close())
    }
    /// A copy of this cursor, `n` tokens further.
    pub fn ahead(&self, n: usize) -> Cursor {
        let mut c = self.clone();
        c.pos = (c.pos + n).min(c.tts.len());
        c
    }
    pub fn is_empty(&self) -> bool {
        self.pos >= self.tts.len()
    }
    pub fn peek(&self) -> Option<&TokenTree> {
        self.tts.get(self.pos)
    }
    pub fn peek_n(&self, n: usize) -> Option<&TokenTree> {
        self.tts.get(self.pos + n)
    }
    pub fn next_tt(&mut self) -> Option<TokenTree> {
        let t = self.tts.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }
    /// Span of the next token, or of the end.
    pub fn span(&self) -> Extent {
        self.peek().map(tt_span).unwrap_or(Extent::one(self.end))
    }
    pub fn found(&self) -> String {
        self.peek()
            .map(describe)
            .unwrap_or_else(|| "end of input".to_string())
    }
    pub fn err_expected(&self, what: &str) -> Diag {
        self.span()
            .error(format!("expected {what}, found {}", self.found()))
    }
    pub fn peek_ident(&self) -> Option<&Ident> {
        match self.peek() {
            Some(TokenTree::Ident(i)) => Some(i),
            _ => None,
        }
    }
    pub fn peek_ident_is(&self, s: &str) -> bool {
        self.peek_ident().is_some_and(|i| i == s)
    }
    pub fn peek_punct(&self, c: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == c)
    }
    fn punct_at(&self, n: usize, c: char, joint: Option<bool>) -> bool {
        matches!(self.peek_n(n), Some(TokenTree::Punct(p)) if p.as_char() == c
            && joint.is_none_or(|j| (p.spacing() == Spacing::Joint) == j))
    }
    /// `::` next?
    pub fn peek_path_sep(&self) -> bool {
        self.punct_at(0, ':', Some(true)) && self.punct_at(1, ':', None)
    }
    /// A single `:` (not `::`) next?
    pub fn peek_colon(&self) -> bool {
        self.punct_at(0, ':', None) && !self.peek_path_sep()
    }
    /// `=>` next?
    pub fn peek_fat_arrow(&self) -> bool {
        self.punct_at(0, '=', Some(true)) && self.punct_at(1, '>', None)
    }
    /// `..` or `..=` next? Returns whether inclusive.
    pub fn peek_range(&self) -> Option<bool> {
        if self.punct_at(0, '.', Some(true)) && self.punct_at(1, '.', None) {
            Some(self.punct_at(1, '.', Some(true)) && self.punct_at(2, '=', None))
        } else {
            None
        }
    }
    pub fn eat_punct(&mut self, c: char) -> Option<Extent> {
        if self.peek_punct(c) {
            let s = self.span();
            self.pos += 1;
            Some(s)
        } else {
            None
        }
    }
    pub fn eat_ident(&mut self, s: &str) -> Option<Ident> {
        if self.peek_ident_is(s) {
            self.next_ident()
        } else {
            None
        }
    }
    pub fn next_ident(&mut self) -> Option<Ident> {
        match self.peek() {
            Some(TokenTree::Ident(i)) => {
                let i = i.clone();
                self.pos += 1;
                Some(i)
            }
            _ => None,
        }
    }
    pub fn expect_ident(&mut self, what: &str) -> Res<Ident> {
        self.next_ident().ok_or_else(|| self.err_expected(what))
    }
    /// A declared name: an identifier that can also be a Rust field or type name (the
    /// stack becomes a struct, each resource one of its fields).
    pub fn expect_name(&mut self, what: &str) -> Res<Ident> {
        let id = self.expect_ident(what)?;
        let s = id.to_string();
        if RUST_KEYWORDS.contains(&s.as_str()) {
            return Err(Extent::one(id.span()).error(format!(
                "`{s}` is a Rust keyword and cannot be a name here: each name becomes a field (or the type) of the generated struct\n  help: rename it, e.g. `{}_1`",
                s.trim_start_matches('_')
            )));
        }
        Ok(id)
    }
    pub fn expect_keyword(&mut self, kw: &str) -> Res<Ident> {
        self.eat_ident(kw)
            .ok_or_else(|| self.err_expected(&format!("`{kw}`")))
    }
    pub fn expect_punct(&mut self, c: char) -> Res<Extent> {
        self.eat_punct(c)
            .ok_or_else(|| self.err_expected(&format!("`{c}`")))
    }
    pub fn expect_group(&mut self, d: Delimiter, what: &str) -> Res<Group> {
        match self.peek() {
            Some(TokenTree::Group(g)) if g.delimiter() == d => {
                let g = g.clone();
                self.pos += 1;
                Ok(g)
            }
            _ => Err(self.err_expected(what)),
        }
    }
    pub fn expect_end(&self, after: &str) -> Res<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.span().error(format!(
                "unexpected {} after {after}; separate entries with `,`",
                self.found()
            ))),
        }
    }
    /// Leading `#[...]` attributes: doc comments and waivers.
    pub fn attrs(&mut self, cx: &mut Errors) -> Attrs {
        let mut out = Attrs::default();
        while self.peek_punct('#') {
            let hash = self.span();
            self.pos += 1;
            let g = match self.expect_group(Delimiter::Bracket, "`[` after `#`") {
                Ok(g) => g,
                Err(e) => {
                    cx.push(e);
                    continue;
                }
            };
            let sp = hash.to(Extent::one(g.span_close()));
            if let Err(e) = parse_attr(&g, sp, &mut out) {
                cx.push(e);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Attributes

#[derive(Default, Clone)]
pub struct Attrs {
    pub docs: Vec<(String, Extent)>,
    pub waivers: Vec<WaiveAttr>,
}

#[derive(Clone)]
pub struct WaiveAttr {
    /// Rule name in kebab case (`ssh_open_to_world` is accepted for `ssh-open-to-world`).
    pub rule: String,
    pub rule_span: Extent,
    pub reason: String,
}

impl Attrs {
    /// The doc comment's text: lines joined, one leading space trimmed.
    pub fn doc(&self) -> Option<String> {
        if self.docs.is_empty() {
            return None;
        }
        let lines: Vec<&str> = self
            .docs
            .iter()
            .map(|(d, _)| d.strip_prefix(' ').unwrap_or(d).trim_end())
            .collect();
        Some(lines.join("\n").trim().to_string())
    }
    pub fn doc_span(&self) -> Option<Extent> {
        let first = self.docs.first()?.1;
        let last = self.docs.last()?.1;
        Some(first.to(last))
    }
}

fn parse_attr(g: &Group, sp: Extent, out: &mut Attrs) -> Res<()> {
    let mut c = Cursor::of_group(g);
    let name = c.expect_ident("`doc` or `waive`")?;
    if name == "doc" {
        c.expect_punct('=')?;
        let s = match c.next_tt() {
            Some(TokenTree::Literal(l)) => match syn::Lit::new(l) {
                syn::Lit::Str(s) => s.value(),
                _ => return Err(sp.error("expected a string after `doc =`")),
            },
            _ => return Err(sp.error("expected a string after `doc =`")),
        };
        out.docs.push((s, sp));
        return Ok(());
    }
    if name == "waive" {
        let args = c.expect_group(Delimiter::Parenthesis, "`(rule, \"reason\")` after `waive`")?;
        let mut a = Cursor::of_group(&args);
        let (rule, rule_span) = match a.next_tt() {
            Some(TokenTree::Ident(i)) => (i.to_string().replace('_', "-"), Extent::one(i.span())),
            Some(TokenTree::Literal(l)) => match syn::Lit::new(l.clone()) {
                syn::Lit::Str(s) => (s.value(), Extent::one(l.span())),
                _ => {
                    return Err(Extent::one(l.span())
                        .error("expected the rule to waive, e.g. `ssh_open_to_world`"))
                }
            },
            _ => return Err(a.err_expected("the rule to waive, e.g. `ssh_open_to_world`")),
        };
        let missing_reason = || {
            Extent::one(args.span_close())
                .error("a waiver needs a reason: `#[waive(rule, \"why this is acceptable\")]`")
        };
        if a.eat_punct(',').is_none() {
            return Err(missing_reason());
        }
        let reason = match a.next_tt() {
            Some(TokenTree::Literal(l)) => match syn::Lit::new(l) {
                syn::Lit::Str(s) => s.value(),
                _ => return Err(missing_reason()),
            },
            _ => return Err(missing_reason()),
        };
        a.eat_punct(',');
        a.expect_end("the waiver's reason")?;
        if reason.trim().is_empty() {
            return Err(missing_reason());
        }
        out.waivers.push(WaiveAttr {
            rule,
            rule_span,
            reason,
        });
        return Ok(());
    }
    Err(Extent::one(name.span()).error(format!(
        "unknown attribute `{name}`: expected a doc comment or `#[waive(rule, \"reason\")]`"
    )))
}
