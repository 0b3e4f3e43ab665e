//! Expansion cost of `infra!` at 1,000 resources.
//!
//! The block is generated: one VPC and 125 "cells", each a complete, valid ALB -> ASG path
//! (payload, ALB and instance security groups with their rules, instance role, launch
//! template, target group, ALB with a listener, auto scaling group): 1 + 125 * 8 = 1,001
//! resources and 375 security group rules, all checked by every rule of `infra_core::check`.
//!
//! ```sh
//! cargo bench -p infra-expand --bench expand
//! ```
//!
//! Criterion writes each estimate to `target/criterion/<group>/<name>/new/estimates.json`
//! (the `median` entry is the figure quoted in infra-macros/README.md).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use proc_macro2::TokenStream;

/// Cells of 8 resources each, plus the VPC: 125 cells = 1,001 resources.
const CELLS: usize = 125;

/// The DSL text of a stack with `cells` independent ALB -> ASG paths in one VPC.
fn big_stack(cells: usize) -> String {
    let mut s = String::from(
        "pub stack Big {\n    vpc main { cidr: \"10.0.0.0/16\", public_subnets: [\"10.0.1.0/24\", \"10.0.2.0/24\"] }\n",
    );
    for i in 0..cells {
        let port = 8000 + i;
        write!(
            s,
            r#"
    payload site_{i} {{ binary: "app{i}", port: {port}, health: "/health", routes: ["/", "/health"] }}
    security_group alb_sg_{i} in main {{
        ingress tcp 80 from internet,
        egress tcp site_{i}.port to web_sg_{i},
    }}
    security_group web_sg_{i} in main {{
        ingress tcp site_{i}.port from alb_sg_{i},
        egress tcp 443 to internet,
    }}
    instance_role role_{i} {{ read: site_{i} }}
    launch_template lt_{i} {{
        image: amazon_linux_2023, instance_type: t3.micro,
        security_groups: [web_sg_{i}], role: role_{i}, run: site_{i},
    }}
    target_group tg_{i} in main {{ port: site_{i}.port, health: site_{i}.health }}
    alb front_{i} in main.public_subnets {{ security_groups: [alb_sg_{i}], listener 80 => tg_{i} }}
    autoscaling_group asg_{i} {{
        launch_template: lt_{i}, subnets: main.public_subnets,
        min: 1, desired: 2, max: 4, target_groups: [tg_{i}], scale: cpu_average(60),
    }}
"#
        )
        .unwrap();
    }
    s.push_str("}\n");
    s
}

fn input() -> TokenStream {
    big_stack(CELLS).parse().expect("the generated block lexes")
}

fn bench(c: &mut Criterion) {
    let ts = input();
    // The block is valid: the benchmark measures the clean path (parse, lower, every check,
    // code generation), which is what a real stack pays on every build.
    let stack = infra_expand::lower(ts.clone()).unwrap_or_else(|e| {
        let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        panic!("the generated stack should be valid:\n{}", all.join("\n"))
    });
    let resources = stack.vpcs.len()
        + stack.payloads.len()
        + stack.security_groups.len()
        + stack.roles.len()
        + stack.launch_templates.len()
        + stack.target_groups.len()
        + stack.albs.len()
        + stack.autoscaling_groups.len();
    assert_eq!(resources, 1 + CELLS * 8);
    let out = infra_expand::expand(ts.clone());
    assert!(!out.to_string().contains("compile_error"));

    let mut g = c.benchmark_group("infra_1000_resources");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("expand (parse, lower, check, generate)", |b| {
        b.iter(|| infra_expand::expand(black_box(ts.clone())))
    });
    g.bench_function("lower (parse, lower, check)", |b| {
        b.iter(|| infra_expand::lower(black_box(ts.clone())))
    });
    g.bench_function("check only", |b| {
        b.iter(|| infra_core::check(black_box(&stack)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
