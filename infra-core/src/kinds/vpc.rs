//! `vpc`: a new VPC with public subnets (and, optionally, private subnets with an S3
//! gateway endpoint and NAT), or the region's default VPC.

use serde_json::{json, Value};

use crate::cidr::{self, check_syntax};
use crate::diag::{CheckRule, Sink, Violation};
use crate::location::{Field, Location};
use crate::resource::{Attr, Id, Kind, KindInfo, Ref, Resource, World};
use crate::tf::{interp, name_tag, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "vpc",
    display: "VPC",
    tf_types: &[
        "aws_vpc",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_route",
        "aws_subnet",
        "aws_route_table_association",
        "aws_default_security_group",
        "aws_flow_log",
        "aws_vpc_endpoint",
        "aws_eip",
        "aws_nat_gateway",
    ],
    address: "aws_vpc.NAME",
    attributes: &[("id", "${ADDR.id}")],
    raw: None,
};

pub const CIDR: Field = Field::new("cidr");
pub const PUBLIC_SUBNETS: Field = Field::new("public_subnets");
pub const FLOW_LOGS: Field = Field::new("flow_logs");
pub const PRIVATE_SUBNETS: Field = Field::new("private_subnets");
pub const S3_ENDPOINT: Field = Field::new("s3_endpoint");
pub const NAT: Field = Field::new("nat");

/// Internet egress for the private subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nat {
    /// No NAT: the private subnets reach only what their endpoints serve (the default).
    #[default]
    None,
    /// One NAT gateway, in the first public subnet, for every private subnet.
    Shared,
    /// One NAT gateway per Availability Zone (each private subnet uses its AZ's).
    PerAz,
}

impl Nat {
    pub const ALL: [Nat; 3] = [Nat::None, Nat::Shared, Nat::PerAz];
    pub fn keyword(self) -> &'static str {
        match self {
            Nat::None => "none",
            Nat::Shared => "shared",
            Nat::PerAz => "per_az",
        }
    }
    pub fn from_keyword(kw: &str) -> Option<Nat> {
        Nat::ALL.into_iter().find(|n| n.keyword() == kw)
    }
}

pub const CIDR_PREFIX: CheckRule = CheckRule::new(
    "cidr-prefix",
    "a VPC or subnet block outside AWS's /16 to /28",
);
pub const SUBNET_OUTSIDE_VPC: CheckRule = CheckRule::new(
    "subnet-outside-vpc",
    "a subnet block not inside its VPC's block",
);
pub const SUBNET_OVERLAP: CheckRule =
    CheckRule::new("subnet-overlap", "two subnets sharing addresses");

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
    /// Private subnets (no public IPs, no route to the internet gateway), one per listed
    /// CIDR, in the same AZs as the public ones, in order. Managed VPCs only.
    pub private_subnets: Vec<String>,
    /// An S3 gateway endpoint on the private subnets' route tables.
    pub s3_endpoint: bool,
    /// Internet egress for the private subnets.
    pub nat: Nat,
}

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
            private_subnets: Vec::new(),
            s3_endpoint: false,
            nat: Nat::None,
        }
    }

    pub fn default_vpc(name: &str) -> Self {
        Vpc {
            name: name.to_string(),
            doc: None,
            network: Network::Default,
            flow_logs: true,
            private_subnets: Vec::new(),
            s3_endpoint: false,
            nat: Nat::None,
        }
    }

    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}

impl Ref<Vpc> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), Vpc::KIND, "id")
    }
}

/// The VPC id expression for a reference.
pub fn vpc_id(w: &dyn World, r: &Ref<Vpc>) -> Value {
    match w.get(r).map(|v| &v.network) {
        Some(Network::Default) => interp(format!("data.aws_vpc.{}.id", r.name())),
        _ => interp(format!("aws_vpc.{}.id", r.name())),
    }
}

/// The public subnet ids of a VPC (a list of addresses, or the default subnets' ids).
pub fn subnet_ids(w: &dyn World, r: &Ref<Vpc>) -> Value {
    match w.get(r).map(|v| &v.network) {
        Some(Network::Managed { public_subnets, .. }) => Value::Array(
            (0..public_subnets.len())
                .map(|i| interp(format!("aws_subnet.{}_public_{i}.id", r.name())))
                .collect(),
        ),
        _ => interp(format!("data.aws_subnets.{}_public.ids", r.name())),
    }
}

/// The private subnet ids of a VPC.
pub fn private_subnet_ids(w: &dyn World, r: &Ref<Vpc>) -> Value {
    let n = w.get(r).map_or(0, |v| v.private_subnets.len());
    Value::Array(
        (0..n)
            .map(|i| interp(format!("aws_subnet.{}_private_{i}.id", r.name())))
            .collect(),
    )
}

/// The Region's standard Availability Zones. Local Zones and Wavelength Zones are opt-in,
/// and their names (`us-east-1-bos-1a`) sort before the standard ones: without the filter
/// a subnet could land in one.
pub fn availability_zones() -> Value {
    json!({
        "state": "available",
        "filter": [{ "name": "opt-in-status", "values": ["opt-in-not-required"] }],
    })
}

