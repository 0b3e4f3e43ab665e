//! The typed model of a stack: every resource the lab needs, as plain data.
//!
//! The model is what both moments share: the `infra!` macro lowers its block into it at
//! compile time and runs [`crate::check`] on it; the program builds the same model at run
//! time and [`crate::emit`] turns it into Terraform JSON. Fields are public so that the
//! generated code, tests and hand-written stacks can build resources with struct literals;
//! constructors give the lab's defaults.

use std::collections::BTreeMap;

use crate::refs::{Arn, Attr, AttrRef, Id, Kind, Ref, Resource, Str};

/// A stack: one Terraform root module.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// The stack's Rust name (`HelloStack`); its kebab-case form prefixes AWS names.
    pub name: String,
    pub doc: Option<String>,
    /// Default AWS region (a Terraform variable `aws_region` that can be overridden).
    pub region: String,
    /// Tags every resource carries (provider `default_tags`), besides `infra:stack`.
    pub tags: BTreeMap<String, String>,
    pub vpcs: Vec<Vpc>,
    pub security_groups: Vec<SecurityGroup>,
    pub roles: Vec<InstanceRole>,
    pub key_pairs: Vec<KeyPair>,
    pub payloads: Vec<Payload>,
    pub launch_templates: Vec<LaunchTemplate>,
    pub target_groups: Vec<TargetGroup>,
    pub albs: Vec<Alb>,
    pub autoscaling_groups: Vec<AutoScalingGroup>,
    pub variables: Vec<Variable>,
    pub outputs: Vec<Output>,
}

impl Stack {
    pub const DEFAULT_REGION: &'static str = "us-east-1";

    pub fn new(name: impl Into<String>) -> Self {
        Stack {
            name: name.into(),
            doc: None,
            region: Self::DEFAULT_REGION.to_string(),
            tags: BTreeMap::new(),
            vpcs: Vec::new(),
            security_groups: Vec::new(),
            roles: Vec::new(),
            key_pairs: Vec::new(),
            payloads: Vec::new(),
            launch_templates: Vec::new(),
            target_groups: Vec::new(),
            albs: Vec::new(),
            autoscaling_groups: Vec::new(),
            variables: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Every declared name with its kind, in declaration order per kind.
    pub fn names(&self) -> Vec<(&str, Kind)> {
        fn push<'a, T: Resource>(out: &mut Vec<(&'a str, Kind)>, items: &'a [T]) {
            out.extend(items.iter().map(|r| (r.name(), T::KIND)));
        }
        let mut out = Vec::new();
        push(&mut out, &self.vpcs);
        push(&mut out, &self.security_groups);
        push(&mut out, &self.roles);
        push(&mut out, &self.key_pairs);
        push(&mut out, &self.payloads);
        push(&mut out, &self.launch_templates);
        push(&mut out, &self.target_groups);
        push(&mut out, &self.albs);
        push(&mut out, &self.autoscaling_groups);
        push(&mut out, &self.variables);
        out
    }

    /// The stack name in kebab case (`HelloStack` -> `hello-stack`), the prefix of AWS names.
    pub fn kebab_name(&self) -> String {
        kebab(&self.name)
    }

    pub fn vpc(&self, r: &Ref<Vpc>) -> Option<&Vpc> {
        self.vpcs.iter().find(|x| x.name == r.name())
    }
    pub fn security_group(&self, r: &Ref<SecurityGroup>) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|x| x.name == r.name())
    }
    pub fn role(&self, r: &Ref<InstanceRole>) -> Option<&InstanceRole> {
        self.roles.iter().find(|x| x.name == r.name())
    }
    pub fn key_pair(&self, r: &Ref<KeyPair>) -> Option<&KeyPair> {
        self.key_pairs.iter().find(|x| x.name == r.name())
    }
    pub fn payload(&self, r: &Ref<Payload>) -> Option<&Payload> {
        self.payloads.iter().find(|x| x.name == r.name())
    }
    pub fn launch_template(&self, r: &Ref<LaunchTemplate>) -> Option<&LaunchTemplate> {
        self.launch_templates.iter().find(|x| x.name == r.name())
    }
    pub fn target_group(&self, r: &Ref<TargetGroup>) -> Option<&TargetGroup> {
        self.target_groups.iter().find(|x| x.name == r.name())
    }
    pub fn alb(&self, r: &Ref<Alb>) -> Option<&Alb> {
        self.albs.iter().find(|x| x.name == r.name())
    }
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|x| x.name == name)
    }
}

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

