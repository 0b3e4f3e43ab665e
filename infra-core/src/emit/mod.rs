//! The emitter: `Stack -> serde_json::Value` in Terraform's JSON syntax.
//!
//! The header (provider, region, tags), the shared log bucket, each resource's body
//! ([`Resource::emit`], kind by kind), the outputs, and the waivers recorded as `//`
//! comments. Output is deterministic: objects are `serde_json::Map` (sorted keys), arrays
//! follow declaration order, and nothing depends on time or the environment. A stack with
//! violations is refused with all of them ([`to_terraform`]).

use serde_json::{json, Value};

use crate::check::{self, waivers};
use crate::diag::Violations;
use crate::escape::terraform_template;
use crate::kinds::bucket::{access_log_prefix, private_bucket};
use crate::registry::{Stack, Visit};
use crate::resource::{Resource, Waiver, World};
use crate::tf::{lit, Doc};

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

struct Emit<'s> {
    world: &'s dyn World,
    doc: &'s mut Doc,
}

impl Visit<'_> for Emit<'_> {
    fn visit<T: Resource>(&mut self, r: &T) {
        r.emit(self.world, self.doc);
    }
}

/// Emit without checking (for tests of the emitter and for inspecting a broken stack).
pub fn to_terraform_unchecked(stack: &Stack) -> Value {
    let mut doc = Doc::default();
    header(stack, &mut doc);
    if stack.world().log_bucket() {
        log_bucket(stack, &mut doc);
    }
    stack.visit(&mut Emit {
        world: stack.world(),
        doc: &mut doc,
    });
    for o in &stack.outputs {
        o.emit(stack.world(), &mut doc);
    }
    record_waivers(stack, &mut doc);
    doc.finish()
}

/// Each resource that carries waivers gets them as a `//` comment in its body.
fn record_waivers(stack: &Stack, doc: &mut Doc) {
    let scoped = waivers::all(stack);
    let mut i = 0;
    while i < scoped.len() {
        let on = &scoped[i].recorded_on;
        let group: Vec<&Waiver> = scoped[i..]
            .iter()
            .take_while(|s| &s.recorded_on == on)
            .map(|s| s.waiver)
            .collect();
        i += group.len();
        let note = group
            .iter()
            .map(|w| format!("infra: waived {}: {}", w.rule, w.reason))
            .collect::<Vec<_>>()
            .join("; ");
        if let Some(body) = doc.resource_mut(on.0, &on.1) {
            body.insert("//".into(), Value::String(note));
        }
    }
}

fn header(stack: &Stack, doc: &mut Doc) {
    doc.terraform.insert(
        "required_providers".into(),
        json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION } }),
    );
    let mut tags = serde_json::Map::new();
    for (k, v) in &stack.tags {
        tags.insert(terraform_template(k), lit(v));
    }
    tags.insert("infra:stack".into(), json!(stack.kebab_name()));
    tags.insert("ManagedBy".into(), json!("infra"));
    doc.provider.insert(
        "aws".into(),
        json!({ "region": "${var.aws_region}", "default_tags": { "tags": tags } }),
    );
    doc.variable.insert(
        "aws_region".into(),
        json!({
            "type": "string",
            "default": stack.region,
            "description": "AWS region to deploy into",
        }),
    );
    doc.data("aws_region", "current", json!({}));
    if let Some(d) = &stack.doc {
        doc.locals.insert("stack_description".into(), lit(d));
    }
}

/// One bucket for VPC flow logs, ALB access logs and the other buckets' access logs:
/// private, encrypted (SSE-S3, the only encryption ALB access logs support), versioned,
/// expiring after 90 days, writable only by the AWS log delivery services.
fn log_bucket(stack: &Stack, doc: &mut Doc) {
    doc.data("aws_caller_identity", "current", json!({}));
    doc.data("aws_elb_service_account", "current", json!({}));
    private_bucket(doc, &stack.kebab_name(), "logs", Some(90), false);
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
    doc.data(
        "aws_iam_policy_document",
        "logs",
        json!({ "statement": statements }),
    );
    doc.res(
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
