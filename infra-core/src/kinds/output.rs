//! `output`: a Terraform output naming one attribute of a resource.

use serde_json::{json, Map, Value};

use crate::kinds::alb::Alb;
use crate::location::Field;
use crate::resource::{Attr, AttrRef, Resource, World};
use crate::tf::{lit, Doc};

pub const VALUE: Field = Field::new("value");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: String,
    pub doc: Option<String>,
    pub value: AttrRef,
}

impl Output {
    pub fn new<T>(name: &str, value: &Attr<T>) -> Self {
        Output {
            name: name.to_string(),
            doc: None,
            value: value.erase(),
        }
    }

    pub fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let mut body = Map::new();
        // A load balancer's URL names its first listener's port when that is not 80.
        let port = w
            .all::<Alb>()
            .iter()
            .find(|a| a.name == self.value.resource)
            .and_then(|a| a.listeners.first())
            .map(|l| l.port)
            .filter(|p| *p != 80);
        let value = match port {
            Some(p) if self.value.kind == Alb::KIND && self.value.attribute == "url" => {
                format!("http://${{aws_lb.{}.dns_name}}:{p}/", self.value.resource)
            }
            _ => self.value.expression_in(w),
        };
        body.insert("value".into(), json!(value));
        if let Some(d) = &self.doc {
            body.insert("description".into(), lit(d));
        }
        doc.output.insert(self.name.clone(), Value::Object(body));
    }
}
