//! Escapers: one per target language a string of ours is written into.
//!
//! | target                                   | escaper                  | can refuse |
//! |------------------------------------------|--------------------------|------------|
//! | Terraform string template (JSON syntax)  | [`terraform_template`]   | no         |
//! | HCL quoted string in an expression       | [`hcl_string`]           | no         |
//! | bash word, always single-quoted          | [`bash_quote`]           | NUL        |
//! | bash word, bare when nothing needs quotes| [`bash_word`]            | NUL        |
//! | bash comment text                        | [`bash_comment`]         | controls   |
//! | bash here-document (`<<'DELIM'`)         | [`bash_heredoc`]         | delimiter  |
//! | systemd quoted item                      | [`systemd_quoted`]       | controls   |
//! | systemd `Environment=` assignment        | [`systemd_environment`]  | bad names  |
//! | systemd `ExecStart=` executable path     | [`systemd_exec_path`]    | relative, `$` |
//! | systemd free text (`Description=`)       | [`systemd_text`]         | controls   |
//!
//! Layers compose from the inside out. The boot script is written as: systemd unit lines
//! ([`systemd_environment`], ...) inside a quoted here-document ([`bash_heredoc`], in which
//! bash expands nothing), inside a bash script whose values are shell words ([`bash_word`]),
//! and the whole script is literal text of a Terraform template ([`terraform_template`]).
//!
//! A value that a language cannot carry is refused with [`Unrepresentable`], never mangled.

use std::fmt;

/// A value that cannot be written safely in a target language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepresentable {
    /// The target, e.g. `"a systemd Environment= assignment"`.
    pub target: &'static str,
    /// The refused value.
    pub value: String,
    /// Why, e.g. `"contains the control character '\n'"`.
    pub reason: String,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} cannot be written as {}: {}",
            self.value, self.target, self.reason
        )
    }
}

impl std::error::Error for Unrepresentable {}

fn refuse<T>(target: &'static str, value: &str, reason: String) -> Result<T, Unrepresentable> {
    Err(Unrepresentable {
        target,
        value: value.to_string(),
        reason,
    })
}

/// Refuse any control character (C0, DEL, C1: [`char::is_control`]).
fn no_controls(target: &'static str, s: &str) -> Result<(), Unrepresentable> {
    match s.chars().find(|c| c.is_control()) {
        Some(c) => refuse(target, s, format!("contains the control character {c:?}")),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Terraform

/// Literal text for a Terraform string template: `${` -> `$${`, `%{` -> `%%{`.
///
/// Rule: in a template, `${` starts an interpolation and `%{` a directive; `$${` and `%%{`
/// are their escapes and read back as the literal `${` and `%{`. A `$` or `%` not followed
/// by `{` is literal already (so `$$` stays `$$`). Every string of Terraform's JSON syntax
/// in an expression position is such a template (JSON's own escaping is serde_json's job).
///
/// Specs: HCL native syntax, "Template Literals"
/// (<https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#template-literals>);
/// HCL JSON syntax, "String Values"
/// (<https://github.com/hashicorp/hcl/blob/main/json/spec.md>); Terraform, "Strings and
/// Templates" (<https://developer.hashicorp.com/terraform/language/expressions/strings>).
///
/// Total: every string has an escaped form.
pub fn terraform_template(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A quoted string of HCL's native expression syntax holding exactly `s`, for expressions
/// we write inside a template's `${ .. }` (a raw resource's `json(..)` becomes
/// `${jsonencode({"key" = "value"})}`): `"` and `\` escaped, newline, return and tab as
/// `\n`, `\r`, `\t`, other control characters as `\uNNNN`, and `${` / `%{` doubled (a quoted
/// string is a template too).
///
/// Spec: HCL native syntax, "Template Expressions" and its escape sequences
/// (<https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#template-expressions>).
///
/// Total: every string has a quoted form.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// bash

/// One shell word holding exactly `s`: `'...'`, each `'` written `'\''`.
///
/// Rule: inside single quotes every byte is literal (no `$`, backquote, `\`, glob, word
/// splitting, or newline ending); a `'` cannot occur, so it is closed, written as `\'`
/// outside, and reopened. POSIX Shell Command Language 2.2.2 "Single-Quotes"
/// (<https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_02_02_02>);
/// bash manual 3.1.2.2 "Single Quotes".
///
/// Refuses NUL: no shell word (argv entry, C string) can hold it.
pub fn bash_quote(s: &str) -> Result<String, Unrepresentable> {
    if s.contains('\0') {
        return refuse("a bash word", s, "contains NUL".into());
    }
    Ok(format!("'{}'", s.replace('\'', r"'\''")))
}

/// Characters that mean nothing to bash anywhere in a word except at its start (`-` and
/// `+` start options for the command, which quoting cannot change).
fn bash_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '+' | ':' | ',' | '@')
}

/// One shell word holding exactly `s`: as is when every character is plain
/// (`A-Za-z0-9_./-+:,@`, not empty), else [`bash_quote`]d.
///
/// The plain set has no character bash treats specially (no quotes, `$`, backquote, `\`,
/// whitespace, globs, `~`, `=`, `{`, `#`, redirections or control operators), so the bare
/// word reads back unchanged. A leading `-` is still an option to the command it is given
/// to: callers make values that cannot start with `-` (paths start with `/`).
pub fn bash_word(s: &str) -> Result<String, Unrepresentable> {
    if !s.is_empty() && s.chars().all(bash_bare) {
        Ok(s.to_string())
    } else {
        bash_quote(s)
    }
}

/// Text for a bash comment line (`# ` + text): returned unchanged.
///
/// Rule: a comment runs to the end of the line; a newline would end it and make the rest a
/// command. bash manual 3.1.3 "Comments"; POSIX 2.3 "Token Recognition" rule 9.
///
/// Refuses control characters (a newline or carriage return especially).
pub fn bash_comment(s: &str) -> Result<String, Unrepresentable> {
    no_controls("bash comment text", s)?;
    Ok(s.to_string())
}

/// A quoted here-document: `<<'DELIM'\n` + `body` + `DELIM\n`, to follow a command.
///
/// Rule: with a quoted delimiter bash performs no expansion in the body (no `$`,
/// backquote or `\` processing); the body ends at the first line equal to `DELIM`. So the
/// body is carried byte for byte as long as no line of it equals `DELIM`: that is refused,
/// as is a body not ending in a newline (its last line would be glued to the delimiter)
/// and a delimiter that is not a plain word. bash manual 3.6.6 "Here Documents"; POSIX
/// 2.7.4 "Here-Document".
pub fn bash_heredoc(delim: &str, body: &str) -> Result<String, Unrepresentable> {
    const T: &str = "a bash here-document";
    if delim.is_empty() || !delim.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return refuse(T, delim, "the delimiter is not a plain word".into());
    }
    if !body.is_empty() && !body.ends_with('\n') {
        return refuse(T, body, "the body does not end with a newline".into());
    }
    if body.contains('\0') {
        return refuse(T, body, "contains NUL".into());
    }
    if body.lines().any(|l| l == delim) {
        return refuse(T, body, format!("a line equals the delimiter {delim:?}"));
        // ends it early
    }
    Ok(format!("<<'{delim}'\n{body}{delim}\n"))
}

