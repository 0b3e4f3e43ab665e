//! The architecture picture of a checked stack, as Graphviz DOT or Mermaid.
//!
//! Drawn from the model, never by hand: internet -> load balancers (AZs, listeners) ->
//! target groups <- Auto Scaling groups (sizes, instance type, image) -> their instances in
//! their subnets; every security group rule is an edge labelled with its group, direction,
//! protocol and port; the payload with its health path; the outputs. Layout is Graphviz's
//! (`dot -Tsvg`) or Mermaid's; nothing here places a node.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::kinds::alb::Action;
use crate::kinds::autoscaling_group::Scaling;
use crate::kinds::certificate::CertificateSource;
use crate::kinds::launch_template::Ami;
use crate::kinds::security_group::{Peer, Rule};
use crate::kinds::target_group::HealthPort;
use crate::kinds::values::Text;
use crate::kinds::vpc::{Nat, Network};
use crate::registry::Stack;
use crate::resource::{Reference, Resource};

/// A node: id, label lines, style class.
struct Node {
    id: String,
    lines: Vec<String>,
    class: &'static str,
}

/// A cluster (Graphviz) / subgraph (Mermaid), nested.
struct Cluster {
    id: String,
    label: String,
    class: &'static str,
    nodes: Vec<Node>,
    children: Vec<Cluster>,
}

/// The diagram, format-neutral.
struct Diagram {
    title: String,
    top: Vec<Node>,
    clusters: Vec<Cluster>,
    /// (from, to) -> label lines; endpoints are node ids or cluster ids.
    edges: BTreeMap<(String, String), Vec<String>>,
    /// Edges in insertion order (BTreeMap above merges labels of parallel edges).
    order: Vec<(String, String)>,
    dashed: Vec<(String, String)>,
    /// Node ids to keep on one rank (Graphviz only).
    same_rank: Vec<Vec<String>>,
}

impl Diagram {
    fn edge(&mut self, from: &str, to: &str, label: impl Into<String>) {
        let key = (from.to_string(), to.to_string());
        if !self.edges.contains_key(&key) {
            self.order.push(key.clone());
        }
        let label = label.into();
        let lines = self.edges.entry(key).or_default();
        if !label.is_empty() && !lines.contains(&label) {
            lines.push(label);
        }
    }
}

fn id(prefix: &str, name: &str) -> String {
    format!("{prefix}_{name}")
}

/// The endpoint standing for every holder of security group `sg`: load balancers and the
/// instance clusters of groups whose launch template carries it.
fn sg_holders(stack: &Stack, sg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for alb in &stack.albs {
        if alb.security_groups.iter().any(|r| r.name() == sg) {
            out.push(id("alb", &alb.name));
        }
    }
    for asg in &stack.autoscaling_groups {
        let lt = stack
            .launch_templates
            .iter()
            .find(|l| l.name == asg.launch_template.name());
        if lt.is_some_and(|l| l.security_groups.iter().any(|r| r.name() == sg)) {
            out.push(id("instances", &asg.name));
        }
    }
    out
}

fn rule_label(sg: &str, dir: &str, r: &Rule) -> String {
    format!("{sg} {dir} {}/{}", r.protocol.as_str(), r.ports())
}

