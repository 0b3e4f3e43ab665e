//! Expansion cost of `infra!` at 1,000 resources.
//!
//! The block is the lab (`stacks/src/hello_stack.rs`, read with `include_str!` and
//! `infra_expand::source::macro_body`) repeated: its VPC once, then 111 "cells", each every
//! other item of the lab with its names suffixed `_<cell>` (payload, ALB and instance
//! security groups with their 5 rules, instance role, key pair, launch template, target
//! group, ALB with a listener, auto scaling group, 2 variables, 4 outputs): 1 + 111 * 9 =
//! 1,000 resources and 555 security group rules. The payload's spec module
//! (`webapp_spec { port: 80 }`) is written out in the literal form from `webapp_spec`'s
//! consts, so every value is known at expansion time and every rule of `infra_core::check`
//! runs in full.
//!
//! ```sh
//! cargo bench -p infra-expand --bench expand
//! ```
//!
//! Criterion writes each estimate to `target/criterion/<group>/<name>/new/estimates.json`
//! (the `median` entry is the figure quoted in infra-macros/README.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};

/// The lab as written in its one file (the stack `hello_stack` prints).
const HELLO_STACK_RS: &str = include_str!("../../../stacks/src/hello_stack.rs");

/// Cells of 9 resources each, plus the VPC: 111 cells = 1,000 resources.
const CELLS: usize = 111;

/// True for a keyword that declares a name whose every use is suffixed per cell: every item
/// keyword (`infra_expand::item_keywords`) but `vpc` (the cells share one VPC).
fn suffixed(kw: &str) -> bool {
    kw != "vpc" && infra_expand::item_keywords().contains(&kw)
}

/// Items written once, before the cells (settings and the VPC the cells share).
const SHARED: &[&str] = &["region", "tags", "vpc"];

fn ident_is(t: &TokenTree, s: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if i == s)
}

fn punct_is(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

/// A stack body split into its items, each with its attributes and its `;` or `,`: an item
/// ends at a top-level `;` or `,`, or at a `{ }` body that no `;` or `,` follows.
fn items(body: TokenStream) -> Vec<Vec<TokenTree>> {
    let trees: Vec<TokenTree> = body.into_iter().collect();
    let mut out = Vec::new();
    let mut item = Vec::new();
    for (i, t) in trees.iter().enumerate() {
        item.push(t.clone());
        let next = trees.get(i + 1);
        let ends = punct_is(t, ';')
            || punct_is(t, ',')
            || matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
                && !next.is_some_and(|n| punct_is(n, ';') || punct_is(n, ','));
        if ends {
            out.push(std::mem::take(&mut item));
        }
    }
    assert!(item.is_empty(), "the lab ends in the middle of an item");
    out
}

/// The item's keyword: its first identifier after the attributes.
fn keyword(item: &[TokenTree]) -> String {
    let mut trees = item.iter();
    while let Some(t) = trees.next() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                trees.next(); // the attribute's [ ]
            }
            TokenTree::Ident(i) => return i.to_string(),
            _ => {}
        }
    }
    panic!("an item without a keyword")
}

/// The name an item declares (the identifier after its keyword), if its keyword is `suffixed`.
fn declared(item: &[TokenTree]) -> Option<String> {
    let kw = keyword(item);
    if !suffixed(&kw) {
        return None;
    }
    let at = item.iter().position(|t| ident_is(t, &kw))?;
    match item.get(at + 1)? {
        TokenTree::Ident(name) => Some(name.to_string()),
        _ => None,
    }
}

/// `ts` with every identifier in `names` suffixed `_<cell>`, at any depth.
fn rename(ts: TokenStream, names: &[String], cell: usize) -> TokenStream {
    ts.into_iter()
        .map(|t| match t {
            TokenTree::Ident(i) if names.iter().any(|n| i == n) => {
                TokenTree::Ident(Ident::new(&format!("{i}_{cell}"), i.span()))
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename(g.stream(), names, cell));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            t => t,
        })
        .collect()
}

