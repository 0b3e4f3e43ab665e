//! `alias_record`: a Route 53 alias record (A) that points a domain, in a public hosted
//! zone looked up by name, at a load balancer.

use serde_json::json;

use crate::kinds::alb::Alb;
use crate::kinds::certificate::{hosted_zone, in_zone_precondition};
use crate::kinds::values::Text;
use crate::location::Field;
use crate::resource::{Attr, Kind, KindInfo, Ref, Reference, Resource, Str, World};
use crate::tf::Doc;

pub static INFO: KindInfo = KindInfo {
    keyword: "alias_record",
    display: "alias record",
    tf_types: &["aws_route53_record"],
    address: "aws_route53_record.NAME",
    attributes: &[("fqdn", "${ADDR.fqdn}"), ("url", "https://${ADDR.fqdn}/")],
    raw: None,
};

pub const DOMAIN: Field = Field::new("domain");
pub const ZONE: Field = Field::new("zone");
pub const TO: Field = Field::new("to");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasRecord {
    pub name: String,
    pub doc: Option<String>,
    /// The name the record answers for.
    pub domain: Text,
    /// The public hosted zone that holds it, by name.
    pub zone: Text,
    /// The load balancer it points at.
    pub to: Ref<Alb>,
}

impl AliasRecord {
    /// `https://<fqdn>/`.
    pub fn url(&self) -> Attr<Str> {
        self.to_ref().url()
    }
}

impl Ref<AliasRecord> {
    pub fn url(&self) -> Attr<Str> {
        Attr::new(self.name(), AliasRecord::KIND, "url")
    }
    pub fn fqdn(&self) -> Attr<Str> {
        Attr::new(self.name(), AliasRecord::KIND, "fqdn")
    }
}

impl Resource for AliasRecord {
    const KIND: Kind = Kind::new(&INFO);

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        let me = self.loc();
        out.extend(self.domain.reference(me.at(DOMAIN)));
        out.extend(self.zone.reference(me.at(ZONE)));
        out.push(Reference::to(me.at(TO), &self.to));
    }

    fn emit(&self, _w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let zone = format!("{n}_zone");
        hosted_zone(doc, &zone, &self.zone);
        let alb = self.to.name();
        doc.res(
            "aws_route53_record",
            n,
            json!({
                "zone_id": format!("${{data.aws_route53_zone.{zone}.zone_id}}"),
                "name": self.domain.tf(),
                "type": "A",
                "alias": {
                    "name": format!("${{aws_lb.{alb}.dns_name}}"),
                    "zone_id": format!("${{aws_lb.{alb}.zone_id}}"),
                    "evaluate_target_health": true,
                },
                "lifecycle": {
                    "precondition": [in_zone_precondition(&self.domain, &self.zone, "record's domain")],
                },
            }),
        );
    }
}
