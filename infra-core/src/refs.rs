//! Typed references between resources and typed Terraform attribute expressions.
//!
//! A [`Ref<T>`] names a resource of kind `T` by its logical name in the stack. The type
//! parameter is what stops a subnet list from going where a security group belongs: rustc
//! refuses it. The check engine still verifies that the name exists and has that kind,
//! because the macro builds refs from identifiers before it knows what they point at.

use std::fmt;
use std::marker::PhantomData;

/// The kinds of resource a stack can declare. Each kind is a distinct type parameter for
/// [`Ref`], and a distinct name space in messages ("security group `web_sg`").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Vpc,
    SecurityGroup,
    InstanceRole,
    KeyPair,
    Payload,
    LaunchTemplate,
    TargetGroup,
    Alb,
    AutoScalingGroup,
    Variable,
}

impl Kind {
    /// The AWS console's name for the kind, used in every message.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Vpc => "VPC",
            Kind::SecurityGroup => "security group",
            Kind::InstanceRole => "instance role",
            Kind::KeyPair => "key pair",
            Kind::Payload => "payload",
            Kind::LaunchTemplate => "launch template",
            Kind::TargetGroup => "target group",
            Kind::Alb => "load balancer",
            Kind::AutoScalingGroup => "auto scaling group",
            Kind::Variable => "variable",
        }
    }

    /// The keyword that declares this kind in the `infra!` DSL.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::SecurityGroup => "security_group",
            Kind::InstanceRole => "instance_role",
            Kind::KeyPair => "key_pair",
            Kind::Payload => "payload",
            Kind::LaunchTemplate => "launch_template",
            Kind::TargetGroup => "target_group",
            Kind::Alb => "alb",
            Kind::AutoScalingGroup => "autoscaling_group",
            Kind::Variable => "variable",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Implemented by every resource type: ties the Rust type to its [`Kind`].
pub trait Resource {
    const KIND: Kind;
    /// The logical name: unique in the stack, and the Terraform local name.
    fn name(&self) -> &str;
}

/// A typed reference to a resource of kind `T`, by logical name.
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
    pub(crate) resource: String,
    pub(crate) kind: Kind,
    pub(crate) attribute: &'static str,
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

    /// Forget the value type, to store it in an [`crate::Output`].
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
    /// The attributes each kind exposes to outputs, with the Terraform expression
    /// (relative to the resource's address) each one renders to.
    pub fn known(kind: Kind) -> &'static [(&'static str, &'static str)] {
        match kind {
            Kind::Alb => &[
                ("dns_name", "dns_name"),
                ("arn", "arn"),
                ("zone_id", "zone_id"),
                ("url", ""),
            ],
            Kind::Vpc => &[("id", "id")],
            Kind::SecurityGroup => &[("id", "id"), ("arn", "arn")],
            Kind::TargetGroup => &[("arn", "arn"), ("name", "name")],
            Kind::AutoScalingGroup => &[("name", "name"), ("arn", "arn")],
            Kind::LaunchTemplate => &[("id", "id"), ("latest_version", "latest_version")],
            Kind::InstanceRole => &[("arn", "arn"), ("name", "name")],
            Kind::Payload => &[("bucket", "bucket"), ("key", "key")],
            Kind::KeyPair => &[("key_name", "key_name")],
            Kind::Variable => &[],
        }
    }

    pub fn is_known(&self) -> bool {
        Self::known(self.kind)
            .iter()
            .any(|(name, _)| *name == self.attribute)
    }

    /// The Terraform interpolation, e.g. `${aws_lb.front.dns_name}`.
    pub fn expression(&self) -> String {
        crate::emit::attr_expression(self)
    }
}
