//! Property test: `expand` and `lower` return on any input (never panic), and what `expand`
//! returns is always a well-formed Rust file (the stack, or `compile_error!`s plus stubs).
//!
//! Inputs: random token soups drawn from the DSL's own vocabulary, and mutations of the lab
//! block as written in `stacks/src/hello_stack.rs`, extended (drop, duplicate, swap tokens;
//! replace literals and identifiers; truncate groups).
//! Strings are turned into tokens with `str::parse`, as rustc would lex them; a string that
//! does not lex is skipped. Case counts are bounded so the test runs in a few seconds in debug.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The lab as written in its one file (the stack `hello_stack` prints).
const HELLO_STACK_RS: &str = include_str!("../../../stacks/src/hello_stack.rs");

/// The lab's `infra!` input, read out of [`HELLO_STACK_RS`], extended with grammar the lab
/// itself does not use, so that mutations reach it too: a port range, a waiver and a rule
/// doc comment in the instance security group; IMDSv2 and root volume settings on the
/// launch template; a string variable with a default; a literal-form payload; a target group
/// with a full health check block and a run-time `{ expr }` value. Built once per thread.
fn lab() -> TokenStream {
    thread_local! {
        static LAB: TokenStream = extended_lab();
    }
    LAB.with(TokenStream::clone)
}

fn extended_lab() -> TokenStream {
    let lab = infra_expand::source::macro_body(HELLO_STACK_RS, "infra")
        .expect("stacks/src/hello_stack.rs holds an infra! { ... } block");
    let lab = append_to(
        lab,
        ("security_group", Some("web_sg")),
        r#"
            /// A port range from one address
            ingress tcp 2222..=2223 from "203.0.113.7/32",
            #[waive(ssh_open_to_world, "bastion, destroyed after class")]
            ingress tcp 22 from internet,
        "#,
    );
    let lab = append_to(
        lab,
        ("launch_template", Some("web")),
        "imdsv2: required, root_volume: { size: 8, encrypted: true },",
    );
    append_to(
        lab,
        ("stack", None),
        r#"
            variable foo: string = "bar";
            payload extra { binary: "webapp", port: 8000, health: "/health", routes: ["/", "/health"] }
            target_group extra_tg in main {
                port: extra.port,
                health: { path: "/health", interval: 15, timeout: 5, healthy_threshold: 2,
                          unhealthy_threshold: 3, port: traffic_port, matcher: "200" },
                deregistration_delay: { 30 + 0 },
            }
        "#,
    )
}

/// `ts` with `extra` appended inside the body (the first `{ }` group after it) of the first
/// `keyword name` (any name when `None`), searched depth first. Panics when there is none,
/// so a change to the lab's file that drops the item fails here, not silently.
fn append_to(ts: TokenStream, item: (&str, Option<&str>), extra: &str) -> TokenStream {
    fn go(ts: TokenStream, item: (&str, Option<&str>), extra: &TokenStream) -> (TokenStream, bool) {
        let mut trees: Vec<TokenTree> = ts.into_iter().collect();
        let is_ident = |t: &TokenTree, s: Option<&str>| matches!(t, TokenTree::Ident(i) if s.is_none_or(|s| i == s));
        let head = (0..trees.len().saturating_sub(1))
            .find(|&i| is_ident(&trees[i], Some(item.0)) && is_ident(&trees[i + 1], item.1));
        let body = head.and_then(|h| {
            (h + 2..trees.len()).find(
                |&j| matches!(&trees[j], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace),
            )
        });
        if let Some(j) = body {
            if let TokenTree::Group(g) = &trees[j] {
                let mut inner = g.stream();
                let ends_with_comma = inner
                    .clone()
                    .into_iter()
                    .last()
                    .is_none_or(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ','));
                if !ends_with_comma && item.0 != "stack" {
                    inner.extend(lex(",").unwrap());
                }
                inner.extend(extra.clone());
                let mut ng = Group::new(Delimiter::Brace, inner);
                ng.set_span(g.span());
                trees[j] = TokenTree::Group(ng);
            }
            return (trees.into_iter().collect(), true);
        }
        let mut found = false;
        for t in &mut trees {
            if let (TokenTree::Group(g), false) = (&*t, found) {
                let (inner, hit) = go(g.stream(), item, extra);
                if hit {
                    let mut ng = Group::new(g.delimiter(), inner);
                    ng.set_span(g.span());
                    *t = TokenTree::Group(ng);
                    found = true;
                }
            }
        }
        (trees.into_iter().collect(), found)
    }
    let extra = lex(extra).expect("the extension lexes");
    let (ts, found) = go(ts, item, &extra);
    assert!(found, "no `{} {:?}` in the lab", item.0, item.1);
    ts
}

