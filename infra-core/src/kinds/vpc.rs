//! `vpc`: a new VPC with public subnets, or the region's default VPC.

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
    ],
    address: "aws_vpc.NAME",
    attributes: &[("id", "${ADDR.id}")],
};

pub const CIDR: Field = Field::new("cidr");
pub const PUBLIC_SUBNETS: Field = Field::new("public_subnets");
pub const FLOW_LOGS: Field = Field::new("flow_logs");

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
        let mut subnets = Vec::new();
        for (i, s) in public_subnets.iter().enumerate() {
            let at = me.at(PUBLIC_SUBNETS).nth(i);
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
            for (j, other) in &subnets {
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
                        .note(me.at(PUBLIC_SUBNETS).nth(*j), "the other subnet"),
                    );
                }
            }
            subnets.push((i, net));
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
                            "map_public_ip_on_launch": true,
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
