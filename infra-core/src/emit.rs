//! The emitter: `Stack -> serde_json::Value` in Terraform's JSON syntax.
//!
//! Output is deterministic: objects are `serde_json::Map` (sorted keys), arrays follow
//! declaration order, and nothing depends on time or the environment. A stack with
//! violations is refused with all of them ([`to_terraform`]).

use serde_json::{json, Map, Value};

use crate::check::{self, aws_name};
use crate::model::*;
use crate::refs::{AttrRef, Kind, Ref};
use crate::userdata::{self, escape};
use crate::violation::Violations;

/// The provider line this project verifies against (hashicorp/aws 5.100.0 offline).
pub const AWS_PROVIDER_VERSION: &str = ">= 5.100.0, < 6.0.0";
// No `terraform.required_version`: checkov's JSON parser (3.3) crashes on any scalar in
// the `terraform` block, and the provider pin above is what the output depends on.

/// Check the stack, then emit it. Refuses a stack with violations, listing all of them.
pub fn to_terraform(stack: &Stack) -> Result<Value, Violations> {
    let report = check::report(stack);
    if !report.violations.is_empty() {
        return Err(Violations(report.violations));
    }
    Ok(to_terraform_unchecked(stack))
}

/// [`to_terraform`] as pretty JSON text with a trailing newline: what `main.tf.json` holds.
pub fn to_json_string(stack: &Stack) -> Result<String, Violations> {
    let v = to_terraform(stack)?;
    let mut s = serde_json::to_string_pretty(&v).expect("a JSON value always serialises");
    s.push('\n');
    Ok(s)
}

/// Emit without checking (for tests of the emitter and for inspecting a broken stack).
pub fn to_terraform_unchecked(stack: &Stack) -> Value {
    let mut doc = Doc::default();
    let waived = waiver_notes(stack);
    doc.header(stack);
    for v in &stack.variables {
        doc.variable(v);
    }
    if needs_log_bucket(stack) {
        doc.log_bucket(stack);
    }
    for vpc in &stack.vpcs {
        doc.vpc(stack, vpc);
    }
    for sg in &stack.security_groups {
        doc.security_group(stack, sg);
    }
    for role in &stack.roles {
        doc.role(stack, role);
    }
    for kp in &stack.key_pairs {
        doc.key_pair(stack, kp);
    }
    for p in &stack.payloads {
        doc.payload(stack, p);
    }
    for lt in &stack.launch_templates {
        doc.launch_template(stack, lt);
    }
    for tg in &stack.target_groups {
        doc.target_group(stack, tg);
    }
    for alb in &stack.albs {
        doc.alb(stack, alb);
    }
    for asg in &stack.autoscaling_groups {
        doc.asg(stack, asg);
    }
    for o in &stack.outputs {
        doc.output(stack, o);
    }
    for (ty, name, note) in waived {
        if let Some(body) = doc
            .resource
            .get_mut(ty)
            .and_then(|t| t.as_object_mut())
            .and_then(|t| t.get_mut(&name))
            .and_then(|b| b.as_object_mut())
        {
            body.insert("//".into(), Value::String(note));
        }
    }
    doc.finish()
}

/// `${...}` around a Terraform expression.
fn interp(expr: impl AsRef<str>) -> Value {
    Value::String(format!("${{{}}}", expr.as_ref()))
}

/// A literal string for Terraform: escaped so that nothing in it is interpolated.
fn lit(s: &str) -> Value {
    Value::String(escape(s))
}

/// The Terraform address an attribute of a stack resource renders to.
pub(crate) fn attr_expression(a: &AttrRef) -> String {
    let base = match a.kind {
        Kind::Alb => format!("aws_lb.{}", a.resource),
        Kind::Vpc => format!("aws_vpc.{}", a.resource),
        Kind::SecurityGroup => format!("aws_security_group.{}", a.resource),
        Kind::TargetGroup => format!("aws_lb_target_group.{}", a.resource),
        Kind::AutoScalingGroup => format!("aws_autoscaling_group.{}", a.resource),
        Kind::LaunchTemplate => format!("aws_launch_template.{}", a.resource),
        Kind::InstanceRole => format!("aws_iam_role.{}", a.resource),
        Kind::Payload => format!("aws_s3_object.{}", a.resource),
        Kind::KeyPair => format!("aws_key_pair.{}[0]", a.resource),
        Kind::Variable => format!("var.{}", a.resource),
    };
    if a.kind == Kind::Alb && a.attribute == "url" {
        return format!("http://${{{base}.dns_name}}/");
    }
    format!("${{{base}.{}}}", a.attribute)
}

