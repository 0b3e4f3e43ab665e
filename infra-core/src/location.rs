//! Where a diagnostic points: a resource (or output) by logical name, and a typed path
//! inside it such as `ingress[1].peer`.
//!
//! A path is built from [`Field`] constants that the kind owning the field declares next to
//! its struct (`security_group::INGRESS`, `target_group::HEALTH`, ...), so a misspelt field
//! is a compile error rather than a caret that silently lands on the resource name. The
//! macro records the span of every token it lowers under the same location.

use std::fmt;

/// One named field of a resource, declared as a `const` by the kind that owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Field(&'static str);

impl Field {
    pub const fn new(name: &'static str) -> Self {
        Field(name)
    }
    pub const fn name(self) -> &'static str {
        self.0
    }
}

/// One step of a path: a field, an index into a list field, or a key of a raw resource's
/// body (`tags`, `health_check`: names that come from the provider schema, not from a
/// kind's `Field` constants; see [`Location::key`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Field(Field),
    Index(usize),
    Key(Box<str>),
}

/// A place in the stack. An empty path means the resource's name itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub resource: String,
    path: Vec<Step>,
}

impl Location {
    /// The resource (or output, or stack setting) itself.
    pub fn of(resource: &str) -> Self {
        Location {
            resource: resource.to_string(),
            path: Vec::new(),
        }
    }

    /// This location's field `f`.
    pub fn at(&self, f: Field) -> Location {
        let mut l = self.clone();
        l.path.push(Step::Field(f));
        l
    }

    /// Item `i` of this (list) location.
    pub fn nth(&self, i: usize) -> Location {
        let mut l = self.clone();
        l.path.push(Step::Index(i));
        l
    }

    /// Entry `key` of a raw resource's body (`jobs.visibility_timeout_seconds`,
    /// `tg.health_check.interval`). Only the raw kinds build these: their attribute and block
    /// names are the provider schema's, so there is no `Field` constant to name them.
    pub fn key(&self, key: &str) -> Location {
        let mut l = self.clone();
        l.path.push(Step::Key(key.into()));
        l
    }

    pub fn path(&self) -> &[Step] {
        &self.path
    }

    /// True for the resource's name itself (no field).
    pub fn is_resource(&self) -> bool {
        self.path.is_empty()
    }

    /// The location itself, then each shorter prefix of its path, then the resource name:
    /// the order in which to look for a span.
    pub fn fallbacks(&self) -> Vec<Location> {
        let mut out = vec![self.clone()];
        let mut l = self.clone();
        while l.path.pop().is_some() {
            out.push(l.clone());
        }
        out
    }

    /// True when `self` is `prefix` or lies under it (same resource, path extends it).
    pub fn starts_with(&self, prefix: &Location) -> bool {
        self.resource == prefix.resource && self.path.starts_with(&prefix.path)
    }

    /// The path as text: `ingress[1].peer`, `health.path`, or empty.
    pub fn field_path(&self) -> String {
        let mut s = String::new();
        for step in &self.path {
            match step {
                Step::Field(f) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(f.name());
                }
                Step::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Step::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.field_path())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INGRESS: Field = Field::new("ingress");
    const PORT: Field = Field::new("port");

    #[test]
    fn fallbacks_walk_up_the_path() {
        let l = Location::of("web_sg").at(INGRESS).nth(1).at(PORT);
        let got: Vec<String> = l.fallbacks().iter().map(|l| l.to_string()).collect();
        assert_eq!(
            got,
            [
                "web_sg.ingress[1].port",
                "web_sg.ingress[1]",
                "web_sg.ingress",
                "web_sg"
            ]
        );
    }

    #[test]
    fn prefixes_respect_steps() {
        let r1 = Location::of("sg").at(INGRESS).nth(1);
        let r10 = Location::of("sg").at(INGRESS).nth(10).at(PORT);
        assert!(!r10.starts_with(&r1));
        assert!(r1.at(PORT).starts_with(&r1));
        assert!(r1.starts_with(&Location::of("sg")));
        assert!(!r1.starts_with(&Location::of("s")));
    }
}
