//! Names: kebab case for AWS names, and the names the stack reserves for itself.

/// `HelloStack` -> `hello-stack`, `web_asg` -> `web-asg`.
pub fn kebab(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c == '_' || c == ' ' {
            out.push('-');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// The AWS name a load balancer or target group gets: its explicit name, or
/// `<stack>-<name>` in kebab case.
pub fn aws_name(stack_kebab: &str, explicit: &Option<String>, name: &str) -> String {
    explicit
        .clone()
        .unwrap_or_else(|| format!("{stack_kebab}-{}", kebab(name)))
}

/// True for a Terraform identifier (letters, digits, `_`, not starting with a digit).
pub fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("HelloStack"), "hello-stack");
        assert_eq!(kebab("web_asg"), "web-asg");
        assert_eq!(kebab("Web2Stack"), "web2-stack");
    }
}
