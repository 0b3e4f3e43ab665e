//! `key_pair`: an SSH key pair imported from a variable (absent when it is unset) or a
//! literal public key.

use serde_json::{json, Map, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::variable::{is_public_key, Variable};
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{Kind, KindInfo, Reference, Resource, World};

pub const SSH_KEY_TYPE: CheckRule = CheckRule::new(
    "ssh-key-type",
    "a public key EC2 cannot import (only RSA and ED25519 OpenSSH keys)",
);
use crate::tf::{interp, lit, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "key_pair",
    display: "key pair",
    tf_types: &["aws_key_pair"],
    address: "aws_key_pair.NAME[0]",
    attributes: &[("key_name", "${ADDR.key_name}")],
    raw: None,
};

pub const PUBLIC_KEY: Field = Field::new("public_key");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// A Terraform variable holding the OpenSSH public key; no key pair when unset.
    Variable(String),
    /// The key material itself (`ssh-ed25519 AAAA...`).
    Literal(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPair {
    pub name: String,
    pub doc: Option<String>,
    pub public_key: PublicKey,
}

impl Resource for KeyPair {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&SSH_KEY_TYPE];

    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self, _w: &dyn World, out: &mut Sink) {
        let PublicKey::Literal(k) = &self.public_key else {
            return;
        };
        if !is_public_key(k) {
            let alg = k.split(' ').next().unwrap_or_default();
            out.push(
                Violation::new(
                    &SSH_KEY_TYPE,
                    self.loc().at(PUBLIC_KEY),
                    format!(
                        "public key of key pair `{}` is not an RSA or ED25519 OpenSSH key (it starts `{alg}`): EC2 ImportKeyPair refuses it",
                        self.name
                    ),
                )
                .help("use an ED25519 key (`ssh-keygen -t ed25519`, then the one line of id_ed25519.pub) or an RSA key"),
            );
        }
    }

    fn references(&self, out: &mut Vec<Reference>) {
        if let PublicKey::Variable(v) = &self.public_key {
            out.push(Reference {
                at: self.loc().at(PUBLIC_KEY),
                name: v.clone(),
                want: Variable::KIND,
                var_type: Some("public_key"),
                attribute: None,
            });
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        let mut body = Map::new();
        body.insert(
            "key_name_prefix".into(),
            json!(format!("{stack}-{}-", kebab(n))),
        );
        match &self.public_key {
            PublicKey::Variable(v) => {
                body.insert("count".into(), interp(format!("var.{v} == null ? 0 : 1")));
                body.insert("public_key".into(), interp(format!("var.{v}")));
            }
            PublicKey::Literal(k) => {
                body.insert("count".into(), json!(1));
                body.insert("public_key".into(), lit(k));
            }
        }
        body.insert("tags".into(), name_tag(&stack, n));
        doc.res("aws_key_pair", n, Value::Object(body));
    }
}
