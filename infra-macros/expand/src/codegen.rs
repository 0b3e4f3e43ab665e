//! Model -> Rust: the typed stack struct and its methods ([`generate`]), or, after errors,
//! the same struct with stub methods ([`stub`]) so that one mistake does not cascade into
//! "no field `front` on `HelloStack`" elsewhere.
//!
//! The generated code rebuilds each resource with a struct literal from the lowered model;
//! at locations whose value is a run-time expression it splices that expression instead.

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;

use infra_core::*;

use crate::ast::{DeclKind, StackAst};
use crate::lower::{Lowered, STACK};

fn ty_of(kind: Kind) -> TokenStream {
    match kind {
        Kind::Vpc => quote!(::infra_core::Vpc),
        Kind::SecurityGroup => quote!(::infra_core::SecurityGroup),
        Kind::InstanceRole => quote!(::infra_core::InstanceRole),
        Kind::KeyPair => quote!(::infra_core::KeyPair),
        Kind::Payload => quote!(::infra_core::Payload),
        Kind::LaunchTemplate => quote!(::infra_core::LaunchTemplate),
        Kind::TargetGroup => quote!(::infra_core::TargetGroup),
        Kind::Alb => quote!(::infra_core::Alb),
        Kind::AutoScalingGroup => quote!(::infra_core::AutoScalingGroup),
        Kind::Variable => quote!(::infra_core::Variable),
    }
}

fn kind_tokens(kind: Kind) -> TokenStream {
    let v = format_ident!("{}", format!("{kind:?}"));
    quote!(::infra_core::Kind::#v)
}

/// The struct's fields: every declared resource once (first declaration), in order.
fn fields(ast: &StackAst) -> Vec<(Ident, Kind, Vec<String>)> {
    let mut out: Vec<(Ident, Kind, Vec<String>)> = Vec::new();
    // The first declaration of a name wins (a duplicate is an error reported elsewhere).
    let mut seen = std::collections::HashSet::new();
    for d in &ast.declared {
        let DeclKind::Resource(kind) = d.kind else {
            continue;
        };
        let name = d.name.unraw().to_string();
        if name == "outputs" || !seen.insert(name) {
            continue;
        }
        let docs = d.attrs.docs.iter().map(|(s, _)| s.clone()).collect();
        out.push((d.name.clone(), kind, docs));
    }
    out
}

fn struct_decl(ast: &StackAst) -> TokenStream {
    let name = &ast.name;
    let vis = &ast.vis;
    let docs = ast.attrs.docs.iter().map(|(d, _)| quote!(#[doc = #d]));
    let fields = fields(ast).into_iter().map(|(n, kind, docs)| {
        let ty = ty_of(kind);
        quote!(#(#[doc = #docs])* pub #n: #ty,)
    });
    quote! {
        #(#docs)*
        #vis struct #name {
            #(#fields)*
            /// The stack's outputs (Terraform `output` blocks).
            pub outputs: ::std::vec::Vec<::infra_core::Output>,
        }
    }
}

/// After errors: the struct with every field that parsed, and methods that are never run
/// (the crate does not compile), so that uses of the stack elsewhere type-check.
pub fn stub(ast: &StackAst) -> TokenStream {
    let name = &ast.name;
    let decl = struct_decl(ast);
    quote! {
        #decl
        #[allow(dead_code, unused_variables, clippy::all)]
        impl #name {
            pub fn new() -> Self { ::core::unreachable!("infra!: the stack has compile errors") }
            pub fn stack(&self) -> ::infra_core::Stack { ::core::unreachable!() }
            pub fn check(&self) -> ::std::vec::Vec<::infra_core::Violation> { ::core::unreachable!() }
            pub fn to_terraform(&self) -> ::core::result::Result<::infra_core::serde_json::Value, ::infra_core::Violations> { ::core::unreachable!() }
            pub fn to_json_string(&self) -> ::core::result::Result<::std::string::String, ::infra_core::Violations> { ::core::unreachable!() }
        }
        impl ::core::default::Default for #name {
            fn default() -> Self { Self::new() }
        }
    }
}

struct Gen<'a> {
    exprs: &'a HashMap<Location, TokenStream>,
}