/// Words and punctuation of the DSL (and a few near misses) for random token soups.
const VOCAB: &[&str] = &[
    "pub",
    "stack",
    "S",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    ":",
    ".",
    "=",
    "=>",
    "..",
    "..=",
    "!",
    "#",
    "///",
    "vpc",
    "main",
    "payload",
    "site",
    "security_group",
    "in",
    "ingress",
    "egress",
    "tcp",
    "udp",
    "from",
    "to",
    "internet",
    "var",
    "variable",
    "cidr",
    "string",
    "number",
    "public_key",
    "instance_role",
    "read",
    "key_pair",
    "launch_template",
    "image",
    "amazon_linux_2023",
    "instance_type",
    "t2",
    "micro",
    "target_group",
    "port",
    "health",
    "alb",
    "listener",
    "autoscaling_group",
    "min",
    "max",
    "desired",
    "scale",
    "cpu_average",
    "output",
    "dns_name",
    "resource",
    "data",
    "aws_sqs_queue",
    "aws_caller_identity",
    "visibility_timeout_seconds",
    "allow",
    "actions",
    "on",
    "waive",
    "default",
    "internal",
    "region",
    "tags",
    "public_subnets",
    "security_groups",
    "binary",
    "routes",
    "0",
    "1",
    "80",
    "8000",
    "65536",
    "4294967296",
    "-1",
    "1.5",
    "\"/health\"",
    "\"10.0.0.0/16\"",
    "\"0.0.0.0/0\"",
    "\"\"",
    "'c'",
    "b\"x\"",
    "true",
    "false",
    "r#type",
    "self",
    "_",
];

/// Replacement literals: every kind the lexer knows, including out-of-range numbers.
const LITERALS: &[&str] = &[
    "0",
    "1",
    "22",
    "80",
    "65535",
    "65536",
    "99999999999999999999999",
    "1.5",
    "1e3",
    "0x50",
    "80u8",
    "\"\"",
    "\"/healthz\"",
    "\"10.0.0.0/33\"",
    "\"::/0\"",
    "\"${x}\"",
    "'a'",
    "b'a'",
    "b\"ab\"",
    "r\"raw\"",
    "c\"c\"",
    "true",
];

const IDENTS: &[&str] = &[
    "main",
    "site",
    "alb_sg",
    "web_sg",
    "web",
    "app",
    "front",
    "web_asg",
    "internet",
    "tcp",
    "from",
    "to",
    "port",
    "health",
    "stack",
    "logs",
    "aws_region",
    "r#fn",
    "_",
    "x",
    "HelloStack",
    "public_subnets",
    "required",
    "optional",
    "traffic_port",
    "resource",
    "data",
    "aws_sqs_queue",
    "jobs",
];

fn lex(src: &str) -> Option<TokenStream> {
    src.parse().ok()
}

