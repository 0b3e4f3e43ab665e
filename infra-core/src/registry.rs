//! The registry: every resource kind of the DSL, listed once.
//!
//! [`with_kinds!`] hands the list (type, `Stack` field) to a macro of the caller's. Here it
//! generates [`Stack`] with one `Vec` per kind, [`Stack::names`], the [`World`] lookups and
//! [`Stack::visit`], which every generic pass (graph checks, value checks, waivers, emit)
//! walks. The `infra!` macro's code generator uses the same list, so a new kind is one
//! line here and one module in `kinds/`; nothing else lists kinds.

use std::any::Any;
use std::collections::BTreeMap;

use crate::backend::Backend;
use crate::diag::CheckRule;
use crate::kinds::alb::Alb;
use crate::kinds::alias_record::AliasRecord;
use crate::kinds::autoscaling_group::AutoScalingGroup;
use crate::kinds::certificate::Certificate;
use crate::kinds::instance_role::InstanceRole;
use crate::kinds::key_pair::KeyPair;
use crate::kinds::launch_template::LaunchTemplate;
use crate::kinds::output::Output;
use crate::kinds::payload::Payload;
use crate::kinds::raw::{RawData, RawResource};
use crate::kinds::security_group::SecurityGroup;
use crate::kinds::target_group::TargetGroup;
use crate::kinds::variable::Variable;
use crate::kinds::vpc::Vpc;
use crate::naming::kebab;
use crate::resource::{Kind, Ref, Resource, World};

/// Calls `$m! { (Type, stack_field), ... }` with every resource kind, in the order
/// resources are checked and emitted.
#[macro_export]
macro_rules! with_kinds {
    ($m:ident) => {
        $m! {
            (Vpc, vpcs),
            (SecurityGroup, security_groups),
            (InstanceRole, roles),
            (KeyPair, key_pairs),
            (Payload, payloads),
            (Certificate, certificates),
            (LaunchTemplate, launch_templates),
            (TargetGroup, target_groups),
            (Alb, albs),
            (AliasRecord, alias_records),
            (AutoScalingGroup, autoscaling_groups),
            (RawResource, raw_resources),
            (RawData, raw_data),
            (Variable, variables),
        }
    };
}

/// A pass over every resource of a stack, kind by kind (see [`Stack::visit`]).
pub trait Visit<'a> {
    fn visit<T: Resource>(&mut self, r: &'a T);
}

macro_rules! stack {
    ($(($ty:ident, $field:ident)),* $(,)?) => {
        /// A stack: one Terraform root module.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Stack {
            /// The stack's Rust name (`HelloStack`); its kebab-case form prefixes AWS names.
            pub name: String,
            pub doc: Option<String>,
            /// Default AWS region (a Terraform variable `aws_region` that can be overridden).
            pub region: String,
            /// Tags every resource carries (provider `default_tags`), besides `infra:stack`.
            pub tags: BTreeMap<String, String>,
            /// Where the Terraform state lives: the local file when `None`.
            pub backend: Option<Backend>,
            $(pub $field: Vec<$ty>,)*
            pub outputs: Vec<Output>,
        }

        impl Stack {
            pub fn new(name: impl Into<String>) -> Self {
                Stack {
                    name: name.into(),
                    doc: None,
                    region: Self::DEFAULT_REGION.to_string(),
                    tags: BTreeMap::new(),
                    backend: None,
                    $($field: Vec::new(),)*
                    outputs: Vec::new(),
                }
            }

            /// Every kind, in registry order.
            pub fn kinds() -> Vec<Kind> {
                vec![$(<$ty as Resource>::KIND),*]
            }

            /// The rules the kinds' own checks enforce.
            pub fn kind_rules() -> Vec<&'static CheckRule> {
                let mut out: Vec<&'static CheckRule> = Vec::new();
                $(out.extend(<$ty as Resource>::RULES.iter().copied());)*
                out
            }

            /// Every declared name with its kind, in declaration order per kind.
            pub fn names(&self) -> Vec<(&str, Kind)> {
                let mut out = Vec::new();
                $(out.extend(self.$field.iter().map(|r| (r.name(), <$ty as Resource>::KIND)));)*
                out
            }

            /// Run `v` over every resource, kind by kind.
            pub fn visit<'a, V: Visit<'a>>(&'a self, v: &mut V) {
                $(for r in &self.$field { v.visit(r); })*
            }

            fn resources_of(&self, kind: Kind) -> &dyn Any {
                $(if kind == <$ty as Resource>::KIND { return &self.$field; })*
                &()
            }
        }
    };
}

with_kinds!(stack);

impl Stack {
    pub const DEFAULT_REGION: &'static str = "us-east-1";

    /// The stack name in kebab case (`HelloStack` -> `hello-stack`), the prefix of AWS names.
    pub fn kebab_name(&self) -> String {
        kebab(&self.name)
    }

    /// The stack as its kinds see it.
    pub fn world(&self) -> &dyn World {
        self
    }

    /// Every resource of kind `T`.
    pub fn all<T: Resource>(&self) -> &[T] {
        self.world().all::<T>()
    }

    /// The resource a reference names, if declared.
    pub fn get<T: Resource>(&self, r: &Ref<T>) -> Option<&T> {
        self.world().get(r)
    }

    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|x| x.name == name)
    }
}

impl World for Stack {
    fn stack_name(&self) -> &str {
        &self.name
    }
    fn resources(&self, kind: Kind) -> &dyn Any {
        self.resources_of(kind)
    }
    fn raw_type(&self, kind: Kind, name: &str) -> Option<&str> {
        if kind == RawResource::KIND {
            self.raw_resources
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.tf_type.as_str())
        } else if kind == RawData::KIND {
            self.raw_data
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.tf_type.as_str())
        } else {
            None
        }
    }
    fn log_bucket(&self) -> bool {
        self.vpcs.iter().any(|v| v.flow_logs) || self.albs.iter().any(|a| a.access_logs)
    }
}