fn build(stack: &Stack) -> Diagram {
    let w = stack.world();
    let mut d = Diagram {
        title: format!("{} ({})", stack.name, stack.region),
        top: Vec::new(),
        clusters: Vec::new(),
        edges: BTreeMap::new(),
        order: Vec::new(),
        dashed: Vec::new(),
        same_rank: Vec::new(),
    };
    d.top.push(Node {
        id: "internet".into(),
        lines: vec!["Internet".into(), "0.0.0.0/0".into()],
        class: "internet",
    });

    // VPCs: load balancers and target groups inside; instances per ASG, per subnet.
    for vpc in &stack.vpcs {
        let (vlabel, subnets): (String, Vec<String>) = match &vpc.network {
            Network::Managed {
                cidr,
                public_subnets,
            } => (format!("VPC {} {cidr}", vpc.name), public_subnets.clone()),
            Network::Default => (
                format!("VPC {} (the region's default VPC)", vpc.name),
                vec!["default subnets".into()],
            ),
        };
        let mut c = Cluster {
            id: id("vpc", &vpc.name),
            label: vlabel,
            class: "vpc",
            nodes: Vec::new(),
            children: Vec::new(),
        };
        for alb in stack.albs.iter().filter(|a| a.subnets.name() == vpc.name) {
            let mut lines = vec![
                format!("ALB {}", alb.name),
                format!(
                    "{}, AZs: {}",
                    if alb.internet_facing {
                        "internet-facing"
                    } else {
                        "internal"
                    },
                    az_list(subnets.len())
                ),
            ];
            for l in &alb.listeners {
                lines.push(match &l.action {
                    Action::Forward(tg) => {
                        format!("listener {} :{} -> {}", l.protocol.tf(), l.port, tg.name())
                    }
                    Action::Redirect(to) => {
                        format!("listener {} :{} -> 301 to :{to}", l.protocol.tf(), l.port)
                    }
                });
            }
            c.nodes.push(Node {
                id: id("alb", &alb.name),
                lines,
                class: "alb",
            });
        }
        for tg in stack
            .target_groups
            .iter()
            .filter(|t| t.vpc.name() == vpc.name)
        {
            let hport = match tg.health.port {
                HealthPort::TrafficPort => "traffic port".to_string(),
                HealthPort::Port(p) => format!(":{p}"),
            };
            c.nodes.push(Node {
                id: id("tg", &tg.name),
                lines: vec![
                    format!("target group {}", tg.name),
                    format!("HTTP :{}", tg.port),
                    format!("health GET {} ({hport})", tg.health.path),
                ],
                class: "tg",
            });
        }
        for asg in stack
            .autoscaling_groups
            .iter()
            .filter(|a| a.subnets.name() == vpc.name)
        {
            let lt = stack
                .launch_templates
                .iter()
                .find(|l| l.name == asg.launch_template.name());
            let mut lines = vec![
                format!("Auto Scaling group {}", asg.name),
                format!(
                    "min {} / desired {} / max {}",
                    asg.min.label(w),
                    asg.desired.label(w),
                    asg.max.label(w)
                ),
            ];
            if let Some(lt) = lt {
                lines.push(format!(
                    "{}, {}",
                    lt.instance_type.label(w),
                    image_label(lt)
                ));
            }
            if let Some(Scaling::CpuAverage(p)) = &asg.scale {
                lines.push(format!("scale: average CPU {} %", p.label(w)));
            }
            c.nodes.push(Node {
                id: id("asg", &asg.name),
                lines,
                class: "asg",
            });
            let sgs = lt
                .map(|l| {
                    l.security_groups
                        .iter()
                        .map(|r| r.name().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let mut inst = Cluster {
                id: id("instances", &asg.name),
                label: format!("instances of {} (security groups: {sgs})", asg.name),
                class: "instances",
                nodes: Vec::new(),
                children: Vec::new(),
            };
            // With private subnets, the instances live there (no public IPs).
            let (tier, inst_subnets) = if vpc.private_subnets.is_empty() {
                ("public", &subnets)
            } else {
                ("private", &vpc.private_subnets)
            };
            for (i, s) in inst_subnets.iter().enumerate() {
                inst.children.push(Cluster {
                    id: id(&format!("subnet_{}", asg.name), &i.to_string()),
                    label: format!("{tier} subnet {s} (AZ {})", i + 1),
                    class: "subnet",
                    nodes: vec![Node {
                        id: format!("inst_{}_{i}", asg.name),
                        lines: vec![
                            "EC2 instances".into(),
                            lt.map(|l| l.instance_type.label(w)).unwrap_or_default(),
                        ],
                        class: "instance",
                    }],
                    children: Vec::new(),
                });
            }
            d.same_rank.push(
                (0..inst_subnets.len())
                    .map(|i| format!("inst_{}_{i}", asg.name))
                    .collect(),
            );
            c.children.push(inst);
        }
        if vpc.s3_endpoint {
            c.nodes.push(Node {
                id: id("s3_endpoint", &vpc.name),
                lines: vec![
                    "S3 gateway endpoint".into(),
                    "on the private route tables".into(),
                ],
                class: "payload",
            });
        }
        let nat = match vpc.nat {
            Nat::None => None,
            Nat::Shared => Some("one NAT gateway, shared"),
            Nat::PerAz => Some("one NAT gateway per AZ"),
        };
        if let Some(nat) = nat {
            c.nodes.push(Node {
                id: id("nat", &vpc.name),
                lines: vec![nat.into(), "private subnets' internet egress".into()],
                class: "internet",
            });
        }
        d.clusters.push(c);
    }

    // Payloads: the artifact bucket and what the instances run.
    for p in &stack.payloads {
        d.top.push(Node {
            id: id("payload", &p.name),
            lines: vec![
                format!("payload {}: {}", p.name, p.binary),
                format!("S3 artifact, port {}", p.port),
                format!("health path {}", p.health_path),
            ],
            class: "payload",
        });
    }

    // Certificates (on the HTTPS listeners that present them) and DNS names.
    for cert in &stack.certificates {
        let source = match &cert.source {
            CertificateSource::Managed { domain, zone } => {
                format!(
                    "ACM, DNS-validated: {} in zone {}",
                    text(domain),
                    text(zone)
                )
            }
            CertificateSource::Existing(v) => format!("existing ARN (var.{v})"),
        };
        d.top.push(Node {
            id: id("cert", &cert.name),
            lines: vec![format!("certificate {}", cert.name), source],
            class: "variable",
        });
        for alb in &stack.albs {
            for l in &alb.listeners {
                if l.certificate
                    .as_ref()
                    .is_some_and(|c| c.name() == cert.name)
                {
                    d.edge(
                        &id("cert", &cert.name),
                        &id("alb", &alb.name),
                        format!("TLS on :{}", l.port),
                    );
                }
            }
        }
    }
    for rec in &stack.alias_records {
        d.top.push(Node {
            id: id("dns", &rec.name),
            lines: vec![
                format!("Route 53 alias {}", rec.name),
                format!("{} in zone {}", text(&rec.domain), text(&rec.zone)),
            ],
            class: "internet",
        });
        d.edge(
            &id("dns", &rec.name),
            &id("alb", rec.to.name()),
            "A (alias)",
        );
    }

    // Traffic: listeners, target groups, scaling.
    for alb in &stack.albs {
        for l in &alb.listeners {
            if let Some(tg) = l.forward() {
                d.edge(
                    &id("alb", &alb.name),
                    &id("tg", tg.name()),
                    format!("forward {} :{}", l.protocol.tf(), l.port),
                );
            }
        }
    }
    for asg in &stack.autoscaling_groups {
        for tg in &asg.target_groups {
            d.edge(&id("asg", &asg.name), &id("tg", tg.name()), "registers");
        }
        d.edge(
            &id("asg", &asg.name),
            &id("instances", &asg.name),
            format!("launches (template {})", asg.launch_template.name()),
        );
        for tg in &asg.target_groups {
            if let Some(t) = stack.target_groups.iter().find(|t| t.name == tg.name()) {
                d.edge(
                    &id("tg", &t.name),
                    &id("instances", &asg.name),
                    format!("HTTP :{}, health {}", t.port, t.health.path),
                );
            }
        }
        let lt = stack
            .launch_templates
            .iter()
            .find(|l| l.name == asg.launch_template.name());
        if let Some(p) = lt.and_then(|l| l.run.as_ref()) {
            let role = lt
                .and_then(|l| l.role.as_ref())
                .map(|r| format!(" (role {})", r.name()))
                .unwrap_or_default();
            d.edge(
                &id("payload", p.name()),
                &id("instances", &asg.name),
                format!("fetched at boot{role}"),
            );
        }
    }

    // Raw provider resources and data sources: a node each, an edge for each reference
    // between drawn nodes, and the grants the instances hold on them.
    for r in &stack.raw_resources {
        d.top.push(Node {
            id: id("raw", &r.name),
            lines: vec![
                format!("{} {}", r.tf_type, r.name),
                "(provider resource)".into(),
            ],
            class: "raw",
        });
    }
    for r in &stack.raw_data {
        d.top.push(Node {
            id: id("data", &r.name),
            lines: vec![format!("data {} {}", r.tf_type, r.name)],
            class: "raw",
        });
    }
    let mut raw_refs: Vec<(String, Reference)> = Vec::new();
    for r in &stack.raw_resources {
        let mut refs = Vec::new();
        r.references(&mut refs);
        raw_refs.extend(refs.into_iter().map(|x| (id("raw", &r.name), x)));
    }
    for r in &stack.raw_data {
        let mut refs = Vec::new();
        r.references(&mut refs);
        raw_refs.extend(refs.into_iter().map(|x| (id("data", &r.name), x)));
    }
    for (from, r) in raw_refs {
        let Some(attr) = &r.attribute else { continue };
        let target = ["raw", "data", "alb", "tg", "asg", "cert", "dns", "payload"]
            .into_iter()
            .map(|p| id(p, &r.name))
            .find(|n| d.has_node(n));
        if let Some(t) = target {
            d.edge(&t, &from, format!("{}.{attr}", r.name));
        }
    }
    for role in &stack.roles {
        for g in &role.grants {
            for asg in &stack.autoscaling_groups {
                let holds = stack
                    .launch_templates
                    .iter()
                    .find(|l| l.name == asg.launch_template.name())
                    .and_then(|l| l.role.as_ref())
                    .is_some_and(|r| r.name() == role.name);
                if !holds {
                    continue;
                }
                for on in &g.on {
                    d.edge(
                        &id("instances", &asg.name),
                        &id("raw", on.name()),
                        format!("may {} (role {})", g.actions.join(", "), role.name),
                    );
                }
            }
        }
    }

    // Security group rules: one labelled edge per rule, between the holders.
    for sg in &stack.security_groups {
        let holders = sg_holders(stack, &sg.name);
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for r in rules {
                let peers: Vec<String> = match r.peer.normalized() {
                    Peer::Internet => vec!["internet".into()],
                    Peer::Cidr(c) => {
                        let pid = format!("cidr_{}", sanitize(&c));
                        if !d.top.iter().any(|n| n.id == pid) {
                            d.top.push(Node {
                                id: pid.clone(),
                                lines: vec![format!("CIDR {c}")],
                                class: "internet",
                            });
                        }
                        vec![pid]
                    }
                    Peer::Variable(v) => {
                        let pid = id("var", &v);
                        if !d.top.iter().any(|n| n.id == pid) {
                            d.top.push(Node {
                                id: pid.clone(),
                                lines: vec![
                                    format!("var.{v}"),
                                    "(rule exists only when set)".into(),
                                ],
                                class: "variable",
                            });
                        }
                        vec![pid]
                    }
                    Peer::SecurityGroup(other) => sg_holders(stack, other.name()),
                };
                let label = rule_label(&sg.name, dir, r);
                for h in &holders {
                    for p in &peers {
                        if dir == "ingress" {
                            d.edge(p, h, label.clone());
                        } else {
                            d.edge(h, p, label.clone());
                        }
                    }
                }
            }
        }
    }

    // Outputs.
    if !stack.outputs.is_empty() {
        let mut lines = vec!["outputs".to_string()];
        for o in &stack.outputs {
            lines.push(format!(
                "{} = {}.{}",
                o.name, o.value.resource, o.value.attribute
            ));
        }
        d.top.push(Node {
            id: "outputs".into(),
            lines,
            class: "outputs",
        });
        for o in &stack.outputs {
            let target = [
                id("alb", &o.value.resource),
                id("tg", &o.value.resource),
                id("asg", &o.value.resource),
                id("raw", &o.value.resource),
                id("data", &o.value.resource),
            ]
            .into_iter()
            .find(|n| d.has_node(n));
            if let Some(t) = target {
                let key = (t.clone(), "outputs".to_string());
                if !d.dashed.contains(&key) {
                    d.dashed.push(key);
                }
            }
        }
    }
    d
}

impl Diagram {
    fn has_node(&self, node: &str) -> bool {
        fn walk(c: &Cluster, node: &str) -> bool {
            c.nodes.iter().any(|n| n.id == node) || c.children.iter().any(|k| walk(k, node))
        }
        self.top.iter().any(|n| n.id == node) || self.clusters.iter().any(|c| walk(c, node))
    }

    fn cluster(&self, cid: &str) -> Option<&Cluster> {
        fn walk<'a>(c: &'a Cluster, cid: &str) -> Option<&'a Cluster> {
            if c.id == cid {
                return Some(c);
            }
            c.children.iter().find_map(|k| walk(k, cid))
        }
        self.clusters.iter().find_map(|c| walk(c, cid))
    }
}