macro_rules! resource {
    ($ty:ident, $kind:ident) => {
        impl Resource for $ty {
            const KIND: Kind = Kind::$kind;
            fn name(&self) -> &str {
                &self.name
            }
        }
        impl $ty {
            /// A typed reference to this resource.
            pub fn to_ref(&self) -> Ref<$ty> {
                Ref::new(self.name.clone())
            }
        }
    };
}

/// An explicit, visible acceptance of a weakened security default. It names the check it
/// silences and says why; the emitted JSON records it next to the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The rule name of the check it silences (`ssh-open-to-world`, ...).
    pub rule: String,
    pub reason: String,
}

// ---------------------------------------------------------------------------------------
// Network

/// Where the stack's network comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    /// A new VPC with an internet gateway and one public subnet per listed CIDR, each in
    /// its own Availability Zone (taken in order from `data.aws_availability_zones`).
    Managed {
        cidr: String,
        public_subnets: Vec<String>,
    },
    /// The region's default VPC and its default subnets (one per AZ, all public).
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vpc {
    pub name: String,
    pub doc: Option<String>,
    pub network: Network,
    /// VPC flow logs (all traffic) to the stack's log bucket.
    pub flow_logs: bool,
}
resource!(Vpc, Vpc);

impl Vpc {
    pub fn managed(name: &str, cidr: &str, public_subnets: &[&str]) -> Self {
        Vpc {
            name: name.to_string(),
            doc: None,
            network: Network::Managed {
                cidr: cidr.to_string(),
                public_subnets: public_subnets.iter().map(|s| s.to_string()).collect(),
            },
            flow_logs: true,
        }
    }

    pub fn default_vpc(name: &str) -> Self {
        Vpc {
            name: name.to_string(),
            doc: None,
            network: Network::Default,
            flow_logs: true,
        }
    }
}

impl Ref<Vpc> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), Kind::Vpc, "id")
    }
}

// ---------------------------------------------------------------------------------------
// Security groups

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// The other side of a security group rule: where traffic comes from (ingress) or goes
/// to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// `0.0.0.0/0`.
    Internet,
    /// An IPv4 or IPv6 CIDR block.
    Cidr(String),
    /// Another security group of the stack.
    SecurityGroup(Ref<SecurityGroup>),
    /// A Terraform variable holding a CIDR; the rule exists only when the variable is set.
    Variable(String),
}

impl Peer {
    /// True for `0.0.0.0/0` and `::/0` however they are spelled.
    pub fn is_world(&self) -> bool {
        match self {
            Peer::Internet => true,
            Peer::Cidr(c) => crate::cidr::is_world(c),
            _ => false,
        }
    }

    /// The peer as AWS sees it: `0.0.0.0/0` is the internet, CIDRs in canonical form.
    pub fn normalized(&self) -> Peer {
        match self {
            Peer::Cidr(c) if crate::cidr::is_world(c) && !crate::cidr::is_v6(c) => Peer::Internet,
            Peer::Cidr(c) => match crate::cidr::parse_any(c) {
                Ok(net) => Peer::Cidr(net.to_string()),
                Err(_) => self.clone(),
            },
            other => other.clone(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Peer::Internet => "the internet (0.0.0.0/0)".to_string(),
            Peer::Cidr(c) => format!("CIDR {c}"),
            Peer::SecurityGroup(sg) => format!("security group `{}`", sg.name()),
            Peer::Variable(v) => format!("the CIDR in variable `{v}`"),
        }
    }
}

/// One security group rule, emitted as a standalone
/// `aws_vpc_security_group_ingress_rule` / `_egress_rule` resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub protocol: Protocol,
    /// First port; ports are `u32` so that out-of-range values can be represented and
    /// reported by the checks rather than truncated.
    pub from_port: u32,
    pub to_port: u32,
    pub peer: Peer,
    pub description: Option<String>,
    pub waivers: Vec<Waiver>,
}