/// The local holding the sorted AZs a VPC's subnets take, in order: the standard zones
/// that offer every instance type launched there (`emit::placement` defines it).
pub fn azs_local(vpc: &str) -> String {
    format!("local.{vpc}_azs")
}

/// Parse a VPC or subnet block, reporting syntax and prefix-size violations.
fn block(out: &mut Sink, at: &Location, value: &str, what: &str) -> Option<ipnet::Ipv4Net> {
    let ipnet::IpNet::V4(net) = check_syntax(out, at, value, false)? else {
        return None;
    };
    if !(16..=28).contains(&net.prefix_len()) {
        out.push(
            Violation::new(
                &CIDR_PREFIX,
                at.clone(),
                format!(
                    "{what} block {net} has prefix /{}; AWS allows /16 to /28",
                    net.prefix_len()
                ),
            )
            .help("choose a prefix between /16 (65,536 addresses) and /28 (16 addresses)"),
        );
    }
    Some(net)
}

impl Vpc {
    /// The private subnets, one route table each (a per-AZ NAT needs one per AZ), the S3
    /// gateway endpoint on those tables, and the NAT gateways.
    fn emit_private(&self, stack: &str, public: usize, doc: &mut Doc) {
        let n = &self.name;
        for (i, s) in self.private_subnets.iter().enumerate() {
            let sub = format!("{n}_private_{i}");
            doc.res(
                "aws_subnet",
                &sub,
                json!({
                    "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                    "cidr_block": s,
                    "availability_zone": format!("${{element({}, {i})}}", azs_local(n)),
                    "map_public_ip_on_launch": false,
                    "tags": name_tag(stack, &sub),
                }),
            );
            doc.res(
                "aws_route_table",
                &sub,
                json!({
                    "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                    "tags": name_tag(stack, &sub),
                }),
            );
            doc.res(
                "aws_route_table_association",
                &sub,
                json!({
                    "subnet_id": format!("${{aws_subnet.{sub}.id}}"),
                    "route_table_id": format!("${{aws_route_table.{sub}.id}}"),
                }),
            );
            let nat = match self.nat {
                Nat::None => None,
                Nat::Shared => Some(0),
                // More private subnets than public ones share the last AZ's gateway.
                Nat::PerAz => Some(i.min(public.saturating_sub(1))),
            };
            if let Some(g) = nat {
                doc.res(
                    "aws_route",
                    &format!("{sub}_nat"),
                    json!({
                        "route_table_id": format!("${{aws_route_table.{sub}.id}}"),
                        "destination_cidr_block": "0.0.0.0/0",
                        "nat_gateway_id": format!("${{aws_nat_gateway.{n}_{g}.id}}"),
                    }),
                );
            }
        }
        if self.private_subnets.is_empty() {
            return;
        }
        let gateways = match self.nat {
            Nat::None => 0,
            Nat::Shared => 1.min(public),
            Nat::PerAz => public.min(self.private_subnets.len()),
        };
        for g in 0..gateways {
            let gw = format!("{n}_{g}");
            doc.res(
                "aws_eip",
                &format!("{n}_nat_{g}"),
                json!({
                    "domain": "vpc",
                    "tags": name_tag(stack, &format!("{n}_nat_{g}")),
                    "depends_on": [format!("aws_internet_gateway.{n}")],
                }),
            );
            doc.res(
                "aws_nat_gateway",
                &gw,
                json!({
                    "allocation_id": format!("${{aws_eip.{n}_nat_{g}.id}}"),
                    "subnet_id": format!("${{aws_subnet.{n}_public_{g}.id}}"),
                    "tags": name_tag(stack, &format!("{n}_nat_{g}")),
                    "depends_on": [format!("aws_internet_gateway.{n}")],
                }),
            );
        }
        if self.s3_endpoint {
            let tables: Vec<Value> = (0..self.private_subnets.len())
                .map(|i| interp(format!("aws_route_table.{n}_private_{i}.id")))
                .collect();
            doc.res(
                "aws_vpc_endpoint",
                &format!("{n}_s3"),
                json!({
                    "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                    "service_name": "com.amazonaws.${var.aws_region}.s3",
                    "vpc_endpoint_type": "Gateway",
                    "route_table_ids": tables,
                    "tags": name_tag(stack, &format!("{n}_s3")),
                }),
            );
        }
    }
}

