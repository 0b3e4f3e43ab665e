//! Values (`"x"`, `80`, `a.b`, `[..]`, `{ key: value }`, `f(..)`, `a..b`, `{ rust expr }`)
//! and bodies: a brace group split into entries at top-level commas. An error inside one
//! entry is recorded and the next entry is parsed anyway, so several mistakes show in one
//! build.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;

use crate::cursor::{describe, tt_span, Attrs, Cursor};
use crate::place::{Errors, Extent, Res};

// ---------------------------------------------------------------------------------------
// Values

/// A segment of a dotted path: `main`, `public_subnets`, or `2xlarge` (lexed as a literal).
#[derive(Clone, Debug)]
pub struct Seg {
    pub text: String,
    pub sp: Extent,
}

#[derive(Clone)]
pub enum Value {
    Str(String, Extent),
    /// An integer; `neg` when written with a leading `-`.
    Int {
        value: u128,
        neg: bool,
        sp: Extent,
    },
    Float(f64, Extent),
    Bool(bool, Extent),
    /// `a`, `a.b`, `t2.micro`.
    Path(Vec<Seg>),
    /// `a::b::c` (module path), the tokens as written.
    ModPath(TokenStream, Extent),
    List(Vec<Value>, Extent),
    /// `{ key: value, ... }`.
    Map(Vec<Field>, Extent),
    /// `name(args)`.
    Call(Ident, Vec<Value>, Extent),
    /// `a..b` / `a..=b` (both ends inclusive, as AWS port ranges are).
    Range(Box<Value>, Box<Value>, Extent),
    /// `{ rust expression }`, evaluated at run time.
    Expr(Group),
}

impl Value {
    pub fn sp(&self) -> Extent {
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
                _ => Extent::one(Span::call_site()),
            },
            Value::Expr(g) => Extent {
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
    pub key_at: Extent,
    pub value: Value,
}

/// Parse one value. Stops before a top-level `,` (the caller splits entries at commas).
pub fn parse_value(c: &mut Cursor, cx: &mut Errors) -> Res<Value> {
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
                            sp: Extent::one(p.span()).to(sp),
                        },
                        Value::Float(f, sp) => Value::Float(-f, Extent::one(p.span()).to(sp)),
                        _ => return Err(Extent::one(p.span()).error("`-` applies only to numbers")),
                    }
                }
                _ => return Err(Extent::one(p.span()).error("expected a number after `-`")),
            }
        }
        TokenTree::Group(g) => {
            c.next_tt();
            match g.delimiter() {
                Delimiter::Bracket => {
                    let mut inner = Cursor::of_group(&g);
                    let mut items = Vec::new();
                    while !inner.is_empty() {
                        items.push(parse_value(&mut inner, cx)?);
                        if inner.is_empty() {
                            break;
                        }
                        if inner.eat_punct(',').is_none() {
                            return Err(inner.err_expected("`,` or `]`"));
                        }
                    }
                    Value::List(
                        items,
                        Extent {
                            start: g.span_open(),
                            end: g.span_close(),
                        },
                    )
                }
                Delimiter::Brace if looks_like_map(&g) => {
                    let mut inner = Errors::new();
                    let body = parse_body(&g, &mut inner);
                    // Report every error of the block: all but the last here, the last
                    // through the caller, which pushes it next.
                    let mut nested = inner.finish();
                    if let Some(last) = nested.pop() {
                        cx.extend(nested);
                        return Err(last);
                    }
                    if let Some(other) = body.others.first() {
                        return Err(other.first_span().error("expected `key: value`"));
                    }
                    Value::Map(
                        body.fields,
                        Extent {
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
                Value::Bool(i == "true", Extent::one(i.span()))
            } else if c.peek_path_sep() {
                let mut ts = TokenStream::new();
                let start = Extent::one(i.span());
                let mut end = start;
                i.to_tokens(&mut ts);
                while c.peek_path_sep() {
                    for _ in 0..2 {
                        if let Some(t) = c.next_tt() {
                            ts.extend([t]);
                        }
                    }
                    let seg = c.expect_ident("a path segment after `::`")?;
                    end = Extent::one(seg.span());
                    seg.to_tokens(&mut ts);
                }
                Value::ModPath(ts, start.to(end))
            } else if let Some(TokenTree::Group(g)) = c.peek().cloned() {
                if g.delimiter() == Delimiter::Parenthesis {
                    c.next_tt();
                    let mut inner = Cursor::of_group(&g);
                    let mut args = Vec::new();
                    while !inner.is_empty() {
                        args.push(parse_value(&mut inner, cx)?);
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
                        Extent::one(i.span()).to(Extent::one(g.span_close())),
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
                                sp: Extent::one(l.span()),
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
        let hi = parse_value(c, cx)?;
        let sp = first.sp().to(hi.sp());
        return Ok(Value::Range(Box::new(first), Box::new(hi), sp));
    }
    Ok(first)
}

fn seg_of(i: &Ident) -> Seg {
    Seg {
        text: i.to_string(),
        sp: Extent::one(i.span()),
    }
}

fn literal_value(l: &proc_macro2::Literal, neg: bool) -> Res<Value> {
    let sp = Extent::one(l.span());
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
    let first = Cursor::of_group(g);
    let key = matches!(first.peek(), Some(TokenTree::Ident(_)))
        || matches!(first.peek(), Some(TokenTree::Literal(l)) if l.to_string().starts_with('"'));
    let c = first.ahead(1);
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
    pub fn first_span(&self) -> Extent {
        self.cursor.span()
    }
}

pub struct Body {
    pub fields: Vec<Field>,
    pub others: Vec<Other>,
}

/// Split a brace group at its top-level commas and parse each entry; an error in one
/// entry is recorded and the next entry is parsed anyway.
pub fn parse_body(g: &Group, cx: &mut Errors) -> Body {
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
            cx.push(Extent::one(end).error("unexpected `,`: expected an entry before it"));
            continue;
        }
        let mut c = Cursor::from_tts(tts, end);
        let attrs = c.attrs(cx);
        let is_field = c.peek_ident().is_some() && { c.ahead(1).peek_colon() };
        if is_field {
            for w in &attrs.waivers {
                cx.push(w.rule_span.error(
                    "waivers go on the security group rule, launch template or instance role they silence, not on a field",
                ));
            }
            let Some(key) = c.next_ident() else { continue };
            c.next_tt(); // the colon
            match parse_value(&mut c, cx).and_then(|v| c.expect_end("the value").map(|_| v)) {
                Ok(value) => body.fields.push(Field {
                    key: key.to_string(),
                    key_at: Extent::one(key.span()),
                    value,
                }),
                Err(e) => cx.push(e),
            }
        } else if let Some(TokenTree::Literal(l)) = c.peek().cloned() {
            // `"key": value` (tags whose keys are not identifiers).
            let look = c.ahead(1);
            match syn::Lit::new(l.clone()) {
                syn::Lit::Str(s) if look.peek_colon() => {
                    c.next_tt();
                    c.next_tt();
                    match parse_value(&mut c, cx).and_then(|v| c.expect_end("the value").map(|_| v))
                    {
                        Ok(value) => body.fields.push(Field {
                            key: s.value(),
                            key_at: Extent::one(l.span()),
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
