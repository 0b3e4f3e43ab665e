//! Tokens -> syntax tree. A small hand-written cursor over `TokenTree`s, so that every
//! error has the span of the token it is about (syn's "unexpected end of input" would point
//! at the whole macro call) and nothing can panic.
//!
//! The grammar is mostly brace-delimited: a resource's body is one `{ ... }` group, split
//! at its top-level commas into entries. An error inside one entry skips to the next
//! comma; an error in a resource header skips to the end of that resource. Several
//! mistakes therefore show in one build.

use std::fmt;

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// Rust's strict and reserved keywords (2021 edition and later) and `_`.
const RUST_KEYWORDS: &[&str] = &[
    "_", "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// A span range (first token, last token): errors underline all of it.
#[derive(Clone, Copy, Debug)]
pub struct Sp {
    pub start: Span,
    pub end: Span,
}

impl Sp {
    pub fn one(s: Span) -> Self {
        Sp { start: s, end: s }
    }
    pub fn to(self, other: Sp) -> Sp {
        Sp {
            start: self.start,
            end: other.end,
        }
    }
    pub fn error(self, msg: impl fmt::Display) -> syn::Error {
        let mut ts = TokenStream::new();
        ts.extend([
            TokenTree::Ident(Ident::new("x", self.start)),
            TokenTree::Ident(Ident::new("x", self.end)),
        ]);
        syn::Error::new_spanned(ts, msg)
    }
}

/// Collects every error; never stops at the first.
#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    pub fn push(&mut self, e: syn::Error) {
        self.errors.push(e);
    }
    pub fn error(&mut self, at: Sp, msg: impl fmt::Display) {
        self.errors.push(at.error(msg));
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn into_errors(self) -> Vec<syn::Error> {
        self.errors
    }
}

/// Combine errors into one (`None` when there are none).
pub fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    let mut it = errors.into_iter();
    let mut first = it.next()?;
    for e in it {
        first.combine(e);
    }
    Some(first)
}

pub type Res<T> = Result<T, syn::Error>;

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

