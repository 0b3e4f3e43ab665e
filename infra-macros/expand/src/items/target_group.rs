//! `target_group app in main { port: site.port, health: site.health | "/path" | { path: ..,
//! interval?, timeout?, healthy_threshold?, unhealthy_threshold?, port?: traffic_port | n,
//! matcher?: "200" }, aws_name?: "..", deregistration_delay?: n }`

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::payload::HEALTH_PATH;
use infra_core::kinds::target_group::{
    DEREGISTRATION_DELAY, HEALTH, HEALTHY_THRESHOLD, HEALTH_PORT, INTERVAL, MATCHER, PATH, PORT,
    TIMEOUT, UNHEALTHY_THRESHOLD, VPC,
};
use infra_core::kinds::values::AWS_NAME_FIELD;
use infra_core::{HealthCheck, HealthPort, Location, Ref, Resource, TargetGroup};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, r, string, Gen, ToRust};
use crate::items::{body, in_vpc, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{Body, Value};

struct TargetGroupItem {
    vpc: Value,
    body: Body,
}

impl DslKind for TargetGroup {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        let vpc = in_vpc(c, cx)?;
        let body = body(c, cx, "target_group")?;
        Ok(Box::new(TargetGroupItem { vpc, body }))
    }
}

impl Item for TargetGroupItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.body.fields,
            &["port", "health", "aws_name", "deregistration_delay"],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.body.others, &f.owner);
        let vpc = lx.name(&self.vpc, &me.at(VPC), "VPC");
        let port = f
            .required("port", "site.port", lx.cx)
            .and_then(|v| lx.port(v, &me.at(PORT)));
        let health = f
            .required("health", "site.health", lx.cx)
            .and_then(|v| health(lx, v, &me.at(HEALTH)));
        let aws_name = match f.get("aws_name") {
            Some(v) => lx
                .string(v, &me.at(AWS_NAME_FIELD), "a name string")
                .map(Some),
            None => Some(None),
        };
        let dereg = match f.get("deregistration_delay") {
            Some(v) => lx.uint(v, &me.at(DEREGISTRATION_DELAY), "a number of seconds"),
            None => Some(30),
        };
        let (Some(vpc), Some(port), Some(health), Some(aws_name), Some(dereg)) =
            (vpc, port, health, aws_name, dereg)
        else {
            return;
        };
        lx.out.stack.target_groups.push(TargetGroup {
            name: d.name(),
            doc: d.doc(),
            vpc: Ref::new(vpc),
            port,
            health,
            deregistration_delay_secs: dereg,
            aws_name,
        });
    }
}

/// `site.health` (the payload's health path) or a path string, at `health.path`.
fn health_path(lx: &mut Lower, v: &Value, at: &Location) -> Option<String> {
    match v {
        Value::Path(segs) if segs.len() == 2 && segs[1].text == "health" => {
            let p = segs[0].text.clone();
            lx.span(at, v.sp());
            lx.payload_ref(&p, segs[0].sp)?;
            lx.derive(&Location::of(&p).at(HEALTH_PATH), at);
            lx.out
                .stack
                .payloads
                .iter()
                .find(|x| x.name == p)
                .map(|x| x.health_path.clone())
        }
        Value::Path(segs) if segs.len() == 2 => {
            lx.span(at, v.sp());
            lx.cx.push(
                segs[1]
                    .sp
                    .error(format!(
                        "expected a health check path, found `{}.{}`",
                        segs[0].text, segs[1].text
                    ))
                    .help(format!(
                        "a payload's health path is `{}.health`",
                        segs[0].text
                    )),
            );
            None
        }
        _ => lx.string(v, at, "a health check path string"),
    }
}

fn health(lx: &mut Lower, v: &Value, at: &Location) -> Option<HealthCheck> {
    lx.span(at, v.sp());
    let Value::Map(fields, sp) = v else {
        return health_path(lx, v, &at.at(PATH)).map(|p| HealthCheck::new(&p));
    };
    let f = Fields::new(
        "health".to_string(),
        fields,
        &[
            "path",
            "port",
            "interval",
            "timeout",
            "healthy_threshold",
            "unhealthy_threshold",
            "matcher",
        ],
        Extent::one(sp.start),
        lx.cx,
    );
    let path = f
        .required("path", "\"/health\"", lx.cx)
        .and_then(|v| health_path(lx, v, &at.at(PATH)));
    let mut h = HealthCheck::new(path.as_deref().unwrap_or("/"));
    let mut ok = path.is_some();
    for (key, field, slot) in [
        ("interval", INTERVAL, &mut h.interval_secs),
        ("timeout", TIMEOUT, &mut h.timeout_secs),
        (
            "healthy_threshold",
            HEALTHY_THRESHOLD,
            &mut h.healthy_threshold,
        ),
        (
            "unhealthy_threshold",
            UNHEALTHY_THRESHOLD,
            &mut h.unhealthy_threshold,
        ),
    ] {
        if let Some(v) = f.get(key) {
            match lx.uint(v, &at.at(field), "a number") {
                Some(n) => *slot = n,
                None => ok = false,
            }
        }
    }
    if let Some(v) = f.get("port") {
        if v.as_ident().is_some_and(|s| s.text == "traffic_port") {
            lx.span(&at.at(HEALTH_PORT), v.sp());
            h.port = HealthPort::TrafficPort;
        } else {
            match lx.port(v, &at.at(HEALTH_PORT)) {
                Some(p) => h.port = HealthPort::Port(p),
                None => ok = false,
            }
        }
    }
    if let Some(v) = f.get("matcher") {
        match lx.string(v, &at.at(MATCHER), "HTTP codes, e.g. \"200\"") {
            Some(m) => h.matcher = m,
            None => ok = false,
        }
    }
    ok.then_some(h)
}

impl ToRust for TargetGroup {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let health = me.at(HEALTH);
        let name = string(&self.name);
        let d = doc(&self.doc);
        let vpc = r(&self.vpc);
        let port = g.n(&me.at(PORT), self.port);
        let h = &self.health;
        let path = g.s(&health.at(PATH), &h.path);
        let hport = match h.port {
            HealthPort::TrafficPort => quote!(::infra_core::HealthPort::TrafficPort),
            HealthPort::Port(p) => {
                let p = g.n(&health.at(HEALTH_PORT), p);
                quote!(::infra_core::HealthPort::Port(#p))
            }
        };
        let interval = g.n(&health.at(INTERVAL), h.interval_secs);
        let timeout = g.n(&health.at(TIMEOUT), h.timeout_secs);
        let ht = g.n(&health.at(HEALTHY_THRESHOLD), h.healthy_threshold);
        let ut = g.n(&health.at(UNHEALTHY_THRESHOLD), h.unhealthy_threshold);
        let matcher = g.s(&health.at(MATCHER), &h.matcher);
        let dereg = g.n(&me.at(DEREGISTRATION_DELAY), self.deregistration_delay_secs);
        let aws = g.os(&me.at(AWS_NAME_FIELD), &self.aws_name);
        quote!(::infra_core::TargetGroup {
            name: #name,
            doc: #d,
            vpc: #vpc,
            port: #port,
            health: ::infra_core::HealthCheck {
                path: #path,
                port: #hport,
                interval_secs: #interval,
                timeout_secs: #timeout,
                healthy_threshold: #ht,
                unhealthy_threshold: #ut,
                matcher: #matcher,
            },
            deregistration_delay_secs: #dereg,
            aws_name: #aws,
        })
    }
}
