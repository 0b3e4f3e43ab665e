//! `variable`: a Terraform input variable (a CIDR, an SSH public key, a string, a number).

use serde_json::{json, Map, Value};

use crate::cidr;
use crate::diag::{CheckRule, Sink, Violation};
use crate::location::Field;
use crate::resource::{Kind, KindInfo, Resource, World};
use crate::tf::{lit, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "variable",
    display: "variable",
    tf_types: &[],
    address: "var.NAME",
    attributes: &[],
    raw: None,
};

pub const DEFAULT: Field = Field::new("default");

pub const VARIABLE_DEFAULT: CheckRule = CheckRule::new(
    "variable-default",
    "a variable default its own validation rejects",
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    /// An IPv4 CIDR block; validated, and never `0.0.0.0/0`.
    Cidr,
    /// An OpenSSH public key.
    PublicKey,
    String,
    Number,
    /// An EC2 image id (`ami-0123...`), to pin a launch template's image.
    AmiId,
}

impl VarType {
    pub const ALL: [VarType; 5] = [
        VarType::Cidr,
        VarType::PublicKey,
        VarType::String,
        VarType::Number,
        VarType::AmiId,
    ];

    /// The DSL keyword of the type.
    pub fn keyword(self) -> &'static str {
        match self {
            VarType::Cidr => "cidr",
            VarType::PublicKey => "public_key",
            VarType::String => "string",
            VarType::Number => "number",
            VarType::AmiId => "ami_id",
        }
    }

    pub fn from_keyword(kw: &str) -> Option<VarType> {
        VarType::ALL.into_iter().find(|t| t.keyword() == kw)
    }
}

/// The DSL keyword of a variable type.
pub fn var_type_keyword(ty: VarType) -> &'static str {
    ty.keyword()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub doc: Option<String>,
    pub ty: VarType,
    /// The default value; `None` makes the variable optional (null) and every resource
    /// that depends on it conditional.
    pub default: Option<String>,
}

/// The key types EC2 ImportKeyPair accepts: RSA and ED25519 (not ECDSA, not DSS).
pub const KEY_TYPES: [&str; 2] = ["ssh-rsa", "ssh-ed25519"];

/// The Terraform regex the variable's validation applies (the same test as
/// [`is_public_key`]).
pub const PUBLIC_KEY_REGEX: &str = "^(ssh-rsa|ssh-ed25519) AAAA[0-9A-Za-z+/]+={0,3}( .*)?$";

/// An OpenSSH public key EC2 can import: `ssh-ed25519 AAAA...` or `ssh-rsa AAAA...`.
pub fn is_public_key(s: &str) -> bool {
    let mut parts = s.split(' ');
    matches!(
        (parts.next(), parts.next()),
        (Some(alg), Some(body)) if KEY_TYPES.contains(&alg)
            && body.starts_with("AAAA")
            && body.trim_end_matches('=').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            && body.len() - body.trim_end_matches('=').len() <= 3
    )
}

/// `ami-` and 8 or 17 hex digits.
pub fn is_ami_id(s: &str) -> bool {
    s.strip_prefix("ami-").is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

impl Resource for Variable {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&VARIABLE_DEFAULT];

    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self, _w: &dyn World, out: &mut Sink) {
        let Some(d) = &self.default else { return };
        let at = self.loc().at(DEFAULT);
        let n = &self.name;
        let problem = match self.ty {
            VarType::Cidr if cidr::parse_v4(d).is_err() => Some((
                format!("default `{d}` of CIDR variable `{n}` is not an IPv4 CIDR block"),
                "write it as a.b.c.d/n, e.g. 203.0.113.7/32",
            )),
            VarType::Cidr if cidr::is_world(d) => Some((
                format!("default of CIDR variable `{n}` is the whole internet"),
                "CIDR variables admit one network; default to none, or to your own /32",
            )),
            VarType::Number if d.parse::<f64>().is_err() => Some((
                format!("default `{d}` of number variable `{n}` is not a number"),
                "write a number",
            )),
            VarType::PublicKey if !is_public_key(d) => Some((
                format!("default of variable `{n}` is not an RSA or ED25519 OpenSSH public key (the types EC2 imports)"),
                "paste the one line of your id_ed25519.pub (ssh-ed25519 AAAA...)",
            )),
            VarType::AmiId if !is_ami_id(d) => Some((
                format!("default `{d}` of variable `{n}` is not an image id"),
                "write an id such as ami-0123456789abcdef0",
            )),
            _ => None,
        };
        if let Some((message, help)) = problem {
            out.push(Violation::new(&VARIABLE_DEFAULT, at, message).help(help));
        }
    }

    fn emit(&self, _w: &dyn World, doc: &mut Doc) {
        let mut body = Map::new();
        let (ty, validation) = match self.ty {
            VarType::Cidr => (
                "string",
                Some(json!([{
                    "condition": format!(
                        "${{var.{n} == null ? true : (can(cidrnetmask(var.{n})) && try(cidrnetmask(var.{n}) != \"0.0.0.0\", false))}}",
                        n = self.name
                    ),
                    "error_message": format!("{} must be an IPv4 CIDR block such as 203.0.113.7/32, and not the whole internet.", self.name),
                }])),
            ),
            VarType::PublicKey => (
                "string",
                Some(json!([{
                    "condition": format!(
                        "${{var.{n} == null ? true : can(regex(\"{re}\", var.{n}))}}",
                        n = self.name,
                        re = PUBLIC_KEY_REGEX,
                    ),
                    "error_message": format!("{} must be an RSA or ED25519 OpenSSH public key (ssh-ed25519 AAAA... or ssh-rsa AAAA...); EC2 does not import ECDSA or DSS keys.", self.name),
                }])),
            ),
            VarType::AmiId => (
                "string",
                Some(json!([{
                    "condition": format!(
                        "${{var.{n} == null ? true : can(regex(\"^ami-([0-9a-f]{{8}}|[0-9a-f]{{17}})$\", var.{n}))}}",
                        n = self.name
                    ),
                    "error_message": format!("{} must be an image id such as ami-0123456789abcdef0.", self.name),
                }])),
            ),
            VarType::String => ("string", None),
            VarType::Number => ("number", None),
        };
        body.insert("type".into(), json!(ty));
        match &self.default {
            Some(d) if self.ty == VarType::Number => {
                let n: f64 = d.parse().unwrap_or(0.0);
                // 2, not 2.0, for a whole number.
                let n = if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    json!(n as i64)
                } else {
                    json!(n)
                };
                body.insert("default".into(), n);
            }
            Some(d) => {
                body.insert("default".into(), lit(d));
            }
            None => {
                body.insert("default".into(), Value::Null);
                body.insert("nullable".into(), json!(true));
            }
        }
        if let Some(d) = &self.doc {
            body.insert("description".into(), lit(d));
        }
        if let Some(val) = validation {
            body.insert("validation".into(), val);
        }
        doc.variable.insert(self.name.clone(), Value::Object(body));
    }
}