// ---------------------------------------------------------------------------------------
// systemd unit files

/// A double-quoted item of a unit-file setting that unquotes (e.g. `Environment=`):
/// `"` + `s` with `\` -> `\\`, `"` -> `\"`, `%` -> `%%` + `"`.
///
/// Rules: systemd.syntax(7) "Quoting": a quoted item runs to the matching quote, quotes are
/// removed, C-style escapes are decoded (so `\` must be doubled and `"` escaped; `'` and
/// `$` need nothing inside double quotes, `;` and `#` are ordinary characters mid-line).
/// systemd.unit(5) "Specifiers": settings resolve `%` specifiers and `%%` is a literal `%`.
/// (<https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html>,
/// <https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html#Specifiers>)
///
/// Refuses control characters: a raw newline would end the setting, and
/// systemd.exec(5) says non-printable characters in `Environment=` values are rejected
/// (systemd 219 on Amazon Linux 2 does reject them; 252 accepts `\n` escapes, but one
/// rule for both images is simpler).
pub fn systemd_quoted(s: &str) -> Result<String, Unrepresentable> {
    no_controls("a systemd quoted item", s)?;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// The argument of an `Environment=` line setting `name` to `value`: the assignment
/// `name=value` as one [`systemd_quoted`] item, e.g. `"PORT=80"`.
///
/// Rule: systemd.exec(5) `Environment=`: the line is unquoted per systemd.syntax(7) into
/// assignments; "variable expansion is not performed inside the strings and the `$`
/// character has no special meaning"; specifiers are expanded; names are ASCII letters,
/// digits and `_`, not empty, not starting with a digit
/// (<https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Environment=>).
///
/// Refuses an invalid name and any value [`systemd_quoted`] refuses. The result starts with
/// `"` and holds no newline, so an `Environment=` line is never a here-document delimiter.
pub fn systemd_environment(name: &str, value: &str) -> Result<String, Unrepresentable> {
    let ok_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok_name {
        return refuse(
            "a systemd Environment= name",
            name,
            "not ASCII letters, digits and `_` starting with a letter or `_`".into(),
        );
    }
    systemd_quoted(&format!("{name}={value}")).map_err(|e| Unrepresentable {
        target: "a systemd Environment= value",
        value: value.to_string(),
        reason: e.reason,
    })
}

/// The executable of `ExecStart=` (and the other `Exec*=` settings): bare when every
/// character is plain (`A-Za-z0-9_./-+:,@`), else a [`systemd_quoted`] item.
///
/// Rules: systemd.service(5) "Command lines": the first word is an absolute path, unquoted
/// per systemd.syntax(7), specifiers expanded (`%%`); `$` substitutes environment
/// variables in command lines (<https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines>).
///
/// Refuses a path not starting with `/` (a leading `@`, `-`, `:`, `+` or `!` would be a
/// prefix flag), control characters, and any `$` (rather than rely on how each systemd
/// version treats `$$` in the executable itself).
pub fn systemd_exec_path(path: &str) -> Result<String, Unrepresentable> {
    const T: &str = "a systemd ExecStart= path";
    if !path.starts_with('/') {
        return refuse(T, path, "not an absolute path".into());
    }
    if path.contains('$') {
        return refuse(T, path, "contains `$`".into());
    }
    no_controls(T, path)?;
    if path.chars().all(bash_bare) {
        Ok(path.to_string())
    } else {
        systemd_quoted(path).map_err(|e| Unrepresentable { target: T, ..e })
    }
}

/// Free text of a setting that does not unquote, such as `Description=`: `%` -> `%%`.
///
/// Rules: systemd.syntax(7): the value is the rest of the line with surrounding whitespace
/// stripped, and a trailing `\` joins the next line; systemd.unit(5): `Description=`
/// resolves specifiers, `%%` is a literal `%`. Quotes and backslashes elsewhere are literal.
///
/// Refuses control characters, leading or trailing whitespace (stripped by systemd) and a
/// trailing `\`.
pub fn systemd_text(s: &str) -> Result<String, Unrepresentable> {
    const T: &str = "systemd unit text";
    no_controls(T, s)?;
    if s.trim() != s {
        return refuse(T, s, "has leading or trailing whitespace".into());
    }
    if s.ends_with('\\') {
        return refuse(T, s, "ends with `\\`, which joins the next line".into());
    }
    Ok(s.replace('%', "%%"))
}

/// Hostile values for each escaper: the corpus its tests feed it, against reference readers
/// (infra-core's tests) and against the real tools (tests/tests/escape_tools.rs). One list per
/// language, so both test suites try the same values.
#[doc(hidden)]
pub mod samples {
    pub const TERRAFORM_HOSTILE: &[&str] = &[
        "${a}",
        "%{ if true }x%{ endif }",
        "$${a}",
        "%%{b}",
        "$$${c}",
        "%%%{d}",
        "$",
        "%",
        "}",
        "{",
        "$$",
        "%%",
        "a$",
        "a%",
        "${",
        "%{",
        "%{~",
        "~}",
        "${aws_lb.x.arn}",
        "\\${x}",
        "\\n \\\" \\\\",
        "\"${x}\"",
        "line\nbreak ${x}\ttab",
        "€ ${ü}",
    ];

    pub const BASH_HOSTILE: &[&str] = &[
        "'",
        "''",
        "'\\''",
        "\"",
        "$(echo INJECTED)",
        "`echo INJECTED`",
        "${HOME}",
        "$HOME",
        "\\",
        "a\\",
        "line1\nline2\n",
        "*",
        "/*",
        "?",
        "[a-z]",
        "a b  c",
        " ",
        "\t",
        "-n",
        "-e",
        "--",
        "",
        "!!",
        "~",
        "~root",
        "#not a comment",
        "; echo INJECTED",
        "&& echo INJECTED",
        "| cat",
        "> /tmp/x",
        "a=b",
        "{a,b}",
        "é € 😀",
        "\u{7f}\x01\x1b",
    ];

    pub const SYSTEMD_HOSTILE: &[&str] = &[
        "it's",
        "'single'",
        "\"double\"",
        "\\",
        "x\\",
        "\\n",
        "\\\"",
        "%",
        "%n",
        "%%",
        "100%",
        "$HOME",
        "${HOME}",
        "$$",
        "a b  c",
        " lead",
        "trail ",
        ";",
        "a ; b",
        "#start",
        ";start",
        "UNIT",
        "=",
        "a=b",
        "",
        "é € 😀",
        "it's \"q\" \\ 100% $X",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_s_values_are_unchanged() {
        assert_eq!(terraform_template("echo $HOME"), "echo $HOME");
        assert_eq!(
            bash_word("/opt/webapp/webapp.new").unwrap(),
            "/opt/webapp/webapp.new"
        );
        assert_eq!(systemd_environment("PORT", "80").unwrap(), "\"PORT=80\"");
        assert_eq!(
            systemd_environment("BIND", "0.0.0.0").unwrap(),
            "\"BIND=0.0.0.0\""
        );
        assert_eq!(
            systemd_exec_path("/opt/webapp/webapp").unwrap(),
            "/opt/webapp/webapp"
        );
        assert_eq!(
            systemd_text("infra payload site (webapp)").unwrap(),
            "infra payload site (webapp)"
        );
    }

    #[test]
    fn the_quote_bug_is_gone() {
        assert_eq!(systemd_environment("A", "it's").unwrap(), "\"A=it's\"");
    }
}
