//! `certificate`: an ACM certificate for a domain, validated through DNS records in a
//! Route 53 hosted zone looked up by name, or an existing certificate whose ARN a variable
//! gives. HTTPS listeners present it.

use serde_json::{json, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::values::{in_zone, Text};
use crate::kinds::variable::Variable;
use crate::location::Field;
use crate::resource::{Kind, KindInfo, Ref, Reference, Resource, World};
use crate::tf::{interp, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "certificate",
    display: "certificate",
    tf_types: &[
        "aws_acm_certificate",
        "aws_route53_record",
        "aws_acm_certificate_validation",
    ],
    address: "aws_acm_certificate.NAME",
    attributes: &[],
    raw: None,
};

pub const DOMAIN: Field = Field::new("domain");
pub const ZONE: Field = Field::new("zone");
/// `= var(<arn variable>)`.
pub const ARN: Field = Field::new("arn");

pub const CERTIFICATE_OUTSIDE_ZONE: CheckRule = CheckRule::new(
    "certificate-outside-zone",
    "a certificate's domain outside the hosted zone that validates it",
);

/// Where the certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSource {
    /// A new ACM certificate for `domain`, DNS-validated in the public hosted zone `zone`.
    Managed { domain: Text, zone: Text },
    /// An existing certificate: the name of the `string` variable holding its ARN.
    Existing(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub name: String,
    pub doc: Option<String>,
    pub source: CertificateSource,
}

impl Certificate {
    pub fn managed(name: &str, domain: Text, zone: Text) -> Self {
        Certificate {
            name: name.to_string(),
            doc: None,
            source: CertificateSource::Managed { domain, zone },
        }
    }

    pub fn existing(name: &str, arn_variable: &str) -> Self {
        Certificate {
            name: name.to_string(),
            doc: None,
            source: CertificateSource::Existing(arn_variable.to_string()),
        }
    }
}

/// The ARN a listener presents: the validated certificate's (so the listener waits for
/// the validation), or the variable's.
pub fn certificate_arn(w: &dyn World, r: &Ref<Certificate>) -> Value {
    match w.get(r).map(|c| &c.source) {
        Some(CertificateSource::Existing(v)) => interp(format!("var.{v}")),
        _ => interp(format!(
            "aws_acm_certificate_validation.{}.certificate_arn",
            r.name()
        )),
    }
}

/// The data source of a public hosted zone looked up by name.
pub fn hosted_zone(doc: &mut Doc, name: &str, zone: &Text) {
    doc.data(
        "aws_route53_zone",
        name,
        json!({ "name": zone.tf(), "private_zone": false }),
    );
}

/// A precondition: `name` is `zone` or under it (for values known only at plan time).
pub fn in_zone_precondition(name: &Text, zone: &Text, what: &str) -> Value {
    let (n, z) = (name.hcl(), zone.hcl());
    let z = format!("lower(trimsuffix({z}, \".\"))");
    let n = format!("lower(trimsuffix({n}, \".\"))");
    json!({
        "condition": format!("${{{n} == {z} || endswith({n}, \".${{{z}}}\")}}"),
        "error_message": format!("The {what} must be the hosted zone's name or a name under it."),
    })
}

impl Resource for Certificate {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&CERTIFICATE_OUTSIDE_ZONE];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        let me = self.loc();
        match &self.source {
            CertificateSource::Managed { domain, zone } => {
                out.extend(domain.reference(me.at(DOMAIN)));
                out.extend(zone.reference(me.at(ZONE)));
            }
            CertificateSource::Existing(v) => out.push(Reference {
                at: me.at(ARN),
                name: v.clone(),
                want: Variable::KIND,
                var_type: Some("string"),
                attribute: None,
            }),
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let CertificateSource::Managed { domain, zone } = &self.source else {
            return;
        };
        let (Some(d), Some(z)) = (domain.known(w), zone.known(w)) else {
            return;
        };
        if !in_zone(d, z) {
            let me = self.loc();
            out.push(
                Violation::new(
                    &CERTIFICATE_OUTSIDE_ZONE,
                    me.at(DOMAIN),
                    format!(
                        "certificate `{}` is for `{d}`, which is not in hosted zone `{z}`: its DNS validation record could not be created there, and the certificate would never be issued",
                        self.name
                    ),
                )
                .help(format!("use a domain under `{z}` (e.g. `app.{z}`), or the zone that holds `{d}`"))
                .note(me.at(ZONE), "the hosted zone is named here"),
            );
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let CertificateSource::Managed { domain, zone } = &self.source else {
            return;
        };
        let n = &self.name;
        let stack = w.kebab_name();
        hosted_zone(doc, n, zone);
        doc.res(
            "aws_acm_certificate",
            n,
            json!({
                "domain_name": domain.tf(),
                "validation_method": "DNS",
                "options": { "certificate_transparency_logging_preference": "ENABLED" },
                "lifecycle": {
                    "create_before_destroy": true,
                    "precondition": [in_zone_precondition(domain, zone, "certificate's domain")],
                },
                "tags": name_tag(&stack, n),
            }),
        );
        doc.res(
            "aws_route53_record",
            &format!("{n}_validation"),
            json!({
                "for_each": format!(
                    "${{{{for o in aws_acm_certificate.{n}.domain_validation_options : o.domain_name => {{ name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value }}}}}}"
                ),
                "zone_id": format!("${{data.aws_route53_zone.{n}.zone_id}}"),
                "name": "${each.value.name}",
                "type": "${each.value.type}",
                "records": ["${each.value.value}"],
                "ttl": 60,
                "allow_overwrite": true,
            }),
        );
        doc.res(
            "aws_acm_certificate_validation",
            n,
            json!({
                "certificate_arn": format!("${{aws_acm_certificate.{n}.arn}}"),
                "validation_record_fqdns": format!(
                    "${{[for r in aws_route53_record.{n}_validation : r.fqdn]}}"
                ),
            }),
        );
    }
}
