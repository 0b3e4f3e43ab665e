//! The monthly cost drivers of a stack, as a user sees them in `--help` and the README.
//!
//! On-demand prices in us-east-1 (730 hours a month), rounded; other Regions differ by a
//! few percent. This is a list of what costs money and how to turn it off, not a bill:
//! traffic-driven charges (ALB LCUs, flow log volume, S3 requests) are named, not priced.

use crate::kinds::autoscaling_group::AutoScalingGroup;
use crate::kinds::launch_template::LaunchTemplate;
use crate::kinds::vpc::Network;
use crate::registry::Stack;

/// Hours in a month, as AWS bills them.
pub const HOURS: f64 = 730.0;
/// A public IPv4 address, in use or idle, since February 2024.
pub const PUBLIC_IPV4_HOURLY: f64 = 0.005;
/// An Application Load Balancer, before LCUs.
pub const ALB_HOURLY: f64 = 0.0225;
/// Detailed monitoring: 7 EC2 metrics at $0.30 per metric-month.
pub const DETAILED_MONITORING_MONTHLY: f64 = 2.10;
/// A NAT gateway, per hour and per GB processed.
pub const NAT_HOURLY: f64 = 0.045;
pub const NAT_PER_GB: f64 = 0.045;
/// Vended flow logs delivered to S3, per GB.
pub const FLOW_LOGS_PER_GB: f64 = 0.25;
/// gp3 storage, per GiB-month.
pub const GP3_GIB_MONTHLY: f64 = 0.08;

/// The hourly on-demand price of the instance types this project's stacks use.
pub fn instance_hourly(ty: &str) -> Option<f64> {
    Some(match ty {
        "t2.micro" => 0.0116,
        "t2.small" => 0.023,
        "t3.micro" => 0.0104,
        "t3.small" => 0.0208,
        "t3a.micro" => 0.0094,
        "m5.large" => 0.096,
        "t4g.micro" => 0.0084,
        "t4g.small" => 0.0168,
        _ => return None,
    })
}

/// One line per cost driver: what, how much a month, and the word that turns it off.
pub fn drivers(stack: &Stack) -> Vec<String> {
    let mut out = Vec::new();
    let month = |h: f64| h * HOURS;
    for g in &stack.autoscaling_groups {
        let Some(lt) = stack.get::<LaunchTemplate>(&g.launch_template) else {
            continue;
        };
        // Knobs read from variables count at their defaults.
        let w = stack.world();
        let size = |k: &crate::kinds::values::Knob<u32>| k.value(w).unwrap_or(0);
        let (lo, hi) = (
            size(&g.min).max(size(&g.desired)) as f64,
            size(&g.max) as f64,
        );
        let range = |each: f64| format!("${:.2}-{:.2}", each * lo, each * hi);
        let ty = lt.instance_type.label(w);
        match lt
            .instance_type
            .value(w)
            .as_deref()
            .and_then(instance_hourly)
        {
            Some(h) => out.push(format!(
                "{}: {} x {} instances: {}/month",
                g.name,
                ty,
                if lo == hi {
                    format!("{lo}")
                } else {
                    format!("{lo}-{hi}")
                },
                range(month(h))
            )),
            None => out.push(format!(
                "{}: {} x {}-{} instances: see EC2 pricing",
                g.name, ty, lo, hi
            )),
        }
        if public_subnets(stack, g) {
            out.push(format!(
                "{}: one public IPv4 address per instance (${:.2}/month each): {}/month",
                g.name,
                month(PUBLIC_IPV4_HOURLY),
                range(month(PUBLIC_IPV4_HOURLY))
            ));
        }
        out.push(format!(
            "{}: {} GiB gp3 root volume per instance: {}/month",
            g.name,
            lt.root_volume.size_gib,
            range(lt.root_volume.size_gib as f64 * GP3_GIB_MONTHLY)
        ));
        if lt.detailed_monitoring {
            out.push(format!(
                "{}: detailed monitoring (launch template `{}`): {}/month; off: `monitoring: basic`",
                g.name,
                lt.name,
                range(DETAILED_MONITORING_MONTHLY)
            ));
        }
    }
    for a in &stack.albs {
        let azs = stack
            .vpcs
            .iter()
            .find(|v| v.name == a.subnets.name())
            .and_then(|v| match &v.network {
                Network::Managed { public_subnets, .. } => Some(public_subnets.len()),
                Network::Default => None,
            })
            .unwrap_or(2);
        out.push(format!(
            "{}: load balancer ${:.2}/month + LCUs (traffic), and {azs} public IPv4 addresses ${:.2}/month",
            a.name,
            month(ALB_HOURLY),
            azs as f64 * month(PUBLIC_IPV4_HOURLY)
        ));
    }
    for v in &stack.vpcs {
        let gateways = match v.nat {
            crate::kinds::vpc::Nat::None => 0,
            crate::kinds::vpc::Nat::Shared => 1,
            crate::kinds::vpc::Nat::PerAz => v.private_subnets.len(),
        };
        if gateways > 0 && !v.private_subnets.is_empty() {
            out.push(format!(
                "{}: {gateways} NAT gateway(s) ${:.2}/month each + ${NAT_PER_GB:.3} per GB, and their public IPv4 addresses; off: `nat: none`",
                v.name,
                month(NAT_HOURLY) + month(PUBLIC_IPV4_HOURLY)
            ));
        }
        if v.flow_logs {
            out.push(format!(
                "{}: flow logs (all traffic) to S3: ${FLOW_LOGS_PER_GB:.2} per GB logged; off: `flow_logs: false`",
                v.name
            ));
        }
    }
    out
}

fn public_subnets(stack: &Stack, g: &AutoScalingGroup) -> bool {
    // Every public subnet a `vpc` declares maps public IPs (map_public_ip_on_launch),
    // default VPCs too; private subnets do not.
    !g.private_subnets && stack.vpcs.iter().any(|v| v.name == g.subnets.name())
}
