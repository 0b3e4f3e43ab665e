//! `instance_role`: an IAM role for the instances, with its instance profile and an inline
//! policy that grants exactly what the stack names.

use serde_json::json;

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::payload::Payload;
use crate::kinds::raw::RawResource;
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{
    attribute_known, Arn, Attr, Kind, KindInfo, Ref, Reference, Resource, Scoped, Waiver, World,
};
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
pub const GRANTS: Field = Field::new("allow");
pub const ACTIONS: Field = Field::new("actions");
pub const ON: Field = Field::new("on");

pub const GRANT_WITHOUT_ARN: CheckRule = CheckRule::new(
    "grant-without-arn",
    "an instance role grant on a raw resource whose type has no `arn` attribute to scope the policy to",
);

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
    /// IAM actions on raw resources of the stack, scoped to their ARNs (least privilege:
    /// the grant names both the actions and the resources).
    pub grants: Vec<Grant>,
    pub waivers: Vec<Waiver>,
}

/// `{ actions: ["sqs:SendMessage"], on: jobs }`: these actions on these raw resources only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub actions: Vec<String>,
    pub on: Vec<Ref<RawResource>>,
}

impl InstanceRole {
    pub fn new(name: &str) -> Self {
        InstanceRole {
            name: name.to_string(),
            doc: None,
            reads: Vec::new(),
            managed_policies: Vec::new(),
            grants: Vec::new(),
            waivers: Vec::new(),
        }
    }

    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}

impl InstanceRole {
    /// Where grant `i` is written.
    fn grant_at(&self, i: usize) -> crate::location::Location {
        self.loc().at(GRANTS).nth(i)
    }
}

impl Ref<InstanceRole> {
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), InstanceRole::KIND, "arn")
    }
}

impl Resource for InstanceRole {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&ROLE_TOO_BROAD, &GRANT_WITHOUT_ARN];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        for (i, p) in self.reads.iter().enumerate() {
            out.push(Reference::to(self.loc().at(READS).nth(i), p));
        }
        for (i, g) in self.grants.iter().enumerate() {
            for (j, r) in g.on.iter().enumerate() {
                out.push(Reference::to(self.grant_at(i).at(ON).nth(j), r));
            }
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        for (i, g) in self.grants.iter().enumerate() {
            for (j, r) in g.on.iter().enumerate() {
                if attribute_known(w, RawResource::KIND, r.name(), "arn") == Some(false) {
                    let ty = w.raw_type(RawResource::KIND, r.name()).unwrap_or_default();
                    out.push(
                        Violation::new(
                            &GRANT_WITHOUT_ARN,
                            self.grant_at(i).at(ON).nth(j),
                            format!(
                                "instance role `{}` is granted actions on `{}`, but {ty} has no `arn` attribute to scope the policy to",
                                self.name,
                                r.name()
                            ),
                        )
                        .help("grant on the resource that has the ARN (e.g. the queue, not its policy)"),
                    );
                }
            }
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
        for (i, g) in self.grants.iter().enumerate() {
            for (j, a) in g.actions.iter().enumerate() {
                if a.contains('*') {
                    out.push(
                        Violation::new(
                            &ROLE_TOO_BROAD,
                            self.grant_at(i).at(ACTIONS).nth(j),
                            format!("instance role `{}` grants the wildcard action `{a}`", self.name),
                        )
                        .help("name each action the instances need (`sqs:SendMessage`), or waive it with a reason"),
                    );
                }
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
        let mut statements: Vec<serde_json::Value> = Vec::new();
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
            statements.push(json!({
                "sid": "ReadPayload",
                "actions": ["s3:GetObject"],
                "resources": resources,
            }));
        }
        for (i, g) in self.grants.iter().enumerate() {
            let resources: Vec<_> =
                g.on.iter()
                    .map(|r| {
                        json!(format!(
                            "${{{}.arn}}",
                            RawResource::KIND.address_of(w, r.name())
                        ))
                    })
                    .collect();
            statements.push(json!({
                "sid": format!("Grant{i}"),
                "actions": g.actions.iter().map(|a| lit(a)).collect::<Vec<_>>(),
                "resources": resources,
            }));
        }
        if !statements.is_empty() {
            doc.data(
                "aws_iam_policy_document",
                n,
                json!({ "statement": statements }),
            );
            // The name the lab's policy always had, while it only reads payloads.
            let name = if self.grants.is_empty() {
                "read-payload"
            } else {
                "stack-access"
            };
            doc.res(
                "aws_iam_role_policy",
                n,
                json!({
                    "name": name,
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