/// One kind of mutation, applied at a position (taken modulo the length it applies to).
#[derive(Debug, Clone)]
enum Mutation {
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    ReplaceLiteral(usize, usize),
    ReplaceIdent(usize, usize),
    TruncateGroup(usize, usize),
    FlattenGroup(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>();
    prop_oneof![
        i.prop_map(Mutation::Drop),
        i.prop_map(Mutation::Duplicate),
        (i, any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (i, any::<usize>()).prop_map(|(a, b)| Mutation::ReplaceLiteral(a, b)),
        (i, any::<usize>()).prop_map(|(a, b)| Mutation::ReplaceIdent(a, b)),
        (i, any::<usize>()).prop_map(|(a, b)| Mutation::TruncateGroup(a, b)),
        i.prop_map(Mutation::FlattenGroup),
    ]
}

/// The token trees of a stream, depth first, as paths of child indices.
fn paths(ts: &TokenStream, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, tt) in ts.clone().into_iter().enumerate() {
        prefix.push(i);
        out.push(prefix.clone());
        if let TokenTree::Group(g) = &tt {
            paths(&g.stream(), prefix, out);
        }
        prefix.pop();
    }
}

/// Rebuild `ts` with the tree list that contains `path`'s last element edited by `f`.
fn edit(
    ts: TokenStream,
    path: &[usize],
    f: &mut dyn FnMut(&mut Vec<TokenTree>, usize),
) -> TokenStream {
    let mut trees: Vec<TokenTree> = ts.into_iter().collect();
    match path {
        [] => {}
        [i] => f(&mut trees, *i),
        [i, rest @ ..] => {
            if let Some(TokenTree::Group(g)) = trees.get(*i).cloned() {
                let mut ng = Group::new(g.delimiter(), edit(g.stream(), rest, f));
                ng.set_span(g.span());
                trees[*i] = TokenTree::Group(ng);
            }
        }
    }
    trees.into_iter().collect()
}

fn pick<T>(v: &[T], k: usize) -> Option<&T> {
    (!v.is_empty()).then(|| &v[k % v.len()])
}

fn apply(ts: TokenStream, m: &Mutation) -> TokenStream {
    let mut all = Vec::new();
    paths(&ts, &mut Vec::new(), &mut all);
    let with = |pred: &dyn Fn(&TokenTree) -> bool| -> Vec<Vec<usize>> {
        all.iter()
            .filter(|p| tree_at(&ts, p).is_some_and(|t| pred(&t)))
            .cloned()
            .collect()
    };
    match m {
        Mutation::Drop(k) => match pick(&all, *k) {
            Some(p) => edit(ts.clone(), p, &mut |t, i| {
                t.remove(i);
            }),
            None => ts,
        },
        Mutation::Duplicate(k) => match pick(&all, *k) {
            Some(p) => edit(ts.clone(), p, &mut |t, i| {
                let x = t[i].clone();
                t.insert(i, x);
            }),
            None => ts,
        },
        Mutation::Swap(k, d) => match pick(&all, *k) {
            Some(p) => edit(ts.clone(), p, &mut |t, i| {
                let j = (i + 1 + d % 3).min(t.len() - 1);
                t.swap(i, j);
            }),
            None => ts,
        },
        Mutation::ReplaceLiteral(k, l) => {
            let lits = with(&|t| matches!(t, TokenTree::Literal(_)));
            match (pick(&lits, *k), lex(LITERALS[l % LITERALS.len()])) {
                (Some(p), Some(new)) => edit(ts.clone(), p, &mut |t, i| {
                    t.splice(i..=i, new.clone());
                }),
                _ => ts,
            }
        }
        Mutation::ReplaceIdent(k, l) => {
            let idents = with(&|t| matches!(t, TokenTree::Ident(_)));
            match (pick(&idents, *k), lex(IDENTS[l % IDENTS.len()])) {
                (Some(p), Some(new)) => edit(ts.clone(), p, &mut |t, i| {
                    t.splice(i..=i, new.clone());
                }),
                _ => ts,
            }
        }
        Mutation::TruncateGroup(k, keep) => {
            let groups = with(&|t| matches!(t, TokenTree::Group(_)));
            match pick(&groups, *k) {
                Some(p) => edit(ts.clone(), p, &mut |t, i| {
                    if let TokenTree::Group(g) = &t[i] {
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        let n = if inner.is_empty() {
                            0
                        } else {
                            keep % inner.len()
                        };
                        let mut ng =
                            Group::new(g.delimiter(), inner[..n].iter().cloned().collect());
                        ng.set_span(g.span());
                        t[i] = TokenTree::Group(ng);
                    }
                }),
                None => ts,
            }
        }
        Mutation::FlattenGroup(k) => {
            let groups = with(&|t| matches!(t, TokenTree::Group(_)));
            match pick(&groups, *k) {
                Some(p) => edit(ts.clone(), p, &mut |t, i| {
                    if let TokenTree::Group(g) = t[i].clone() {
                        let d = g.delimiter();
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        // Keep the delimiters' place with a `None` group (invisible), or splice.
                        if d == Delimiter::Brace {
                            t.splice(i..=i, inner);
                        } else {
                            t[i] = TokenTree::Group(Group::new(
                                Delimiter::None,
                                inner.into_iter().collect(),
                            ));
                        }
                    }
                }),
                None => ts,
            }
        }
    }
}

fn tree_at(ts: &TokenStream, path: &[usize]) -> Option<TokenTree> {
    let (first, rest) = path.split_first()?;
    let tt = ts.clone().into_iter().nth(*first)?;
    if rest.is_empty() {
        return Some(tt);
    }
    match tt {
        TokenTree::Group(g) => tree_at(&g.stream(), rest),
        _ => None,
    }
}

/// Rust keywords: a resource or stack named one of these is a known bug (see
/// [`keyword_names_expand_to_a_rust_file`]); such inputs skip the "is a Rust file" property.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "_",
];