pub fn tt_span(tt: &TokenTree) -> Sp {
    match tt {
        TokenTree::Group(g) => Sp {
            start: g.span_open(),
            end: g.span_close(),
        },
        other => Sp::one(other.span()),
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
    pub fn span(&self) -> Sp {
        self.peek().map(tt_span).unwrap_or(Sp::one(self.end))
    }
    pub fn found(&self) -> String {
        self.peek()
            .map(describe)
            .unwrap_or_else(|| "end of input".to_string())
    }
    pub fn err_expected(&self, what: &str) -> syn::Error {
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
    pub fn eat_punct(&mut self, c: char) -> Option<Sp> {
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
            return Err(Sp::one(id.span()).error(format!(
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
    pub fn expect_punct(&mut self, c: char) -> Res<Sp> {
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
    pub fn attrs(&mut self, cx: &mut Ctxt) -> Attrs {
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
            let sp = hash.to(Sp::one(g.span_close()));
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
    pub docs: Vec<(String, Sp)>,
    pub waivers: Vec<WaiveAttr>,
}

#[derive(Clone)]
pub struct WaiveAttr {
    /// Rule name in kebab case (`ssh_open_to_world` is accepted for `ssh-open-to-world`).
    pub rule: String,
    pub rule_span: Sp,
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
    pub fn doc_span(&self) -> Option<Sp> {
        let first = self.docs.first()?.1;
        let last = self.docs.last()?.1;
        Some(first.to(last))
    }
}

fn parse_attr(g: &Group, sp: Sp, out: &mut Attrs) -> Res<()> {
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
            Some(TokenTree::Ident(i)) => (i.to_string().replace('_', "-"), Sp::one(i.span())),
            Some(TokenTree::Literal(l)) => match syn::Lit::new(l.clone()) {
                syn::Lit::Str(s) => (s.value(), Sp::one(l.span())),
                _ => {
                    return Err(Sp::one(l.span())
                        .error("expected the rule to waive, e.g. `ssh_open_to_world`"))
                }
            },
            _ => return Err(a.err_expected("the rule to waive, e.g. `ssh_open_to_world`")),
        };
        let missing_reason = || {
            Sp::one(args.span_close())
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
    Err(Sp::one(name.span()).error(format!(
        "unknown attribute `{name}`: expected a doc comment or `#[waive(rule, \"reason\")]`"
    )))
}

// ---------------------------------------------------------------------------------------
// Values

/// A segment of a dotted path: `main`, `public_subnets`, or `2xlarge` (lexed as a literal).
#[derive(Clone, Debug)]
pub struct Seg {
    pub text: String,
    pub sp: Sp,
}

#[derive(Clone)]
pub enum Value {
    Str(String, Sp),
    /// An integer; `neg` when written with a leading `-`.
    Int {
        value: u128,
        neg: bool,
        sp: Sp,
    },
    Float(f64, Sp),
    Bool(bool, Sp),
    /// `a`, `a.b`, `t2.micro`.
    Path(Vec<Seg>),
    /// `a::b::c` (module path), the tokens as written.
    ModPath(TokenStream, Sp),
    List(Vec<Value>, Sp),
    /// `{ key: value, ... }`.
    Map(Vec<Field>, Sp),
    /// `name(args)`.
    Call(Ident, Vec<Value>, Sp),
    /// `a..b` / `a..=b` (both ends inclusive, as AWS port ranges are).
    Range(Box<Value>, Box<Value>, Sp),
    /// `{ rust expression }`, evaluated at run time.
    Expr(Group),
}

impl Value {
    pub fn sp(&self) -> Sp {
        match self {
            Value::Str(_, s)
            | Value::Int { sp: s, .. }
            | Value::Float(_, s)
            | Value::Bool(_, s)
            | Value::ModPath(_, s)
            | Value::List(_, s)
            | Value::Map(_, s)
            | Value::Call(_, _, s)
            | Value::Range(_, _, s) => *s,
            Value::Path(segs) => match (segs.first(), segs.last()) {
                (Some(a), Some(b)) => a.sp.to(b.sp),
                _ => Sp::one(Span::call_site()),
            },
            Value::Expr(g) => Sp {
                start: g.span_open(),
                end: g.span_close(),
            },
        }
    }

    /// What the value is, for "expected X, found Y".
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s, _) => format!("string {s:?}"),
            Value::Int { value, neg, .. } => {
                format!("integer `{}{value}`", if *neg { "-" } else { "" })
            }
            Value::Float(f, _) => format!("number `{f:?}`"),
            Value::Bool(b, _) => format!("`{b}`"),
            Value::Path(segs) => {
                let t: Vec<&str> = segs.iter().map(|s| s.text.as_str()).collect();
                format!("`{}`", t.join("."))
            }
            Value::ModPath(ts, _) => format!("path `{}`", ts.to_string().replace(' ', "")),
            Value::List(..) => "a list `[...]`".to_string(),
            Value::Map(..) => "a block `{ key: value }`".to_string(),
            Value::Call(name, ..) => format!("`{name}(...)`"),
            Value::Range(..) => "a port range".to_string(),
            Value::Expr(_) => "a Rust expression block `{ ... }`".to_string(),
        }
    }

    /// A single identifier?
    pub fn as_ident(&self) -> Option<&Seg> {
        match self {
            Value::Path(segs) if segs.len() == 1 => segs.first(),
            _ => None,
        }
    }
}

/// `key: value` inside a brace group.
#[derive(Clone)]
pub struct Field {
    /// The key as written: an identifier, or the text of a string key (tags).
    pub key: String,
    pub key_sp: Sp,
    pub value: Value,
}

/// Parse one value. Stops before a top-level `,` (the caller splits entries at commas).
pub fn parse_value(c: &mut Cursor) -> Res<Value> {
    let Some(tt) = c.peek().cloned() else {
        return Err(c.err_expected("a value"));
    };
    let first = match tt {
        TokenTree::Literal(l) => {
            c.next_tt();
            literal_value(&l, false)?
        }
        TokenTree::Punct(p) if p.as_char() == '-' => {
            c.next_tt();
            match c.next_tt() {
                Some(TokenTree::Literal(l)) => {
                    let v = literal_value(&l, true)?;
                    match v {
                        Value::Int { value, sp, .. } => Value::Int {
                            value,
                            neg: true,
                            sp: Sp::one(p.span()).to(sp),
                        },
                        Value::Float(f, sp) => Value::Float(-f, Sp::one(p.span()).to(sp)),
                        _ => return Err(Sp::one(p.span()).error("`-` applies only to numbers")),
                    }
                }
                _ => return Err(Sp::one(p.span()).error("expected a number after `-`")),
            }
        }
        TokenTree::Group(g) => {
            c.next_tt();
            match g.delimiter() {
                Delimiter::Bracket => {
                    let mut inner = Cursor::of_group(&g);
                    let mut items = Vec::new();
                    while !inner.is_empty() {
                        items.push(parse_value(&mut inner)?);
                        if inner.is_empty() {
                            break;
                        }
                        if inner.eat_punct(',').is_none() {
                            return Err(inner.err_expected("`,` or `]`"));
                        }
                    }
                    Value::List(
                        items,
                        Sp {
                            start: g.span_open(),
                            end: g.span_close(),
                        },
                    )
                }
                Delimiter::Brace if looks_like_map(&g) => {
                    let mut cx = Ctxt::default();
                    let body = parse_body(&g, &mut cx);
                    if let Some(e) = combine(cx.into_errors()) {
                        return Err(e);
                    }
                    if let Some(other) = body.others.first() {
                        return Err(other.first_span().error("expected `key: value`"));
                    }
                    Value::Map(
                        body.fields,
                        Sp {
                            start: g.span_open(),
                            end: g.span_close(),
                        },
                    )
                }
                Delimiter::Brace => {
                    if g.stream().is_empty() {
                        Value::Map(Vec::new(), tt_span(&TokenTree::Group(g.clone())))
                    } else {
                        Value::Expr(g)
                    }
                }
                _ => return Err(tt_span(&TokenTree::Group(g)).error(
                    "expected a value; use `[a, b]` for a list or `{ expr }` for a Rust expression",
                )),
            }
        }
        TokenTree::Ident(i) => {
            c.next_tt();
            if i == "true" || i == "false" {
                Value::Bool(i == "true", Sp::one(i.span()))
            } else if c.peek_path_sep() {
                let mut ts = TokenStream::new();
                let start = Sp::one(i.span());
                let mut end = start;
                i.to_tokens(&mut ts);
                while c.peek_path_sep() {
                    for _ in 0..2 {
                        if let Some(t) = c.next_tt() {
                            ts.extend([t]);
                        }
                    }
                    let seg = c.expect_ident("a path segment after `::`")?;
                    end = Sp::one(seg.span());
                    seg.to_tokens(&mut ts);
                }
                Value::ModPath(ts, start.to(end))
            } else if let Some(TokenTree::Group(g)) = c.peek().cloned() {
                if g.delimiter() == Delimiter::Parenthesis {
                    c.next_tt();
                    let mut inner = Cursor::of_group(&g);
                    let mut args = Vec::new();
                    while !inner.is_empty() {
                        args.push(parse_value(&mut inner)?);
                        if inner.is_empty() {
                            break;
                        }
                        if inner.eat_punct(',').is_none() {
                            return Err(inner.err_expected("`,` or `)`"));
                        }
                    }
                    Value::Call(
                        i.clone(),
                        args,
                        Sp::one(i.span()).to(Sp::one(g.span_close())),
                    )
                } else {
                    Value::Path(vec![seg_of(&i)])
                }
            } else {
                let mut segs = vec![seg_of(&i)];
                while c.peek_punct('.') && c.peek_range().is_none() {
                    c.next_tt();
                    match c.next_tt() {
                        Some(TokenTree::Ident(j)) => segs.push(seg_of(&j)),
                        // `c5.2xlarge`: `2xlarge` is an integer literal with a suffix.
                        Some(TokenTree::Literal(l))
                            if l.to_string().starts_with(|ch: char| ch.is_ascii_digit()) =>
                        {
                            segs.push(Seg {
                                text: l.to_string(),
                                sp: Sp::one(l.span()),
                            })
                        }
                        Some(other) => {
                            return Err(tt_span(&other).error(format!(
                                "expected a name after `.`, found {}",
                                describe(&other)
                            )))
                        }
                        None => return Err(c.err_expected("a name after `.`")),
                    }
                }
                Value::Path(segs)
            }
        }
        TokenTree::Punct(_) => return Err(c.err_expected("a value")),
    };
    if c.peek_range().is_some() {
        let inclusive = c.peek_range() == Some(true);
        c.next_tt();
        c.next_tt();
        if inclusive {
            c.next_tt();
        }
        let hi = parse_value(c)?;
        let sp = first.sp().to(hi.sp());
        return Ok(Value::Range(Box::new(first), Box::new(hi), sp));
    }
    Ok(first)
}

fn seg_of(i: &Ident) -> Seg {
    Seg {
        text: i.to_string(),
        sp: Sp::one(i.span()),
    }
}

fn literal_value(l: &proc_macro2::Literal, neg: bool) -> Res<Value> {
    let sp = Sp::one(l.span());
    Ok(match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) => Value::Str(s.value(), sp),
        syn::Lit::Int(i) => match i.base10_parse::<u128>() {
            Ok(value) => Value::Int { value, neg, sp },
            Err(_) => return Err(sp.error(format!("integer `{i}` is too large"))),
        },
        syn::Lit::Float(f) => match f.base10_parse::<f64>() {
            Ok(v) => Value::Float(v, sp),
            Err(_) => return Err(sp.error(format!("`{f}` is not a number"))),
        },
        syn::Lit::Bool(b) => Value::Bool(b.value, sp),
        _ => {
            return Err(sp.error(format!(
                "unexpected literal `{l}`: expected a string, a number or `true`/`false`"
            )))
        }
    })
}

/// `{}` or `{ key: ... }` / `{ "key": ... }`: a block of fields rather than a Rust expression.
fn looks_like_map(g: &Group) -> bool {
    let mut c = Cursor::of_group(g);
    let key = matches!(c.peek(), Some(TokenTree::Ident(_)))
        || matches!(c.peek(), Some(TokenTree::Literal(l)) if l.to_string().starts_with('"'));
    c.pos = 1;
    if key && c.peek_colon() {
        return true;
    }
    // `{ path "/health" }` or `{ path, ... }` is no Rust expression either: a block with the
    // colon forgotten. Parse it as a block so the DSL says what is wrong.
    let ident_first = matches!(Cursor::of_group(g).peek(), Some(TokenTree::Ident(_)));
    ident_first
        && match c.peek() {
            Some(TokenTree::Literal(_)) => true,
            Some(TokenTree::Punct(p)) => p.as_char() == ',',
            _ => false,
        }
}

// ---------------------------------------------------------------------------------------
// Bodies: a brace group split into entries at top-level commas

/// An entry that is not `key: value` (a security group rule, `listener 80 => app`, a
/// bare flag such as `internal`), left for the resource's own parser.
pub struct Other {
    pub attrs: Attrs,
    pub cursor: Cursor,
}

impl Other {
    pub fn first_span(&self) -> Sp {
        self.cursor.span()
    }
}

pub struct Body {
    pub fields: Vec<Field>,
    pub others: Vec<Other>,
}

/// Split a brace group at its top-level commas and parse each entry; an error in one
/// entry is recorded and the next entry is parsed anyway.
pub fn parse_body(g: &Group, cx: &mut Ctxt) -> Body {
    let mut body = Body {
        fields: Vec::new(),
        others: Vec::new(),
    };
    let mut current: Vec<TokenTree> = Vec::new();
    let mut entries: Vec<(Vec<TokenTree>, Span)> = Vec::new();
    for tt in g.stream() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                entries.push((std::mem::take(&mut current), p.span()));
            }
            _ => current.push(tt),
        }
    }
    if !current.is_empty() {
        entries.push((current, g.span_close()));
    }
    for (tts, end) in entries {
        if tts.is_empty() {
            cx.error(Sp::one(end), "unexpected `,`: expected an entry before it");
            continue;
        }
        let mut c = Cursor::from_tts(tts, end);
        let attrs = c.attrs(cx);
        let is_field = c.peek_ident().is_some() && {
            let mut look = Cursor::from_tts(c.tts.clone(), c.end);
            look.pos = c.pos + 1;
            look.peek_colon()
        };
        if is_field {
            for w in &attrs.waivers {
                cx.error(
                    w.rule_span,
                    "waivers go on the security group rule, launch template or instance role they silence, not on a field",
                );
            }
            let Some(key) = c.next_ident() else { continue };
            c.next_tt(); // the colon
            match parse_value(&mut c).and_then(|v| c.expect_end("the value").map(|_| v)) {
                Ok(value) => body.fields.push(Field {
                    key: key.to_string(),
                    key_sp: Sp::one(key.span()),
                    value,
                }),
                Err(e) => cx.push(e),
            }
        } else if let Some(TokenTree::Literal(l)) = c.peek().cloned() {
            // `"key": value` (tags whose keys are not identifiers).
            let mut look = Cursor::from_tts(c.tts.clone(), c.end);
            look.pos = c.pos + 1;
            match syn::Lit::new(l.clone()) {
                syn::Lit::Str(s) if look.peek_colon() => {
                    c.next_tt();
                    c.next_tt();
                    match parse_value(&mut c).and_then(|v| c.expect_end("the value").map(|_| v)) {
                        Ok(value) => body.fields.push(Field {
                            key: s.value(),
                            key_sp: Sp::one(l.span()),
                            value,
                        }),
                        Err(e) => cx.push(e),
                    }
                }
                _ => body.others.push(Other { attrs, cursor: c }),
            }
        } else {
            body.others.push(Other { attrs, cursor: c });
        }
    }
    body
}
