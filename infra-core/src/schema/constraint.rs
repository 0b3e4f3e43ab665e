//! Value constraints from AWS's own API models (botocore's `service-2.json`): enums,
//! numeric ranges, string lengths and patterns, for the attributes that
//! `infra-core/schema/constraints-map.json` maps to an API member. The values are extracted
//! by `scripts/schema_digest.py` into the digest's `@c` sections; nothing is hand-typed.

use super::{digest, lock};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// What AWS's API accepts for one attribute. For a list or set attribute, each element.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// Empty: any value.
    pub enum_values: Vec<String>,
    /// Numeric range (integers and doubles in the API).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// String length, in characters.
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    /// A whole-value regex (`^...$`) in `regex-lite` syntax.
    pub pattern: Option<String>,
    /// The API member it comes from: "elbv2 CreateTargetGroupInput.HealthCheckIntervalSeconds
    /// (botocore 1.35.99)".
    pub source: String,
}

/// A literal value from the configuration.
#[derive(Clone, Copy, Debug)]
pub enum Literal<'a> {
    Str(&'a str),
    Number(f64),
    Bool(bool),
}

/// Enum lists longer than this are shortened in messages.
const ENUM_SHOWN: usize = 12;

impl Constraint {
    /// `Err` is a sentence to follow the attribute's name: "must be one of HTTP, HTTPS
    /// (AWS API: elbv2 CreateTargetGroupInput.Protocol, botocore 1.35.99)". A value of the
    /// wrong type for the constraint (a word where a number is constrained) passes: the type
    /// check is the schema's.
    pub fn check(&self, v: Literal<'_>) -> Result<(), String> {
        let text: std::borrow::Cow<'_, str> = match v {
            Literal::Str(s) => s.into(),
            Literal::Number(n) => format!("{n}").into(),
            Literal::Bool(b) => if b { "true" } else { "false" }.into(),
        };
        let number = match v {
            Literal::Number(n) => Some(n),
            Literal::Str(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            Literal::Bool(_) => None,
        };
        let cite = self.cite();
        if !self.enum_values.is_empty() && !self.enum_values.iter().any(|e| *e == text) {
            let values = || self.enum_values.iter().map(String::as_str);
            let hint = values()
                .find(|e| e.eq_ignore_ascii_case(&text))
                .or_else(|| crate::suggest::did_you_mean(&text, values()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(format!(
                "must be one of {} ({cite}){hint}",
                self.enum_list()
            ));
        }
        if let Some(n) = number {
            let low = self.min.is_some_and(|m| n < m);
            let high = self.max.is_some_and(|m| n > m);
            if let Some(range) = self.range_words().filter(|_| low || high) {
                return Err(format!("must be {range} ({cite})"));
            }
        }
        if matches!(v, Literal::Str(_)) || self.min.is_none() && self.max.is_none() {
            let len = text.chars().count() as u64;
            let short = self.min_len.is_some_and(|m| len < m);
            let long = self.max_len.is_some_and(|m| len > m);
            if short || long {
                let chars = |n: u64| if n == 1 { "character" } else { "characters" };
                return Err(match (self.min_len, self.max_len) {
                    (Some(a), Some(b)) => {
                        format!("must be {a} to {b} characters long, not {len} ({cite})")
                    }
                    (_, Some(b)) => {
                        format!("must be at most {b} {}, not {len} ({cite})", chars(b))
                    }
                    // Too short: `min_len` is set.
                    (a, None) => {
                        let a = a.unwrap_or_default();
                        format!("must be at least {a} {} ({cite})", chars(a))
                    }
                });
            }
            if let Some(re) = self.pattern.as_deref().and_then(compiled) {
                if !re.is_match(&text) {
                    let pattern = self.pattern.as_deref().unwrap_or_default();
                    return Err(format!("must match `{pattern}` ({cite})"));
                }
            }
        }
        Ok(())
    }

    /// The numeric range in words: "between 5 and 300", "at least 1", "at most 10".
    fn range_words(&self) -> Option<String> {
        match (self.min, self.max) {
            (Some(a), Some(b)) => Some(format!("between {a} and {b}")),
            (Some(a), None) => Some(format!("at least {a}")),
            (None, Some(b)) => Some(format!("at most {b}")),
            (None, None) => None,
        }
    }

    /// The allowed values for a message: the first [`ENUM_SHOWN`], then how many in all.
    fn enum_list(&self) -> String {
        let shown: Vec<&str> = self
            .enum_values
            .iter()
            .take(ENUM_SHOWN)
            .map(String::as_str)
            .collect();
        match self.enum_values.len() {
            n if n > ENUM_SHOWN => format!("{}, ... ({n} values)", shown.join(", ")),
            _ => shown.join(", "),
        }
    }

    /// What a value must be, in words, for a message that has no value to show: "one of
    /// HTTP, HTTPS; 1 to 32 characters long (AWS API: ...)".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.enum_values.is_empty() {
            parts.push(format!("one of {}", self.enum_list()));
        }
        parts.extend(self.range_words());
        match (self.min_len, self.max_len) {
            (Some(a), Some(b)) => parts.push(format!("{a} to {b} characters long")),
            (Some(a), None) => parts.push(format!("at least {a} characters long")),
            (None, Some(b)) => parts.push(format!("at most {b} characters long")),
            (None, None) => {}
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("matching `{p}`"));
        }
        format!("{} ({})", parts.join("; "), self.cite())
    }

    /// The constraint as a Terraform condition on the value of `expr` (an HCL expression
    /// such as `var.port`), for a variable's `validation` block: what [`Constraint::check`]
    /// tests, in Terraform's functions (`contains`, `length`, `regex`, whose RE2 syntax
    /// covers the patterns kept). `number`: the value is a number (ranges apply), else a
    /// string (lengths and patterns apply). A null value passes. `None` when nothing
    /// applies.
    pub fn hcl_condition(&self, expr: &str, number: bool) -> Option<String> {
        use crate::escape::hcl_string;
        let mut parts = Vec::new();
        if !self.enum_values.is_empty() {
            let values: Vec<String> = self.enum_values.iter().map(|v| hcl_string(v)).collect();
            parts.push(format!(
                "contains([{}], tostring({expr}))",
                values.join(", ")
            ));
        }
        if number {
            if let Some(a) = self.min {
                parts.push(format!("{expr} >= {a}"));
            }
            if let Some(b) = self.max {
                parts.push(format!("{expr} <= {b}"));
            }
        } else {
            if let Some(a) = self.min_len {
                parts.push(format!("length({expr}) >= {a}"));
            }
            if let Some(b) = self.max_len {
                parts.push(format!("length({expr}) <= {b}"));
            }
            if let Some(p) = self.pattern.as_deref().filter(|p| compiled(p).is_some()) {
                parts.push(format!("can(regex({}, {expr}))", hcl_string(p)));
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(format!("{expr} == null ? true : ({})", parts.join(" && ")))
    }

    /// "AWS API: elbv2 CreateTargetGroupInput.Port, botocore 1.35.99"
    fn cite(&self) -> String {
        match self.source.split_once(" (botocore ") {
            Some((api, version)) => {
                format!("AWS API: {api}, botocore {}", version.trim_end_matches(')'))
            }
            None => format!("AWS API: {}", self.source),
        }
    }
}

/// A pattern compiled once; `None` if regex-lite refuses it (the generator keeps only
/// patterns it accepts, and a unit test checks every one).
pub(super) fn compiled(pattern: &str) -> Option<&'static regex_lite::Regex> {
    type Cache = Mutex<HashMap<String, Option<&'static regex_lite::Regex>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = lock(cache).get(pattern) {
        return *re;
    }
    let re = regex_lite::Regex::new(pattern)
        .ok()
        .map(|r| &*Box::leak(Box::new(r)));
    *lock(cache).entry(pattern.to_string()).or_insert(re)
}