/// Whether a non-raw Rust keyword stands where a name is declared (after a declaration
/// keyword), anywhere in the input.
fn declares_keyword_name(ts: &TokenStream) -> bool {
    let decl: Vec<&str> = std::iter::once("stack")
        .chain(infra_expand::item_keywords())
        .collect();
    let trees: Vec<TokenTree> = ts.clone().into_iter().collect();
    trees.windows(2).any(|w| match (&w[0], &w[1]) {
        (TokenTree::Ident(a), TokenTree::Ident(b)) => {
            decl.contains(&a.to_string().as_str())
                && RUST_KEYWORDS.contains(&b.to_string().as_str())
        }
        _ => false,
    }) || trees
        .iter()
        .any(|t| matches!(t, TokenTree::Group(g) if declares_keyword_name(&g.stream())))
}

/// Any `{ value }` is a run-time Rust expression, pasted into the output as written so that
/// rustc reports errors at the user's tokens. The generated code embeds them as
/// `let __infra_value: T = { .. };` and `ToString::to_string(&{ .. })`, i.e. right after `=`
/// or `&`, which the generated code uses nowhere else before a brace. Replace those that are
/// not Rust blocks with `{}`: if the file then parses, the only non-Rust in it is the user's
/// own expression, which is rustc's to report.
fn blank_invalid_user_blocks(ts: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut prev_eq_or_amp = false;
    for tt in ts {
        let next = match &tt {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && prev_eq_or_amp => {
                if syn::parse2::<syn::Block>(TokenTree::Group(g.clone()).into()).is_ok() {
                    tt
                } else {
                    TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new()))
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), blank_invalid_user_blocks(g.stream()));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            _ => tt,
        };
        prev_eq_or_amp =
            matches!(&next, TokenTree::Punct(p) if p.as_char() == '=' || p.as_char() == '&');
        out.push(next);
    }
    out.into_iter().collect()
}

/// The property: both entry points return, and `expand`'s output is a Rust file.
fn check(input: TokenStream) -> Result<(), TestCaseError> {
    let text = input.to_string();
    let lowered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        infra_expand::lower(input.clone())
    }));
    prop_assert!(lowered.is_ok(), "lower panicked on:\n{text}");
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        infra_expand::expand(input.clone())
    }));
    prop_assert!(out.is_ok(), "expand panicked on:\n{text}");
    let out = out.unwrap();
    let rendered = out.to_string();
    // `expand` catches panics itself and says so: that is a bug too.
    prop_assert!(
        !rendered.contains("internal error in infra!"),
        "expand hit an internal error on:\n{text}"
    );
    let file = syn::parse2::<syn::File>(out.clone())
        .or_else(|_| syn::parse2::<syn::File>(blank_invalid_user_blocks(out)));
    if file.is_err() && declares_keyword_name(&input) {
        return Ok(()); // known bug, pinned by `keyword_names_expand_to_a_rust_file`
    }
    prop_assert!(
        file.is_ok(),
        "expand output is not a Rust file ({:?}) for:\n{text}\noutput:\n{rendered}",
        file.err()
    );
    // Clean input means generated code, never errors; errors mean at least one compile_error!.
    if lowered.unwrap().is_ok() {
        prop_assert!(
            !rendered.contains("compile_error"),
            "lower is Ok but expand errs:\n{text}"
        );
    } else {
        prop_assert!(
            rendered.contains("compile_error"),
            "lower errs but expand does not:\n{text}"
        );
    }
    Ok(())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // The default failure persistence writes files next to the sources; keep it off.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Found by mutating the lab (whose payload module is one identifier, `webapp_spec`): a
