//! The private S3 bucket every bucket of the stack is (payload artifacts, the log bucket).

use serde_json::json;

use crate::naming::kebab;
use crate::tf::Doc;

/// Where a bucket's S3 access logs go in the log bucket.
pub fn access_log_prefix(bucket: &str) -> String {
    format!("s3-access/{bucket}/")
}

/// A private bucket: public access blocked, SSE-S3, versioning, owner-enforced object
/// ownership, a lifecycle (current objects expire after `expire_days` if given; old
/// versions after 30 days), EventBridge notifications, and its access logs in the log
/// bucket when `log_access`. `force_destroy` so that `terraform destroy` leaves nothing
/// behind.
pub fn private_bucket(
    doc: &mut Doc,
    stack_kebab: &str,
    name: &str,
    expire_days: Option<u32>,
    log_access: bool,
) {
    let prefix = format!("{stack_kebab}-{}-", kebab(name));
    // Bucket prefixes are at most 37 characters.
    let prefix: String = prefix.chars().take(37).collect();
    doc.res(
        "aws_s3_bucket",
        name,
        json!({ "bucket_prefix": prefix, "force_destroy": true }),
    );
    let id = format!("${{aws_s3_bucket.{name}.id}}");
    doc.res(
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
    doc.res(
        "aws_s3_bucket_server_side_encryption_configuration",
        name,
        json!({
            "bucket": id,
            "rule": [{ "apply_server_side_encryption_by_default": { "sse_algorithm": "AES256" } }],
        }),
    );
    doc.res(
        "aws_s3_bucket_versioning",
        name,
        json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } }),
    );
    doc.res(
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
    doc.res(
        "aws_s3_bucket_lifecycle_configuration",
        name,
        json!({ "bucket": id, "rule": [rule], "depends_on": [format!("aws_s3_bucket_versioning.{name}")] }),
    );
    doc.res(
        "aws_s3_bucket_notification",
        name,
        json!({ "bucket": id, "eventbridge": true }),
    );
    if log_access {
        doc.res(
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
