//! `autoscaling_group web_asg { launch_template: web, subnets: main.public_subnets,
//! min: 2, desired?: 2 (default min), max: 4, target_groups?: [app],
//! scale?: cpu_average(50), health_check_grace?: 120 }`; the sizes and the CPU target may
//! be `var(<number variable>)`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::autoscaling_group::{
    DESIRED, HEALTH_CHECK_GRACE, LAUNCH_TEMPLATE, MAX, MIN, SCALE, SUBNETS, TARGET_GROUPS,
};
use infra_core::{AutoScalingGroup, Location, Ref, Resource, Scaling};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, r, refs, string, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{Body, Value};

struct AsgItem(Body);

impl DslKind for AutoScalingGroup {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(AsgItem(body(c, cx, "auto scaling group")?)))
    }
}

impl Item for AsgItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.0.fields,
            &[
                "launch_template",
                "subnets",
                "min",
                "desired",
                "max",
                "target_groups",
                "scale",
                "health_check_grace",
            ],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.0.others, &f.owner);
        let lt = f
            .required("launch_template", "web", lx.cx)
            .and_then(|v| lx.name(v, &me.at(LAUNCH_TEMPLATE), "launch template"));
        let subnets = f
            .required("subnets", "main.public_subnets", lx.cx)
            .and_then(|v| lx.subnets(v, &me.at(SUBNETS)));
        let count = |lx: &mut Lower, v: &Value, at: &Location| {
            lx.knob(v, at, |lx, v, at| {
                lx.uint(v, at, "an instance count or `var(<number variable>)`")
            })
        };
        let min = f
            .required("min", "2", lx.cx)
            .and_then(|v| count(lx, v, &me.at(MIN)));
        let max = f
            .required("max", "4", lx.cx)
            .and_then(|v| count(lx, v, &me.at(MAX)));
        let desired = match f.get("desired") {
            Some(v) => count(lx, v, &me.at(DESIRED)),
            None => {
                // Defaults to min: derived, so unknown when min is.
                lx.derive(&me.at(MIN), &me.at(DESIRED));
                min.clone()
            }
        };
        let tgs = match f.get("target_groups") {
            Some(v) => lx.names(v, &me.at(TARGET_GROUPS), "target group"),
            None => Some(Vec::new()),
        };
        let scale = match f.get("scale") {
            None => Some(None),
            Some(v) => scale(lx, v, &me.at(SCALE)).map(Some),
        };
        let grace = match f.get("health_check_grace") {
            Some(v) => lx
                .uint(v, &me.at(HEALTH_CHECK_GRACE), "a number of seconds")
                .map(Some),
            None => Some(None),
        };
        let (
            Some(lt),
            Some(subnets),
            Some(min),
            Some(max),
            Some(desired),
            Some(tgs),
            Some(scale),
            Some(grace),
        ) = (lt, subnets, min, max, desired, tgs, scale, grace)
        else {
            return;
        };
        lx.out.stack.autoscaling_groups.push(AutoScalingGroup {
            name: d.name(),
            doc: d.doc(),
            launch_template: Ref::new(lt),
            subnets: Ref::new(subnets.0),
            private_subnets: subnets.1,
            min,
            desired,
            max,
            target_groups: tgs.into_iter().map(Ref::new).collect(),
            scale,
            health_check_grace_secs: grace,
        });
    }
}

fn scale(lx: &mut Lower, v: &Value, at: &Location) -> Option<Scaling> {
    lx.span(at, v.sp());
    match v {
        Value::Call(f, args, _) if f == "cpu_average" => {
            let [arg] = args.as_slice() else {
                lx.err(
                    v.sp(),
                    "expected `cpu_average(<percent>)` with one number or `var(<number variable>)`",
                );
                return None;
            };
            let t = lx.knob(arg, at, |lx, arg, at| {
                lx.float(arg, at, "a CPU percentage or `var(<number variable>)`")
            })?;
            Some(Scaling::CpuAverage(t))
        }
        Value::Call(f, ..) => {
            let word = f.to_string();
            lx.unknown_word(
                Extent::one(f.span()),
                format!("unknown scaling policy `{f}`: expected `cpu_average(<percent>)`"),
                &word,
                &["cpu_average"],
            );
            None
        }
        _ => {
            lx.expected("a scaling policy such as `cpu_average(50)`", v);
            None
        }
    }
}

impl ToRust for AutoScalingGroup {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let lt = r(&self.launch_template);
        let subnets = r(&self.subnets);
        let private = self.private_subnets;
        let min = g.knob(&self.min, |v| g.n(&me.at(MIN), *v));
        let desired = g.knob(&self.desired, |v| g.n(&me.at(DESIRED), *v));
        let max = g.knob(&self.max, |v| g.n(&me.at(MAX), *v));
        let tgs = refs(&self.target_groups);
        let scale = match &self.scale {
            None => quote!(::core::option::Option::None),
            Some(Scaling::CpuAverage(t)) => {
                let t = g.knob(t, |v| g.f(&me.at(SCALE), *v));
                quote!(::core::option::Option::Some(::infra_core::Scaling::CpuAverage(#t)))
            }
        };
        let grace = match self.health_check_grace_secs {
            None => quote!(::core::option::Option::None),
            Some(s) => {
                let s = g.n(&me.at(HEALTH_CHECK_GRACE), s);
                quote!(::core::option::Option::Some(#s))
            }
        };
        quote!(::infra_core::AutoScalingGroup {
            name: #name,
            doc: #d,
            launch_template: #lt,
            subnets: #subnets,
            private_subnets: #private,
            min: #min,
            desired: #desired,
            max: #max,
            target_groups: #tgs,
            scale: #scale,
            health_check_grace_secs: #grace,
        })
    }
}