fn vpc_id(stack: &Stack, r: &Ref<Vpc>) -> Value {
    match stack.vpc(r).map(|v| &v.network) {
        Some(Network::Default) => interp(format!("data.aws_vpc.{}.id", r.name())),
        _ => interp(format!("aws_vpc.{}.id", r.name())),
    }
}

fn subnet_ids(stack: &Stack, r: &Ref<Vpc>) -> Value {
    match stack.vpc(r).map(|v| &v.network) {
        Some(Network::Managed { public_subnets, .. }) => Value::Array(
            (0..public_subnets.len())
                .map(|i| interp(format!("aws_subnet.{}_public_{i}.id", r.name())))
                .collect(),
        ),
        _ => interp(format!("data.aws_subnets.{}_public.ids", r.name())),
    }
}

fn sg_ids(refs: &[Ref<SecurityGroup>]) -> Value {
    Value::Array(
        refs.iter()
            .map(|r| interp(format!("aws_security_group.{}.id", r.name())))
            .collect(),
    )
}

fn name_tag(stack: &Stack, name: &str) -> Value {
    json!({ "Name": format!("{}-{}", stack.kebab_name(), kebab(name)) })
}

fn needs_log_bucket(stack: &Stack) -> bool {
    stack.vpcs.iter().any(|v| v.flow_logs) || stack.albs.iter().any(|a| a.access_logs)
}

/// Where a bucket's S3 access logs go in the log bucket.
fn access_log_prefix(bucket: &str) -> String {
    format!("s3-access/{bucket}/")
}

/// The Terraform local name of one security group rule: descriptive and stable.
pub fn rule_name(sg: &str, dir: &str, r: &Rule) -> String {
    let peer = match &r.peer {
        Peer::Internet => "internet".to_string(),
        Peer::Cidr(c) if crate::cidr::is_world(c) => {
            if crate::cidr::is_v6(c) {
                "internet_v6".to_string()
            } else {
                "internet".to_string()
            }
        }
        Peer::Cidr(c) => c
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
        Peer::SecurityGroup(g) => g.name().to_string(),
        Peer::Variable(v) => v.clone(),
    };
    let ports = r.ports().replace('-', "_");
    format!("{sg}_{dir}_{}_{ports}_{peer}", r.protocol.as_str())
}

/// `(resource type, local name, note)` for every resource that carries a waiver.
fn waiver_notes(stack: &Stack) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    for sg in &stack.security_groups {
        for (dir, rules, ty) in [
            (
                "ingress",
                &sg.ingress,
                "aws_vpc_security_group_ingress_rule",
            ),
            ("egress", &sg.egress, "aws_vpc_security_group_egress_rule"),
        ] {
            for r in rules {
                if r.waivers.is_empty() {
                    continue;
                }
                out.push((ty, rule_name(&sg.name, dir, r), note(&r.waivers)));
            }
        }
    }
    for lt in stack
        .launch_templates
        .iter()
        .filter(|l| !l.waivers.is_empty())
    {
        out.push(("aws_launch_template", lt.name.clone(), note(&lt.waivers)));
    }
    for role in stack.roles.iter().filter(|r| !r.waivers.is_empty()) {
        out.push(("aws_iam_role", role.name.clone(), note(&role.waivers)));
    }
    out
}

