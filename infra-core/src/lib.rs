//! infra-core: the typed AWS model, the check engine and the Terraform JSON emitter.
//!
//! ```text
//! Stack (registry of kinds)  --check()-->  Vec<Violation>   (the same engine the infra! macro runs)
//!                            --to_terraform()-->  serde_json::Value in Terraform's JSON syntax
//! ```
//!
//! Layers, each importing only those above it (the module graph is acyclic):
//! - base: [`location`], [`diag`], [`suggest`], [`naming`], [`escape`], [`route`], [`cidr`],
//!   [`schema`] (the provider's own schema, compiled in),
//!   [`tf`] (the JSON document), [`resource`] (what every kind declares; [`World`] is how a
//!   kind sees the rest of the stack);
//! - [`kinds`]: one module per resource kind, plus [`userdata`] (the boot script);
//! - [`registry`]: the one list of kinds, and the [`Stack`] it generates;
//! - [`check`] and [`emit`]: generic passes over the registry, plus the cross-kind rules.
//!
//! No `syn` here: the model is used at run time and by the macro alike.

pub mod backend;
pub mod check;
pub mod cidr;
pub mod cost;
pub mod diag;
pub mod diagram;
pub mod emit;
pub mod escape;
pub mod kinds;
pub mod lab;
pub mod location;
pub mod naming;
pub mod registry;
pub mod resource;
pub mod route;
pub mod schema;
pub mod suggest;
pub mod tf;
pub mod userdata;

pub use backend::Backend;
pub use check::{check, report, rules, waivable, Report};
pub use diag::{CheckRule, Diagnostic, Note, Sink, Violation, Violations};
pub use emit::{to_json_string, to_terraform, to_terraform_unchecked};
pub use kinds::alb::{Action, Alb, Listener, ListenerProtocol};
pub use kinds::alias_record::AliasRecord;
pub use kinds::autoscaling_group::{AutoScalingGroup, Scaling};
pub use kinds::certificate::{Certificate, CertificateSource};
pub use kinds::image::{Arch, Image};
pub use kinds::instance_role::{Grant, InstanceRole};
pub use kinds::key_pair::{KeyPair, PublicKey};
pub use kinds::launch_template::{Ami, LaunchTemplate, RootVolume};
pub use kinds::output::Output;
pub use kinds::payload::Payload;
pub use kinds::raw::{Raw, RawData, RawResource, RawValue};
pub use kinds::security_group::{Direction, Peer, Protocol, Rule, SecurityGroup};
pub use kinds::target_group::{HealthCheck, HealthPort, TargetGroup};
pub use kinds::values::{Knob, KnobValue, Text};
pub use kinds::variable::{VarType, Variable};
pub use kinds::vpc::{Nat, Network, Vpc};
pub use location::{Field, Location};
pub use naming::kebab;
pub use registry::Stack;
pub use resource::{Arn, Attr, AttrRef, Id, Kind, Ref, Resource, Str, Validation, Waiver, World};

/// Re-exported so that generated code can name `serde_json::Value` without the user
/// depending on serde_json.
pub use serde_json;
