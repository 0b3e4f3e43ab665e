//! Where a stack keeps its Terraform state: the local file (no `backend`), or an S3 bucket
//! shared by a team, locked with Terraform's native S3 lock file (`use_lockfile`, a
//! `<key>.tflock` object next to the state; no DynamoDB table).

use serde_json::{json, Value};

/// A stack's state backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `backend: s3 { bucket: "...", key: "...", region: "..." }`.
    S3 {
        /// The bucket holding the state (it must exist; Terraform does not create it).
        bucket: String,
        /// The state object's key, e.g. `hello_stack/terraform.tfstate`.
        key: String,
        /// The bucket's region; the stack's region when unset.
        region: Option<String>,
    },
}

impl Backend {
    /// The `terraform { backend { ... } }` entry: (type, body).
    pub fn emit(&self, stack_region: &str) -> (&'static str, Value) {
        match self {
            Backend::S3 {
                bucket,
                key,
                region,
            } => (
                "s3",
                json!({
                    "bucket": bucket,
                    "key": key,
                    "region": region.as_deref().unwrap_or(stack_region),
                    "encrypt": true,
                    "use_lockfile": true,
                }),
            ),
        }
    }
}
