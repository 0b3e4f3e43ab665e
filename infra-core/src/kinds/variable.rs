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
}

impl VarType {
    pub const ALL: [VarType; 4] = [
        VarType::Cidr,
        VarType::PublicKey,
        VarType::String,
        VarType::Number,
    ];

    /// The DSL keyword of the type.
    pub fn keyword(self) -> &'static str {
        match self {
            VarType::Cidr => "cidr",
            VarType::PublicKey => "public_key",
            VarType::String => "string",
            VarType::Number => "number",
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

/// `ssh-ed25519 AAAA...`, `ssh-rsa AAAA...`, `ecdsa-sha2-nistp256 AAAA...`.
pub fn is_public_key(s: &str) -> bool {
    let mut parts = s.split_whitespace();
    matches!(
        (parts.next(), parts.next()),
        (Some(alg), Some(body)) if (alg.starts_with("ssh-") || alg.starts_with("ecdsa-")) && body.starts_with("AAAA")
    )
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
                format!("default of variable `{n}` is not an OpenSSH public key"),
                "paste the one line of your id_ed25519.pub (ssh-ed25519 AAAA...)",
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
                        "${{var.{n} == null ? true : can(regex(\"^(ssh-|ecdsa-)[a-z0-9-]+ AAAA\", var.{n}))}}",
                        n = self.name
                    ),
                    "error_message": format!("{} must be an OpenSSH public key (ssh-ed25519 AAAA...).", self.name),
                }])),
            ),
            VarType::String => ("string", None),
            VarType::Number => ("number", None),
        };
        body.insert("type".into(), json!(ty));
        match &self.default {
            Some(d) if self.ty == VarType::Number => {
                let n: f64 = d.parse().unwrap_or(0.0);
                body.insert("default".into(), json!(n));
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
