//! What every resource kind declares, and typed references between resources.
//!
//! A kind is described once, by a static [`KindInfo`] in its own module (DSL keyword,
//! display name, Terraform types, attributes), and implements [`Resource`]: the references
//! it holds, its waivers, its value checks and its Terraform body. Everything generic (the
//! graph checks, waivers, the emit loop, the macro's dispatch) works from these
//! declarations, so there is no list to keep in step by hand. The registry
//! (the `registry` module) lists the kinds once.
//!
//! Kinds see the rest of the stack through [`World`], defined here, so that a kind's module
//! never imports the stack that contains it.

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use crate::diag::{CheckRule, Sink};
use crate::location::{Field, Location};
use crate::naming::kebab;
use crate::schema::{self, Literal, Mode};
use crate::tf::Doc;

/// The facts about one kind of resource, declared once in its module.
#[derive(Debug)]
pub struct KindInfo {
    /// The keyword that declares it in the `infra!` DSL (`security_group`).
    pub keyword: &'static str,
    /// The AWS console's name for it, used in every message (`security group`).
    pub display: &'static str,
    /// The Terraform resource types it emits, the main one first.
    pub tf_types: &'static [&'static str],
    /// Its Terraform address with `NAME` for the logical name (`aws_lb.NAME`).
    pub address: &'static str,
    /// The attributes a stack may reference (`front.dns_name`), each with the Terraform
    /// expression it renders to, `ADDR` standing for the address.
    pub attributes: &'static [(&'static str, &'static str)],
    /// For the raw kinds (a provider resource or data source written in the DSL by its
    /// Terraform type): which half of the provider schema types them. Their address has
    /// `TYPE` for the resource's Terraform type, and their attributes come from the schema
    /// (`attributes` is empty). `None` for every typed kind.
    pub raw: Option<Mode>,
}

/// A kind of resource: a distinct type parameter for [`Ref`] and a distinct name space in
/// messages ("security group `web_sg`").
#[derive(Clone, Copy)]
pub struct Kind(&'static KindInfo);

impl Kind {
    pub const fn new(info: &'static KindInfo) -> Kind {
        Kind(info)
    }
    pub fn info(self) -> &'static KindInfo {
        self.0
    }
    /// The AWS console's name for the kind.
    pub fn describe(self) -> &'static str {
        self.0.display
    }
    pub fn keyword(self) -> &'static str {
        self.0.keyword
    }
    /// For a raw kind, the half of the provider schema that types it.
    pub fn raw(self) -> Option<Mode> {
        self.0.raw
    }
    /// The attributes a stack may reference, by name (a raw kind's come from the schema:
    /// see [`AttrRef::is_known_in`]).
    pub fn attributes(self) -> impl Iterator<Item = &'static str> {
        self.0.attributes.iter().map(|(n, _)| *n)
    }
    /// The Terraform address of the resource named `name` (for a raw kind, `TYPE` stays
    /// in it: see [`Kind::address_of`]).
    pub fn address(self, name: &str) -> String {
        self.0.address.replace("NAME", name)
    }
    /// The Terraform address of the resource named `name`, the stack's raw resources
    /// giving their Terraform type.
    pub fn address_of(self, w: &dyn World, name: &str) -> String {
        let addr = self.address(name);
        match w.raw_type(self, name) {
            Some(ty) => addr.replace("TYPE", ty),
            None => addr,
        }
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.0.keyword == other.0.keyword
    }
}
impl Eq for Kind {}
impl Hash for Kind {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.keyword.hash(h);
    }
}
impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.keyword.cmp(other.0.keyword)
    }
}
impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kind({})", self.0.keyword)
    }
}
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.display)
    }
}

/// The rest of the stack, as a kind's checks and Terraform body see it.
pub trait World {
    /// The stack's Rust name (`HelloStack`).
    fn stack_name(&self) -> &str;
    /// Every resource of `kind`, as a `Vec<T>` of that kind's type.
    fn resources(&self, kind: Kind) -> &dyn Any;
    /// Whether the stack has a log bucket (flow logs or ALB access logs are on).
    fn log_bucket(&self) -> bool;
    /// The Terraform type of the raw resource or data source `name` of a raw `kind`.
    fn raw_type(&self, kind: Kind, name: &str) -> Option<&str>;
}

impl dyn World + '_ {
    /// The stack name in kebab case (`HelloStack` -> `hello-stack`), the prefix of AWS names.
    pub fn kebab_name(&self) -> String {
        kebab(self.stack_name())
    }
    /// Every resource of kind `T`, in declaration order.
    pub fn all<T: Resource>(&self) -> &[T] {
        self.resources(T::KIND)
            .downcast_ref::<Vec<T>>()
            .map_or(&[], Vec::as_slice)
    }
    /// The resource a reference names, if the stack declares it.
    pub fn get<T: Resource>(&self, r: &Ref<T>) -> Option<&T> {
        self.all::<T>().iter().find(|x| x.name() == r.name())
    }
}

