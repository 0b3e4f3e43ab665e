//! Field schemas: a resource body read against the fields its item accepts. Unknown fields
//! (with a "did you mean"), duplicates and missing required fields are reported here, once,
//! for every item.

use infra_core::suggest::did_you_mean;

use crate::place::{Errors, Extent};
use crate::value::{Field, Value};

/// A body's `key: value` fields, checked against the allowed keys.
pub struct Fields {
    pub owner: String,
    fields: Vec<Field>,
    name_at: Extent,
}

impl Fields {
    /// Keep the fields whose key is allowed and not a duplicate; report the others.
    pub fn new(
        owner: String,
        fields: &[Field],
        allowed: &[&str],
        name_at: Extent,
        cx: &mut Errors,
    ) -> Self {
        let mut kept: Vec<Field> = Vec::new();
        for f in fields {
            if kept.iter().any(|k| k.key == f.key) {
                cx.push(
                    f.key_at
                        .error(format!("duplicate field `{}` in {owner}", f.key))
                        .help("set each field once; remove this one or the earlier one"),
                );
                continue;
            }
            if !allowed.contains(&f.key.as_str()) {
                let help = match did_you_mean(&f.key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "expected one of: {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                cx.push(
                    f.key_at
                        .error(format!("unknown field `{}` in {owner}", f.key))
                        .help(help),
                );
                continue;
            }
            kept.push(f.clone());
        }
        Fields {
            owner,
            fields: kept,
            name_at,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.field(key).map(|f| &f.value)
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The value of a required field; reported at the resource's name when missing.
    pub fn required(&self, key: &str, example: &str, cx: &mut Errors) -> Option<&Value> {
        let v = self.get(key);
        if v.is_none() {
            cx.push(
                self.name_at
                    .error(format!("missing field `{key}` in {}", self.owner))
                    .help(format!("add `{key}: {example}`")),
            );
        }
        v
    }
}
