//! The architecture picture, drawn from the checked model: everything the lab sheet's
//! picture shows is there, and the SVG the README shows is the one the code draws now
//! (`UPDATE_GOLDEN=1 cargo test -p stacks --test diagram` refreshes it; review it).

use stacks::cli::GraphFormat;
use std::path::PathBuf;

use infra_tests::require_tool;

/// The picture of a stack, as its binary's `--graph FORMAT` prints it.
fn graph_of(stack: &str, format: &str) -> String {
    let bin = stacks::by_name(stack).expect("a stack of stacks::STACKS");
    let format = match format {
        "dot" => GraphFormat::Dot,
        "mermaid" => GraphFormat::Mermaid,
        "svg" => GraphFormat::Svg,
        other => panic!("no format {other}"),
    };
    stacks::cli::graph(&(bin.stack)(), format).expect("the picture")
}

fn graph(format: &str) -> String {
    graph_of("hello_stack", format)
}

/// What the picture must show, in both text formats.
const MUST_SHOW: &[&str] = &[
    "Internet",
    "ALB front",
    "internet-facing, AZs: 1, 2",
    "listener HTTP :80 -> app",
    "target group app",
    "health GET /health",
    "Auto Scaling group web_asg",
    "min 2 / desired 2 / max 4",
    "t2.micro, amazon_linux_2023 (latest)",
    "scale: average CPU 50 %",
    "public subnet 10.0.1.0/24 (AZ 1)",
    "public subnet 10.0.2.0/24 (AZ 2)",
    "VPC main 10.0.0.0/16",
    // every security group rule, with its protocol and port
    "alb_sg ingress tcp/80",
    "alb_sg egress tcp/80",
    "web_sg ingress tcp/80",
    "web_sg ingress tcp/22",
    "web_sg egress tcp/443",
    "var.admin_cidr",
    // the payload and its health path
    "payload site: webapp",
    "health path /health",
    "fetched at boot (role web_role)",
    // the outputs
    "alb_dns = front.dns_name",
    "alb_url = front.url",
    "asg_name = web_asg.name",
    "target_group_name = app.name",
];

/// What web_stack's picture must show beyond the common shape: TLS, the redirect, DNS,
/// private subnets and the S3 endpoint.
const WEB_MUST_SHOW: &[&str] = &[
    "listener HTTPS :443 -> app",
    "listener HTTP :80 -> 301 to :443",
    "certificate site_cert",
    "ACM, DNS-validated: var.domain_name in zone var.zone_name",
    "TLS on :443",
    "Route 53 alias site_dns",
    "private subnet 10.0.11.0/24 (AZ 1)",
    "private subnet 10.0.12.0/24 (AZ 2)",
    "S3 gateway endpoint",
    // Knobs show their default and the variable that sets them.
    "t4g.micro (var.instance_type), amazon_linux_2023_arm64 (latest)",
    "min 2 (var.min_size) / desired 2 (var.desired) / max 4 (var.max_size)",
    "scale: average CPU 50 (var.cpu_target) %",
    "alb_sg ingress tcp/443",
    "url = site_dns.url",
];

#[test]
fn web_stack_shows_tls_dns_and_private_subnets() {
    for format in ["dot", "mermaid"] {
        let text = graph_of("web_stack", format);
        for want in WEB_MUST_SHOW {
            assert!(text.contains(want), "{format} lacks {want:?}:\n{text}");
        }
    }
}

#[test]
fn jobs_stack_shows_its_raw_resources_and_the_grant() {
    for format in ["dot", "mermaid"] {
        let text = graph_of("jobs_stack", format);
        for want in [
            "aws_sqs_queue jobs",
            "aws_cloudwatch_metric_alarm jobs_backlog",
            "data aws_caller_identity me",
            "jobs.name",
            "may sqs:SendMessage, sqs:GetQueueAttributes (role web_role)",
            "queue_url = jobs.url",
        ] {
            assert!(text.contains(want), "{format} lacks {want:?}:\n{text}");
        }
    }
}

#[test]
fn dot_and_mermaid_show_the_whole_architecture() {
    for format in ["dot", "mermaid"] {
        let text = graph(format);
        for want in MUST_SHOW {
            assert!(text.contains(want), "{format} lacks {want:?}:\n{text}");
        }
    }
    let dot = graph("dot");
    assert!(dot.starts_with("digraph \"HelloStack\""));
    // internet -> ALB -> target group <- ASG -> instances
    for edge in [
        "\"internet\" -> \"alb_front\"",
        "\"alb_front\" -> \"tg_app\"",
        "\"asg_web_asg\" -> \"tg_app\"",
        "\"asg_web_asg\" -> \"inst_web_asg_0\"",
    ] {
        assert!(dot.contains(edge), "no {edge}:\n{dot}");
    }
    assert!(graph("mermaid").starts_with("flowchart LR"));
}

#[test]
fn the_readme_svg_is_current() {
    if require_tool("dot", "Graphviz lays out the architecture picture").is_none() {
        return;
    }
    for stack in stacks::STACKS {
        let svg = graph_of(stack.name, "svg");
        assert!(svg.contains("<svg"));
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(format!("{}.svg", stack.name));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &svg).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == svg,
            "{} is stale: run `UPDATE_GOLDEN=1 cargo test -p stacks --test diagram`, look at it, commit it",
            path.display()
        );
    }
}
