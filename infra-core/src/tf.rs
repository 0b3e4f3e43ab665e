//! The Terraform JSON document being built, and the small value helpers every kind's body
//! uses. Output is deterministic: objects are `serde_json::Map` (sorted keys), arrays
//! follow declaration order.

use serde_json::{json, Map, Value};

use crate::escape::terraform_template;
use crate::naming::kebab;

/// `${...}` around a Terraform expression.
/// The local holding the stack's tags: the provider's `default_tags`, and the launch
/// templates' `tag_specifications`, which `default_tags` do not reach.
pub const STACK_TAGS: &str = "stack_tags";

pub fn interp(expr: impl AsRef<str>) -> Value {
    Value::String(format!("${{{}}}", expr.as_ref()))
}

/// A literal string for Terraform: escaped so that nothing in it is interpolated.
pub fn lit(s: &str) -> Value {
    Value::String(terraform_template(s))
}

/// `{ "Name": "<stack>-<name>" }`.
pub fn name_tag(stack_kebab: &str, name: &str) -> Value {
    json!({ "Name": format!("{stack_kebab}-{}", kebab(name)) })
}

/// The sections of a Terraform JSON document.
#[derive(Default)]
pub struct Doc {
    pub terraform: Map<String, Value>,
    pub provider: Map<String, Value>,
    pub variable: Map<String, Value>,
    pub locals: Map<String, Value>,
    pub data: Map<String, Value>,
    pub resource: Map<String, Value>,
    pub output: Map<String, Value>,
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
    /// `resource.<ty>.<name> = body`.
    pub fn res(&mut self, ty: &str, name: &str, body: Value) {
        put(&mut self.resource, ty, name, body);
    }

    /// `data.<ty>.<name> = body`.
    pub fn data(&mut self, ty: &str, name: &str, body: Value) {
        put(&mut self.data, ty, name, body);
    }

    /// The body of `resource.<ty>.<name>`, if emitted.
    pub fn resource_mut(&mut self, ty: &str, name: &str) -> Option<&mut Map<String, Value>> {
        self.resource
            .get_mut(ty)
            .and_then(|t| t.as_object_mut())
            .and_then(|t| t.get_mut(name))
            .and_then(|b| b.as_object_mut())
    }

    /// The document: the non-empty sections, in Terraform's order.
    pub fn finish(self) -> Value {
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
}
