//! The hashicorp/aws provider's own schema, compiled in: every resource type and data
//! source, its attributes (type, required/optional/computed, sensitive, deprecated) and its
//! nested blocks (nesting mode, item bounds), so that raw `resource aws_... { }` items can be
//! checked at compile time without reading a file or running Terraform.
//!
//! The data is `infra-core/schema/aws-<version>.digest`, written by
//! `scripts/gen-schema-digest.sh` (format and regeneration: `infra-core/schema/README.md`).
//! It is decoded lazily: the index once, a type's section on its first [`lookup`] (then
//! cached for the life of the process).
//!
//! For the resource types `infra-core/schema/constraints-map.json` maps to AWS API shapes,
//! [`constraint`] gives what AWS's API accepts for an attribute (enum, range, length,
//! pattern), taken from botocore's API models by the generator.

mod constraint;
mod digest;

pub use constraint::{constrained_types, constraint, constraints_of, Constraint, Literal};

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The provider whose schema is compiled in.
pub const PROVIDER: &str = "hashicorp/aws";
/// Its version (the one in the offline provider mirror and in every emitted stack).
pub const PROVIDER_VERSION: &str = "5.100.0";

/// A managed resource (`resource`) or a data source (`data`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Mode {
    Resource,
    Data,
}

/// A Terraform type constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Attribute names and their types, sorted by name.
    Object(Vec<(String, Type)>),
    Tuple(Vec<Type>),
    /// Any type (`dynamic`).
    Dynamic,
}

impl Type {
    /// The type in words, for messages: "string", "list of string", "map of number",
    /// "object", "set of object", "tuple", "any value".
    pub fn describe(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::List(t) => format!("list of {}", t.describe()),
            Type::Set(t) => format!("set of {}", t.describe()),
            Type::Map(t) => format!("map of {}", t.describe()),
            Type::Object(_) => "object".into(),
            Type::Tuple(_) => "tuple".into(),
            Type::Dynamic => "any value".into(),
        }
    }
}

/// One attribute of a block.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    /// Set by the provider; with `optional`, the configuration may set it too.
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
}

/// How a nested block repeats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// A nested block type: `health_check { ... }` inside `aws_lb_target_group`.
#[derive(Clone, Debug)]
pub struct BlockType {
    pub name: String,
    pub nesting: Nesting,
    pub min_items: u64,
    /// 0: no maximum.
    pub max_items: u64,
    pub block: Block,
}

/// The body of a resource, data source or nested block.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// Sorted by name.
    pub attributes: Vec<Attribute>,
    /// Sorted by name.
    pub blocks: Vec<BlockType>,
}

impl Block {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn block(&self, name: &str) -> Option<&BlockType> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// Every name the block accepts: attributes, then nested blocks (for did-you-mean).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .map(|a| a.name.as_str())
            .chain(self.blocks.iter().map(|b| b.name.as_str()))
    }
}

type Cache = Mutex<HashMap<(Mode, &'static str), &'static Block>>;

/// The schema of a resource type or data source, `None` when the provider has no such
/// type. Decoded on first use, then cached.
pub fn lookup(mode: Mode, type_name: &str) -> Option<&'static Block> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let index = digest::index();
    let (name, section) = index.section(mode, type_name)?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(block) = lock(cache).get(&(mode, name)) {
        return Some(block);
    }
    // Decoded outside the lock: two threads may both decode a type once; one result wins.
    let decoded: &'static Block = Box::leak(Box::new(index.decode_section(section)));
    Some(lock(cache).entry((mode, name)).or_insert(decoded))
}

/// Every resource type (or data source) name, sorted; read from the index alone.
pub fn type_names(mode: Mode) -> impl Iterator<Item = &'static str> {
    digest::index().names(mode)
}

/// A poisoned lock only means another thread panicked mid-insert; the map is still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
