//! `launch_template web { image: amazon_linux_2023, instance_type: t2.micro | var(<string variable>),
//! security_groups: [web_sg], role?: .., key_pair?: .., run?: payload,
//! imdsv2?: required | optional, root_volume?: { size?: 8, encrypted?: true },
//! ami?: latest | var(<ami_id variable>), monitoring?: detailed | basic }`,
//! which may carry `#[waive(rule, "reason")]`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::launch_template::{
    instance_type_problem, Ami, AMI, ENCRYPTED, IMAGE, IMDSV2_REQUIRED, INSTANCE_TYPE, KEY_PAIR,
    MONITORING, ROLE, ROOT_VOLUME, RUN, SECURITY_GROUPS, SIZE,
};
use infra_core::resource::WAIVERS;
use infra_core::{Image, LaunchTemplate, Location, Ref, Resource, RootVolume};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, opt_ref, refs, string, waivers, Gen, ToRust};
use crate::items::{body, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{Body, Value};

struct LaunchTemplateItem(Body);

impl DslKind for LaunchTemplate {
    const WAIVABLE: bool = true;

    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        Ok(Box::new(LaunchTemplateItem(body(
            c,
            cx,
            "launch template",
        )?)))
    }
}

impl Item for LaunchTemplateItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.0.fields,
            &[
                "image",
                "instance_type",
                "security_groups",
                "role",
                "key_pair",
                "run",
                "imdsv2",
                "root_volume",
                "ami",
                "monitoring",
            ],
            d.name_at(),
            lx.cx,
        );
        lx.no_others(&self.0.others, &f.owner);
        let image = f
            .required("image", "amazon_linux_2023", lx.cx)
            .and_then(|v| image(lx, v, &me.at(IMAGE)));
        let instance_type = f
            .required("instance_type", "t2.micro", lx.cx)
            .and_then(|v| lx.knob(v, &me.at(INSTANCE_TYPE), instance_type));
        let sgs = f
            .required("security_groups", "[web_sg]", lx.cx)
            .and_then(|v| lx.names(v, &me.at(SECURITY_GROUPS), "security group"));
        let role = lx.opt_name(f.get("role"), &me.at(ROLE), "instance role");
        let key_pair = lx.opt_name(f.get("key_pair"), &me.at(KEY_PAIR), "key pair");
        let run = lx.opt_name(f.get("run"), &me.at(RUN), "payload");
        let imdsv2 = match f.get("imdsv2") {
            None => Some(true),
            Some(v) => {
                lx.span(&me.at(IMDSV2_REQUIRED), v.sp());
                match v.as_ident().map(|s| s.text.as_str()) {
                    Some("required") => Some(true),
                    Some("optional") => Some(false),
                    _ => {
                        lx.expected("`required` or `optional`", v);
                        None
                    }
                }
            }
        };
        let ami = match f.get("ami") {
            None => Some(Ami::Latest),
            Some(v) => ami(lx, v, &me.at(AMI)),
        };
        let monitoring = match f.get("monitoring") {
            None => Some(true),
            Some(v) => {
                lx.span(&me.at(MONITORING), v.sp());
                match v.as_ident().map(|s| s.text.as_str()) {
                    Some("detailed") => Some(true),
                    Some("basic") => Some(false),
                    _ => {
                        lx.expected(
                            "`detailed` (1-minute metrics, paid) or `basic` (5-minute, free)",
                            v,
                        );
                        None
                    }
                }
            }
        };
        let root = match f.field("root_volume") {
            None => Some(RootVolume::default()),
            Some(fd) => root_volume(lx, &fd.value, &me.at(ROOT_VOLUME)),
        };
        let waivers = lx.waivers(&d.attrs, &me.at(WAIVERS));
        let (
            Some(image),
            Some(instance_type),
            Some(sgs),
            Some(role),
            Some(key_pair),
            Some(run),
            Some(imdsv2),
            Some(root_volume),
            Some(ami),
            Some(detailed_monitoring),
        ) = (
            image,
            instance_type,
            sgs,
            role,
            key_pair,
            run,
            imdsv2,
            root,
            ami,
            monitoring,
        )
        else {
            return;
        };
        lx.out.stack.launch_templates.push(LaunchTemplate {
            name: d.name(),
            doc: d.doc(),
            image,
            instance_type,
            ami,
            detailed_monitoring,
            security_groups: sgs.into_iter().map(Ref::new).collect(),
            role: role.map(Ref::new),
            key_pair: key_pair.map(Ref::new),
            run: run.map(Ref::new),
            imdsv2_required: imdsv2,
            root_volume,
            waivers,
        });
    }
}

