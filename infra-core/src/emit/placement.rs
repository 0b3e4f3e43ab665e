//! Where a VPC's subnets go: the Region's standard Availability Zones that offer every
//! instance type an Auto Scaling group launches into them.
//!
//! t2 is absent from several Regions (il-central-1, me-south-1, eu-north-1, ap-east-1, ...)
//! and from some AZs (us-west-2d, ca-central-1d, ...). An ASG on a subnet whose AZ does not
//! offer its type never reaches capacity, and the apply times out after 10 minutes. So
//! the subnets take their AZs from `data.aws_ec2_instance_type_offerings`, and a
//! postcondition on that data source fails the plan, naming the type, the Region and a type
//! offered there, when fewer than two AZs offer it. It is a postcondition of the data
//! source (not a precondition of a subnet) because that is the first place the offerings
//! are known, and a failing data source stops every subnet, ALB and ASG downstream of it
//! before one of them evaluates `element()` on an empty list.

use serde_json::{json, Value};

use crate::kinds::autoscaling_group::AutoScalingGroup;
use crate::kinds::launch_template::LaunchTemplate;
use crate::kinds::values::Knob;
use crate::kinds::vpc::{azs_local, Vpc};
use crate::registry::Stack;
use crate::tf::Doc;

/// Same-size x86_64 types the plan-time error proposes, the first one offered in two AZs.
pub const ALTERNATIVE_TYPES: &[&str] = &[
    "t3.micro",
    "t3a.micro",
    "t2.micro",
    "m5.large",
    "m6i.large",
    "m7i.large",
];

/// The instance types launched into a VPC's subnets, sorted and distinct: literals, and
/// variables (whose value the plan knows, so the lookup uses `var.<name>`).
pub fn instance_types(stack: &Stack, vpc: &Vpc) -> Vec<Knob<String>> {
    let mut types: Vec<Knob<String>> = stack
        .all::<AutoScalingGroup>()
        .iter()
        .filter(|g| g.subnets.name() == vpc.name)
        .filter_map(|g| stack.get::<LaunchTemplate>(&g.launch_template))
        .map(|lt| lt.instance_type.clone())
        .collect();
    types.sort_by_key(|k| (k.variable().is_some(), k.to_string()));
    types.dedup();
    types
}

/// The AZs (of `names`) where the type `ty` (an HCL expression: `"t2.micro"`, `var.x`) is
/// offered, from the offerings `o`, as an expression.
fn offered(o: &str, ty: &str, names: &str) -> String {
    format!("setintersection({names}, [for i, t in {o}.instance_types : {o}.locations[i] if t == {ty}])")
}

/// Define `local.<vpc>_azs` for every VPC, with the offerings lookup and its plan-time
/// check when instances are launched there.
pub fn emit(stack: &Stack, doc: &mut Doc) {
    let names = "data.aws_availability_zones.available.names";
    for vpc in &stack.vpcs {
        let n = &vpc.name;
        let local = azs_local(n);
        let local = local.trim_start_matches("local.");
        let types = instance_types(stack, vpc);
        if types.is_empty() {
            doc.locals
                .insert(local.into(), json!(format!("${{sort({names})}}")));
            continue;
        }
        let literal = |t: &str| types.contains(&Knob::Literal(t.to_string()));
        let mut wanted: Vec<Value> = types.iter().map(Knob::tf).collect();
        wanted.extend(
            ALTERNATIVE_TYPES
                .iter()
                .filter(|t| !literal(t))
                .map(|t| json!(t)),
        );
        let data = format!("data.aws_ec2_instance_type_offerings.{n}");
        let per_type = |o: &str| -> Vec<String> {
            types.iter().map(|t| offered(o, &t.hcl(), names)).collect()
        };
        let zones = |o: &str| -> String {
            let sets = per_type(o);
            if sets.len() == 1 {
                sets[0].clone()
            } else {
                format!("setintersection({})", sets.join(", "))
            }
        };
        let alternatives = ALTERNATIVE_TYPES
            .iter()
            .filter(|t| !literal(t))
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ");
        // A type read from a variable is no alternative to itself.
        let not_chosen: String = types
            .iter()
            .filter_map(Knob::variable)
            .map(|v| format!("a != var.{v} && "))
            .collect();
        let alternative = format!(
            "try([for a in [{alternatives}] : a if {not_chosen}length({}) >= 2][0], \"none of {}\")",
            offered("self", "a", names),
            alternatives.replace('"', "")
        );
        let listed = types
            .iter()
            .map(Knob::template)
            .collect::<Vec<_>>()
            .join(", ");
        doc.data(
            "aws_ec2_instance_type_offerings",
            n,
            json!({
                "location_type": "availability-zone",
                "filter": [{ "name": "instance-type", "values": wanted }],
                "lifecycle": {
                    "postcondition": [{
                        "condition": format!("${{length({}) >= 2}}", zones("self")),
                        "error_message": format!(
                            "Instance type {listed} is offered in fewer than two standard Availability Zones of ${{data.aws_region.current.name}} (in: ${{join(\", \", sort({}))}}), so VPC `{n}` cannot place its subnets and the Auto Scaling group would never reach capacity. Choose a type offered there, e.g. ${{{alternative}}}.",
                            zones("self")
                        ),
                    }],
                },
            }),
        );
        doc.locals
            .insert(local.into(), json!(format!("${{sort({})}}", zones(&data))));
    }
}

/// The offerings data source of a VPC, if it has one (for tests).
pub fn offerings(doc: &Value, vpc: &str) -> Option<Value> {
    doc.pointer(&format!("/data/aws_ec2_instance_type_offerings/{vpc}"))
        .cloned()
}