fn text(t: &Text) -> String {
    match t {
        Text::Literal(s) => s.clone(),
        Text::Variable(v) => format!("var.{v}"),
    }
}

fn az_list(n: usize) -> String {
    (1..=n)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn image_label(lt: &crate::kinds::launch_template::LaunchTemplate) -> String {
    let img = lt.image.keyword();
    match &lt.ami {
        Ami::Latest => format!("{img} (latest)"),
        Ami::Variable(v) => format!("{img} (var.{v})"),
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn fill(class: &str) -> (&'static str, &'static str) {
    // (shape, fill colour)
    match class {
        "internet" => ("ellipse", "#e8eef7"),
        "variable" => ("ellipse", "#fff4d6"),
        "alb" => ("box", "#d9ecff"),
        "tg" => ("box", "#e3f5e1"),
        "asg" => ("box", "#fde7d9"),
        "instance" => ("box3d", "#ffffff"),
        "payload" => ("folder", "#efe3f7"),
        "outputs" => ("note", "#f5f5f5"),
        "raw" => ("component", "#fbeee6"),
        _ => ("box", "#ffffff"),
    }
}

/// The stack as a Graphviz DOT graph (`dot -Tsvg` lays it out).
pub fn dot(stack: &Stack) -> String {
    let d = build(stack);
    let mut s = String::new();
    let _ = writeln!(s, "digraph \"{}\" {{", dot_escape(&stack.name));
    let _ = writeln!(
        s,
        "  graph [rankdir=LR, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\", nodesep=0.35, ranksep=0.7];",
        dot_escape(&d.title)
    );
    s.push_str("  node [fontname=\"Helvetica\", fontsize=10, style=\"filled,rounded\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    let node = |s: &mut String, n: &Node, indent: &str| {
        let (shape, color) = fill(n.class);
        let style = if shape == "box" {
            "filled,rounded"
        } else {
            "filled"
        };
        let _ = writeln!(
            s,
            "{indent}\"{}\" [label=\"{}\", shape={shape}, style=\"{style}\", fillcolor=\"{color}\"];",
            n.id,
            n.lines
                .iter()
                .map(|l| dot_escape(l))
                .collect::<Vec<_>>()
                .join("\\n")
        );
    };
    for n in &d.top {
        node(&mut s, n, "  ");
    }
    fn cluster(s: &mut String, c: &Cluster, depth: usize, node: &dyn Fn(&mut String, &Node, &str)) {
        let indent = "  ".repeat(depth);
        let (style, color) = match c.class {
            "vpc" => ("rounded", "#3b7dd8"),
            "instances" => ("dashed", "#d86b3b"),
            _ => ("rounded,filled", "#9aa5b1"),
        };
        let _ = writeln!(s, "{indent}subgraph \"cluster_{}\" {{", c.id);
        let _ = writeln!(
            s,
            "{indent}  label=\"{}\"; style=\"{style}\"; color=\"{color}\"; fillcolor=\"#f7f9fb\";",
            dot_escape(&c.label)
        );
        for n in &c.nodes {
            node(s, n, &format!("{indent}  "));
        }
        for k in &c.children {
            cluster(s, k, depth + 1, node);
        }
        let _ = writeln!(s, "{indent}}}");
    }
    for c in &d.clusters {
        cluster(&mut s, c, 1, &node);
    }
    // An edge to a cluster goes to its first node, clipped at the cluster (compound).
    let anchor = |e: &str| -> (String, Option<String>) {
        match d.cluster(e) {
            Some(c) => {
                let first = first_node(c).unwrap_or_default();
                (first, Some(format!("cluster_{e}")))
            }
            None => (e.to_string(), None),
        }
    };
    for key in &d.order {
        let lines = &d.edges[key];
        let (from, ltail) = anchor(&key.0);
        let (to, lhead) = anchor(&key.1);
        let mut attrs = vec![format!(
            "label=\"{}\"",
            lines
                .iter()
                .map(|l| dot_escape(l))
                .collect::<Vec<_>>()
                .join("\\n")
        )];
        if let Some(t) = ltail {
            attrs.push(format!("ltail=\"{t}\""));
        }
        if let Some(h) = lhead {
            attrs.push(format!("lhead=\"{h}\""));
        }
        if lines
            .iter()
            .any(|l| l.contains(" ingress ") || l.contains(" egress "))
        {
            attrs.push("color=\"#c0392b\", fontcolor=\"#c0392b\"".into());
        }
        // Egress-only edges (instances -> internet) would pull the flow backwards: they
        // are drawn but do not rank the nodes.
        if lines.iter().all(|l| l.contains(" egress ")) && key.1 == "internet" {
            attrs.push("constraint=false".into());
        }
        let _ = writeln!(s, "  \"{from}\" -> \"{to}\" [{}];", attrs.join(", "));
    }
    // Each group's instances side by side, one per subnet.
    for r in &d.same_rank {
        let ids = r.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>();
        let _ = writeln!(s, "  {{ rank=same; {} }}", ids.join("; "));
    }
    if d.has_node("outputs") {
        s.push_str("  { rank=max; \"outputs\" }\n");
    }
    for (from, to) in &d.dashed {
        let _ = writeln!(
            s,
            "  \"{from}\" -> \"{to}\" [style=dashed, arrowhead=none, color=\"#999999\"];"
        );
    }
    s.push_str("}\n");
    s
}

fn first_node(c: &Cluster) -> Option<String> {
    c.nodes
        .first()
        .map(|n| n.id.clone())
        .or_else(|| c.children.iter().find_map(first_node))
}

fn mm_escape(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// The stack as a Mermaid flowchart (GitHub renders it in Markdown).
pub fn mermaid(stack: &Stack) -> String {
    let d = build(stack);
    let mut s = String::from("flowchart LR\n");
    let _ = writeln!(s, "  %% {}", d.title);
    let node = |s: &mut String, n: &Node, indent: &str| {
        let text = n
            .lines
            .iter()
            .map(|l| mm_escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match n.class {
            "internet" | "variable" => ("((", "))"),
            "payload" => ("[(", ")]"),
            "outputs" => (">", "]"),
            _ => ("[", "]"),
        };
        let _ = writeln!(s, "{indent}{}{open}\"{text}\"{close}", n.id);
    };
    for n in &d.top {
        node(&mut s, n, "  ");
    }
    fn cluster(s: &mut String, c: &Cluster, depth: usize, node: &dyn Fn(&mut String, &Node, &str)) {
        let indent = "  ".repeat(depth);
        let _ = writeln!(s, "{indent}subgraph {}[\"{}\"]", c.id, mm_escape(&c.label));
        for n in &c.nodes {
            node(s, n, &format!("{indent}  "));
        }
        for k in &c.children {
            cluster(s, k, depth + 1, node);
        }
        let _ = writeln!(s, "{indent}end");
    }
    for c in &d.clusters {
        cluster(&mut s, c, 1, &node);
    }
    for key in &d.order {
        let label = d.edges[key]
            .iter()
            .map(|l| mm_escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = writeln!(s, "  {} -- \"{label}\" --> {}", key.0, key.1);
    }
    for (from, to) in &d.dashed {
        let _ = writeln!(s, "  {from} -.- {to}");
    }
    s
}
