//! The emitter: `Stack -> serde_json::Value` in Terraform's JSON syntax.
//!
//! The header (provider, region, tags), the shared log bucket, each resource's body
//! ([`Resource::emit`], kind by kind), the outputs, and the waivers recorded as `//`
//! comments. Output is deterministic: objects are `serde_json::Map` (sorted keys), arrays
//! follow declaration order, and nothing depends on time or the environment. A stack with
//! violations is refused with all of them ([`to_terraform`]).

pub mod placement;

use serde_json::{json, Value};

use crate::check::{self, waivers};
use crate::diag::Violations;
use crate::escape::terraform_template;
use crate::kinds::bucket::{access_log_prefix, private_bucket};
use crate::registry::{Stack, Visit};
use crate::resource::{Resource, Validation, Waiver, World};
pub use crate::tf::STACK_TAGS;
use crate::tf::{lit, Doc};

/// The service principal that writes ALB access logs. AWS requires it in the Regions opened
/// since August 2022, where `data.aws_elb_service_account` fails the plan with
/// "unsupported AWS Region" (provider#29402).
pub const ELB_LOG_DELIVERY: &str = "logdelivery.elasticloadbalancing.amazonaws.com";

/// The Elastic Load Balancing accounts of the Regions opened before August 2022, whose
/// documented bucket policy names the account rather than the service principal.
pub const ELB_LEGACY_ACCOUNTS: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// The provider line this project verifies against (hashicorp/aws 5.100.0 offline).
pub const AWS_PROVIDER_VERSION: &str = ">= 5.100.0, < 6.0.0";
// No `terraform.required_version`: checkov's JSON parser (3.3) crashes on any scalar in
// the `terraform` block, and the provider pin above is what the output depends on.

/// The Terraform resource types the emitter writes for the stack itself, beside the kinds'
/// own (`KindInfo::tf_types`): the log bucket's policy and the wait for it to take effect
/// (the log bucket's other resources are the private bucket's, which the payload kind lists).
pub const STACK_TF_TYPES: &[&str] = &["aws_s3_bucket_policy", "terraform_data"];

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
    placement::emit(stack, &mut doc);
    stack.visit(&mut Emit {
        world: stack.world(),
        doc: &mut doc,
    });
    for o in &stack.outputs {
        o.emit(stack.world(), &mut doc);
    }
    validations(stack, &mut doc);
    record_waivers(stack, &mut doc);
    doc.finish()
}

struct Validations<'s> {
    world: &'s dyn World,
    out: Vec<Validation>,
}

impl Visit<'_> for Validations<'_> {
    fn visit<T: Resource>(&mut self, r: &T) {
        r.validations(self.world, &mut self.out);
    }
}

/// Every kind's knob validations, then the AWS API constraints on values read from
/// variables, appended to the variables they guard (after the variable's own, in registry
/// and declaration order).
fn validations(stack: &Stack, doc: &mut Doc) {
    let mut v = Validations {
        world: stack.world(),
        out: Vec::new(),
    };
    stack.visit(&mut v);
    v.out.extend(check::constraints::validations(stack));
    for val in v.out {
        let Some(Value::Object(body)) = doc.variable.get_mut(&val.variable) else {
            continue; // an undeclared variable: the checks refuse the stack
        };
        let block = json!({
            "condition": format!("${{{}}}", val.condition),
            "error_message": format!("{}: {}", val.rule.name, val.message),
        });
        match body.get_mut("validation") {
            Some(Value::Array(list)) => list.push(block),
            _ => {
                body.insert("validation".into(), Value::Array(vec![block]));
            }
        }
    }
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
    if let Some(b) = &stack.backend {
        let (kind, body) = b.emit(&stack.region);
        doc.terraform
            .insert("backend".into(), json!({ kind: body }));
    }
    let mut tags = serde_json::Map::new();
    for (k, v) in &stack.tags {
        tags.insert(terraform_template(k), lit(v));
    }
    tags.insert("infra:stack".into(), json!(stack.kebab_name()));
    tags.insert("ManagedBy".into(), json!("infra"));
    // One map for the provider's `default_tags` and for what they do not reach: instances
    // and volumes an Auto Scaling group launches (provider#19387) get it through the
    // launch template's `tag_specifications`.
    doc.locals.insert(STACK_TAGS.into(), Value::Object(tags));
    doc.provider.insert(
        "aws".into(),
        json!({ "region": "${var.aws_region}", "default_tags": { "tags": format!("${{local.{STACK_TAGS}}}") } }),
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
    doc.data("aws_partition", "current", json!({}));
    let legacy: serde_json::Map<String, Value> = ELB_LEGACY_ACCOUNTS
        .iter()
        .map(|(r, a)| (r.to_string(), json!(a)))
        .collect();
    doc.locals
        .insert("elb_legacy_log_accounts".into(), Value::Object(legacy));
    private_bucket(doc, &stack.kebab_name(), "logs", Some(90), false);
    let account = "${data.aws_caller_identity.current.account_id}";
    let mut statements = vec![
        json!({
            "sid": "AlbAccessLogs",
            "actions": ["s3:PutObject"],
            "resources": [format!("${{aws_s3_bucket.logs.arn}}/alb/AWSLogs/{account}/*")],
            // The service principal in every Region (the only one the newer Regions
            // accept), and the legacy Regions' ELB account besides. Outside the legacy
            // table the second principal falls back to this account, which owns the
            // bucket already: no `data.aws_elb_service_account`, so no Region fails.
            "principals": [
                { "type": "Service", "identifiers": [ELB_LOG_DELIVERY] },
                { "type": "AWS", "identifiers": [format!(
                    "arn:${{data.aws_partition.current.partition}}:iam::${{lookup(local.elb_legacy_log_accounts, data.aws_region.current.name, {})}}:root",
                    "data.aws_caller_identity.current.account_id"
                )] },
            ],
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
    // S3 answers PutBucketPolicy before the policy takes effect for the ELB log delivery
    // check, so an ALB created right after it can still fail with "Access Denied for
    // bucket" despite `depends_on` (provider#12010). The usual `time_sleep` needs the
    // hashicorp/time provider, which the offline mirror lacks; `terraform_data` is built
    // into Terraform, and its local-exec waits on the deployer's machine (any POSIX shell).
    // The ALB depends on it; a new policy replaces it, so the wait comes back with it.
    doc.variable.insert(
        POLICY_SETTLE_VAR.into(),
        json!({
            "type": "number",
            "default": POLICY_SETTLE_SECS,
            "description": "Seconds to wait after the log bucket policy before creating the load balancer (S3 policy propagation)",
        }),
    );
    doc.res(
        "terraform_data",
        POLICY_SETTLED,
        json!({
            "triggers_replace": "${aws_s3_bucket_policy.logs.policy}",
            "provisioner": [{
                "local-exec": {
                    "command": format!("sleep ${{var.{POLICY_SETTLE_VAR}}}"),
                },
            }],
        }),
    );
}

/// The `terraform_data` that waits for the log bucket policy to take effect; the ALB
/// depends on it.
pub const POLICY_SETTLED: &str = "logs_policy_settled";
/// The variable holding the wait, in seconds.
pub const POLICY_SETTLE_VAR: &str = "log_policy_settle_seconds";
/// 30 s was reported too short (provider#12010, 2025); 60 s held.
pub const POLICY_SETTLE_SECS: u32 = 60;