/// `payload site = webapp_spec { port: 80 }` written out as the literal form, with the
/// module's consts: `payload site { binary: .., health: .., routes: [..], port_env: .., port: 80 }`.
fn inline_spec_module(item: Vec<TokenTree>) -> Vec<TokenTree> {
    let Some(eq) = item.iter().position(|t| punct_is(t, '=')) else {
        return item; // already the literal form
    };
    let Some(TokenTree::Group(body)) = item.last() else {
        panic!("a module-form payload ends with its body")
    };
    let routes: Vec<String> = webapp_spec::ROUTES
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    let consts: TokenStream = format!(
        "binary: {:?}, health: {:?}, routes: [{}], port_env: {:?},",
        webapp_spec::BINARY,
        webapp_spec::HEALTH_PATH,
        routes.join(", "),
        webapp_spec::PORT_ENV,
    )
    .parse()
    .unwrap();
    let mut fields = consts;
    fields.extend(body.stream());
    let mut out: Vec<TokenTree> = item[..eq].to_vec();
    out.push(TokenTree::Group(Group::new(Delimiter::Brace, fields)));
    out
}

/// The lab's block with its VPC once and every other item repeated in `cells` cells.
fn big_stack(cells: usize) -> TokenStream {
    let lab = infra_expand::source::macro_body(HELLO_STACK_RS, "infra")
        .expect("stacks/src/hello_stack.rs holds an infra! { ... } block");
    let trees: Vec<TokenTree> = lab.into_iter().collect();
    let at = trees
        .iter()
        .position(|t| ident_is(t, "stack"))
        .expect("`stack Name { .. }`");
    let Some(TokenTree::Group(body)) = trees.get(at + 2) else {
        panic!("`stack Name {{ .. }}`")
    };
    let (shared, cell): (Vec<_>, Vec<_>) = items(body.stream())
        .into_iter()
        .map(|item| match keyword(&item).as_str() {
            "payload" => inline_spec_module(item),
            _ => item,
        })
        .partition(|item| SHARED.contains(&keyword(item).as_str()));
    let names: Vec<String> = cell.iter().filter_map(|item| declared(item)).collect();
    let cell: TokenStream = cell.into_iter().flatten().collect();
    let mut out: TokenStream = shared.into_iter().flatten().collect();
    for i in 0..cells {
        out.extend(rename(cell.clone(), &names, i));
    }
    let mut head: TokenStream = trees[..at + 2].iter().cloned().collect();
    head.extend([TokenTree::Group(Group::new(Delimiter::Brace, out))]);
    head
}

fn input() -> TokenStream {
    big_stack(CELLS)
}

fn bench(c: &mut Criterion) {
    let ts = input();
    // The block is valid: the benchmark measures the clean path (parse, lower, every check,
    // code generation), which is what a real stack pays on every build.
    let stack = infra_expand::lower(ts.clone()).unwrap_or_else(|e| {
        let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        panic!("the generated stack should be valid:\n{}", all.join("\n"))
    });
    let resources = stack.vpcs.len()
        + stack.payloads.len()
        + stack.security_groups.len()
        + stack.roles.len()
        + stack.key_pairs.len()
        + stack.launch_templates.len()
        + stack.target_groups.len()
        + stack.albs.len()
        + stack.autoscaling_groups.len();
    assert_eq!(resources, 1 + CELLS * 9);
    let rules: usize = (stack.security_groups.iter())
        .map(|sg| sg.ingress.len() + sg.egress.len())
        .sum();
    assert_eq!(rules, CELLS * 5);
    let out = infra_expand::expand(ts.clone());
    assert!(!out.to_string().contains("compile_error"));

    let mut g = c.benchmark_group("infra_1000_resources");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("expand (parse, lower, check, generate)", |b| {
        b.iter(|| infra_expand::expand(black_box(ts.clone())))
    });
    g.bench_function("lower (parse, lower, check)", |b| {
        b.iter(|| infra_expand::lower(black_box(ts.clone())))
    });
    g.bench_function("check only", |b| {
        b.iter(|| infra_core::check(black_box(&stack)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
