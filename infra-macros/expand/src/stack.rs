//! The stack declaration: `[attrs] [vis] stack Name { items }`, its settings (`region`,
//! `tags`), and the driver that parses and lowers its items through the item registry.
//!
//! Items are parsed one by one; an error in one item is recorded and parsing resumes at
//! the next item (after its `{ ... }` group or `;`, or at the next keyword).

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use syn::ext::IdentExt;

use infra_core::suggest::did_you_mean;
use infra_core::{Kind, Location, Stack};

use crate::cursor::{Attrs, Cursor};
use crate::items::{self, Decl, Item, SETTINGS};
use crate::lowering::{Lower, Lowered};
use crate::place::{Errors, Extent};
use crate::value::{parse_value, Field, Value};

/// The resource name under which stack-level settings (`region`, `tags`) are recorded.
pub const STACK: &str = "";

pub struct StackAst {
    pub attrs: Attrs,
    pub vis: TokenStream,
    pub name: Ident,
    /// `region: ...`, `tags: ...`.
    pub settings: Vec<Field>,
    pub items: Vec<(Decl, Box<dyn Item>)>,
    /// Every named declaration whose header parsed, even when the rest failed: enough to
    /// emit the stub struct after errors.
    pub declared: Vec<Declared>,
}

#[derive(Clone)]
pub struct Declared {
    pub attrs: Attrs,
    /// The kind declared; `None` for an output.
    pub kind: Option<Kind>,
    pub name: Ident,
}