/// one-identifier module path that is raw (`r#type`) is a module like any other, and a Rust
/// keyword (`fn`, `_`, `in`) is a DSL error, never a panic or `fn::BINARY`.
#[test]
fn one_ident_payload_module_raw_or_keyword() {
    let src = |m: &str| lex(&format!("stack S {{ payload site = {m} {{ port: 80 }} }}")).unwrap();
    for m in ["r#type", "r#x"] {
        // A raw identifier is a module name like any other.
        let lowered = std::panic::catch_unwind(|| infra_expand::lower(src(m)).is_ok());
        assert!(matches!(lowered, Ok(true)), "{m}: {lowered:?}");
        let out = infra_expand::expand(src(m));
        assert!(syn::parse2::<syn::File>(out).is_ok(), "{m}");
    }
    for m in ["fn", "_", "in"] {
        // A keyword is not a module: a DSL error, and the output stays a Rust file.
        assert!(infra_expand::lower(src(m)).is_err(), "{m}");
        let out = infra_expand::expand(src(m));
        assert!(syn::parse2::<syn::File>(out).is_ok(), "{m}");
    }
}

/// A keyword (or `_`) as a resource or stack name (`vpc in { .. }`, `stack fn { }`) is a DSL
/// error, and the output stays a Rust file (no field `pub in: ...`).
#[test]
fn keyword_names_expand_to_a_rust_file() {
    for src in [
        r#"stack S { vpc in { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] } }"#,
        r#"stack S { vpc type { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] } }"#,
        r#"stack fn { }"#,
        r#"stack _ { }"#,
        r#"stack S { vpc in }"#,
    ] {
        let out = infra_expand::expand(lex(src).unwrap());
        let ok_lower = infra_expand::lower(lex(src).unwrap()).is_ok();
        assert!(
            syn::parse2::<syn::File>(out).is_ok() && !ok_lower,
            "{src}: a keyword name should be a DSL error, and the output a Rust file"
        );
    }
}

#[test]
fn lab_block_lowers_cleanly() {
    let ts = lab();
    if let Err(e) = infra_expand::lower(ts.clone()) {
        let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        panic!("the lab block should be valid:\n{}", all.join("\n"));
    }
    check(ts).unwrap();
}

proptest! {
    #![proptest_config(config(1500))]

    /// Mutations of the lab block: one to four edits anywhere in the tree.
    #[test]
    fn mutated_lab_never_panics(ms in prop::collection::vec(mutation(), 1..5)) {
        let mut ts = lab();
        for m in &ms {
            ts = apply(ts, m);
        }
        check(ts)?;
    }
}

proptest! {
    #![proptest_config(config(800))]

    /// Random soups of DSL words, inside and outside a stack header.
    #[test]
    fn random_tokens_never_panic(
        words in prop::collection::vec(0..VOCAB.len(), 0..60),
        wrap in any::<bool>(),
    ) {
        let body: Vec<&str> = words.iter().map(|&i| VOCAB[i]).collect();
        let src = if wrap {
            format!("pub stack S {{ {} }}", body.join(" "))
        } else {
            body.join(" ")
        };
        // Unbalanced delimiters do not lex: skip them, as rustc would never call the macro.
        if let Some(ts) = lex(&src) {
            check(ts)?;
        }
    }

    /// Arbitrary printable text (mostly not lexable; the rest exercises odd tokens).
    #[test]
    fn random_text_never_panics(src in "[ -~]{0,80}") {
        if let Some(ts) = lex(&format!("pub stack S {{ {src} }}")) {
            check(ts)?;
        }
    }

    /// Literals of every kind in every value position of a small valid stack.
    #[test]
    fn any_literal_in_value_positions(a in 0..LITERALS.len(), b in 0..LITERALS.len(), c in 0..LITERALS.len()) {
        let src = format!(
            "stack S {{ vpc main {{ cidr: {}, public_subnets: [{}] }} \
             target_group app in main {{ port: {}, health: \"/health\" }} }}",
            LITERALS[a], LITERALS[b], LITERALS[c]
        );
        if let Some(ts) = lex(&src) {
            check(ts)?;
        }
    }
}

#[test]
fn literal_helper_lexes_every_replacement() {
    for l in LITERALS {
        let ts = lex(l).unwrap_or_else(|| panic!("{l} does not lex"));
        assert!(ts.into_iter().all(|t| matches!(
            t,
            TokenTree::Literal(_) | TokenTree::Punct(_) | TokenTree::Ident(_)
        )));
    }
}
