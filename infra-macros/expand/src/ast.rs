//! The stack declaration's syntax tree: `[attrs] [vis] stack Name { items }`.
//!
//! Items are parsed one by one; an error in one item is recorded and parsing resumes at
//! the next item (after its `{ ... }` group or `;`, or at the next resource keyword).

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};

use crate::syntax::{parse_body, parse_value, Attrs, Body, Ctxt, Cursor, Field, Res, Sp, Value};
use infra_core::Kind;

/// Every keyword that can start an item in a stack body.
pub const KEYWORDS: &[&str] = &[
    "region",
    "tags",
    "variable",
    "vpc",
    "payload",
    "security_group",
    "instance_role",
    "key_pair",
    "launch_template",
    "target_group",
    "alb",
    "autoscaling_group",
    "output",
];

pub struct StackAst {
    pub attrs: Attrs,
    pub vis: TokenStream,
    pub name: Ident,
    /// `region: ...`, `tags: ...`.
    pub settings: Vec<Field>,
    pub items: Vec<Item>,
    /// Every named declaration whose header parsed, even when the rest failed: enough to
    /// emit the stub struct after errors.
    pub declared: Vec<Declared>,
}

#[derive(Clone)]
pub struct Declared {
    pub attrs: Attrs,
    pub kind: DeclKind,
    pub name: Ident,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DeclKind {
    Resource(Kind),
    Output,
}

pub struct Item {
    pub attrs: Attrs,
    pub keyword: Ident,
    pub name: Ident,
    pub kind: ItemKind,
}

pub enum ItemKind {
    Variable {
        ty: Ident,
        default: Option<Value>,
    },
    /// `vpc main = default;`
    DefaultVpc,
    Vpc(Body),
    Payload {
        /// `= webapp::spec`: the module whose consts describe the payload.
        module: Option<(TokenStream, Sp)>,
        body: Body,
    },
    SecurityGroup {
        vpc: Value,
        body: Body,
    },
    InstanceRole(Body),
    KeyPair(Body),
    LaunchTemplate(Body),
    TargetGroup {
        vpc: Value,
        body: Body,
    },
    Alb {
        vpc: Value,
        body: Body,
    },
    AutoScalingGroup(Body),
    Output {
        value: Value,
    },
}

fn kind_of(keyword: &str) -> Option<DeclKind> {
    Some(DeclKind::Resource(match keyword {
        "variable" => Kind::Variable,
        "vpc" => Kind::Vpc,
        "payload" => Kind::Payload,
        "security_group" => Kind::SecurityGroup,
        "instance_role" => Kind::InstanceRole,
        "key_pair" => Kind::KeyPair,
        "launch_template" => Kind::LaunchTemplate,
        "target_group" => Kind::TargetGroup,
        "alb" => Kind::Alb,
        "autoscaling_group" => Kind::AutoScalingGroup,
        "output" => return Some(DeclKind::Output),
        _ => return None,
    }))
}

/// The closest candidate within a small edit distance.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| {
            (*d <= 2.max(c.len() / 3) && *d < c.len().max(word.len()))
                || (word.len() >= 3 && c.starts_with(word))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Parse the whole macro input. Returns `None` only when not even `stack Name` parsed.
pub fn parse(input: TokenStream, cx: &mut Ctxt) -> Option<StackAst> {
    let mut c = Cursor::new(input, proc_macro2::Span::call_site());
    if c.is_empty() {
        cx.error(
            c.span(),
            "empty `infra!`: expected `stack Name { ... }` (optionally `pub`, with a doc comment)",
        );
        return None;
    }
    let attrs = c.attrs(cx);
    for w in &attrs.waivers {
        cx.error(
            w.rule_span,
            "waivers go on the rule or resource they silence, not on the stack",
        );
    }
    // Visibility: `pub`, `pub(crate)`, `pub(in path)`, or nothing.
    let mut vis = TokenStream::new();
    if let Some(p) = c.eat_ident("pub") {
        vis.extend([TokenTree::Ident(p)]);
        if let Some(TokenTree::Group(g)) = c.peek().cloned() {
            if g.delimiter() == Delimiter::Parenthesis {
                c.next_tt();
                vis.extend([TokenTree::Group(g)]);
            }
        }
        if let Err(e) = syn::parse2::<syn::Visibility>(vis.clone()) {
            cx.push(e);
            vis = TokenStream::new();
        }
    }
    if !c.peek_ident_is("stack") {
        cx.push(c.err_expected("`stack Name { ... }` (e.g. `pub stack HelloStack { ... }`)"));
        return None;
    }
    c.next_tt(); // `stack`
    let name = match c.expect_name("the stack's name, e.g. `HelloStack`") {
        Ok(n) => n,
        Err(e) => {
            cx.push(e);
            return None;
        }
    };
    let group = match c.expect_group(Delimiter::Brace, "`{` opening the stack's body") {
        Ok(g) => g,
        Err(e) => {
            cx.push(e);
            return Some(StackAst {
                attrs,
                vis,
                name,
                settings: Vec::new(),
                items: Vec::new(),
                declared: Vec::new(),
            });
        }
    };
    if !c.is_empty() {
        cx.error(
            c.span(),
            format!(
                "unexpected {} after the stack's body: one `infra!` declares one stack",
                c.found()
            ),
        );
    }
    let mut ast = StackAst {
        attrs,
        vis,
        name,
        settings: Vec::new(),
        items: Vec::new(),
        declared: Vec::new(),
    };
    let mut b = Cursor::of_group(&group);
    while !b.is_empty() {
        parse_item(&mut b, &mut ast, cx);
    }
    Some(ast)
}

/// Skip to the start of the next item: past a `;`/`,` or a `{ ... }` group, or up to the
/// next resource keyword.
fn recover(c: &mut Cursor) {
    let mut first = true;
    loop {
        match c.peek() {
            None => return,
            Some(TokenTree::Ident(i)) if !first && KEYWORDS.iter().any(|k| i == k) => return,
            Some(TokenTree::Punct(p)) if p.as_char() == ';' || p.as_char() == ',' => {
                c.next_tt();
                return;
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                c.next_tt();
                if c.peek_punct(';') || c.peek_punct(',') {
                    c.next_tt();
                }
                return;
            }
            Some(_) => {
                c.next_tt();
            }
        }
        first = false;
    }
}

fn parse_item(c: &mut Cursor, ast: &mut StackAst, cx: &mut Ctxt) {
    let attrs = c.attrs(cx);
    if c.is_empty() {
        if let Some(sp) = attrs.doc_span() {
            cx.error(sp, "a doc comment must be followed by a resource");
        }
        return;
    }
    let Some(keyword) = c.next_ident() else {
        cx.push(c.err_expected(
            "a resource keyword (`vpc`, `security_group`, `payload`, `launch_template`, `target_group`, `alb`, `autoscaling_group`, `output`, ...)",
        ));
        recover(c);
        return;
    };
    let kw = keyword.to_string();
    if kw == "region" || kw == "tags" {
        let r = c.expect_punct(':').and_then(|_| parse_value(c));
        match r {
            Ok(value) => {
                no_waivers(&attrs, cx);
                ast.settings.push(Field {
                    key: kw,
                    key_sp: Sp::one(keyword.span()),
                    value,
                });
                if c.eat_punct(',').is_none() {
                    c.eat_punct(';');
                }
            }
            Err(e) => {
                cx.push(e);
                recover(c);
            }
        }
        return;
    }
    let Some(kind) = kind_of(&kw) else {
        let mut msg = format!("unknown resource keyword `{kw}`");
        match did_you_mean(&kw, KEYWORDS.iter().copied()) {
            Some(s) => msg.push_str(&format!("\n  help: did you mean `{s}`?")),
            None => msg.push_str(&format!(
                "\n  help: expected one of: {}",
                KEYWORDS.join(", ")
            )),
        }
        cx.error(Sp::one(keyword.span()), msg);
        recover(c);
        return;
    };
    let name = match c.expect_name(&format!("the {kw}'s name")) {
        Ok(n) => n,
        Err(e) => {
            cx.push(e);
            recover(c);
            return;
        }
    };
    ast.declared.push(Declared {
        attrs: attrs.clone(),
        kind,
        name: name.clone(),
    });
    match parse_rest(&kw, c, cx) {
        Ok(kind) => {
            ast.items.push(Item {
                attrs,
                keyword,
                name,
                kind,
            });
            if c.eat_punct(';').is_none() {
                c.eat_punct(',');
            }
        }
        Err(e) => {
            cx.push(e);
            recover(c);
        }
    }
}

fn body(c: &mut Cursor, cx: &mut Ctxt, what: &str) -> Res<Body> {
    let g = c.expect_group(Delimiter::Brace, &format!("`{{` opening the {what}'s body"))?;
    Ok(parse_body(&g, cx))
}

fn parse_rest(kw: &str, c: &mut Cursor, cx: &mut Ctxt) -> Res<ItemKind> {
    Ok(match kw {
        "variable" => {
            c.expect_punct(':')?;
            let ty =
                c.expect_ident("the variable's type (`cidr`, `public_key`, `string` or `number`)")?;
            let default = if c.eat_punct('=').is_some() {
                Some(parse_value(c)?)
            } else {
                None
            };
            if !(c.is_empty() || c.peek_punct(';') || c.peek_punct(',')) {
                return Err(c.err_expected("`;` after the variable"));
            }
            ItemKind::Variable { ty, default }
        }
        "vpc" => {
            if c.eat_punct('=').is_some() {
                c.expect_keyword("default")?;
                if !(c.is_empty() || c.peek_punct(';') || c.peek_punct(',')) {
                    return Err(c.err_expected("`;` after `= default`"));
                }
                ItemKind::DefaultVpc
            } else {
                ItemKind::Vpc(body(c, cx, "VPC")?)
            }
        }
        "payload" => {
            let module = if c.eat_punct('=').is_some() {
                match parse_value(c)? {
                    Value::ModPath(ts, sp) => Some((ts, sp)),
                    Value::Path(segs) if segs.len() == 1 => {
                        let seg = &segs[0];
                        let id = Ident::new(&seg.text, seg.sp.start);
                        Some((quote::quote!(#id), seg.sp))
                    }
                    other => {
                        return Err(other.sp().error(format!(
                            "expected the payload's spec module, e.g. `webapp::spec`, found {}",
                            other.describe()
                        )))
                    }
                }
            } else {
                None
            };
            ItemKind::Payload {
                module,
                body: body(c, cx, "payload")?,
            }
        }
        "security_group" | "target_group" | "alb" => {
            c.expect_keyword("in")
                .map_err(|_| c.err_expected("`in <vpc>` (the VPC it belongs to)"))?;
            let vpc = parse_value(c)?;
            let body = body(c, cx, kw)?;
            match kw {
                "security_group" => ItemKind::SecurityGroup { vpc, body },
                "target_group" => ItemKind::TargetGroup { vpc, body },
                _ => ItemKind::Alb { vpc, body },
            }
        }
        "instance_role" => ItemKind::InstanceRole(body(c, cx, "instance role")?),
        "key_pair" => ItemKind::KeyPair(body(c, cx, "key pair")?),
        "launch_template" => ItemKind::LaunchTemplate(body(c, cx, "launch template")?),
        "autoscaling_group" => ItemKind::AutoScalingGroup(body(c, cx, "auto scaling group")?),
        "output" => {
            c.expect_punct('=')?;
            let value = parse_value(c)?;
            if !(c.is_empty() || c.peek_punct(';') || c.peek_punct(',')) {
                return Err(c.err_expected("`;` after the output"));
            }
            ItemKind::Output { value }
        }
        _ => return Err(c.err_expected("a resource")),
    })
}

fn no_waivers(attrs: &Attrs, cx: &mut Ctxt) {
    for w in &attrs.waivers {
        cx.error(
            w.rule_span,
            "waivers go on the security group rule, launch template or instance role they silence",
        );
    }
}