/// Parse the whole macro input. Returns `None` only when not even `stack Name` parsed.
pub fn parse(input: TokenStream, cx: &mut Errors) -> Option<StackAst> {
    let mut c = Cursor::new(input, proc_macro2::Span::call_site());
    if c.is_empty() {
        cx.push(c.span().error(
            "empty `infra!`: expected `stack Name { ... }` (optionally `pub`, with a doc comment)",
        ));
        return None;
    }
    let attrs = c.attrs(cx);
    for w in &attrs.waivers {
        cx.push(
            w.rule_span
                .error("waivers go on the rule or resource they silence, not on the stack"),
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
            cx.push(Extent::one(e.span()).error(e.to_string()));
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
    let mut ast = StackAst {
        attrs,
        vis,
        name,
        settings: Vec::new(),
        items: Vec::new(),
        declared: Vec::new(),
    };
    let group = match c.expect_group(Delimiter::Brace, "`{` opening the stack's body") {
        Ok(g) => g,
        Err(e) => {
            cx.push(e);
            return Some(ast);
        }
    };
    if !c.is_empty() {
        cx.push(c.span().error(format!(
            "unexpected {} after the stack's body: one `infra!` declares one stack",
            c.found()
        )));
    }
    let keywords = items::keywords();
    let mut b = Cursor::of_group(&group);
    while !b.is_empty() {
        parse_item(&mut b, &mut ast, cx, &keywords);
    }
    Some(ast)
}

/// Skip to the start of the next item: past a `;`/`,` or a `{ ... }` group, or up to the
/// next keyword.
fn recover(c: &mut Cursor, keywords: &[&str]) {
    let mut first = true;
    loop {
        match c.peek() {
            None => return,
            Some(TokenTree::Ident(i)) if !first && keywords.iter().any(|k| i == k) => return,
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

fn parse_item(c: &mut Cursor, ast: &mut StackAst, cx: &mut Errors, keywords: &[&str]) {
    let attrs = c.attrs(cx);
    if c.is_empty() {
        if let Some(sp) = attrs.doc_span() {
            cx.push(sp.error("a doc comment must be followed by a resource"));
        }
        return;
    }
    let Some(keyword) = c.next_ident() else {
        cx.push(c.err_expected(
            "a resource keyword (`vpc`, `security_group`, `payload`, `launch_template`, `target_group`, `alb`, `autoscaling_group`, `output`, ...)",
        ));
        recover(c, keywords);
        return;
    };
    let kw = keyword.to_string();
    if SETTINGS.contains(&kw.as_str()) {
        let r = c.expect_punct(':').and_then(|_| {
            if kw == "backend" {
                // `backend: s3 { ... }`: the type, then its settings.
                let ty = c.expect_ident("a backend type: `s3`")?;
                let body = parse_value(c, cx)?;
                let sp = Extent::one(ty.span()).to(body.sp());
                Ok(Value::Call(ty, vec![body], sp))
            } else {
                parse_value(c, cx)
            }
        });
        match r {
            Ok(value) => {
                for w in &attrs.waivers {
                    cx.push(w.rule_span.error(
                        "waivers go on the security group rule, launch template or instance role they silence",
                    ));
                }
                ast.settings.push(Field {
                    key: kw,
                    key_at: Extent::one(keyword.span()),
                    value,
                });
                if c.eat_punct(',').is_none() {
                    c.eat_punct(';');
                }
            }
            Err(e) => {
                cx.push(e);
                recover(c, keywords);
            }
        }
        return;
    }
    let Some(def) = items::find(&kw) else {
        let help = match did_you_mean(&kw, keywords.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of: {}", keywords.join(", ")),
        };
        cx.push(
            Extent::one(keyword.span())
                .error(format!("unknown resource keyword `{kw}`"))
                .help(help),
        );
        recover(c, keywords);
        return;
    };
    let ty = if def.typed {
        match c.expect_ident(&format!(
            "the {kw}'s Terraform type, e.g. `{kw} aws_sqs_queue jobs {{ .. }}`"
        )) {
            Ok(t) => Some(t),
            Err(e) => {
                cx.push(e);
                recover(c, keywords);
                return;
            }
        }
    } else {
        None
    };
    let name = match c.expect_name(&format!("the {kw}'s name")) {
        Ok(n) => n,
        Err(e) => {
            cx.push(e);
            recover(c, keywords);
            return;
        }
    };
    ast.declared.push(Declared {
        attrs: attrs.clone(),
        kind: def.kind,
        name: name.clone(),
    });
    match (def.parse)(c, cx) {
        Ok(item) => {
            ast.items.push((
                Decl {
                    attrs,
                    keyword,
                    ty,
                    name,
                },
                item,
            ));
            if c.eat_punct(';').is_none() {
                c.eat_punct(',');
            }
        }
        Err(e) => {
            cx.push(e);
            recover(c, keywords);
        }
    }
}

/// Lower a parsed stack. Errors go to `cx`; the model is complete only when none was
/// recorded.
pub fn lower(ast: &StackAst, cx: &mut Errors) -> Lowered {
    let kinds = ast
        .declared
        .iter()
        .map(|d| (d.name.unraw().to_string(), d.kind))
        .collect();
    let mut lx = Lower::new(cx, Stack::new(ast.name.unraw().to_string()), kinds);
    lx.out.stack.doc = ast.attrs.doc();
    settings(&mut lx, &ast.settings);
    // Payloads first: `<payload>.port` and `<payload>.health` derive from them.
    for early in [true, false] {
        for (decl, item) in ast.items.iter().filter(|(_, i)| i.early() == early) {
            lower_item(&mut lx, decl, item.as_ref());
        }
    }
    lx.out
}

/// What every item's lowering starts with.
fn lower_item(lx: &mut Lower, d: &Decl, item: &dyn Item) {
    let name = d.name();
    let kw = d.keyword.to_string();
    if name == "outputs" {
        lx.err(
            d.name_at(),
            "`outputs` is reserved: the generated struct keeps the stack's outputs in a field of that name",
        );
    }
    let def = items::find(&kw);
    if def.is_some_and(|def| def.kind.is_some()) {
        // The resource's name; for a duplicate, the later declaration wins (that is where
        // `duplicate-name` points).
        lx.span(&d.loc(), d.name_at());
    }
    if !def.is_some_and(|def| def.waivable) {
        lx.no_waivers(&d.attrs, &kw);
    }
    item.lower(lx, d);
}

fn settings(lx: &mut Lower, settings: &[Field]) {
    let stack = Location::of(STACK);
    let mut seen: Vec<&str> = Vec::new();
    for f in settings {
        if seen.contains(&f.key.as_str()) {
            lx.err(f.key_at, format!("duplicate `{}` in the stack", f.key));
            continue;
        }
        seen.push(&f.key);
        match f.key.as_str() {
            "region" => {
                if let Some(r) = lx.string(&f.value, &stack.at(REGION), "a region name string") {
                    lx.out.stack.region = r;
                }
            }
            "backend" => backend(lx, &f.value),
            _ => {
                let Value::Map(entries, _) = &f.value else {
                    lx.expected("`{ Key: \"value\", ... }`", &f.value);
                    continue;
                };
                let mut keys: Vec<&str> = Vec::new();
                for e in entries {
                    if keys.contains(&e.key.as_str()) {
                        lx.err(e.key_at, format!("duplicate tag `{}`", e.key));
                        continue;
                    }
                    keys.push(&e.key);
                    if let Some(v) = lx.string(&e.value, &tag_at(&e.key), "a tag value string") {
                        lx.out.stack.tags.insert(e.key.clone(), v);
                    }
                }
            }
        }
    }
}

/// `backend: s3 { bucket: "...", key: "...", region?: "..." }`: shared state in S3, locked
/// with Terraform's native S3 lock file. Literal strings only (Terraform reads backend
/// settings before it evaluates anything).
fn backend(lx: &mut Lower, v: &Value) {
    let Value::Call(ty, args, _) = v else {
        lx.expected("`s3 { bucket: \"...\", key: \"...\" }`", v);
        return;
    };
    if ty != "s3" {
        lx.err(
            Extent::one(ty.span()),
            format!("unknown backend `{ty}`: the backend is `s3`"),
        );
        return;
    }
    let Some(Value::Map(fields, map_sp)) = args.first() else {
        lx.err(
            Extent::one(ty.span()),
            "expected `s3 { bucket: \"...\", key: \"...\" }`",
        );
        return;
    };
    let (mut bucket, mut key, mut region) = (None, None, None);
    let mut invalid = false;
    for f in fields {
        let slot = match f.key.as_str() {
            "bucket" => &mut bucket,
            "key" => &mut key,
            "region" => &mut region,
            other => {
                let help = match did_you_mean(other, ["bucket", "key", "region"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "expected bucket, key, region".to_string(),
                };
                lx.err(
                    f.key_at,
                    format!("unknown `{other}` in the s3 backend: {help}"),
                );
                continue;
            }
        };
        match &f.value {
            Value::Str(s, _) if !s.is_empty() => *slot = Some(s.clone()),
            other => {
                invalid = true;
                lx.expected("a non-empty string literal", other);
            }
        }
    }
    match (bucket, key) {
        (Some(bucket), Some(key)) => {
            lx.out.stack.backend = Some(infra_core::Backend::S3 {
                bucket,
                key,
                region,
            });
        }
        _ if invalid => {}
        _ => lx.err(*map_sp, "the s3 backend needs `bucket` and `key`"),
    }
}

/// The stack's `region` setting.
pub const REGION: infra_core::Field = infra_core::Field::new("region");

/// Where the value of tag `key` is recorded. Tag keys are the user's text, not fields of
/// the model, and no check reports at a tag: the value is kept under a pseudo-resource
/// `tags:<key>` that no declared name can equal (`:` is not an identifier character).
pub fn tag_at(key: &str) -> Location {
    Location::of(&format!("tags:{key}"))
}