fn note(ws: &[Waiver]) -> String {
    ws.iter()
        .map(|w| format!("infra: waived {}: {}", w.rule, w.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Default)]
struct Doc {
    terraform: Map<String, Value>,
    provider: Map<String, Value>,
    variable: Map<String, Value>,
    locals: Map<String, Value>,
    data: Map<String, Value>,
    resource: Map<String, Value>,
    output: Map<String, Value>,
}

fn put(section: &mut Map<String, Value>, ty: &str, name: &str, body: Value) {
    section
        .entry(ty.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("sections hold objects")
        .insert(name.to_string(), body);
}

impl Doc {
    fn res(&mut self, ty: &str, name: &str, body: Value) {
        put(&mut self.resource, ty, name, body);
    }
    fn data(&mut self, ty: &str, name: &str, body: Value) {
        put(&mut self.data, ty, name, body);
    }

    fn finish(self) -> Value {
        let mut root = Map::new();
        let sections = [
            ("terraform", self.terraform),
            ("provider", self.provider),
            ("variable", self.variable),
            ("locals", self.locals),
            ("data", self.data),
            ("resource", self.resource),
            ("output", self.output),
        ];
        for (k, v) in sections {
            if !v.is_empty() {
                root.insert(k.to_string(), Value::Object(v));
            }
        }
        Value::Object(root)
    }

    fn header(&mut self, stack: &Stack) {
        self.terraform.insert(
            "required_providers".into(),
            json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION } }),
        );
        let mut tags = Map::new();
        for (k, v) in &stack.tags {
            tags.insert(escape(k), lit(v));
        }
        tags.insert("infra:stack".into(), json!(stack.kebab_name()));
        tags.insert("ManagedBy".into(), json!("infra"));
        self.provider.insert(
            "aws".into(),
            json!({ "region": "${var.aws_region}", "default_tags": { "tags": tags } }),
        );
        self.variable.insert(
            "aws_region".into(),
            json!({
                "type": "string",
                "default": stack.region,
                "description": "AWS region to deploy into",
            }),
        );
        self.data("aws_region", "current", json!({}));
        if let Some(doc) = &stack.doc {
            self.locals.insert("stack_description".into(), lit(doc));
        }
    }

    fn variable(&mut self, v: &Variable) {
        let mut body = Map::new();
        let (ty, validation) = match v.ty {
            VarType::Cidr => (
                "string",
                Some(json!([{
                    "condition": format!(
                        "${{var.{n} == null ? true : (can(cidrnetmask(var.{n})) && try(cidrnetmask(var.{n}) != \"0.0.0.0\", false))}}",
                        n = v.name
                    ),
                    "error_message": format!("{} must be an IPv4 CIDR block such as 203.0.113.7/32, and not the whole internet.", v.name),
                }])),
            ),
            VarType::PublicKey => (
                "string",
                Some(json!([{
                    "condition": format!(
                        "${{var.{n} == null ? true : can(regex(\"^(ssh-|ecdsa-)[a-z0-9-]+ AAAA\", var.{n}))}}",
                        n = v.name
                    ),
                    "error_message": format!("{} must be an OpenSSH public key (ssh-ed25519 AAAA...).", v.name),
                }])),
            ),
            VarType::String => ("string", None),
            VarType::Number => ("number", None),
        };
        body.insert("type".into(), json!(ty));
        match &v.default {
            Some(d) if v.ty == VarType::Number => {
                let n: f64 = d.parse().unwrap_or(0.0);
                body.insert("default".into(), json!(n));
            }
            Some(d) => {
                body.insert("default".into(), lit(d));
            }
            None => {
                body.insert("default".into(), Value::Null);
                body.insert("nullable".into(), json!(true));
            }
        }
        if let Some(doc) = &v.doc {
            body.insert("description".into(), lit(doc));
        }
        if let Some(val) = validation {
            body.insert("validation".into(), val);
        }
        self.variable.insert(v.name.clone(), Value::Object(body));
    }

    /// One bucket for VPC flow logs, ALB access logs and the other buckets' access logs:
    /// private, encrypted (SSE-S3, the only encryption ALB access logs support), versioned,
    /// expiring after 90 days, writable only by the AWS log delivery services.
    fn log_bucket(&mut self, stack: &Stack) {
        self.data("aws_caller_identity", "current", json!({}));
        self.data("aws_elb_service_account", "current", json!({}));
        self.private_bucket(stack, "logs", Some(90), false);
        let account = "${data.aws_caller_identity.current.account_id}";
        let mut statements = vec![
            json!({
                "sid": "AlbAccessLogs",
                "actions": ["s3:PutObject"],
                "resources": [format!("${{aws_s3_bucket.logs.arn}}/alb/AWSLogs/{account}/*")],
                "principals": [{ "type": "AWS", "identifiers": ["${data.aws_elb_service_account.current.arn}"] }],
            }),
            json!({
                "sid": "FlowLogsWrite",
                "actions": ["s3:PutObject"],
                "resources": [format!("${{aws_s3_bucket.logs.arn}}/AWSLogs/{account}/*")],
                "principals": [{ "type": "Service", "identifiers": ["delivery.logs.amazonaws.com"] }],
                "condition": [{ "test": "StringEquals", "variable": "s3:x-amz-acl", "values": ["bucket-owner-full-control"] }],
            }),
            json!({
                "sid": "FlowLogsAclCheck",
                "actions": ["s3:GetBucketAcl"],
                "resources": ["${aws_s3_bucket.logs.arn}"],
                "principals": [{ "type": "Service", "identifiers": ["delivery.logs.amazonaws.com"] }],
            }),
        ];
        for p in &stack.payloads {
            statements.push(json!({
                "sid": format!("S3AccessLogs{}", p.name.replace('_', "")),
                "actions": ["s3:PutObject"],
                "resources": [format!("${{aws_s3_bucket.logs.arn}}/{}*", access_log_prefix(&format!("{}_artifact", p.name)))],
                "principals": [{ "type": "Service", "identifiers": ["logging.s3.amazonaws.com"] }],
                "condition": [{ "test": "StringEquals", "variable": "aws:SourceAccount", "values": [account] }],
            }));
        }
        statements.push(json!({
            "sid": "DenyInsecureTransport",
            "effect": "Deny",
            "actions": ["s3:*"],
            "resources": ["${aws_s3_bucket.logs.arn}", "${aws_s3_bucket.logs.arn}/*"],
            "principals": [{ "type": "AWS", "identifiers": ["*"] }],
            "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
        }));
        self.data(
            "aws_iam_policy_document",
            "logs",
            json!({ "statement": statements }),
        );
        self.res(
            "aws_s3_bucket_policy",
            "logs",
            json!({
                "bucket": "${aws_s3_bucket.logs.id}",
                "policy": "${data.aws_iam_policy_document.logs.json}",
                "depends_on": [
                    "aws_s3_bucket_public_access_block.logs",
                    "aws_s3_bucket_ownership_controls.logs",
                ],
            }),
        );
    }

    /// A private bucket: public access blocked, SSE-S3, versioning, owner-enforced object
    /// ownership, a lifecycle (current objects expire after `expire_days` if given;
    /// old versions after 30 days), EventBridge notifications, and its access logs in the
    /// log bucket when `log_access`. `force_destroy` so that `terraform destroy` leaves
    /// nothing behind.
    fn private_bucket(
        &mut self,
        stack: &Stack,
        name: &str,
        expire_days: Option<u32>,
        log_access: bool,
    ) {
        let prefix = format!("{}-{}-", stack.kebab_name(), kebab(name));
        // Bucket prefixes are at most 37 characters.
        let prefix: String = prefix.chars().take(37).collect();
        self.res(
            "aws_s3_bucket",
            name,
            json!({ "bucket_prefix": prefix, "force_destroy": true }),
        );
        let id = format!("${{aws_s3_bucket.{name}.id}}");
        self.res(
            "aws_s3_bucket_public_access_block",
            name,
            json!({
                "bucket": id,
                "block_public_acls": true,
                "block_public_policy": true,
                "ignore_public_acls": true,
                "restrict_public_buckets": true,
            }),
        );
        self.res(
            "aws_s3_bucket_server_side_encryption_configuration",
            name,
            json!({
                "bucket": id,
                "rule": [{ "apply_server_side_encryption_by_default": { "sse_algorithm": "AES256" } }],
            }),
        );
        self.res(
            "aws_s3_bucket_versioning",
            name,
            json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } }),
        );
        self.res(
            "aws_s3_bucket_ownership_controls",
            name,
            json!({ "bucket": id, "rule": { "object_ownership": "BucketOwnerEnforced" } }),
        );
        let mut rule = json!({
            "id": "tidy",
            "status": "Enabled",
            "filter": { "prefix": "" },
            "noncurrent_version_expiration": { "noncurrent_days": 30 },
            "abort_incomplete_multipart_upload": { "days_after_initiation": 7 },
        });
        if let Some(days) = expire_days {
            rule["expiration"] = json!({ "days": days });
        }
        self.res(
            "aws_s3_bucket_lifecycle_configuration",
            name,
            json!({ "bucket": id, "rule": [rule], "depends_on": [format!("aws_s3_bucket_versioning.{name}")] }),
        );
        self.res(
            "aws_s3_bucket_notification",
            name,
            json!({ "bucket": id, "eventbridge": true }),
        );
        if log_access {
            self.res(
                "aws_s3_bucket_logging",
                name,
                json!({
                    "bucket": id,
                    "target_bucket": "${aws_s3_bucket.logs.id}",
                    "target_prefix": access_log_prefix(name),
                    "depends_on": ["aws_s3_bucket_policy.logs"],
                }),
            );
        }
    }

    fn vpc(&mut self, stack: &Stack, vpc: &Vpc) {
        let n = &vpc.name;
        match &vpc.network {
            Network::Managed {
                cidr,
                public_subnets,
            } => {
                self.data(
                    "aws_availability_zones",
                    "available",
                    json!({ "state": "available" }),
                );
                self.res(
                    "aws_vpc",
                    n,
                    json!({
                        "cidr_block": cidr,
                        "enable_dns_support": true,
                        "enable_dns_hostnames": true,
                        "tags": name_tag(stack, n),
                    }),
                );
                self.res(
                    "aws_internet_gateway",
                    n,
                    json!({ "vpc_id": format!("${{aws_vpc.{n}.id}}"), "tags": name_tag(stack, n) }),
                );
                self.res(
                    "aws_route_table",
                    &format!("{n}_public"),
                    json!({
                        "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                        "tags": name_tag(stack, &format!("{n}_public")),
                    }),
                );
                self.res(
                    "aws_route",
                    &format!("{n}_public_internet"),
                    json!({
                        "route_table_id": format!("${{aws_route_table.{n}_public.id}}"),
                        "destination_cidr_block": "0.0.0.0/0",
                        "gateway_id": format!("${{aws_internet_gateway.{n}.id}}"),
                    }),
                );
                for (i, s) in public_subnets.iter().enumerate() {
                    self.res(
                        "aws_subnet",
                        &format!("{n}_public_{i}"),
                        json!({
                            "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                            "cidr_block": s,
                            "availability_zone": format!(
                                "${{element(data.aws_availability_zones.available.names, {i})}}"
                            ),
                            "map_public_ip_on_launch": true,
                            "tags": name_tag(stack, &format!("{n}_public_{i}")),
                        }),
                    );
                    self.res(
                        "aws_route_table_association",
                        &format!("{n}_public_{i}"),
                        json!({
                            "subnet_id": format!("${{aws_subnet.{n}_public_{i}.id}}"),
                            "route_table_id": format!("${{aws_route_table.{n}_public.id}}"),
                        }),
                    );
                }
                // Take over the VPC's default security group and leave it without rules:
                // nothing falls back to it by accident.
                self.res(
                    "aws_default_security_group",
                    n,
                    json!({
                        "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                        "tags": name_tag(stack, &format!("{n}_default_locked")),
                    }),
                );
            }
            Network::Default => {
                self.data("aws_vpc", n, json!({ "default": true }));
                self.data(
                    "aws_subnets",
                    &format!("{n}_public"),
                    json!({
                        "filter": [
                            { "name": "vpc-id", "values": [format!("${{data.aws_vpc.{n}.id}}")] },
                            { "name": "default-for-az", "values": ["true"] },
                        ],
                    }),
                );
            }
        }
        if vpc.flow_logs {
            self.res(
                "aws_flow_log",
                n,
                json!({
                    "vpc_id": vpc_id(stack, &vpc.to_ref()),
                    "traffic_type": "ALL",
                    "log_destination_type": "s3",
                    "log_destination": "${aws_s3_bucket.logs.arn}",
                    "tags": name_tag(stack, &format!("{n}_flow")),
                    "depends_on": ["aws_s3_bucket_policy.logs"],
                }),
            );
        }
    }

    fn security_group(&mut self, stack: &Stack, sg: &SecurityGroup) {
        let n = &sg.name;
        let description = sg.aws_description(stack);
        self.res(
            "aws_security_group",
            n,
            json!({
                "name_prefix": format!("{}-{}-", stack.kebab_name(), kebab(n)),
                "description": lit(&description),
                "vpc_id": vpc_id(stack, &sg.vpc),
                "tags": name_tag(stack, n),
                "lifecycle": { "create_before_destroy": true },
            }),
        );
        for (dir, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            let ty = format!("aws_vpc_security_group_{dir}_rule");
            for r in rules {
                let mut body = Map::new();
                body.insert(
                    "security_group_id".into(),
                    interp(format!("aws_security_group.{n}.id")),
                );
                body.insert("ip_protocol".into(), json!(r.protocol.as_str()));
                body.insert("from_port".into(), json!(r.from_port));
                body.insert("to_port".into(), json!(r.to_port));
                let word = if dir == "ingress" { "from" } else { "to" };
                let peer_text = match &r.peer {
                    Peer::Internet => {
                        body.insert("cidr_ipv4".into(), json!("0.0.0.0/0"));
                        "the internet".to_string()
                    }
                    Peer::Cidr(c) if crate::cidr::is_v6(c) => {
                        body.insert("cidr_ipv6".into(), lit(c));
                        c.clone()
                    }
                    Peer::Cidr(c) => {
                        body.insert("cidr_ipv4".into(), lit(c));
                        c.clone()
                    }
                    Peer::SecurityGroup(g) => {
                        body.insert(
                            "referenced_security_group_id".into(),
                            interp(format!("aws_security_group.{}.id", g.name())),
                        );
                        kebab(g.name())
                    }
                    Peer::Variable(v) => {
                        body.insert("count".into(), interp(format!("var.{v} == null ? 0 : 1")));
                        body.insert("cidr_ipv4".into(), interp(format!("var.{v}")));
                        format!("var {v}")
                    }
                };
                let description = r.description.clone().unwrap_or_else(|| {
                    format!("{} {} {word} {peer_text}", r.protocol.as_str(), r.ports())
                });
                body.insert("description".into(), lit(&description));
                body.insert("tags".into(), name_tag(stack, &format!("{n}_{dir}")));
                self.res(&ty, &rule_name(n, dir, r), Value::Object(body));
            }
        }
    }

    fn role(&mut self, stack: &Stack, role: &InstanceRole) {
        let n = &role.name;
        self.data(
            "aws_iam_policy_document",
            &format!("{n}_assume"),
            json!({
                "statement": [{
                    "actions": ["sts:AssumeRole"],
                    "principals": [{ "type": "Service", "identifiers": ["ec2.amazonaws.com"] }],
                }],
            }),
        );
        self.res(
            "aws_iam_role",
            n,
            json!({
                "name_prefix": format!("{}-{}-", stack.kebab_name(), kebab(n)).chars().take(38).collect::<String>(),
                "assume_role_policy": format!("${{data.aws_iam_policy_document.{n}_assume.json}}"),
                "tags": name_tag(stack, n),
            }),
        );
        self.res(
            "aws_iam_instance_profile",
            n,
            json!({
                "name_prefix": format!("{}-{}-", stack.kebab_name(), kebab(n)).chars().take(38).collect::<String>(),
                "role": format!("${{aws_iam_role.{n}.name}}"),
            }),
        );
        if !role.reads.is_empty() {
            let resources: Vec<Value> = role
                .reads
                .iter()
                .map(|p| {
                    json!(format!(
                        "${{aws_s3_bucket.{p}_artifact.arn}}/${{aws_s3_object.{p}.key}}",
                        p = p.name()
                    ))
                })
                .collect();
            self.data(
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
            self.res(
                "aws_iam_role_policy",
                n,
                json!({
                    "name": "read-payload",
                    "role": format!("${{aws_iam_role.{n}.id}}"),
                    "policy": format!("${{data.aws_iam_policy_document.{n}.json}}"),
                }),
            );
        }
        for (i, arn) in role.managed_policies.iter().enumerate() {
            self.res(
                "aws_iam_role_policy_attachment",
                &format!("{n}_{i}"),
                json!({ "role": format!("${{aws_iam_role.{n}.name}}"), "policy_arn": lit(arn) }),
            );
        }
    }

    fn key_pair(&mut self, stack: &Stack, kp: &KeyPair) {
        let n = &kp.name;
        let mut body = Map::new();
        body.insert(
            "key_name_prefix".into(),
            json!(format!("{}-{}-", stack.kebab_name(), kebab(n))),
        );
        match &kp.public_key {
            PublicKey::Variable(v) => {
                body.insert("count".into(), interp(format!("var.{v} == null ? 0 : 1")));
                body.insert("public_key".into(), interp(format!("var.{v}")));
            }
            PublicKey::Literal(k) => {
                body.insert("count".into(), json!(1));
                body.insert("public_key".into(), lit(k));
            }
        }
        body.insert("tags".into(), name_tag(stack, n));
        self.res("aws_key_pair", n, Value::Object(body));
    }

    fn payload(&mut self, stack: &Stack, p: &Payload) {
        let n = &p.name;
        let var = format!("{n}_artifact");
        self.variable.insert(
            var.clone(),
            json!({
                "type": "string",
                "default": lit(&p.artifact),
                "description": format!("Path of the {} binary (static x86_64 Linux) to upload", p.binary),
            }),
        );
        self.private_bucket(
            stack,
            &format!("{n}_artifact"),
            None,
            needs_log_bucket(stack),
        );
        // The key carries the artifact's hash: a new build is a new key, hence new user
        // data, a new launch template version, and an instance refresh.
        self.res(
            "aws_s3_object",
            n,
            json!({
                "bucket": format!("${{aws_s3_bucket.{n}_artifact.id}}"),
                "key": format!("{}/${{filesha256(var.{var})}}", p.binary),
                "source": format!("${{var.{var}}}"),
                "source_hash": format!("${{filesha256(var.{var})}}"),
                "content_type": "application/octet-stream",
                "depends_on": [
                    format!("aws_s3_bucket_server_side_encryption_configuration.{n}_artifact"),
                    format!("aws_s3_bucket_public_access_block.{n}_artifact"),
                ],
            }),
        );
    }

    fn launch_template(&mut self, stack: &Stack, lt: &LaunchTemplate) {
        let n = &lt.name;
        self.data(
            "aws_ssm_parameter",
            &format!("{n}_ami"),
            json!({ "name": lt.image.ssm_parameter() }),
        );
        let mut body = Map::new();
        body.insert(
            "name_prefix".into(),
            json!(format!("{}-{}-", stack.kebab_name(), kebab(n))),
        );
        body.insert(
            "image_id".into(),
            interp(format!("data.aws_ssm_parameter.{n}_ami.insecure_value")),
        );
        body.insert("instance_type".into(), lit(&lt.instance_type));
        body.insert("vpc_security_group_ids".into(), sg_ids(&lt.security_groups));
        body.insert("update_default_version".into(), json!(true));
        body.insert(
            "metadata_options".into(),
            json!({
                "http_endpoint": "enabled",
                "http_tokens": if lt.imdsv2_required { "required" } else { "optional" },
                "http_put_response_hop_limit": 1,
                "instance_metadata_tags": "disabled",
            }),
        );
        body.insert(
            "block_device_mappings".into(),
            json!([{
                "device_name": "/dev/xvda",
                "ebs": {
                    "volume_size": lt.root_volume.size_gib,
                    "volume_type": "gp3",
                    "encrypted": lt.root_volume.encrypted,
                    "delete_on_termination": true,
                },
            }]),
        );
        body.insert("monitoring".into(), json!({ "enabled": true }));
        if let Some(r) = &lt.role {
            body.insert(
                "iam_instance_profile".into(),
                json!({ "arn": format!("${{aws_iam_instance_profile.{}.arn}}", r.name()) }),
            );
        }
        if let Some(k) = &lt.key_pair {
            // `count` is 0 when the key variable is unset: `one()` then gives null.
            body.insert(
                "key_name".into(),
                interp(format!("one(aws_key_pair.{}[*].key_name)", k.name())),
            );
        }
        if let Some(ud) = userdata::for_launch_template(stack, lt) {
            self.locals
                .insert(format!("{n}_user_data"), json!(ud.to_template()));
            body.insert(
                "user_data".into(),
                interp(format!("base64encode(local.{n}_user_data)")),
            );
        }
        body.insert(
            "tag_specifications".into(),
            json!([
                { "resource_type": "instance", "tags": name_tag(stack, n) },
                { "resource_type": "volume", "tags": name_tag(stack, n) },
            ]),
        );
        body.insert("tags".into(), name_tag(stack, n));
        self.res("aws_launch_template", n, Value::Object(body));
    }

    fn target_group(&mut self, stack: &Stack, tg: &TargetGroup) {
        let h = &tg.health;
        let port = match h.port {
            HealthPort::TrafficPort => json!("traffic-port"),
            HealthPort::Port(p) => json!(p.to_string()),
        };
        self.res(
            "aws_lb_target_group",
            &tg.name,
            json!({
                "name": aws_name(stack, &tg.aws_name, &tg.name),
                "port": tg.port,
                "protocol": "HTTP",
                "target_type": "instance",
                "vpc_id": vpc_id(stack, &tg.vpc),
                "deregistration_delay": tg.deregistration_delay_secs.to_string(),
                "health_check": {
                    "enabled": true,
                    "protocol": "HTTP",
                    "path": lit(&h.path),
                    "port": port,
                    "matcher": lit(&h.matcher),
                    "interval": h.interval_secs,
                    "timeout": h.timeout_secs,
                    "healthy_threshold": h.healthy_threshold,
                    "unhealthy_threshold": h.unhealthy_threshold,
                },
                "tags": name_tag(stack, &tg.name),
            }),
        );
    }

    fn alb(&mut self, stack: &Stack, alb: &Alb) {
        let n = &alb.name;
        let mut body = Map::new();
        body.insert("name".into(), json!(aws_name(stack, &alb.aws_name, n)));
        body.insert("internal".into(), json!(!alb.internet_facing));
        body.insert("load_balancer_type".into(), json!("application"));
        body.insert("security_groups".into(), sg_ids(&alb.security_groups));
        body.insert("subnets".into(), subnet_ids(stack, &alb.subnets));
        body.insert("drop_invalid_header_fields".into(), json!(true));
        body.insert("enable_deletion_protection".into(), json!(false));
        if alb.access_logs {
            body.insert(
                "access_logs".into(),
                json!({ "bucket": "${aws_s3_bucket.logs.id}", "prefix": "alb", "enabled": true }),
            );
            body.insert("depends_on".into(), json!(["aws_s3_bucket_policy.logs"]));
        }
        body.insert("tags".into(), name_tag(stack, n));
        self.res("aws_lb", n, Value::Object(body));
        for l in &alb.listeners {
            self.res(
                "aws_lb_listener",
                &format!("{n}_{}", l.port),
                json!({
                    "load_balancer_arn": format!("${{aws_lb.{n}.arn}}"),
                    "port": l.port,
                    "protocol": "HTTP",
                    "default_action": [{
                        "type": "forward",
                        "target_group_arn": format!("${{aws_lb_target_group.{}.arn}}", l.forward.name()),
                    }],
                    "tags": name_tag(stack, &format!("{n}_{}", l.port)),
                }),
            );
        }
    }

    fn asg(&mut self, stack: &Stack, asg: &AutoScalingGroup) {
        let n = &asg.name;
        let lt = asg.launch_template.name();
        let tgs: Vec<Value> = asg
            .target_groups
            .iter()
            .map(|t| interp(format!("aws_lb_target_group.{}.arn", t.name())))
            .collect();
        let name = format!("{}-{}", stack.kebab_name(), kebab(n));
        self.res(
            "aws_autoscaling_group",
            n,
            json!({
                "name_prefix": format!("{name}-"),
                "min_size": asg.min,
                "max_size": asg.max,
                "desired_capacity": asg.desired,
                "vpc_zone_identifier": subnet_ids(stack, &asg.subnets),
                "target_group_arns": tgs,
                "health_check_type": if tgs.is_empty() { "EC2" } else { "ELB" },
                "health_check_grace_period": asg.health_check_grace_secs,
                "launch_template": {
                    "id": format!("${{aws_launch_template.{lt}.id}}"),
                    "version": format!("${{aws_launch_template.{lt}.latest_version}}"),
                },
                "instance_refresh": {
                    "strategy": "Rolling",
                    "preferences": {
                        "min_healthy_percentage": 100,
                        "max_healthy_percentage": 200,
                        "instance_warmup": asg.health_check_grace_secs.to_string(),
                    },
                },
                "tag": [{ "key": "Name", "value": name, "propagate_at_launch": true }],
            }),
        );
        if let Some(Scaling::CpuAverage(t)) = asg.scale {
            self.res(
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

    fn output(&mut self, stack: &Stack, o: &Output) {
        let mut body = Map::new();
        let port = stack
            .albs
            .iter()
            .find(|a| a.name == o.value.resource)
            .and_then(|a| a.listeners.first())
            .map(|l| l.port)
            .filter(|p| *p != 80);
        let value = match port {
            Some(p) if o.value.kind == Kind::Alb && o.value.attribute == "url" => {
                format!("http://${{aws_lb.{}.dns_name}}:{p}/", o.value.resource)
            }
            _ => o.value.expression(),
        };
        body.insert("value".into(), json!(value));
        if let Some(doc) = &o.doc {
            body.insert("description".into(), lit(doc));
        }
        self.output.insert(o.name.clone(), Value::Object(body));
    }
}
