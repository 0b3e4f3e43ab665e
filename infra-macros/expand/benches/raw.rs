//! Expansion cost of `infra!` with 200 raw provider resources, each checked against the
//! provider schema compiled into infra-core (decoded lazily, per type) and its literals
//! against the AWS API constraints.
//!
//! The block: one VPC, then 40 cells of 5 raw resources of different types, with nested
//! blocks, maps, lists and references between them and to the typed VPC: an SQS queue, a
//! CloudWatch alarm on it (`dimensions: { QueueName: q.name }`), a target group with a
//! `health_check` block in the VPC, an IAM role, and a security group ingress rule. The
//! schema of the five types is decoded on the first iteration and cached for the process,
//! as it is for the proc-macro library that rustc keeps loaded while it compiles a crate;
//! the decode itself is measured by infra-core's `schema` bench.
//!
//! ```sh
//! cargo bench -p infra-expand --bench raw
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use proc_macro2::TokenStream;

/// Cells of 5 raw resources each: 40 cells = 200 raw resources.
const CELLS: usize = 40;

fn block(cells: usize) -> TokenStream {
    let mut body = String::from(
        "region: \"us-east-1\",\n\
         vpc main { cidr: \"10.0.0.0/16\", public_subnets: [\"10.0.1.0/24\", \"10.0.2.0/24\"] }\n",
    );
    for i in 0..cells {
        body.push_str(&format!(
            r#"
            resource aws_sqs_queue q{i} {{
                name_prefix: "jobs-{i}-",
                visibility_timeout_seconds: 60,
                message_retention_seconds: 345600,
                sqs_managed_sse_enabled: true,
                tags: {{ Team: "web", Cell: "{i}" }},
            }}
            resource aws_cloudwatch_metric_alarm a{i} {{
                alarm_name: "backlog-{i}",
                namespace: "AWS/SQS",
                metric_name: "ApproximateNumberOfMessagesVisible",
                dimensions: {{ QueueName: q{i}.name }},
                statistic: "Maximum",
                period: 300,
                evaluation_periods: 2,
                comparison_operator: "GreaterThanThreshold",
                threshold: 100,
            }}
            resource aws_lb_target_group tg{i} {{
                name_prefix: "t{i}-",
                port: 8080,
                protocol: "HTTP",
                vpc_id: main.id,
                health_check: {{ path: "/health", interval: 15, matcher: "200-299" }},
            }}
            resource aws_iam_role r{i} {{
                name_prefix: "worker-{i}-",
                assume_role_policy: "{{}}",
                tags: {{ Cell: "{i}" }},
            }}
            resource aws_vpc_security_group_ingress_rule in{i} {{
                security_group_id: "sg-0123456789abcdef0",
                cidr_ipv4: "10.0.0.0/16",
                from_port: 443,
                to_port: 443,
                ip_protocol: "tcp",
            }}
"#
        ));
    }
    format!("pub stack RawBench {{ {body} }}")
        .parse()
        .expect("the bench block lexes")
}

fn bench(c: &mut Criterion) {
    let input = block(CELLS);
    // The block is clean: an expansion that reported errors would measure the wrong path.
    let out = infra_expand::expand(input.clone()).to_string();
    assert!(
        !out.contains("compile_error"),
        "the bench block has errors: {out}"
    );
    let mut g = c.benchmark_group("expand");
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("raw_200", |b| {
        b.iter(|| infra_expand::expand(black_box(input.clone())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