/// `latest` or `var(<ami_id variable>)`.
fn ami(lx: &mut Lower, v: &Value, at: &Location) -> Option<Ami> {
    lx.span(at, v.sp());
    match v {
        Value::Call(f, args, _) if f == "var" => {
            let [arg] = args.as_slice() else {
                lx.err(
                    v.sp(),
                    "expected `var(<ami_id variable>)` with one variable name",
                );
                return None;
            };
            lx.name(arg, at, "variable").map(Ami::Variable)
        }
        _ if v.as_ident().is_some_and(|s| s.text == "latest") => Some(Ami::Latest),
        _ => {
            lx.expected(
                "`latest` (the newest image at each plan) or `var(<ami_id variable>)` (a pinned image id)",
                v,
            );
            None
        }
    }
}

fn image(lx: &mut Lower, v: &Value, at: &Location) -> Option<Image> {
    lx.span(at, v.sp());
    let keywords: Vec<&str> = Image::ALL.iter().map(|i| i.keyword()).collect();
    match v.as_ident().map(|s| s.text.as_str()) {
        Some(word) => match Image::from_keyword(word) {
            Some(i) => Some(i),
            None => {
                lx.unknown_word(
                    v.sp(),
                    format!(
                        "unknown image `{word}`: expected `amazon_linux_2023` or `amazon_linux_2`"
                    ),
                    word,
                    &keywords,
                );
                None
            }
        },
        None => {
            lx.expected("an image (`amazon_linux_2023` or `amazon_linux_2`)", v);
            None
        }
    }
}

fn instance_type(lx: &mut Lower, v: &Value, at: &Location) -> Option<String> {
    lx.span(at, v.sp());
    let text = match v {
        Value::Path(segs) => segs
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        Value::Str(s, _) => s.clone(),
        Value::Expr(_) => return lx.string(v, at, "an instance type"),
        _ => {
            lx.expected(
                "an instance type such as `t2.micro`, or `var(<string variable>)`",
                v,
            );
            return None;
        }
    };
    match instance_type_problem(&text) {
        None => Some(text),
        Some(why) => {
            lx.cx.push(
                v.sp()
                    .error(format!("`{text}` is not an instance type: {why}"))
                    .help("write `family.size`, e.g. `t2.micro`, `t3.small`, `c5.2xlarge`"),
            );
            None
        }
    }
}

fn root_volume(lx: &mut Lower, v: &Value, at: &Location) -> Option<RootVolume> {
    lx.span(at, v.sp());
    let Value::Map(fields, sp) = v else {
        lx.expected("`{ size: 8, encrypted: true }`", v);
        return None;
    };
    let f = Fields::new(
        "root_volume".to_string(),
        fields,
        &["size", "encrypted"],
        Extent::one(sp.start),
        lx.cx,
    );
    let mut rv = RootVolume::default();
    if let Some(v) = f.get("size") {
        rv.size_gib = lx.uint(v, &at.at(SIZE), "a size in GiB")?;
    }
    if let Some(v) = f.get("encrypted") {
        rv.encrypted = lx.boolean(v, &at.at(ENCRYPTED))?;
    }
    Some(rv)
}

impl ToRust for LaunchTemplate {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let image = match self.image {
            Image::AmazonLinux2023 => quote!(::infra_core::Image::AmazonLinux2023),
            Image::AmazonLinux2 => quote!(::infra_core::Image::AmazonLinux2),
            Image::AmazonLinux2023Arm64 => quote!(::infra_core::Image::AmazonLinux2023Arm64),
        };
        let it = g.knob(&self.instance_type, |v| g.s(&me.at(INSTANCE_TYPE), v));
        let sgs = refs(&self.security_groups);
        let role = opt_ref(&self.role);
        let kp = opt_ref(&self.key_pair);
        let run = opt_ref(&self.run);
        let imds = self.imdsv2_required;
        let size = g.n(&me.at(ROOT_VOLUME).at(SIZE), self.root_volume.size_gib);
        let enc = self.root_volume.encrypted;
        let w = waivers(&self.waivers);
        let ami = match &self.ami {
            Ami::Latest => quote!(::infra_core::Ami::Latest),
            Ami::Variable(v) => {
                let v = string(v);
                quote!(::infra_core::Ami::Variable(#v))
            }
        };
        let mon = self.detailed_monitoring;
        quote!(::infra_core::LaunchTemplate {
            name: #name,
            doc: #d,
            image: #image,
            instance_type: #it,
            ami: #ami,
            detailed_monitoring: #mon,
            security_groups: #sgs,
            role: #role,
            key_pair: #kp,
            run: #run,
            imdsv2_required: #imds,
            root_volume: ::infra_core::RootVolume { size_gib: #size, encrypted: #enc },
            waivers: #w,
        })
    }
}
