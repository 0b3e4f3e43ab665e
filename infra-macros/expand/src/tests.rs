//! Unit tests: the parser, the lowering, and the mapping of violations back to tokens.
//! `proc-macro2`'s `span-locations` feature (dev only) gives spans a line and column here.

use proc_macro2::TokenStream;

use crate::{expand, instance_type_problem, lower};

/// The lab as `stacks` compiles it: the one file it is written in.
const LAB: &str = include_str!("../../../stacks/src/hello_stack.rs");

/// `src` with `from` replaced by `to`; fails when `from` is not there, so an edit of the
/// lab file cannot silently turn a test into a no-op.
fn edit(src: &str, from: &str, to: &str) -> String {
    assert!(src.contains(from), "{from:?} is not in the source");
    src.replace(from, to)
}

/// The tokens of `src`: the `infra!` block of a file (positions stay the file's), or the
/// whole text.
fn ts(src: &str) -> TokenStream {
    crate::source::macro_body(src, "infra")
        .unwrap_or_else(|| src.parse().expect("test input tokenizes"))
}

/// Every error as (message, line, column of its first token), lines relative to `src`.
fn errors(src: &str) -> Vec<(String, usize, usize)> {
    match lower(ts(src)) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .into_iter()
            .map(|e| {
                let start = e.span().start();
                (e.to_string(), start.line, start.column)
            })
            .collect(),
    }
}

/// The (line, column) of the `nth` occurrence of `needle` in `src` (1-based line, 0-based
/// column, as proc-macro2 counts).
fn pos(src: &str, needle: &str, nth: usize) -> (usize, usize) {
    let idx = src
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in source"))
        .0;
    let before = &src[..idx];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(idx, |nl| idx - nl - 1);
    (line, col)
}

fn assert_error_at(src: &str, rule_or_text: &str, needle: &str, nth: usize) {
    let errs = errors(src);
    let (line, col) = pos(src, needle, nth);
    assert!(
        errs.iter()
            .any(|(m, l, c)| m.contains(rule_or_text) && (*l, *c) == (line, col)),
        "no error containing {rule_or_text:?} at {line}:{col} (`{needle}`); got {errs:#?}"
    );
}

#[test]
fn the_lab_lowers_with_derived_ports() {
    let stack = lower(ts(LAB)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stack.name, "HelloStack");
    assert_eq!(
        stack.doc.as_deref(),
        Some("The lab: an ALB in front of 2..4 instances running the webapp.")
    );
    assert_eq!(stack.tags["Project"], "tp2-alb-asg");
    let app = &stack.target_groups[0];
    assert_eq!(app.port, 80, "derived from site.port");
    assert_eq!(stack.security_groups[1].ingress[0].from_port, 80);
    assert_eq!(stack.albs[0].listeners[0].forward().unwrap().name(), "app");
    assert_eq!(stack.autoscaling_groups[0].max, 4.into());
    assert_eq!(
        stack.outputs[0].value.kind,
        <infra_core::Alb as infra_core::Resource>::KIND
    );
    assert_eq!(
        stack.outputs[0].doc.as_deref(),
        Some("Item 11: the load balancer's DNS name.")
    );
}

#[test]
fn expand_generates_the_struct() {
    let out = expand(ts(LAB)).to_string();
    assert!(!out.contains("compile_error"), "{out}");
    assert!(out.contains("pub struct HelloStack"));
    assert!(out.contains("pub front : :: infra_core :: Alb"));
    assert!(out.contains("webapp_spec :: HEALTH_PATH"));
}

#[test]
fn literal_forms_and_ranges() {
    let src = edit(
        LAB,
            "payload site = webapp_spec { port: 80 }",
            r#"payload site { binary: "webapp", port: 80, health: "/health", routes: ["/", "/health"] }"#,
        )
        .replace("egress tcp 443 to internet", "egress tcp 443..=444 to internet");
    let stack = lower(ts(&src)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stack.payloads[0].routes, ["/", "/health"]);
    assert_eq!(stack.target_groups[0].health.path, "/health");
    let r = &stack.security_groups[1].egress[0];
    assert_eq!((r.from_port, r.to_port), (443, 444));
}

#[test]
fn seed_mistake_points_at_the_port_literal() {
    let src = edit(LAB, "port: site.port, health", "port: 8000, health");
    assert_error_at(&src, "[target-port-mismatch]", "8000", 0);
}

#[test]
fn ssh_from_the_internet_points_at_the_peer() {
    let src = edit(
        LAB,
        "ingress tcp 22 from var(admin_cidr)",
        "ingress tcp 22 from internet",
    );
    // The second `internet` of the source is the SSH rule's peer... find it by context.
    let errs = errors(&src);
    let (line, _) = pos(&src, "ingress tcp 22 from internet", 0);
    let (_, col) = pos(&src, "internet,\n            egress tcp 443", 0);
    assert!(
        errs.iter()
            .any(|(m, l, c)| m.contains("[ssh-open-to-world]") && (*l, *c) == (line, col)),
        "{errs:#?}"
    );
}

#[test]
fn duplicate_name_points_at_the_second_declaration() {
    let src = edit(
        LAB,
        "key_pair ops {",
        "security_group web_role in main { egress tcp 443 to internet }\n        key_pair ops {",
    );
    assert_error_at(&src, "[duplicate-name]", "web_role in main", 0);
}

#[test]
fn unknown_reference_points_at_the_identifier() {
    let src = edit(LAB, "listener 80 => app", "listener 80 => ap");
    assert_error_at(&src, "did you mean `app`?", "ap }", 0);
    let src = edit(
        LAB,
        "security_groups: [web_sg],",
        "security_groups: [web_sg, alb],",
    );
    assert_error_at(&src, "[unknown-reference]", "alb],", 0);
}