impl Resource for Vpc {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] =
        &[&CIDR_PREFIX, &SUBNET_OUTSIDE_VPC, &SUBNET_OVERLAP];

    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self, _w: &dyn World, out: &mut Sink) {
        let Network::Managed {
            cidr,
            public_subnets,
        } = &self.network
        else {
            return;
        };
        let me = self.loc();
        let vpc_block = block(out, &me.at(CIDR), cidr, "VPC");
        let mut subnets: Vec<(Location, ipnet::Ipv4Net)> = Vec::new();
        let all = public_subnets
            .iter()
            .enumerate()
            .map(|(i, s)| (me.at(PUBLIC_SUBNETS).nth(i), s))
            .chain(
                self.private_subnets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (me.at(PRIVATE_SUBNETS).nth(i), s)),
            );
        for (at, s) in all {
            let Some(net) = block(out, &at, s, "subnet") else {
                continue;
            };
            if let Some(vpc_net) = &vpc_block {
                if !vpc_net.contains(&net) {
                    out.push(
                        Violation::new(
                            &SUBNET_OUTSIDE_VPC,
                            at.clone(),
                            format!(
                                "subnet {net} is not inside VPC `{}`'s block {vpc_net}",
                                self.name
                            ),
                        )
                        .help(format!("pick a subnet block inside {vpc_net}"))
                        .note(me.at(CIDR), "the VPC block is set here"),
                    );
                }
            }
            for (other_at, other) in &subnets {
                if cidr::overlaps(other, &net) {
                    out.push(
                        Violation::new(
                            &SUBNET_OVERLAP,
                            at.clone(),
                            format!(
                                "subnet {net} overlaps subnet {other} of VPC `{}`",
                                self.name
                            ),
                        )
                        .help("give each subnet its own block, e.g. 10.0.1.0/24 and 10.0.2.0/24")
                        .note(other_at.clone(), "the other subnet"),
                    );
                }
            }
            subnets.push((at, net));
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        match &self.network {
            Network::Managed {
                cidr,
                public_subnets,
            } => {
                doc.data("aws_availability_zones", "available", availability_zones());
                doc.res(
                    "aws_vpc",
                    n,
                    json!({
                        "cidr_block": cidr,
                        "enable_dns_support": true,
                        "enable_dns_hostnames": true,
                        "tags": name_tag(&stack, n),
                    }),
                );
                doc.res(
                    "aws_internet_gateway",
                    n,
                    json!({ "vpc_id": format!("${{aws_vpc.{n}.id}}"), "tags": name_tag(&stack, n) }),
                );
                doc.res(
                    "aws_route_table",
                    &format!("{n}_public"),
                    json!({
                        "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                        "tags": name_tag(&stack, &format!("{n}_public")),
                    }),
                );
                doc.res(
                    "aws_route",
                    &format!("{n}_public_internet"),
                    json!({
                        "route_table_id": format!("${{aws_route_table.{n}_public.id}}"),
                        "destination_cidr_block": "0.0.0.0/0",
                        "gateway_id": format!("${{aws_internet_gateway.{n}.id}}"),
                    }),
                );
                for (i, s) in public_subnets.iter().enumerate() {
                    doc.res(
                        "aws_subnet",
                        &format!("{n}_public_{i}"),
                        json!({
                            "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                            "cidr_block": s,
                            "availability_zone": format!("${{element({}, {i})}}", azs_local(n)),
                            // With private subnets, instances live there: the public ones
                            // hold only the load balancer and NAT, whose addresses AWS
                            // assigns, so they map no public IPs.
                            "map_public_ip_on_launch": self.private_subnets.is_empty(),
                            "tags": name_tag(&stack, &format!("{n}_public_{i}")),
                        }),
                    );
                    doc.res(
                        "aws_route_table_association",
                        &format!("{n}_public_{i}"),
                        json!({
                            "subnet_id": format!("${{aws_subnet.{n}_public_{i}.id}}"),
                            "route_table_id": format!("${{aws_route_table.{n}_public.id}}"),
                        }),
                    );
                }
                self.emit_private(&stack, public_subnets.len(), doc);
                // Take over the VPC's default security group and leave it without rules:
                // nothing falls back to it by accident.
                doc.res(
                    "aws_default_security_group",
                    n,
                    json!({
                        "vpc_id": format!("${{aws_vpc.{n}.id}}"),
                        "tags": name_tag(&stack, &format!("{n}_default_locked")),
                    }),
                );
            }
            Network::Default => {
                doc.data("aws_availability_zones", "available", availability_zones());
                doc.data("aws_vpc", n, json!({ "default": true }));
                doc.data(
                    "aws_subnets",
                    &format!("{n}_public"),
                    json!({
                        "filter": [
                            { "name": "vpc-id", "values": [format!("${{data.aws_vpc.{n}.id}}")] },
                            { "name": "default-for-az", "values": ["true"] },
                            { "name": "availability-zone", "values": interp(azs_local(n)) },
                        ],
                    }),
                );
            }
        }
        if self.flow_logs {
            doc.res(
                "aws_flow_log",
                n,
                json!({
                    "vpc_id": vpc_id(w, &self.to_ref()),
                    "traffic_type": "ALL",
                    "log_destination_type": "s3",
                    "log_destination": "${aws_s3_bucket.logs.arn}",
                    "tags": name_tag(&stack, &format!("{n}_flow")),
                    "depends_on": ["aws_s3_bucket_policy.logs"],
                }),
            );
        }
    }
}
