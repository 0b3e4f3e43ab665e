//! Escapers, one per language a string leaves the program in.

/// Escape literal text for a Terraform string template: `${` -> `$${`, `%{` -> `%%{`.
pub fn terraform_template(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}