#[test]
fn asg_sizes_point_at_the_value() {
    let src = edit(
        LAB,
        "min: 2, desired: 2, max: 4",
        "min: 5, desired: 2, max: 4",
    );
    assert_error_at(&src, "[asg-size]", "5, desired", 0);
}

#[test]
fn all_violations_are_reported_at_once() {
    let src = edit(LAB, "min: 2, desired: 2", "min: 3, desired: 2")
        .replace("port: site.port, health", "port: 8000, health")
        .replace(
            "ingress tcp 22 from var(admin_cidr)",
            "ingress tcp 22 from internet",
        );
    let errs = errors(&src);
    for rule in [
        "[asg-size]",
        "[target-port-mismatch]",
        "[ssh-open-to-world]",
    ] {
        assert!(
            errs.iter().any(|(m, ..)| m.contains(rule)),
            "{rule}: {errs:#?}"
        );
    }
}

#[test]
fn run_time_values_defer_their_violations() {
    // The port is a Rust expression: the mismatch with the payload cannot be known here.
    let src = edit(LAB, "port: site.port, health", "port: { 8000 }, health");
    assert_eq!(errors(&src), []);
    // Module-form payload: its health path is unknown, so is the target group's.
    let src = edit(LAB, "health: site.health", r#"health: "/nope""#);
    assert!(lower(ts(&src)).is_ok(), "routes unknown at compile time");
    // Literal form: the same mistake is caught.
    let src = src.replace(
        "payload site = webapp_spec { port: 80 }",
        r#"payload site { binary: "webapp", port: 80, health: "/health" }"#,
    );
    assert_error_at(&src, "[health-path-unserved]", "\"/nope\"", 0);
}

#[test]
fn parse_errors_accumulate_and_recover() {
    let src = r#"
        stack Lab {
            vpc main { cidr: "10.0.0.0/16", public_subnet: ["10.0.1.0/24"] }
            launch_template web { image: ubuntu, instance_type: t2micro, security_groups: [] }
            securty_group sg in main { }
            target_group app in main { port: "80", health: "/health", port: 81 }
            output x = front.dns_name;
        }
    "#;
    let errs = errors(src);
    let want = [
        ("unknown field `public_subnet`", "public_subnet:"),
        ("did you mean `public_subnets`", "public_subnet:"),
        ("missing field `public_subnets`", "main {"),
        ("unknown image `ubuntu`", "ubuntu"),
        ("not an instance type", "t2micro"),
        ("did you mean `security_group`", "securty_group"),
        ("expected a port number, found string \"80\"", "\"80\""),
        ("duplicate field `port`", "port: 81"),
    ];
    for (text, at) in want {
        let (l, c) = pos(src, at, 0);
        assert!(
            errs.iter()
                .any(|(m, el, ec)| m.contains(text) && (*el, *ec) == (l, c)),
            "{text:?} at `{at}` ({l}:{c}); got {errs:#?}"
        );
    }
}

#[test]
fn waivers_and_docs_reach_the_model() {
    let src = edit(
        LAB,
        "ingress tcp 22 from var(admin_cidr)",
        "/// SSH for the bastion\n #[waive(ssh_open_to_world, \"lab bastion\")] ingress tcp 22 from internet",
    );
    let stack = lower(ts(&src)).unwrap_or_else(|e| panic!("{e}"));
    let r = &stack.security_groups[1].ingress[1];
    assert_eq!(r.description.as_deref(), Some("SSH for the bastion"));
    assert_eq!(r.waivers[0].rule, "ssh-open-to-world");
    assert_eq!(r.waivers[0].reason, "lab bastion");
    // A waiver that silences nothing is itself reported, at the waiver.
    let src = edit(
        LAB,
        "egress tcp 443 to internet",
        "#[waive(ssh_open_to_world, \"why\")] egress tcp 443 to internet",
    );
    assert_error_at(&src, "[unused-waiver]", "ssh_open_to_world", 0);
}

#[test]
fn expand_never_panics_on_truncated_or_mangled_input() {
    let tokens: Vec<proc_macro2::TokenTree> = ts(LAB).into_iter().collect();
    for cut in 0..=tokens.len() {
        let prefix: TokenStream = tokens[..cut].iter().cloned().collect();
        let _ = expand(prefix);
    }
    // Flatten groups and cut anywhere inside them too.
    let flat: Vec<String> = LAB.split_whitespace().map(str::to_string).collect();
    for cut in (0..flat.len()).step_by(3) {
        let src = flat[..cut].join(" ");
        if let Ok(t) = src.parse::<TokenStream>() {
            let _ = expand(t);
        }
        let without: Vec<&str> = flat
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != cut)
            .map(|(_, s)| s.as_str())
            .collect();
        if let Ok(t) = without.join(" ").parse::<TokenStream>() {
            let _ = expand(t);
        }
    }
}

#[test]
fn errors_emit_the_stub_struct() {
    let src = edit(LAB, "min: 2, desired", "min: \"2\", desired");
    let out = expand(ts(&src)).to_string();
    assert!(out.contains("compile_error"));
    assert!(out.contains("pub struct HelloStack"));
    assert!(out.contains("pub web_asg : :: infra_core :: AutoScalingGroup"));
}

#[test]
fn instance_types() {
    for ok in [
        "t2.micro",
        "c5.2xlarge",
        "m6i.metal",
        "t3a.nano",
        "u-6tb1.metal",
    ] {
        assert_eq!(instance_type_problem(ok), None, "{ok}");
    }
    for bad in ["t2micro", "t2.huge", "T2.micro", "t.micro", "m5.2large"] {
        assert!(instance_type_problem(bad).is_some(), "{bad}");
    }
}
