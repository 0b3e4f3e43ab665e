//! `autoscaling_group`: instances from a launch template on a VPC's public subnets,
//! registered in target groups, scaled on CPU, refreshed without downtime.

use serde_json::{json, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::image::Image;
use crate::kinds::launch_template::LaunchTemplate;
use crate::kinds::target_group::TargetGroup;
use crate::kinds::values::Knob;
use crate::kinds::vpc::{private_subnet_ids, subnet_ids, Vpc};
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{
    ApiValue, Attr, Kind, KindInfo, Ref, Reference, Resource, Str, Validation, World,
};
use crate::schema::Literal;
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
    /// Target tracking on the group's average CPU utilisation, in percent (a number, or a
    /// `number` variable: `cpu_average(var(cpu_target))`).
    CpuAverage(Knob<f64>),
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
    /// The sizes: numbers, or `number` variables (`var(desired)`).
    pub min: Knob<u32>,
    pub desired: Knob<u32>,
    pub max: Knob<u32>,
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
            min: Knob::Literal(1),
            desired: Knob::Literal(1),
            max: Knob::Literal(1),
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
        out.extend(self.min.reference(me.at(MIN)));
        out.extend(self.desired.reference(me.at(DESIRED)));
        out.extend(self.max.reference(me.at(MAX)));
        if let Some(Scaling::CpuAverage(t)) = &self.scale {
            out.extend(t.reference(me.at(SCALE)));
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let me = self.loc();
        let n = &self.name;
        let size = |k: &Knob<u32>, f: Field, what: &str, out: &mut Sink| {
            k.checked(w, out, || me.at(f), || format!("{what} of `{n}`"))
        };
        let min = size(&self.min, MIN, "min size", out);
        // `desired` defaults to min: the same variable is reported once.
        let desired = if self.desired.variable().is_some() && self.desired == self.min {
            self.desired.value(w)
        } else {
            size(&self.desired, DESIRED, "desired capacity", out)
        };
        let max = size(&self.max, MAX, "max size", out);
        if max == Some(0) {
            out.push(
                Violation::new(
                    &ASG_SIZE,
                    me.at(MAX),
                    format!(
                        "max size is 0{}: the group can never run an instance",
                        self.max.whence()
                    ),
                )
                .help("set max to at least 1 (the lab uses 4)"),
            );
        }
        if let (Some(min), Some(desired)) = (min, desired) {
            if min > desired {
                out.push(
                    Violation::new(
                        &ASG_SIZE,
                        me.at(MIN),
                        format!(
                            "min size {} is greater than desired capacity {}",
                            self.min.describe(&min),
                            self.desired.describe(&desired)
                        ),
                    )
                    .help("AWS requires min <= desired <= max")
                    .note(me.at(DESIRED), "desired is set here"),
                );
            }
        }
        if let (Some(desired), Some(max)) = (desired, max) {
            if desired > max {
                out.push(
                    Violation::new(
                        &ASG_SIZE,
                        me.at(DESIRED),
                        format!(
                            "desired capacity {} is greater than max size {}",
                            self.desired.describe(&desired),
                            self.max.describe(&max)
                        ),
                    )
                    .help("AWS requires min <= desired <= max")
                    .note(me.at(MAX), "max is set here"),
                );
            }
        }
        if let Some(Scaling::CpuAverage(k)) = &self.scale {
            let t = k.checked(w, out, || me.at(SCALE), || format!("CPU target of `{n}`"));
            if let Some(t) = t.filter(|t| !(*t > 0.0 && *t <= 100.0)) {
                out.push(
                    Violation::new(
                        &CPU_TARGET,
                        me.at(SCALE),
                        format!("average CPU target {t} %{} is outside (0, 100]", k.whence()),
                    )
                    .help("use a percentage such as 50"),
                );
            }
        }
    }

    fn api_values<'a>(&'a self, out: &mut Vec<ApiValue<'a>>) {
        const TF: &str = "aws_autoscaling_group";
        let me = self.loc();
        for (f, attr, k) in [
            (MIN, "min_size", &self.min),
            (DESIRED, "desired_capacity", &self.desired),
            (MAX, "max_size", &self.max),
        ] {
            out.push(match k {
                Knob::Literal(n) => ApiValue::new(me.at(f), TF, attr, Literal::Number((*n).into())),
                Knob::Variable(v) => ApiValue::variable(me.at(f), TF, attr, v),
            });
        }
        if let Some(g) = self.health_check_grace_secs {
            let at = me.at(HEALTH_CHECK_GRACE);
            out.push(ApiValue::new(
                at,
                TF,
                "health_check_grace_period",
                Literal::Number(g.into()),
            ));
        }
    }

    /// The plan-time mirror of [`ASG_SIZE`] and [`CPU_TARGET`] for the sizes and the target
    /// read from variables. Each constraint goes on one variable, so that one bad value
    /// fails the plan once: `min <= desired` and `desired <= max` on `desired` when it is a
    /// variable (else on the other side's), `max >= 1` on `max`.
    fn validations(&self, _w: &dyn World, out: &mut Vec<Validation>) {
        let n = &self.name;
        let (min, desired, max) = (self.min.hcl(), self.desired.hcl(), self.max.hcl());
        let (tmin, tdesired, tmax) = (
            self.min.template(),
            self.desired.template(),
            self.max.template(),
        );
        let mut push = |v: &str, rule: &'static CheckRule, condition: String, message: String| {
            out.push(Validation {
                variable: v.to_string(),
                rule,
                condition,
                message,
            })
        };
        // What the model's `u32` guarantees: a whole number of instances.
        let mut seen: Vec<&str> = Vec::new();
        for (k, what) in [
            (&self.min, "min size"),
            (&self.desired, "desired capacity"),
            (&self.max, "max size"),
        ] {
            let Some(v) = k.variable().filter(|v| !seen.contains(v)) else {
                continue;
            };
            seen.push(v);
            push(
                v,
                &ASG_SIZE,
                format!("var.{v} >= 0 && floor(var.{v}) == var.{v}"),
                format!("{what} of {n} must be a whole number of instances, got ${{var.{v}}}."),
            );
        }
        if let Some(v) = self.desired.variable() {
            push(
                v,
                &ASG_SIZE,
                format!("{min} <= {desired} && {desired} <= {max}"),
                format!("desired capacity of {n} must be between min ({tmin}) and max ({tmax}), got ${{{desired}}}."),
            );
        }
        if let Some(v) = self.min.variable() {
            if self.desired.variable().is_none() {
                push(
                    v,
                    &ASG_SIZE,
                    format!("{min} <= {desired}"),
                    format!("min size of {n} must be at most the desired capacity ({tdesired}), got ${{{min}}}."),
                );
            }
        }
        if let Some(v) = self.max.variable() {
            let (condition, message) = if self.desired.variable().is_none() {
                (
                    format!("{max} >= 1 && {desired} <= {max}"),
                    format!("max size of {n} must be at least 1 and at least the desired capacity ({tdesired}), got ${{{max}}}."),
                )
            } else {
                (
                    format!("{max} >= 1"),
                    format!("max size of {n} must be at least 1, got ${{{max}}}."),
                )
            };
            push(v, &ASG_SIZE, condition, message);
        }
        if let Some(Scaling::CpuAverage(k)) = &self.scale {
            if let Some(v) = k.variable() {
                let t = k.hcl();
                push(
                    v,
                    &CPU_TARGET,
                    format!("{t} > 0 && {t} <= 100"),
                    format!("average CPU target of {n} must be in (0, 100] percent, got ${{{t}}}."),
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
            "min_size": self.min.tf(),
            "max_size": self.max.tf(),
            "desired_capacity": self.desired.tf(),
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
        if let Some(Scaling::CpuAverage(t)) = &self.scale {
            doc.res(
                "aws_autoscaling_policy",
                &format!("{n}_cpu"),
                json!({
                    "name": format!("{name}-cpu-{}", t.template()),
                    "autoscaling_group_name": format!("${{aws_autoscaling_group.{n}.name}}"),
                    "policy_type": "TargetTrackingScaling",
                    "target_tracking_configuration": {
                        "predefined_metric_specification": {
                            "predefined_metric_type": "ASGAverageCPUUtilization",
                        },
                        "target_value": t.tf(),
                    },
                }),
            );
        }
    }
}
