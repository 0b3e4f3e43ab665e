//! `autoscaling_group`: instances from a launch template on a VPC's public subnets,
//! registered in target groups, scaled on CPU, refreshed without downtime.

use serde_json::{json, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::image::Image;
use crate::kinds::launch_template::LaunchTemplate;
use crate::kinds::target_group::TargetGroup;
use crate::kinds::vpc::{private_subnet_ids, subnet_ids, Vpc};
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{Attr, Kind, KindInfo, Ref, Reference, Resource, Str, World};
use crate::tf::{interp, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "autoscaling_group",
    display: "auto scaling group",
    tf_types: &["aws_autoscaling_group", "aws_autoscaling_policy"],
    address: "aws_autoscaling_group.NAME",
    attributes: &[("name", "${ADDR.name}"), ("arn", "${ADDR.arn}")],
    raw: None,
};

pub const LAUNCH_TEMPLATE: Field = Field::new("launch_template");
pub const SUBNETS: Field = Field::new("subnets");
pub const MIN: Field = Field::new("min");
pub const DESIRED: Field = Field::new("desired");
pub const MAX: Field = Field::new("max");
pub const TARGET_GROUPS: Field = Field::new("target_groups");
pub const SCALE: Field = Field::new("scale");
pub const HEALTH_CHECK_GRACE: Field = Field::new("health_check_grace");

pub const ASG_SIZE: CheckRule = CheckRule::new("asg-size", "Auto Scaling group sizes out of order");
pub const CPU_TARGET: CheckRule = CheckRule::new("cpu-target", "a CPU target outside (0, 100]");

#[derive(Debug, Clone, PartialEq)]
pub enum Scaling {
    /// Target tracking on the group's average CPU utilisation, in percent.
    CpuAverage(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoScalingGroup {
    pub name: String,
    pub doc: Option<String>,
    pub launch_template: Ref<LaunchTemplate>,
    /// The VPC whose subnets the instances are launched in.
    pub subnets: Ref<Vpc>,
    /// The VPC's private subnets (`main.private_subnets`) rather than its public ones.
    pub private_subnets: bool,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub target_groups: Vec<Ref<TargetGroup>>,
    pub scale: Option<Scaling>,
    /// Seconds before the load balancer's health checks count for a new instance; `None`
    /// takes the launch template's image's boot time ([`Image::boot_grace_secs`]).
    pub health_check_grace_secs: Option<u32>,
}

impl AutoScalingGroup {
    pub fn new(name: &str, launch_template: Ref<LaunchTemplate>, subnets: Ref<Vpc>) -> Self {
        AutoScalingGroup {
            name: name.to_string(),
            doc: None,
            launch_template,
            subnets,
            private_subnets: false,
            min: 1,
            desired: 1,
            max: 1,
            target_groups: Vec::new(),
            scale: None,
            health_check_grace_secs: None,
        }
    }

    /// The grace period in seconds: the one set, or the image's boot time.
    pub fn grace_secs(&self, w: &dyn World) -> u32 {
        self.health_check_grace_secs.unwrap_or_else(|| {
            w.get(&self.launch_template)
                .map_or(Image::AmazonLinux2023, |lt| lt.image)
                .boot_grace_secs()
        })
    }

    pub fn group_name(&self) -> Attr<Str> {
        self.to_ref().name_attr()
    }
}

impl Ref<AutoScalingGroup> {
    pub fn name_attr(&self) -> Attr<Str> {
        Attr::new(self.name(), AutoScalingGroup::KIND, "name")
    }
}

impl Resource for AutoScalingGroup {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&ASG_SIZE, &CPU_TARGET];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        let me = self.loc();
        out.push(Reference::to(me.at(LAUNCH_TEMPLATE), &self.launch_template));
        out.push(Reference::to(me.at(SUBNETS), &self.subnets));
        for (i, tg) in self.target_groups.iter().enumerate() {
            out.push(Reference::to(me.at(TARGET_GROUPS).nth(i), tg));
        }
    }

    fn check(&self, _w: &dyn World, out: &mut Sink) {
        let me = self.loc();
        if self.max < 1 {
            out.push(
                Violation::new(
                    &ASG_SIZE,
                    me.at(MAX),
                    "max size is 0: the group can never run an instance",
                )
                .help("set max to at least 1 (the lab uses 4)"),
            );
        }
        if self.min > self.desired {
            out.push(
                Violation::new(
                    &ASG_SIZE,
                    me.at(MIN),
                    format!(
                        "min size {} is greater than desired capacity {}",
                        self.min, self.desired
                    ),
                )
                .help("AWS requires min <= desired <= max")
                .note(me.at(DESIRED), "desired is set here"),
            );
        }
        if self.desired > self.max {
            out.push(
                Violation::new(
                    &ASG_SIZE,
                    me.at(DESIRED),
                    format!(
                        "desired capacity {} is greater than max size {}",
                        self.desired, self.max
                    ),
                )
                .help("AWS requires min <= desired <= max")
                .note(me.at(MAX), "max is set here"),
            );
        }
        if let Some(Scaling::CpuAverage(t)) = self.scale {
            if !(t > 0.0 && t <= 100.0) {
                out.push(
                    Violation::new(
                        &CPU_TARGET,
                        me.at(SCALE),
                        format!("average CPU target {t} % is outside (0, 100]"),
                    )
                    .help("use a percentage such as 50"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let lt = self.launch_template.name();
        let tgs: Vec<Value> = self
            .target_groups
            .iter()
            .map(|t| interp(format!("aws_lb_target_group.{}.arn", t.name())))
            .collect();
        let name = format!("{}-{}", w.kebab_name(), kebab(n));
        let grace = self.grace_secs(w);
        let mut body = json!({
            "name_prefix": format!("{name}-"),
            "min_size": self.min,
            "max_size": self.max,
            "desired_capacity": self.desired,
            "vpc_zone_identifier": if self.private_subnets {
                private_subnet_ids(w, &self.subnets)
            } else {
                subnet_ids(w, &self.subnets)
            },
            "target_group_arns": tgs,
            "health_check_type": if tgs.is_empty() { "EC2" } else { "ELB" },
            "health_check_grace_period": grace,
            "launch_template": {
                "id": format!("${{aws_launch_template.{lt}.id}}"),
                "version": format!("${{aws_launch_template.{lt}.latest_version}}"),
            },
            "instance_refresh": {
                "strategy": "Rolling",
                "preferences": {
                    "min_healthy_percentage": 100,
                    "max_healthy_percentage": 200,
                    "instance_warmup": grace.to_string(),
                },
            },
            // The group's own Name only. Instances and volumes take theirs, and the
            // stack's tags, from the launch template's `tag_specifications`: an ASG
            // tag propagated at launch would silently override them.
            "tag": [{ "key": "Name", "value": name, "propagate_at_launch": false }],
        });
        if self.scale.is_some() {
            // A scaling policy owns the desired capacity: without this, every later
            // apply resets the group to `desired` and undoes a scale-out
            // (terraform-aws-modules/terraform-aws-autoscaling#48).
            body["lifecycle"] = json!({ "ignore_changes": ["desired_capacity"] });
        }
        doc.res("aws_autoscaling_group", n, body);
        if let Some(Scaling::CpuAverage(t)) = self.scale {
            doc.res(
                "aws_autoscaling_policy",
                &format!("{n}_cpu"),
                json!({
                    "name": format!("{name}-cpu-{t}"),
                    "autoscaling_group_name": format!("${{aws_autoscaling_group.{n}.name}}"),
                    "policy_type": "TargetTrackingScaling",
                    "target_tracking_configuration": {
                        "predefined_metric_specification": {
                            "predefined_metric_type": "ASGAverageCPUUtilization",
                        },
                        "target_value": t,
                    },
                }),
            );
        }
    }
}
