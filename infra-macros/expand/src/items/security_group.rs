//! `security_group web_sg in main { ingress tcp 80 from alb_sg, egress tcp 443 to internet,
//! description?: "..." }`; a rule's doc comment is its AWS description, and a rule may
//! carry `#[waive(rule, "reason")]`.

use proc_macro2::TokenStream;
use quote::quote;

use infra_core::kinds::security_group::{DESCRIPTION, PEER, PORT, VPC};
use infra_core::resource::WAIVERS;
use infra_core::{Direction, Location, Peer, Protocol, Ref, Resource, Rule, SecurityGroup};

use crate::cursor::Cursor;
use crate::fields::Fields;
use crate::gen::{doc, r, string, waivers, Gen, ToRust};
use crate::items::{body, in_vpc, Decl, DslKind, Item};
use crate::lowering::Lower;
use crate::place::{Errors, Extent, Res};
use crate::value::{parse_value, Body, Other, Value};

struct SecurityGroupItem {
    vpc: Value,
    body: Body,
}

impl DslKind for SecurityGroup {
    fn parse(c: &mut Cursor, cx: &mut Errors) -> Res<Box<dyn Item>> {
        let vpc = in_vpc(c, cx)?;
        let body = body(c, cx, "security_group")?;
        Ok(Box::new(SecurityGroupItem { vpc, body }))
    }
}

impl Item for SecurityGroupItem {
    fn lower(&self, lx: &mut Lower, d: &Decl) {
        let name = d.name();
        let me = d.loc();
        let f = Fields::new(
            d.owner(),
            &self.body.fields,
            &["description"],
            d.name_at(),
            lx.cx,
        );
        let vpc = lx.name(&self.vpc, &me.at(VPC), "VPC");
        let description = match f.get("description") {
            Some(v) => lx
                .string(v, &me.at(DESCRIPTION), "a description string")
                .map(Some),
            None => Some(None),
        };
        let mut sg = SecurityGroup::new(&name, Ref::new(vpc.clone().unwrap_or_default()));
        let mut ok = vpc.is_some() && description.is_some();
        for o in &self.body.others {
            let word = o.cursor.peek_ident().map(|i| i.to_string());
            let dir = match word.as_deref() {
                Some("ingress") => Direction::Ingress,
                Some("egress") => Direction::Egress,
                _ => {
                    lx.other_error(
                        o,
                        &f.owner,
                        &[
                            "`ingress <proto> <port> from <peer>`",
                            "`egress <proto> <port> to <peer>`",
                        ],
                    );
                    ok = false;
                    continue;
                }
            };
            let at = me.at(dir.field()).nth(sg.rules(dir).len());
            match rule(lx, o, &at, dir) {
                Some(r) if dir == Direction::Ingress => sg.ingress.push(r),
                Some(r) => sg.egress.push(r),
                None => ok = false,
            }
        }
        if ok {
            sg.doc = d.doc();
            sg.description = description.flatten();
            lx.out.stack.security_groups.push(sg);
        }
    }
}