type TypeConstraints = HashMap<&'static str, Constraint>;

fn of_type(tf_type: &str) -> Option<&'static TypeConstraints> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static TypeConstraints>>> =
        OnceLock::new();
    let index = digest::index();
    let (name, text) = index.constraint_section(tf_type)?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = lock(cache).get(name) {
        return Some(c);
    }
    let decoded: &'static TypeConstraints = Box::leak(Box::new(decode(text, index.botocore())));
    Some(lock(cache).entry(name).or_insert(decoded))
}

/// A `@c` section: one line per attribute path, tab-separated: the path, the API member,
/// then `e=` (one per enum value), `min=`, `max=`, `minlen=`, `maxlen=`, `p=`.
fn decode(text: &'static str, botocore: &str) -> TypeConstraints {
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split('\t');
        let (Some(path), Some(api)) = (fields.next(), fields.next()) else {
            panic!("schema digest: bad constraint line `{line}`");
        };
        let mut c = Constraint {
            enum_values: Vec::new(),
            min: None,
            max: None,
            min_len: None,
            max_len: None,
            pattern: None,
            source: format!("{api} (botocore {botocore})"),
        };
        for f in fields {
            let (k, v) = f
                .split_once('=')
                .unwrap_or_else(|| panic!("schema digest: bad field `{f}` in `{line}`"));
            let num = || -> f64 {
                v.parse()
                    .unwrap_or_else(|_| panic!("schema digest: bad number in `{line}`"))
            };
            match k {
                "e" => c.enum_values.push(v.to_string()),
                "min" => c.min = Some(num()),
                "max" => c.max = Some(num()),
                "minlen" => c.min_len = Some(num() as u64),
                "maxlen" => c.max_len = Some(num() as u64),
                "p" => c.pattern = Some(v.to_string()),
                _ => panic!("schema digest: unknown field `{k}` in `{line}`"),
            }
        }
        out.insert(path, c);
    }
    out
}

/// The constraint AWS's API puts on an attribute of a resource type, by its path through
/// nested blocks (`"health_check.interval"`); `None` when the API says nothing the mapping
/// knows of.
pub fn constraint(tf_type: &str, attr_path: &str) -> Option<&'static Constraint> {
    of_type(tf_type)?.get(attr_path)
}

/// Every constrained attribute path of a resource type, sorted.
pub fn constraints_of(tf_type: &str) -> Vec<(&'static str, &'static Constraint)> {
    let mut v: Vec<_> = of_type(tf_type)
        .map(|m| m.iter().map(|(k, c)| (*k, c)).collect())
        .unwrap_or_default();
    v.sort_by_key(|e| e.0);
    v
}

/// The resource types with at least one constraint, sorted.
pub fn constrained_types() -> impl Iterator<Item = &'static str> {
    digest::index().constrained_names()
}