/// Implemented by every resource kind; the registry drives everything generic from it.
pub trait Resource: Any + Sized {
    const KIND: Kind;
    /// The rules this kind's own checks enforce.
    const RULES: &'static [&'static CheckRule] = &[];
    /// The logical name: unique in the stack, and the Terraform local name.
    fn name(&self) -> &str;
    /// A typed reference to this resource.
    fn to_ref(&self) -> Ref<Self> {
        Ref::new(self.name())
    }
    /// Where this resource is (for building its locations).
    fn loc(&self) -> Location {
        Location::of(self.name())
    }
    /// Every reference it holds, with where it is written.
    fn references(&self, _out: &mut Vec<Reference>) {}
    /// Every waiver it carries, with the scope each one covers.
    fn waivers<'a>(&'a self, _out: &mut Vec<Scoped<'a>>) {}
    /// The value checks that concern this kind alone.
    fn check(&self, _w: &dyn World, _out: &mut Sink) {}
    /// Its security defaults (checked after the topology, waivable with a reason).
    fn check_defaults(&self, _out: &mut Sink) {}
    /// Every literal value it sets on an attribute of a Terraform type, for the one check
    /// of literal values against the AWS API's constraints (`check::constraints`).
    fn api_values<'a>(&'a self, _out: &mut Vec<ApiValue<'a>>) {}
    /// The Terraform `validation` blocks its knobs need on the variables they read: the
    /// plan-time mirror of its checks (same rule names), for values set with `-var` or a
    /// tfvars file, which the compile-time checks never see.
    fn validations(&self, _w: &dyn World, _out: &mut Vec<Validation>) {}
    /// Its Terraform resources (and the data sources, locals and variables they need).
    fn emit(&self, w: &dyn World, doc: &mut Doc);
}

/// A value the stack sets on an attribute of a Terraform type (`aws_lb_target_group`,
/// `health_check.interval`), where the DSL wrote it: what the AWS API constraints of the
/// provider schema are checked against.
#[derive(Debug, Clone)]
pub struct ApiValue<'a> {
    pub at: Location,
    pub tf_type: &'a str,
    /// The attribute's path in the resource's body, nested blocks joined by `.`.
    pub attr: String,
    pub value: ApiSource<'a>,
}

/// Where an [`ApiValue`] comes from.
#[derive(Debug, Clone, Copy)]
pub enum ApiSource<'a> {
    /// A literal, checked as written.
    Literal(Literal<'a>),
    /// A variable (`var(name)`): its default is checked at compile time, and the value
    /// given at plan time by a `validation` block that mirrors the constraint.
    Variable(&'a str),
}

impl<'a> ApiValue<'a> {
    pub fn new(at: Location, tf_type: &'a str, attr: &str, value: Literal<'a>) -> Self {
        ApiValue {
            at,
            tf_type,
            attr: attr.to_string(),
            value: ApiSource::Literal(value),
        }
    }

    /// The value of variable `name`.
    pub fn variable(at: Location, tf_type: &'a str, attr: &str, name: &'a str) -> Self {
        ApiValue {
            at,
            tf_type,
            attr: attr.to_string(),
            value: ApiSource::Variable(name),
        }
    }
}

/// A Terraform `validation` block on an input variable, mirroring a check: the emitter
/// appends it to `variable.<variable>.validation`, its error message prefixed with the
/// rule name (`asg-size: desired capacity of web_asg must be ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub variable: String,
    pub rule: &'static CheckRule,
    /// An HCL expression (without `${}`); Terraform 1.9+ lets it read other variables.
    pub condition: String,
    /// The message after the rule name; a Terraform template (`${var.max}` allowed).
    pub message: String,
}

/// A reference held by a resource: the name it uses, where, and the kind it must be.
#[derive(Debug, Clone)]
pub struct Reference {
    pub at: Location,
    pub name: String,
    pub want: Kind,
    /// For references to variables: the variable type required (its DSL keyword).
    pub var_type: Option<&'static str>,
    /// The attribute it reads (`jobs.arn`), which the resource must have; the attribute's
    /// own tokens are at `at.at(ATTRIBUTE)`.
    pub attribute: Option<String>,
}

/// Where the attribute segment of a reference is written (`arn` in `jobs.arn`).
pub const ATTRIBUTE: Field = Field::new("attribute");

impl Reference {
    pub fn to<T: Resource>(at: Location, r: &Ref<T>) -> Self {
        Reference {
            at,
            name: r.name().to_string(),
            want: T::KIND,
            var_type: None,
            attribute: None,
        }
    }
}

/// An explicit, visible acceptance of a weakened security default. It names the check it
/// silences and says why; the emitted JSON records it next to the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The rule name of the check it silences (`ssh-open-to-world`, ...).
    pub rule: String,
    pub reason: String,
}

