//! infra-core: the typed AWS model, the check engine and the Terraform JSON emitter.
//!
//! ```text
//! Stack (model)  --check()-->  Vec<Violation>   (the same engine the infra! macro runs)
//!                --to_terraform()-->  serde_json::Value in Terraform's JSON syntax
//! ```
//!
//! No `syn` here: the model is used at run time and by the macro alike.

pub mod check;
pub mod cidr;
pub mod emit;
pub mod lab;
pub mod model;
pub mod refs;
pub mod route;
pub mod userdata;
pub mod violation;

pub use check::{check, report, Report, RULES, WAIVABLE};
pub use emit::{to_json_string, to_terraform, to_terraform_unchecked};
pub use model::*;
pub use refs::{Arn, Attr, AttrRef, Id, Kind, Ref, Resource, Str};
pub use violation::{Location, Related, Violation, Violations};

/// Re-exported so that generated code can name `serde_json::Value` without the user
/// depending on serde_json.
pub use serde_json;
