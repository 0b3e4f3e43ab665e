//! `instance_role`: an IAM role for the instances, with its instance profile and an inline
//! policy that grants exactly what the stack names.

use serde_json::json;

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::payload::Payload;
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{Arn, Attr, Kind, KindInfo, Ref, Reference, Resource, Scoped, Waiver, World};
use crate::tf::{lit, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "instance_role",
    display: "instance role",
    tf_types: &[
        "aws_iam_role",
        "aws_iam_instance_profile",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
    ],
    address: "aws_iam_role.NAME",
    attributes: &[("arn", "${ADDR.arn}"), ("name", "${ADDR.name}")],
    raw: None,
};

pub const READS: Field = Field::new("reads");
pub const MANAGED_POLICIES: Field = Field::new("managed_policies");

pub const ROLE_TOO_BROAD: CheckRule = CheckRule::waivable(
    "role-too-broad",
    "an instance role with a broad managed policy",
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRole {
    pub name: String,
    pub doc: Option<String>,
    /// Payload artifacts this role may read (`s3:GetObject` on that object only).
    pub reads: Vec<Ref<Payload>>,
    /// AWS managed policies to attach, by ARN. Broad ones need a waiver.
    pub managed_policies: Vec<String>,
    pub waivers: Vec<Waiver>,
}

impl InstanceRole {
    pub fn new(name: &str) -> Self {
        InstanceRole {
            name: name.to_string(),
            doc: None,
            reads: Vec::new(),
            managed_policies: Vec::new(),
            waivers: Vec::new(),
        }
    }

    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}

impl Ref<InstanceRole> {
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), InstanceRole::KIND, "arn")
    }
}

impl Resource for InstanceRole {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&ROLE_TOO_BROAD];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        for (i, p) in self.reads.iter().enumerate() {
            out.push(Reference::to(self.loc().at(READS).nth(i), p));
        }
    }

    fn waivers<'a>(&'a self, out: &mut Vec<Scoped<'a>>) {
        for w in &self.waivers {
            out.push(Scoped {
                scope: self.loc(),
                waiver: w,
                recorded_on: ("aws_iam_role", self.name.clone()),
            });
        }
    }

    fn check_defaults(&self, out: &mut Sink) {
        for (i, arn) in self.managed_policies.iter().enumerate() {
            let broad = arn.ends_with("AdministratorAccess")
                || arn.ends_with("PowerUserAccess")
                || arn.contains("FullAccess")
                || arn.contains('*');
            if broad {
                out.push(
                    Violation::new(
                        &ROLE_TOO_BROAD,
                        self.loc().at(MANAGED_POLICIES).nth(i),
                        format!("instance role `{}` attaches broad policy `{arn}`", self.name),
                    )
                    .help("grant only what the stack names (`read: <payload>`), or waive it with a reason"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        doc.data(
            "aws_iam_policy_document",
            &format!("{n}_assume"),
            json!({
                "statement": [{
                    "actions": ["sts:AssumeRole"],
                    "principals": [{ "type": "Service", "identifiers": ["ec2.amazonaws.com"] }],
                }],
            }),
        );
        let prefix: String = format!("{stack}-{}-", kebab(n)).chars().take(38).collect();
        doc.res(
            "aws_iam_role",
            n,
            json!({
                "name_prefix": prefix,
                "assume_role_policy": format!("${{data.aws_iam_policy_document.{n}_assume.json}}"),
                "tags": name_tag(&stack, n),
            }),
        );
        doc.res(
            "aws_iam_instance_profile",
            n,
            json!({
                "name_prefix": prefix,
                "role": format!("${{aws_iam_role.{n}.name}}"),
            }),
        );
        if !self.reads.is_empty() {
            let resources: Vec<_> = self
                .reads
                .iter()
                .map(|p| {
                    json!(format!(
                        "${{aws_s3_bucket.{p}_artifact.arn}}/${{aws_s3_object.{p}.key}}",
                        p = p.name()
                    ))
                })
                .collect();
            doc.data(
                "aws_iam_policy_document",
                n,
                json!({
                    "statement": [{
                        "sid": "ReadPayload",
                        "actions": ["s3:GetObject"],
                        "resources": resources,
                    }],
                }),
            );
            doc.res(
                "aws_iam_role_policy",
                n,
                json!({
                    "name": "read-payload",
                    "role": format!("${{aws_iam_role.{n}.id}}"),
                    "policy": format!("${{data.aws_iam_policy_document.{n}.json}}"),
                }),
            );
        }
        for (i, arn) in self.managed_policies.iter().enumerate() {
            doc.res(
                "aws_iam_role_policy_attachment",
                &format!("{n}_{i}"),
                json!({ "role": format!("${{aws_iam_role.{n}.name}}"), "policy_arn": lit(arn) }),
            );
        }
    }
}
