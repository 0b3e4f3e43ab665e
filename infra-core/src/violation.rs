//! What a check reports: a stable rule name, where (resource and field), a message naming
//! both sides of the conflict, and a hint for the fix.

use std::fmt;

/// A place in the stack: a resource (or output) by logical name, and a field path inside it
/// such as `ingress[1].port`, `listeners[0].forward` or `health.path`. An empty field means
/// the resource's name itself. The macro maps locations back to the tokens it parsed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub resource: String,
    pub field: String,
}

impl Location {
    pub fn new(resource: &str, field: impl Into<String>) -> Self {
        Location {
            resource: resource.to_string(),
            field: field.into(),
        }
    }

    /// The location itself, then each shorter prefix of its field path, then the resource
    /// name: the order in which to look for a span.
    pub fn fallbacks(&self) -> Vec<Location> {
        let mut out = vec![self.clone()];
        let mut field = self.field.as_str();
        while let Some(cut) = field.rfind(['.', '[']) {
            field = &field[..cut];
            out.push(Location::new(&self.resource, field));
        }
        if !self.field.is_empty() {
            out.push(Location::new(&self.resource, ""));
        }
        out
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.field)
        }
    }
}

/// A secondary place involved in a violation ("the target group is declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub at: Location,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Stable, kebab-case rule name (`target-port-mismatch`); see [`crate::check::RULES`].
    pub rule: &'static str,
    pub at: Location,
    pub message: String,
    pub hint: String,
    pub related: Vec<Related>,
}

impl Violation {
    pub fn new(
        rule: &'static str,
        at: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            at,
            message: message.into(),
            hint: hint.into(),
            related: Vec::new(),
        }
    }

    pub fn related(mut self, at: Location, note: impl Into<String>) -> Self {
        self.related.push(Related {
            at,
            note: note.into(),
        });
        self
    }

    /// Every location this violation involves, primary first.
    pub fn locations(&self) -> impl Iterator<Item = &Location> {
        std::iter::once(&self.at).chain(self.related.iter().map(|r| &r.at))
    }

    /// The message as a compiler shows it: message, then the notes and the help line.
    pub fn render(&self) -> String {
        let mut s = format!("{} [{}]", self.message, self.rule);
        for r in &self.related {
            s.push_str(&format!("\n  note: {} (at `{}`)", r.note, r.at));
        }
        if !self.hint.is_empty() {
            s.push_str(&format!("\n  help: {}", self.hint));
        }
        s
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.render())
    }
}

/// All violations of a stack, refused as one error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the stack has {} violation{}:",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )?;
        for v in &self.0 {
            writeln!(f, "- {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_walk_up_the_field_path() {
        let l = Location::new("web_sg", "ingress[1].port");
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
}