impl Gen<'_> {
    fn expr(&self, res: &str, field: &str) -> Option<TokenStream> {
        self.exprs.get(&Location::new(res, field)).cloned()
    }
    fn s(&self, res: &str, field: &str, v: &str) -> TokenStream {
        self.expr(res, field)
            .unwrap_or_else(|| quote!(::std::string::String::from(#v)))
    }
    fn os(&self, res: &str, field: &str, v: &Option<String>) -> TokenStream {
        match (self.expr(res, field), v) {
            (Some(e), _) => quote!(::core::option::Option::Some(#e)),
            (None, Some(v)) => {
                quote!(::core::option::Option::Some(::std::string::String::from(#v)))
            }
            (None, None) => quote!(::core::option::Option::None),
        }
    }
    fn n(&self, res: &str, field: &str, v: u32) -> TokenStream {
        self.expr(res, field).unwrap_or_else(|| {
            let l = Literal::u32_suffixed(v);
            quote!(#l)
        })
    }
    fn f(&self, res: &str, field: &str, v: f64) -> TokenStream {
        self.expr(res, field).unwrap_or_else(|| {
            let l = Literal::f64_suffixed(v);
            quote!(#l)
        })
    }
    fn slist(&self, res: &str, field: &str, v: &[String]) -> TokenStream {
        if let Some(e) = self.expr(res, field) {
            return e;
        }
        let items = v
            .iter()
            .enumerate()
            .map(|(i, s)| self.s(res, &format!("{field}[{i}]"), s));
        quote!(::std::vec![#(#items),*])
    }
}

fn doc(d: &Option<String>) -> TokenStream {
    match d {
        Some(d) => quote!(::core::option::Option::Some(::std::string::String::from(#d))),
        None => quote!(::core::option::Option::None),
    }
}

fn r(name: &str) -> TokenStream {
    quote!(::infra_core::Ref::new(#name))
}

fn refs<T>(v: &[Ref<T>]) -> TokenStream {
    let items = v.iter().map(|x| r(x.name()));
    quote!(::std::vec![#(#items),*])
}

fn opt_ref<T>(v: &Option<Ref<T>>) -> TokenStream {
    match v {
        Some(x) => {
            let x = r(x.name());
            quote!(::core::option::Option::Some(#x))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn waivers(v: &[Waiver]) -> TokenStream {
    let items = v.iter().map(|w| {
        let (rule, reason) = (&w.rule, &w.reason);
        quote!(::infra_core::Waiver {
            rule: ::std::string::String::from(#rule),
            reason: ::std::string::String::from(#reason),
        })
    });
    quote!(::std::vec![#(#items),*])
}

impl Gen<'_> {
    fn vpc(&self, v: &Vpc) -> TokenStream {
        let (name, d, flow) = (&v.name, doc(&v.doc), v.flow_logs);
        let network = match &v.network {
            Network::Default => quote!(::infra_core::Network::Default),
            Network::Managed {
                cidr,
                public_subnets,
            } => {
                let cidr = self.s(name, "cidr", cidr);
                let subnets = self.slist(name, "public_subnets", public_subnets);
                quote!(::infra_core::Network::Managed { cidr: #cidr, public_subnets: #subnets })
            }
        };
        quote!(::infra_core::Vpc {
            name: ::std::string::String::from(#name),
            doc: #d,
            network: #network,
            flow_logs: #flow,
        })
    }

    fn rule(&self, res: &str, prefix: &str, r: &Rule) -> TokenStream {
        let proto = match r.protocol {
            Protocol::Tcp => quote!(::infra_core::Protocol::Tcp),
            Protocol::Udp => quote!(::infra_core::Protocol::Udp),
        };
        let port_field = format!("{prefix}.port");
        let from = self.n(res, &port_field, r.from_port);
        let to = self.n(res, &port_field, r.to_port);
        let peer_field = format!("{prefix}.peer");
        let peer = match &r.peer {
            Peer::Internet => quote!(::infra_core::Peer::Internet),
            Peer::Cidr(c) => {
                let c = self.s(res, &peer_field, c);
                quote!(::infra_core::Peer::Cidr(#c))
            }
            Peer::SecurityGroup(sg) => {
                let sg = r_ref(sg.name());
                quote!(::infra_core::Peer::SecurityGroup(#sg))
            }
            Peer::Variable(v) => {
                quote!(::infra_core::Peer::Variable(::std::string::String::from(#v)))
            }
        };
        let desc = doc(&r.description);
        let w = waivers(&r.waivers);
        quote!(::infra_core::Rule {
            protocol: #proto,
            from_port: #from,
            to_port: #to,
            peer: #peer,
            description: #desc,
            waivers: #w,
        })
    }

    fn security_group(&self, sg: &SecurityGroup) -> TokenStream {
        let name = &sg.name;
        let d = doc(&sg.doc);
        let vpc = r(sg.vpc.name());
        let desc = self.os(name, "description", &sg.description);
        let ingress = sg
            .ingress
            .iter()
            .enumerate()
            .map(|(i, x)| self.rule(name, &format!("ingress[{i}]"), x));
        let egress = sg
            .egress
            .iter()
            .enumerate()
            .map(|(i, x)| self.rule(name, &format!("egress[{i}]"), x));
        quote!(::infra_core::SecurityGroup {
            name: ::std::string::String::from(#name),
            doc: #d,
            vpc: #vpc,
            description: #desc,
            ingress: ::std::vec![#(#ingress),*],
            egress: ::std::vec![#(#egress),*],
        })
    }

    fn role(&self, x: &InstanceRole) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let reads = refs(&x.reads);
        let mp = self.slist(name, "managed_policies", &x.managed_policies);
        let w = waivers(&x.waivers);
        quote!(::infra_core::InstanceRole {
            name: ::std::string::String::from(#name),
            doc: #d,
            reads: #reads,
            managed_policies: #mp,
            waivers: #w,
        })
    }

    fn key_pair(&self, x: &KeyPair) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let key = match &x.public_key {
            PublicKey::Variable(v) => {
                quote!(::infra_core::PublicKey::Variable(::std::string::String::from(#v)))
            }
            PublicKey::Literal(k) => {
                let k = self.s(name, "public_key", k);
                quote!(::infra_core::PublicKey::Literal(#k))
            }
        };
        quote!(::infra_core::KeyPair {
            name: ::std::string::String::from(#name),
            doc: #d,
            public_key: #key,
        })
    }

    fn payload(&self, p: &Payload) -> TokenStream {
        let name = &p.name;
        let d = doc(&p.doc);
        let binary = self.s(name, "binary", &p.binary);
        let port = self.n(name, "port", p.port);
        let health = self.s(name, "health_path", &p.health_path);
        let routes = self.slist(name, "routes", &p.routes);
        let artifact = self.s(name, "artifact", &p.artifact);
        let port_env = self.s(name, "port_env", &p.port_env);
        let env = p.env.iter().enumerate().map(|(i, (k, v))| {
            let v = self.s(name, &format!("env[{i}]"), v);
            quote!((::std::string::String::from(#k), #v))
        });
        quote!(::infra_core::Payload {
            name: ::std::string::String::from(#name),
            doc: #d,
            binary: #binary,
            port: #port,
            health_path: #health,
            routes: #routes,
            artifact: #artifact,
            port_env: #port_env,
            env: ::std::vec![#(#env),*],
        })
    }

    fn launch_template(&self, x: &LaunchTemplate) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let image = match x.image {
            Image::AmazonLinux2023 => quote!(::infra_core::Image::AmazonLinux2023),
            Image::AmazonLinux2 => quote!(::infra_core::Image::AmazonLinux2),
        };
        let it = self.s(name, "instance_type", &x.instance_type);
        let sgs = refs(&x.security_groups);
        let role = opt_ref(&x.role);
        let kp = opt_ref(&x.key_pair);
        let run = opt_ref(&x.run);
        let imds = x.imdsv2_required;
        let size = self.n(name, "root_volume.size", x.root_volume.size_gib);
        let enc = x.root_volume.encrypted;
        let w = waivers(&x.waivers);
        quote!(::infra_core::LaunchTemplate {
            name: ::std::string::String::from(#name),
            doc: #d,
            image: #image,
            instance_type: #it,
            security_groups: #sgs,
            role: #role,
            key_pair: #kp,
            run: #run,
            imdsv2_required: #imds,
            root_volume: ::infra_core::RootVolume { size_gib: #size, encrypted: #enc },
            waivers: #w,
        })
    }

    fn target_group(&self, x: &TargetGroup) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let vpc = r(x.vpc.name());
        let port = self.n(name, "port", x.port);
        let h = &x.health;
        let path = self.s(name, "health.path", &h.path);
        let hport = match h.port {
            HealthPort::TrafficPort => quote!(::infra_core::HealthPort::TrafficPort),
            HealthPort::Port(p) => {
                let p = self.n(name, "health.port", p);
                quote!(::infra_core::HealthPort::Port(#p))
            }
        };
        let interval = self.n(name, "health.interval", h.interval_secs);
        let timeout = self.n(name, "health.timeout", h.timeout_secs);
        let ht = self.n(name, "health.healthy_threshold", h.healthy_threshold);
        let ut = self.n(name, "health.unhealthy_threshold", h.unhealthy_threshold);
        let matcher = self.s(name, "health.matcher", &h.matcher);
        let dereg = self.n(name, "deregistration_delay", x.deregistration_delay_secs);
        let aws = self.os(name, "aws_name", &x.aws_name);
        quote!(::infra_core::TargetGroup {
            name: ::std::string::String::from(#name),
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

    fn alb(&self, x: &Alb) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let subnets = r(x.subnets.name());
        let facing = x.internet_facing;
        let sgs = refs(&x.security_groups);
        let listeners = x.listeners.iter().enumerate().map(|(i, l)| {
            let port = self.n(name, &format!("listeners[{i}].port"), l.port);
            let fwd = r(l.forward.name());
            quote!(::infra_core::Listener { port: #port, forward: #fwd })
        });
        let logs = x.access_logs;
        let aws = self.os(name, "aws_name", &x.aws_name);
        quote!(::infra_core::Alb {
            name: ::std::string::String::from(#name),
            doc: #d,
            subnets: #subnets,
            internet_facing: #facing,
            security_groups: #sgs,
            listeners: ::std::vec![#(#listeners),*],
            access_logs: #logs,
            aws_name: #aws,
        })
    }

    fn asg(&self, x: &AutoScalingGroup) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let lt = r(x.launch_template.name());
        let subnets = r(x.subnets.name());
        let min = self.n(name, "min", x.min);
        let desired = self.n(name, "desired", x.desired);
        let max = self.n(name, "max", x.max);
        let tgs = refs(&x.target_groups);
        let scale = match x.scale {
            None => quote!(::core::option::Option::None),
            Some(Scaling::CpuAverage(t)) => {
                let t = self.f(name, "scale", t);
                quote!(::core::option::Option::Some(::infra_core::Scaling::CpuAverage(#t)))
            }
        };
        let grace = self.n(name, "health_check_grace", x.health_check_grace_secs);
        quote!(::infra_core::AutoScalingGroup {
            name: ::std::string::String::from(#name),
            doc: #d,
            launch_template: #lt,
            subnets: #subnets,
            min: #min,
            desired: #desired,
            max: #max,
            target_groups: #tgs,
            scale: #scale,
            health_check_grace_secs: #grace,
        })
    }

    fn variable(&self, x: &Variable) -> TokenStream {
        let name = &x.name;
        let d = doc(&x.doc);
        let ty = match x.ty {
            VarType::Cidr => quote!(::infra_core::VarType::Cidr),
            VarType::PublicKey => quote!(::infra_core::VarType::PublicKey),
            VarType::String => quote!(::infra_core::VarType::String),
            VarType::Number => quote!(::infra_core::VarType::Number),
        };
        let default = self.os(name, "default", &x.default);
        quote!(::infra_core::Variable {
            name: ::std::string::String::from(#name),
            doc: #d,
            ty: #ty,
            default: #default,
        })
    }

    fn output(&self, o: &Output) -> TokenStream {
        let name = &o.name;
        let d = doc(&o.doc);
        let (res, attr) = (&o.value.resource, &o.value.attribute);
        let kind = kind_tokens(o.value.kind);
        quote!(::infra_core::Output {
            name: ::std::string::String::from(#name),
            doc: #d,
            value: ::infra_core::AttrRef {
                resource: ::std::string::String::from(#res),
                kind: #kind,
                attribute: ::std::string::String::from(#attr),
            },
        })
    }
}

fn r_ref(name: &str) -> TokenStream {
    r(name)
}

/// The full expansion for a stack that parsed, lowered and passed the checks.
pub fn generate(ast: &StackAst, lw: &Lowered) -> TokenStream {
    let g = Gen { exprs: &lw.exprs };
    let s = &lw.stack;
    let name = &ast.name;
    let decl = struct_decl(ast);
    // name -> (field ident, initialiser)
    let mut inits: HashMap<&str, TokenStream> = HashMap::new();
    for x in &s.vpcs {
        inits.insert(&x.name, g.vpc(x));
    }
    for x in &s.security_groups {
        inits.insert(&x.name, g.security_group(x));
    }
    for x in &s.roles {
        inits.insert(&x.name, g.role(x));
    }
    for x in &s.key_pairs {
        inits.insert(&x.name, g.key_pair(x));
    }
    for x in &s.payloads {
        inits.insert(&x.name, g.payload(x));
    }
    for x in &s.launch_templates {
        inits.insert(&x.name, g.launch_template(x));
    }
    for x in &s.target_groups {
        inits.insert(&x.name, g.target_group(x));
    }
    for x in &s.albs {
        inits.insert(&x.name, g.alb(x));
    }
    for x in &s.autoscaling_groups {
        inits.insert(&x.name, g.asg(x));
    }
    for x in &s.variables {
        inits.insert(&x.name, g.variable(x));
    }
    let fields = fields(ast);
    let field_of: HashMap<String, Ident> = fields
        .iter()
        .map(|(i, _, _)| (i.unraw().to_string(), i.clone()))
        .collect();
    let init_fields = fields.iter().map(|(ident, _, _)| {
        let key = ident.unraw().to_string();
        let init = inits
            .remove(key.as_str())
            .unwrap_or_else(|| quote!(::core::unreachable!("infra!: resource without a model")));
        quote!(#ident: #init,)
    });
    let outputs = s.outputs.iter().map(|o| g.output(o));
    let list = |names: Vec<&str>| {
        let items = names
            .into_iter()
            .filter_map(|n| field_of.get(n))
            .map(|i| quote!(::core::clone::Clone::clone(&self.#i)));
        quote!(::std::vec![#(#items),*])
    };
    let vpcs = list(s.vpcs.iter().map(|x| x.name.as_str()).collect());
    let sgs = list(s.security_groups.iter().map(|x| x.name.as_str()).collect());
    let roles = list(s.roles.iter().map(|x| x.name.as_str()).collect());
    let kps = list(s.key_pairs.iter().map(|x| x.name.as_str()).collect());
    let payloads = list(s.payloads.iter().map(|x| x.name.as_str()).collect());
    let lts = list(s.launch_templates.iter().map(|x| x.name.as_str()).collect());
    let tgs = list(s.target_groups.iter().map(|x| x.name.as_str()).collect());
    let albs = list(s.albs.iter().map(|x| x.name.as_str()).collect());
    let asgs = list(
        s.autoscaling_groups
            .iter()
            .map(|x| x.name.as_str())
            .collect(),
    );
    let vars = list(s.variables.iter().map(|x| x.name.as_str()).collect());
    let stack_name = &s.name;
    let stack_doc = doc(&s.doc);
    let region = g.s(STACK, "region", &s.region);
    let tags = s.tags.iter().map(|(k, v)| {
        let v = g.s(STACK, &format!("tags.{k}"), v);
        quote!((::std::string::String::from(#k), #v))
    });
    quote! {
        #decl

        #[allow(clippy::all)]
        impl #name {
            /// Builds every resource of the stack (run-time expressions are evaluated here).
            pub fn new() -> Self {
                #name {
                    #(#init_fields)*
                    outputs: ::std::vec![#(#outputs),*],
                }
            }

            /// The stack as `infra_core`'s model.
            pub fn stack(&self) -> ::infra_core::Stack {
                ::infra_core::Stack {
                    name: ::std::string::String::from(#stack_name),
                    doc: #stack_doc,
                    region: #region,
                    tags: ::std::collections::BTreeMap::from([#(#tags),*]),
                    vpcs: #vpcs,
                    security_groups: #sgs,
                    roles: #roles,
                    key_pairs: #kps,
                    payloads: #payloads,
                    launch_templates: #lts,
                    target_groups: #tgs,
                    albs: #albs,
                    autoscaling_groups: #asgs,
                    variables: #vars,
                    outputs: ::core::clone::Clone::clone(&self.outputs),
                }
            }

            /// Every violation of the stack (the same checks the macro ran at compile
            /// time, now with run-time values).
            pub fn check(&self) -> ::std::vec::Vec<::infra_core::Violation> {
                ::infra_core::check(&self.stack())
            }

            /// Terraform JSON, or every violation.
            pub fn to_terraform(&self) -> ::core::result::Result<::infra_core::serde_json::Value, ::infra_core::Violations> {
                ::infra_core::to_terraform(&self.stack())
            }

            /// `main.tf.json`'s text, or every violation.
            pub fn to_json_string(&self) -> ::core::result::Result<::std::string::String, ::infra_core::Violations> {
                ::infra_core::to_json_string(&self.stack())
            }
        }

        impl ::core::default::Default for #name {
            fn default() -> Self {
                Self::new()
            }
        }
    }
}
