//! `payload site = webapp_spec { port: 80 }` (the facts from a spec module's consts) or
//! `payload site { binary: "webapp", port: 80, health: "/health", routes?: [..],
//! port_env?: "PORT", artifact?: "path", env?: { NAME: "value" } }`.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};

use infra_core::kinds::image::Arch;
use infra_core::kinds::payload::{
    ARCH, ARTIFACT, BINARY, ENV, HEALTH_PATH, PORT, PORT_ENV, ROUTES,
};
use infra_core::{Payload, Resource};

use crate::cursor::{Cursor, RUST_KEYWORDS};
use crate::fields::Fields;
use crate::gen::{doc, string, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::{Lower, PayloadInfo};
use crate::place::{Errors, Extent, Res};
use crate::value::{parse_value, Body, Value};
use infra_core::Location;

struct PayloadItem {
    /// `= webapp_spec`: the module whose consts describe the payload.
    module: Option<(TokenStream, Extent)>,
    body: Body,
}

impl DslKind for Payload {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        let module = if c.eat_punct('=').is_some() {
            match parse_value(c, cx)? {
                Value::ModPath(ts, sp) => Some((ts, sp)),
                Value::Path(segs) if segs.len() == 1 => {
                    let seg = &segs[0];
                    let id = match seg.text.strip_prefix("r#") {
                        Some(raw) => Ident::new_raw(raw, seg.sp.start),
                        None if RUST_KEYWORDS.contains(&seg.text.as_str()) => {
                            return Err(seg.sp.error(format!(
                                "`{}` is a Rust keyword and cannot name the payload's spec module",
                                seg.text
                            )))
                        }
                        None => Ident::new(&seg.text, seg.sp.start),
                    };
                    Some((quote!(#id), seg.sp))
                }
                other => {
                    return Err(other.sp().error(format!(
                        "expected the payload's spec module, e.g. `webapp_spec`, found {}",
                        other.describe()
                    )))
                }
            }
        } else {
            None
        };
        Ok(Box::new(PayloadItem {
            module,
            body: body(c, cx, "payload")?,
        }))
    }
}

impl Item for PayloadItem {
    fn early(&self) -> bool {
        true
    }

    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let name = d.name();
        let me = d.loc();
        let allowed: &[&str] = if self.module.is_some() {
            &["port", "artifact", "env", "arch"]
        } else {
            &[
                "binary", "port", "health", "routes", "port_env", "artifact", "env", "arch",
            ]
        };
        let f = Fields::new(d.owner(), &self.body.fields, allowed, d.name_at(), lx.cx);
        lx.no_others(&self.body.others, &f.owner);
        let port = f
            .required("port", "80", lx.cx)
            .and_then(|v| lx.port(v, &me.at(PORT)));
        let env = match f.get("env") {
            None => Some(Vec::new()),
            Some(Value::Map(entries, _)) => {
                let mut out = Vec::new();
                for (i, e) in entries.iter().enumerate() {
                    if let Some(s) = lx.string(&e.value, &me.at(ENV).nth(i), "a string") {
                        out.push((e.key.clone(), s));
                    }
                }
                Some(out)
            }
            Some(v) => {
                lx.expected("`{ NAME: \"value\", ... }`", v);
                None
            }
        };
        let arch = match f.get("arch") {
            None => Some(Arch::X86_64),
            Some(v) => arch(lx, v, &me.at(ARCH)),
        };
        let Some(arch) = arch else { return };
        let dir = format!("target/{}/release", arch.rust_target());
        let mut p;
        match &self.module {
            Some((path, ext)) => {
                p = Payload::new(&name, "payload", port.unwrap_or(0), "/", &[]);
                let span = ext.start;
                let consts = [
                    (BINARY, quote_spanned!(span=> #path::BINARY)),
                    (HEALTH_PATH, quote_spanned!(span=> #path::HEALTH_PATH)),
                    (ROUTES, quote_spanned!(span=> #path::ROUTES)),
                    (PORT_ENV, quote_spanned!(span=> #path::PORT_ENV)),
                ];
                for (field, c) in consts {
                    let at = me.at(field);
                    let run_time = if field == ROUTES {
                        quote_spanned!(span=> #c.iter().map(|r| ::std::string::ToString::to_string(r)).collect())
                    } else {
                        quote_spanned!(span=> ::std::string::ToString::to_string(#c))
                    };
                    lx.mark_unknown(&at, *ext, run_time);
                    lx.out.consts.insert(at, c);
                }
                if f.get("artifact").is_none() {
                    lx.mark_unknown(
                        &me.at(ARTIFACT),
                        *ext,
                        quote_spanned!(span=> ::std::format!("{}/{}", #dir, #path::BINARY)),
                    );
                }
            }
            None => {
                let binary = f
                    .required("binary", "\"webapp\"", lx.cx)
                    .and_then(|v| lx.string(v, &me.at(BINARY), "the executable's name string"));
                let health = f
                    .required("health", "\"/health\"", lx.cx)
                    .and_then(|v| lx.string(v, &me.at(HEALTH_PATH), "a health check path string"));
                let routes = match f.get("routes") {
                    Some(v) => lx.string_list(v, &me.at(ROUTES), "path string"),
                    None => health.clone().map(|h| vec![h]),
                };
                let (Some(binary), Some(health), Some(routes)) = (binary, health, routes) else {
                    return;
                };
                // Whether the health path is served depends on every route: a run-time
                // route makes that unknown too.
                if lx.is_unknown(&me.at(ROUTES)) {
                    lx.out.unknown.insert(me.at(HEALTH_PATH));
                }
                let routes: Vec<&str> = routes.iter().map(String::as_str).collect();
                p = Payload::new(&name, &binary, port.unwrap_or(0), &health, &routes);
                p.artifact = Payload::default_artifact(arch, &binary);
                if let Some(b) = lx.out.exprs.get(&me.at(BINARY)).cloned() {
                    lx.mark_unknown(
                        &me.at(ARTIFACT),
                        d.name_at(),
                        quote!(::std::format!("{}/{}", #dir, #b)),
                    );
                }
                if let Some(v) = f.get("port_env") {
                    match lx.string(v, &me.at(PORT_ENV), "an environment variable name") {
                        Some(s) => p.port_env = s,
                        None => return,
                    }
                }
            }
        }
        if let Some(v) = f.get("artifact") {
            match lx.string(v, &me.at(ARTIFACT), "a path string") {
                Some(s) => p.artifact = s,
                None => return,
            }
        }
        let (Some(port), Some(env)) = (port, env) else {
            return;
        };
        p.doc = d.doc();
        p.env = env;
        p.arch = arch;
        lx.payloads.insert(name, PayloadInfo { port });
        lx.out.stack.payloads.push(p);
    }
}

/// `x86_64` or `arm64`.
fn arch(lx: &mut Lower, v: &Value, at: &Location) -> Option<Arch> {
    lx.span(at, v.sp());
    let keywords: Vec<&str> = Arch::ALL.iter().map(|a| a.keyword()).collect();
    match v.as_ident().map(|s| s.text.as_str()) {
        Some(word) => match Arch::from_keyword(word) {
            Some(a) => Some(a),
            None => {
                lx.unknown_word(
                    v.sp(),
                    format!("unknown architecture `{word}`: expected `x86_64` or `arm64`"),
                    word,
                    &keywords,
                );
                None
            }
        },
        None => {
            lx.expected("an architecture (`x86_64` or `arm64`)", v);
            None
        }
    }
}

impl ToRust for Payload {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let binary = g.s(&me.at(BINARY), &self.binary);
        let port = g.n(&me.at(PORT), self.port);
        let health = g.s(&me.at(HEALTH_PATH), &self.health_path);
        let routes = g.slist(&me.at(ROUTES), &self.routes);
        let artifact = g.s(&me.at(ARTIFACT), &self.artifact);
        let port_env = g.s(&me.at(PORT_ENV), &self.port_env);
        let env = self.env.iter().enumerate().map(|(i, (k, v))| {
            let v = g.s(&me.at(ENV).nth(i), v);
            quote!((::std::string::String::from(#k), #v))
        });
        let arch = match self.arch {
            Arch::X86_64 => quote!(::infra_core::kinds::image::Arch::X86_64),
            Arch::Arm64 => quote!(::infra_core::kinds::image::Arch::Arm64),
        };
        quote!(::infra_core::Payload {
            name: #name,
            doc: #d,
            binary: #binary,
            port: #port,
            health_path: #health,
            routes: #routes,
            artifact: #artifact,
            port_env: #port_env,
            env: ::std::vec![#(#env),*],
            arch: #arch,
        })
    }
}