/// `ingress <proto> <port> from <peer>` / `egress <proto> <port> to <peer>`, lowered at `at`
/// (`<sg>.ingress[i]`).
fn rule(lx: &mut Lower, o: &Other, at: &Location, dir: Direction) -> Option<Rule> {
    let mut c = o.cursor.clone();
    let c = &mut c;
    let start = c.span();
    c.next_tt(); // ingress / egress
    let proto = match c.next_ident() {
        Some(p) if p == "tcp" => Protocol::Tcp,
        Some(p) if p == "udp" => Protocol::Udp,
        Some(p) => {
            let word = p.to_string();
            lx.unknown_word(
                Extent::one(p.span()),
                format!("unknown protocol `{p}`: expected `tcp` or `udp`"),
                &word,
                &["tcp", "udp"],
            );
            return None;
        }
        None => {
            lx.cx.push(c.err_expected("a protocol (`tcp` or `udp`)"));
            return None;
        }
    };
    let port_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    let port_at = at.at(PORT);
    let (from_port, to_port) = match &port_v {
        Value::Range(lo, hi, sp)
            if matches!(**lo, Value::Expr(_)) || matches!(**hi, Value::Expr(_)) =>
        {
            lx.err(
                *sp,
                "a port range takes literal ports; use a single `{ expr }` port or two rules",
            );
            return None;
        }
        Value::Range(lo, hi, sp) => {
            let lo = lx.port(lo, &port_at);
            let hi = lx.port(hi, &port_at);
            lx.span(&port_at, *sp);
            (lo?, hi?)
        }
        v => {
            let p = lx.port(v, &port_at)?;
            (p, p)
        }
    };
    let want = dir.peer_word();
    let other = match dir {
        Direction::Ingress => "to",
        Direction::Egress => "from",
    };
    match c.next_ident() {
        Some(w) if w == want => {}
        Some(w) if w == other => {
            lx.err(
                Extent::one(w.span()),
                format!("{} rules take `{want} <peer>`, not `{other}`", dir.as_str()),
            );
            return None;
        }
        _ => {
            lx.cx
                .push(c.err_expected(&format!("`{want} <peer>` after the port")));
            return None;
        }
    }
    let peer_at = at.at(PEER);
    let peer_v = match parse_value(c, lx.cx) {
        Ok(v) => v,
        Err(e) => {
            lx.cx.push(e);
            return None;
        }
    };
    lx.span(&peer_at, peer_v.sp());
    let peer = match &peer_v {
        Value::Path(segs) if segs.len() == 1 && segs[0].text == "internet" => Peer::Internet,
        Value::Path(segs) if segs.len() == 1 => Peer::SecurityGroup(Ref::new(segs[0].text.clone())),
        Value::Str(..) | Value::Expr(_) => Peer::Cidr(lx.string(&peer_v, &peer_at, "a CIDR")?),
        Value::Call(f, args, _) if f == "var" && args.len() == 1 => {
            Peer::Variable(lx.name(&args[0], &peer_at, "variable")?)
        }
        v => {
            let mut e = v.sp().error(format!(
                "expected a peer: `internet`, a CIDR string, a security group, or `var(<cidr variable>)`, found {}",
                v.describe()
            ));
            if matches!(v, Value::Int { .. } | Value::Float(..)) {
                e = e.help("write a CIDR block as a string: `\"203.0.113.0/24\"`");
            }
            lx.cx.push(e);
            return None;
        }
    };
    if let Err(e) = c.expect_end("the rule") {
        lx.cx.push(e);
        return None;
    }
    lx.span(at, start.to(peer_v.sp()));
    let description = o.attrs.doc();
    if let Some(sp) = o.attrs.doc_span() {
        lx.span(&at.at(DESCRIPTION), sp);
    }
    let waivers = lx.waivers(&o.attrs, &at.at(WAIVERS));
    Some(Rule {
        protocol: proto,
        from_port,
        to_port,
        peer,
        description,
        waivers,
    })
}

fn rule_to_rust(g: &Gen, at: &Location, x: &Rule) -> TokenStream {
    let proto = match x.protocol {
        Protocol::Tcp => quote!(::infra_core::Protocol::Tcp),
        Protocol::Udp => quote!(::infra_core::Protocol::Udp),
    };
    let from = g.n(&at.at(PORT), x.from_port);
    let to = g.n(&at.at(PORT), x.to_port);
    let peer = match &x.peer {
        Peer::Internet => quote!(::infra_core::Peer::Internet),
        Peer::Cidr(c) => {
            let c = g.s(&at.at(PEER), c);
            quote!(::infra_core::Peer::Cidr(#c))
        }
        Peer::SecurityGroup(sg) => {
            let sg = r(sg);
            quote!(::infra_core::Peer::SecurityGroup(#sg))
        }
        Peer::Variable(v) => {
            quote!(::infra_core::Peer::Variable(::std::string::String::from(#v)))
        }
    };
    let desc = doc(&x.description);
    let w = waivers(&x.waivers);
    quote!(::infra_core::Rule {
        protocol: #proto,
        from_port: #from,
        to_port: #to,
        peer: #peer,
        description: #desc,
        waivers: #w,
    })
}

impl ToRust for SecurityGroup {
    fn to_rust(&self, g: &Gen) -> TokenStream {
        let me = self.loc();
        let name = string(&self.name);
        let d = doc(&self.doc);
        let vpc = r(&self.vpc);
        let desc = g.os(&me.at(DESCRIPTION), &self.description);
        let rules = |dir: Direction| -> Vec<TokenStream> {
            self.rules(dir)
                .iter()
                .enumerate()
                .map(|(i, x)| rule_to_rust(g, &self.rule_at(dir, i), x))
                .collect()
        };
        let ingress = rules(Direction::Ingress);
        let egress = rules(Direction::Egress);
        quote!(::infra_core::SecurityGroup {
            name: #name,
            doc: #d,
            vpc: #vpc,
            description: #desc,
            ingress: ::std::vec![#(#ingress),*],
            egress: ::std::vec![#(#egress),*],
        })
    }
}
