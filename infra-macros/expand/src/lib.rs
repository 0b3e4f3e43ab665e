//! infra-expand: the logic behind the `infra!` macro, as a plain library.
//!
//! ```text
//! tokens --syntax/ast--> StackAst --lower--> infra_core::Stack + span table
//!        --infra_core::check--> violations --> compile_error! at each token (+ stubs)
//!                                 clean    --> codegen: struct + impl
//! ```
//!
//! Two entry points: [`expand`] (what the proc macro calls; never panics) and [`lower`]
//! (the model or every error, for tests and benchmarks).
//!
//! # Grammar
//!
//! ```text
//! input      := attr* vis? "stack" IDENT "{" item* "}"
//! attr       := "///" doc comment | "#[waive(" RULE "," STRING ")]"
//! item       := attr* ( setting | resource ) (";" | ",")?
//! setting    := "region" ":" string | "tags" ":" "{" (KEY ":" string),* "}"
//! resource   := "variable" IDENT ":" ("cidr"|"public_key"|"string"|"number") ("=" value)?
//!             | "vpc" IDENT "=" "default"
//!             | "vpc" IDENT "{" cidr: string, public_subnets: [string,*], flow_logs?: bool "}"
//!             | "payload" IDENT "=" PATH "{" port: port, artifact?: string, env?: {..} "}"
//!             | "payload" IDENT "{" binary: string, port: port, health: string,
//!                                   routes?: [string,*], port_env?, artifact?, env? "}"
//!             | "security_group" IDENT "in" VPC "{" (rule | description: string),* "}"
//!             | "instance_role" IDENT "{" read?: payload | [payload,*], managed_policies?: [string,*] "}"
//!             | "key_pair" IDENT "{" public_key: var(VAR) | string "}"
//!             | "launch_template" IDENT "{" image: amazon_linux_2023 | amazon_linux_2,
//!                    instance_type: FAMILY.SIZE | string, security_groups: [sg,*],
//!                    role?: role, key_pair?: key, run?: payload,
//!                    imdsv2?: required | optional, root_volume?: { size?: n, encrypted?: bool } "}"
//!             | "target_group" IDENT "in" VPC "{" port: port, health: health,
//!                    aws_name?: string, deregistration_delay?: n "}"
//!             | "alb" IDENT "in" VPC("." "public_subnets")? "{" security_groups: [sg,*],
//!                    ("listener" port "=>" TG)*, aws_name?: string, access_logs?: bool, internal? "}"
//!             | "autoscaling_group" IDENT "{" launch_template: LT, subnets: VPC.public_subnets,
//!                    min: n, desired?: n (default min), max: n, target_groups?: [tg,*],
//!                    scale?: cpu_average(n), health_check_grace?: n "}"
//!             | "output" IDENT "=" RESOURCE "." ATTRIBUTE
//! rule       := attr* ("ingress" proto port "from" peer | "egress" proto port "to" peer)
//!               (a rule's doc comment is its AWS description)
//! proto      := "tcp" | "udp"
//! port       := INT | INT ".." INT | INT "..=" INT (both ends inclusive) | PAYLOAD ".port" | "{" expr "}"
//! peer       := "internet" | string (CIDR) | SG | "var(" VAR ")" | "{" expr "}"
//! health     := PAYLOAD ".health" | string
//!             | "{" path: .., interval?, timeout?, healthy_threshold?, unhealthy_threshold?,
//!                   port?: traffic_port | n, matcher?: string "}"
//! string, n  := a literal, or "{" rust expression "}" evaluated at run time
//! ```
//!
//! Values the macro cannot see (`{ expr }`, a payload spec module's consts, and anything
//! derived from them) are placeholders at compile time; a violation involving one is left
//! to `to_terraform()`, which runs the same checks on the real values.

mod ast;
mod codegen;
mod lower;
mod syntax;

#[doc(hidden)]
pub mod source;

use proc_macro2::TokenStream;

use crate::ast::StackAst;
use crate::lower::Lowered;
use crate::syntax::{combine, Ctxt};

pub use crate::lower::instance_type_problem;

/// What one run of the pipeline produced.
struct Analysis {
    ast: Option<StackAst>,
    lowered: Option<Lowered>,
    errors: Vec<syn::Error>,
}

fn analyze(input: TokenStream) -> Analysis {
    let mut cx = Ctxt::default();
    let Some(ast) = ast::parse(input, &mut cx) else {
        return Analysis {
            ast: None,
            lowered: None,
            errors: cx.into_errors(),
        };
    };
    let lowered = lower::lower(&ast, &mut cx);
    if !cx.is_empty() {
        // Syntax and schema errors first; checks on a partial model would only cascade.
        return Analysis {
            ast: Some(ast),
            lowered: None,
            errors: cx.into_errors(),
        };
    }
    let errors = violation_errors(&lowered, &infra_core::check(&lowered.stack));
    Analysis {
        ast: Some(ast),
        lowered: Some(lowered),
        errors,
    }
}

/// One spanned error per violation that does not involve a run-time value.
fn violation_errors(lw: &Lowered, violations: &[infra_core::Violation]) -> Vec<syn::Error> {
    violations
        .iter()
        .filter(|v| !lw.involves_unknown(v))
        .map(|v| lw.span_of(&v.at).error(v.render()))
        .collect()
}

fn expand_inner(input: TokenStream) -> TokenStream {
    let a = analyze(input);
    let mut out = TokenStream::new();
    let clean = a.errors.is_empty();
    if let Some(e) = combine(a.errors) {
        out.extend(e.to_compile_error());
    }
    match (a.ast, a.lowered) {
        (Some(ast), Some(lw)) if clean => out.extend(codegen::generate(&ast, &lw)),
        (Some(ast), _) => out.extend(codegen::stub(&ast)),
        (None, _) => {}
    }
    out
}

/// The `infra!` macro: the typed stack, or every error as a `compile_error!` at its token
/// plus stub items so that the errors do not cascade. Never panics.
pub fn expand(input: TokenStream) -> TokenStream {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand_inner(input))) {
        Ok(ts) => ts,
        Err(_) => syn::Error::new(
            proc_macro2::Span::call_site(),
            "internal error in infra!: please report this input",
        )
        .to_compile_error(),
    }
}

/// Parse, lower and check: the model, or every error combined. Violations that involve
/// run-time values (`{ expr }`, spec-module consts) are left out, as in [`expand`].
pub fn lower(input: TokenStream) -> Result<infra_core::Stack, syn::Error> {
    let a = analyze(input);
    match (combine(a.errors), a.lowered) {
        (None, Some(lw)) => Ok(lw.stack),
        (Some(e), _) => Err(e),
        (None, None) => Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "infra!: no stack",
        )),
    }
}

#[cfg(test)]
mod tests;