impl Rule {
    pub fn tcp(port: u32, peer: Peer) -> Self {
        Rule {
            protocol: Protocol::Tcp,
            from_port: port,
            to_port: port,
            peer,
            description: None,
            waivers: Vec::new(),
        }
    }

    pub fn covers(&self, protocol: Protocol, port: u32) -> bool {
        self.protocol == protocol && self.from_port <= port && port <= self.to_port
    }

    pub fn ports(&self) -> String {
        if self.from_port == self.to_port {
            self.from_port.to_string()
        } else {
            format!("{}-{}", self.from_port, self.to_port)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroup {
    pub name: String,
    pub doc: Option<String>,
    pub vpc: Ref<Vpc>,
    /// The AWS description (defaults to the doc comment or a generated one).
    pub description: Option<String>,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}
resource!(SecurityGroup, SecurityGroup);

impl SecurityGroup {
    /// The description AWS receives: the explicit one, else the doc comment, else a
    /// generated one.
    pub fn aws_description(&self, stack: &Stack) -> String {
        self.description
            .clone()
            .or_else(|| self.doc.clone())
            .unwrap_or_else(|| {
                format!(
                    "{} security group {}",
                    stack.kebab_name(),
                    kebab(&self.name)
                )
            })
    }

    pub fn new(name: &str, vpc: Ref<Vpc>) -> Self {
        SecurityGroup {
            name: name.to_string(),
            doc: None,
            vpc,
            description: None,
            ingress: Vec::new(),
            egress: Vec::new(),
        }
    }
}

impl Ref<SecurityGroup> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), Kind::SecurityGroup, "id")
    }
}

// ---------------------------------------------------------------------------------------
// IAM and key pair

/// An IAM role for the instances, with its instance profile and an inline policy that
/// grants exactly what the stack names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRole {
    pub name: String,
    pub doc: Option<String>,
    /// Payload artifacts this role may read (`s3:GetObject` on that object only).
    pub reads: Vec<Ref<Payload>>,
    /// AWS managed policies to attach, by ARN. Broad ones need a waiver.
    pub managed_policies: Vec<String>,
    pub waivers: Vec<Waiver>,
}
resource!(InstanceRole, InstanceRole);

impl InstanceRole {
    pub fn new(name: &str) -> Self {
        InstanceRole {
            name: name.to_string(),
            doc: None,
            reads: Vec::new(),
            managed_policies: Vec::new(),
            waivers: Vec::new(),
        }
    }
}

impl Ref<InstanceRole> {
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), Kind::InstanceRole, "arn")
    }
}

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
resource!(KeyPair, KeyPair);

// ---------------------------------------------------------------------------------------
// Payload

/// The program the instances run: a static binary uploaded by Terraform to a private S3
/// bucket, fetched by the user data and run as a hardened systemd service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub name: String,
    pub doc: Option<String>,
    /// The executable's name on the instance (`webapp`).
    pub binary: String,
    /// The port the payload listens on: the one source of truth for the app port.
    pub port: u32,
    /// The path the load balancer's health check requests.
    pub health_path: String,
    /// The paths the payload serves (`/hello/{name}` matches any one segment).
    pub routes: Vec<String>,
    /// Local path of the artifact, relative to the Terraform working directory
    /// (the default of a Terraform variable `<name>_artifact`).
    pub artifact: String,
    /// Environment variable through which the payload learns its port.
    pub port_env: String,
    /// Extra environment for the service (name, value).
    pub env: Vec<(String, String)>,
}
resource!(Payload, Payload);

impl Payload {
    pub const DEFAULT_ARTIFACT_DIR: &'static str = "target/x86_64-unknown-linux-gnu/release";

    pub fn new(name: &str, binary: &str, port: u32, health_path: &str, routes: &[&str]) -> Self {
        Payload {
            name: name.to_string(),
            doc: None,
            binary: binary.to_string(),
            port,
            health_path: health_path.to_string(),
            routes: routes.iter().map(|s| s.to_string()).collect(),
            artifact: format!("{}/{}", Self::DEFAULT_ARTIFACT_DIR, binary),
            port_env: "PORT".to_string(),
            env: Vec::new(),
        }
    }

