//! Diagnostics: the one type both the check engine and the `infra!` macro report with.
//!
//! A [`Diagnostic`] has a message, the [`CheckRule`] it enforces (parse errors have none), a
//! primary location, notes that each carry their own location, and a help line. The
//! location type is a parameter: the model's [`Location`] here, a token span in the macro,
//! which maps one onto the other. Diagnostics are collected in a [`Sink`] that must be
//! [`Sink::finish`]ed: dropping one unread is a bug and panics, as serde_derive's `Ctxt`
//! does, so no code path can lose an error.

use std::fmt;

use crate::location::Location;

/// A check rule: a stable kebab-case name (`target-port-mismatch`) and what it protects
/// against. Declared as a `const` next to the code that checks it.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckRule {
    pub name: &'static str,
    pub about: &'static str,
    /// The stack may silence it with `#[waive(rule, "reason")]`.
    pub waivable: bool,
}

impl CheckRule {
    pub const fn new(name: &'static str, about: &'static str) -> CheckRule {
        CheckRule {
            name,
            about,
            waivable: false,
        }
    }

    /// A security default a stack may weaken, with a visible reason.
    pub const fn waivable(name: &'static str, about: &'static str) -> CheckRule {
        CheckRule {
            name,
            about,
            waivable: true,
        }
    }
}

/// A secondary place involved in a diagnostic ("the target group is declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<L> {
    pub at: L,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic<L = Location> {
    /// The rule it enforces; `None` for a syntax error.
    pub rule: Option<&'static CheckRule>,
    pub at: L,
    pub message: String,
    pub notes: Vec<Note<L>>,
    pub help: Option<String>,
}

/// A diagnostic of the check engine, located in the model.
pub type Violation = Diagnostic<Location>;

impl<L> Diagnostic<L> {
    /// A violation of `rule` at `at`.
    pub fn new(rule: &'static CheckRule, at: L, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: Some(rule),
            at,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A syntax error: no rule.
    pub fn syntax(at: L, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: None,
            at,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        let help = help.into();
        self.help = (!help.is_empty()).then_some(help);
        self
    }

    pub fn note(mut self, at: L, text: impl Into<String>) -> Self {
        self.notes.push(Note {
            at,
            text: text.into(),
        });
        self
    }

    /// The rule's name, or `""` for a syntax error.
    pub fn rule_name(&self) -> &'static str {
        self.rule.map_or("", |r| r.name)
    }

    /// Every location involved, primary first.
    pub fn locations(&self) -> impl Iterator<Item = &L> {
        std::iter::once(&self.at).chain(self.notes.iter().map(|n| &n.at))
    }

    /// The same diagnostic with its locations mapped (the macro maps model locations to
    /// token spans).
    pub fn map<M>(self, mut f: impl FnMut(L) -> M) -> Diagnostic<M> {
        Diagnostic {
            rule: self.rule,
            at: f(self.at),
            message: self.message,
            notes: self
                .notes
                .into_iter()
                .map(|n| Note {
                    at: f(n.at),
                    text: n.text,
                })
                .collect(),
            help: self.help,
        }
    }
}

impl<L: fmt::Display> Diagnostic<L> {
    /// The text a compiler shows: the message and its rule, then each note with where it
    /// points, then the help line. (Stable proc macros cannot attach real notes, so notes
    /// name their location in the text.)
    pub fn render(&self) -> String {
        let mut s = self.message.clone();
        if let Some(r) = self.rule {
            s.push_str(&format!(" [{}]", r.name));
        }
        for n in &self.notes {
            s.push_str(&format!("\n  note: {} (at `{}`)", n.text, n.at));
        }
        if let Some(h) = &self.help {
            s.push_str(&format!("\n  help: {h}"));
        }
        s
    }
}

impl fmt::Display for Diagnostic<Location> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.render())
    }
}

/// Collects every diagnostic of a run; never stops at the first.
///
/// Must be consumed with [`Sink::finish`]: dropping a sink unread panics (outside of an
/// unwinding panic), so a forgotten error path shows up in the tests instead of silently
/// losing what the user did wrong.
#[derive(Debug)]
pub struct Sink<L = Location> {
    diags: Vec<Diagnostic<L>>,
    finished: bool,
}

impl<L> Default for Sink<L> {
    fn default() -> Self {
        Sink {
            diags: Vec::new(),
            finished: false,
        }
    }
}

impl<L> Sink<L> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic<L>) {
        self.diags.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic<L>>) {
        self.diags.extend(ds);
    }
    pub fn is_empty(&self) -> bool {
        self.diags.is_empty()
    }
    pub fn len(&self) -> usize {
        self.diags.len()
    }
    /// True when a diagnostic collected so far satisfies `f`.
    pub fn any(&self, f: impl Fn(&Diagnostic<L>) -> bool) -> bool {
        self.diags.iter().any(f)
    }
    /// Every diagnostic, in the order pushed.
    pub fn finish(mut self) -> Vec<Diagnostic<L>> {
        self.finished = true;
        std::mem::take(&mut self.diags)
    }
}

impl<L> Drop for Sink<L> {
    fn drop(&mut self) {
        if !self.finished && !std::thread::panicking() {
            panic!(
                "a diagnostics sink holding {} diagnostic(s) was dropped without finish()",
                self.diags.len()
            );
        }
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
    use crate::location::Field;

    const R: CheckRule = CheckRule::new("some-rule", "for tests");

    #[test]
    fn renders_rule_notes_and_help() {
        let at = Location::of("app").at(Field::new("port"));
        let d = Diagnostic::new(&R, at.clone(), "bad port")
            .note(Location::of("site"), "the payload")
            .help("fix it");
        assert_eq!(
            d.render(),
            "bad port [some-rule]\n  note: the payload (at `site`)\n  help: fix it"
        );
        let s: Diagnostic<Location> = Diagnostic::syntax(at, "oops").help("");
        assert_eq!(s.render(), "oops");
    }

    #[test]
    #[should_panic(expected = "without finish()")]
    fn an_unread_sink_panics_on_drop() {
        let mut s: Sink = Sink::new();
        s.push(Diagnostic::syntax(Location::of("x"), "lost"));
    }

    #[test]
    fn a_finished_sink_hands_everything_back() {
        let mut s: Sink = Sink::new();
        s.push(Diagnostic::syntax(Location::of("x"), "a"));
        s.push(Diagnostic::syntax(Location::of("y"), "b"));
        assert_eq!(s.finish().len(), 2);
    }
}