/// The field under which waivers are recorded (`web.waivers`, `web_sg.ingress[0].waivers`).
pub const WAIVERS: Field = Field::new("waivers");

/// A waiver in the stack, with the scope it covers and the Terraform resource that
/// records it.
#[derive(Debug, Clone)]
pub struct Scoped<'a> {
    /// Violations at or under this location are covered.
    pub scope: Location,
    pub waiver: &'a Waiver,
    /// (Terraform type, local name) of the resource whose JSON records the waiver.
    pub recorded_on: (&'static str, String),
}

/// A typed reference to a resource of kind `T`, by logical name.
///
/// The type parameter is what stops a subnet list from going where a security group
/// belongs: rustc refuses it. The check engine still verifies that the name exists and has
/// that kind, because the macro builds refs from identifiers before it knows what they
/// point at.
pub struct Ref<T> {
    name: String,
    _kind: PhantomData<fn() -> T>,
}

impl<T> Ref<T> {
    pub fn new(name: impl Into<String>) -> Self {
        Ref {
            name: name.into(),
            _kind: PhantomData,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<T: Resource> Ref<T> {
    pub fn kind(&self) -> Kind {
        T::KIND
    }
}

// Manual impls: derives would demand `T: Clone` etc. for a phantom parameter.
impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref::new(self.name.clone())
    }
}
impl<T> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl<T> Eq for Ref<T> {}
impl<T> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({})", self.name)
    }
}

/// Whether `kind` `name` of the stack has attribute `attr` (see [`AttrRef::is_known_in`]).
pub fn attribute_known(w: &dyn World, kind: Kind, name: &str, attr: &str) -> Option<bool> {
    match kind.raw() {
        None => Some(kind.attributes().any(|a| a == attr)),
        Some(mode) => {
            let block = schema::lookup(mode, w.raw_type(kind, name)?)?;
            Some(block.attribute(attr).is_some())
        }
    }
}

/// Marker for attributes whose value is a plain string (DNS names, URLs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Str {}
/// Marker for attributes whose value is an Amazon Resource Name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arn {}
/// Marker for attributes whose value is an AWS id (`vpc-...`, `sg-...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {}

/// A typed Terraform expression naming one attribute of one resource of the stack,
/// e.g. `front.dns_name()`. It renders as `${aws_lb.front.dns_name}` in the output.
pub struct Attr<T> {
    resource: String,
    kind: Kind,
    attribute: &'static str,
    _ty: PhantomData<fn() -> T>,
}

impl<T> Attr<T> {
    pub(crate) fn new(resource: &str, kind: Kind, attribute: &'static str) -> Self {
        Attr {
            resource: resource.to_string(),
            kind,
            attribute,
            _ty: PhantomData,
        }
    }

    /// Forget the value type, to store it in an output.
    pub fn erase(&self) -> AttrRef {
        AttrRef {
            resource: self.resource.clone(),
            kind: self.kind,
            attribute: self.attribute.to_string(),
        }
    }

    /// The Terraform interpolation this attribute renders to.
    pub fn expression(&self) -> String {
        self.erase().expression()
    }
}

impl<T> Clone for Attr<T> {
    fn clone(&self) -> Self {
        Attr::new(&self.resource, self.kind, self.attribute)
    }
}
impl<T> fmt::Debug for Attr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expression())
    }
}

/// An attribute reference with its type erased: what an output stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrRef {
    pub resource: String,
    pub kind: Kind,
    pub attribute: String,
}

impl AttrRef {
    /// True when the kind declares this attribute (typed kinds only).
    pub fn is_known(&self) -> bool {
        self.kind.attributes().any(|a| a == self.attribute)
    }

    /// True when the resource has this attribute: a typed kind's declared ones, or every
    /// attribute of a raw resource's type in the provider schema (computed ones included);
    /// `None` when the raw resource's type is unknown (reported on its own).
    pub fn is_known_in(&self, w: &dyn World) -> Option<bool> {
        attribute_known(w, self.kind, &self.resource, &self.attribute)
    }

    /// The Terraform interpolation in a stack, which gives raw resources their type.
    pub fn expression_in(&self, w: &dyn World) -> String {
        if self.kind.raw().is_some() {
            format!(
                "${{{}.{}}}",
                self.kind.address_of(w, &self.resource),
                self.attribute
            )
        } else {
            self.expression()
        }
    }

    /// The Terraform interpolation, e.g. `${aws_lb.front.dns_name}`.
    pub fn expression(&self) -> String {
        let addr = self.kind.address(&self.resource);
        match self
            .kind
            .info()
            .attributes
            .iter()
            .find(|(n, _)| *n == self.attribute)
        {
            Some((_, template)) => template.replace("ADDR", &addr),
            None => format!("${{{addr}.{}}}", self.attribute),
        }
    }
}