    /// True when `path` is served: equal to a route, or matching it segment by segment
    /// where the route has `{param}`.
    pub fn serves(&self, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path);
        self.routes.iter().any(|route| route_matches(route, path))
    }
}

fn route_matches(route: &str, path: &str) -> bool {
    let r: Vec<&str> = route.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(r, p)| (r.starts_with('{') && r.ends_with('}') && !p.is_empty()) || r == p)
}

impl Ref<Payload> {
    pub fn bucket(&self) -> Attr<Str> {
        Attr::new(self.name(), Kind::Payload, "bucket")
    }
}

// ---------------------------------------------------------------------------------------
// Compute

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Amazon Linux 2023, x86_64 (the default).
    AmazonLinux2023,
    /// Amazon Linux 2, x86_64. End of support 2026-06-30; the lab sheet asks for it.
    AmazonLinux2,
}

impl Image {
    /// The public SSM parameter holding the latest AMI id of this image.
    pub fn ssm_parameter(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => {
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
            }
            Image::AmazonLinux2 => "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => "amazon_linux_2023",
            Image::AmazonLinux2 => "amazon_linux_2",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootVolume {
    pub size_gib: u32,
    pub encrypted: bool,
}

impl Default for RootVolume {
    fn default() -> Self {
        RootVolume {
            size_gib: 8,
            encrypted: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchTemplate {
    pub name: String,
    pub doc: Option<String>,
    pub image: Image,
    pub instance_type: String,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    pub role: Option<Ref<InstanceRole>>,
    pub key_pair: Option<Ref<KeyPair>>,
    /// The payload the user data installs and starts.
    pub run: Option<Ref<Payload>>,
    /// IMDSv2 only (`http_tokens = "required"`). Turning it off needs a waiver.
    pub imdsv2_required: bool,
    pub root_volume: RootVolume,
    pub waivers: Vec<Waiver>,
}
resource!(LaunchTemplate, LaunchTemplate);

impl LaunchTemplate {
    pub fn new(name: &str, image: Image, instance_type: &str) -> Self {
        LaunchTemplate {
            name: name.to_string(),
            doc: None,
            image,
            instance_type: instance_type.to_string(),
            security_groups: Vec::new(),
            role: None,
            key_pair: None,
            run: None,
            imdsv2_required: true,
            root_volume: RootVolume::default(),
            waivers: Vec::new(),
        }
    }
}

impl Ref<LaunchTemplate> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), Kind::LaunchTemplate, "id")
    }
}

// ---------------------------------------------------------------------------------------
// Load balancing

/// The port the health check uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthPort {
    /// The port each target receives traffic on (what the lab needs).
    TrafficPort,
    Port(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    pub path: String,
    pub port: HealthPort,
    pub interval_secs: u32,
    pub timeout_secs: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// HTTP codes that count as healthy.
    pub matcher: String,
}

impl HealthCheck {
    pub fn new(path: &str) -> Self {
        HealthCheck {
            path: path.to_string(),
            port: HealthPort::TrafficPort,
            interval_secs: 15,
            timeout_secs: 5,
            healthy_threshold: 2,
            unhealthy_threshold: 3,
            matcher: "200".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroup {
    pub name: String,
    pub doc: Option<String>,
    pub vpc: Ref<Vpc>,
    /// The port targets receive traffic on (HTTP).
    pub port: u32,
    pub health: HealthCheck,
    /// Seconds the load balancer keeps draining a deregistered target.
    pub deregistration_delay_secs: u32,
    /// The AWS name; defaults to `<stack>-<name>` in kebab case.
    pub aws_name: Option<String>,
}
resource!(TargetGroup, TargetGroup);

impl TargetGroup {
    pub fn new(name: &str, vpc: Ref<Vpc>, port: u32, health_path: &str) -> Self {
        TargetGroup {
            name: name.to_string(),
            doc: None,
            vpc,
            port,
            health: HealthCheck::new(health_path),
            deregistration_delay_secs: 30,
            aws_name: None,
        }
    }
}

impl Ref<TargetGroup> {
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), Kind::TargetGroup, "arn")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The port the load balancer listens on (HTTP).
    pub port: u32,
    /// The default action: forward to this target group.
    pub forward: Ref<TargetGroup>,
}

/// An Application Load Balancer with its listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alb {
    pub name: String,
    pub doc: Option<String>,
    /// The VPC whose public subnets the load balancer sits in.
    pub subnets: Ref<Vpc>,
    pub internet_facing: bool,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    pub listeners: Vec<Listener>,
    /// Access logs to the stack's log bucket.
    pub access_logs: bool,
    /// The AWS name; defaults to `<stack>-<name>` in kebab case.
    pub aws_name: Option<String>,
}
resource!(Alb, Alb);

impl Alb {
    pub fn new(name: &str, subnets: Ref<Vpc>) -> Self {
        Alb {
            name: name.to_string(),
            doc: None,
            subnets,
            internet_facing: true,
            security_groups: Vec::new(),
            listeners: Vec::new(),
            access_logs: true,
            aws_name: None,
        }
    }
}

impl Ref<Alb> {
    pub fn dns_name(&self) -> Attr<Str> {
        Attr::new(self.name(), Kind::Alb, "dns_name")
    }
    /// `http://<dns_name>/`, with `:<port>` when the first listener is not on 80.
    pub fn url(&self) -> Attr<Str> {
        Attr::new(self.name(), Kind::Alb, "url")
    }
    pub fn arn(&self) -> Attr<Arn> {
        Attr::new(self.name(), Kind::Alb, "arn")
    }
}

// ---------------------------------------------------------------------------------------
// Auto scaling

#[derive(Debug, Clone, PartialEq)]
pub enum Scaling {
    /// Target tracking on the group's average CPU utilisation, in percent.
    CpuAverage(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoScalingGroup {
    pub name: String,
    pub doc: Option<String>,
    pub launch_template: Ref<LaunchTemplate>,
    /// The VPC whose public subnets the instances are launched in.
    pub subnets: Ref<Vpc>,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub target_groups: Vec<Ref<TargetGroup>>,
    pub scale: Option<Scaling>,
    /// Seconds before the load balancer's health checks count for a new instance.
    pub health_check_grace_secs: u32,
}
resource!(AutoScalingGroup, AutoScalingGroup);

impl AutoScalingGroup {
    pub fn new(name: &str, launch_template: Ref<LaunchTemplate>, subnets: Ref<Vpc>) -> Self {
        AutoScalingGroup {
            name: name.to_string(),
            doc: None,
            launch_template,
            subnets,
            min: 1,
            desired: 1,
            max: 1,
            target_groups: Vec::new(),
            scale: None,
            health_check_grace_secs: 120,
        }
    }
}

impl Ref<AutoScalingGroup> {
    pub fn name_attr(&self) -> Attr<Str> {
        Attr::new(self.name(), Kind::AutoScalingGroup, "name")
    }
}

// ---------------------------------------------------------------------------------------
// Variables and outputs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    /// An IPv4 CIDR block; validated, and never `0.0.0.0/0`.
    Cidr,
    /// An OpenSSH public key.
    PublicKey,
    String,
    Number,
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
resource!(Variable, Variable);

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
}

// Attribute accessors on the resources themselves, so that a typed stack reads
// `stack.front.dns_name()`.
impl Alb {
    pub fn dns_name(&self) -> Attr<Str> {
        self.to_ref().dns_name()
    }
    pub fn url(&self) -> Attr<Str> {
        self.to_ref().url()
    }
    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}
impl Vpc {
    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}
impl SecurityGroup {
    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}
impl TargetGroup {
    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}
impl InstanceRole {
    pub fn arn(&self) -> Attr<Arn> {
        self.to_ref().arn()
    }
}
impl LaunchTemplate {
    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}
impl AutoScalingGroup {
    pub fn group_name(&self) -> Attr<Str> {
        self.to_ref().name_attr()
    }
}
impl Payload {
    pub fn bucket(&self) -> Attr<Str> {
        self.to_ref().bucket()
    }
}
