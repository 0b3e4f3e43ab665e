//! Facts only rustc can see. A payload's spec module (`payload site = webapp_spec { .. }`)
//! is another crate's consts, which a proc macro cannot read. Rather than leave those
//! checks to synth time, the expansion carries const assertions that rustc evaluates,
//! spanned at the user's tokens: a health path the spec module does not serve, or a binary
//! name that would break the boot script, is a `cargo check` error with a caret.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use infra_core::check::topology::HEALTH_PATH_UNSERVED;
use infra_core::kinds::payload::{BINARY, PAYLOAD_VALUE, ROUTES};
use infra_core::kinds::target_group::{HEALTH, PATH};
use infra_core::{Location, Resource, Violation};

use crate::lowering::Lowered;

/// The const assertions for the violations the macro had to defer.
pub fn assertions(lw: &Lowered, deferred: &[Violation]) -> TokenStream {
    let mut out = TokenStream::new();
    for p in &lw.stack.payloads {
        if let Some(binary) = lw.consts.get(&p.loc().at(BINARY)) {
            let ext = lw.extent_of(&p.loc().at(BINARY));
            let msg = format!(
                "the binary name of payload `{}` (`BINARY` of its spec module) is not a plain file name; it is written into the boot script and the systemd unit [{}]\n  help: use letters, digits, `.`, `_` and `-` (at most 64), e.g. `webapp`",
                p.name, PAYLOAD_VALUE.name
            );
            out.extend(quote_spanned!(ext.start=>
                const _: () = ::core::assert!(::infra_core::kinds::payload::binary_name_ok(#binary), #msg);
            ));
        }
    }
    for v in deferred
        .iter()
        .filter(|v| v.rule == Some(&HEALTH_PATH_UNSERVED))
    {
        let Some(payload) = v.notes.first().map(|n| n.at.resource.clone()) else {
            continue;
        };
        let tg = &v.at.resource;
        let (Some(routes), Some(path)) = (routes_const(lw, &payload), path_const(lw, tg, &v.at))
        else {
            continue;
        };
        let ext = lw.extent_of(&v.at);
        let msg = format!(
            "health check path of target group `{tg}` is not one payload `{payload}` serves (`ROUTES` of its spec module): every target would be unhealthy [{}]\n  help: use the payload's health path: `health: {payload}.health`",
            HEALTH_PATH_UNSERVED.name
        );
        out.extend(quote_spanned!(ext.start=>
            const _: () = ::core::assert!(::infra_core::route::serves(#routes, #path), #msg);
        ));
    }
    out
}

/// The payload's routes as a const expression: its spec module's `ROUTES`, or the literal
/// list; `None` when a route is a run-time expression.
fn routes_const(lw: &Lowered, payload: &str) -> Option<TokenStream> {
    let at = Location::of(payload).at(ROUTES);
    if let Some(c) = lw.consts.get(&at) {
        return Some(c.clone());
    }
    if lw.is_unknown(&at) {
        return None;
    }
    let p = lw.stack.payloads.iter().find(|p| p.name == payload)?;
    let routes = &p.routes;
    Some(quote!(&[#(#routes),*]))
}

/// The target group's health path as a const expression: a spec module's `HEALTH_PATH`
/// (through `site.health`), or the literal; `None` for a run-time expression.
fn path_const(lw: &Lowered, tg: &str, at: &Location) -> Option<TokenStream> {
    if let Some(c) = lw.consts.get(at) {
        return Some(c.clone());
    }
    if lw.is_unknown(at) {
        return None;
    }
    let t = lw.stack.target_groups.iter().find(|t| t.name == tg)?;
    debug_assert_eq!(*at, t.loc().at(HEALTH).at(PATH));
    let path = &t.health.path;
    Some(quote!(#path))
}
