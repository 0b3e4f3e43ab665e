//! CIDR parsing and arithmetic for the value checks (on top of `ipnet`).

use ipnet::{IpNet, Ipv4Net};

use crate::diag::{CheckRule, Sink, Violation};
use crate::location::Location;

pub const INVALID_CIDR: CheckRule = CheckRule::new("invalid-cidr", "a CIDR block that AWS rejects");
pub const RULES: &[&CheckRule] = &[&INVALID_CIDR];

/// Report `value` at `at` if it is not a CIDR block (IPv4 only unless `any`); the network
/// when it is one.
pub fn check_syntax(out: &mut Sink, at: &Location, value: &str, any: bool) -> Option<IpNet> {
    let parsed = if any {
        parse_any(value)
    } else {
        parse_v4(value).map(IpNet::V4)
    };
    let (example, host) = if any {
        ("203.0.113.7/32", " (or a /32 for one host)")
    } else {
        ("10.0.0.0/16", "")
    };
    match parsed {
        Err(CidrError::Syntax) => {
            out.push(
                Violation::new(
                    &INVALID_CIDR,
                    at.clone(),
                    format!(
                        "`{value}` is not an {} CIDR block",
                        if any { "IPv4 or IPv6" } else { "IPv4" }
                    ),
                )
                .help(format!("write it as a.b.c.d/n, e.g. {example}")),
            );
            None
        }
        Err(CidrError::HostBits { network }) => {
            out.push(
                Violation::new(
                    &INVALID_CIDR,
                    at.clone(),
                    format!("`{value}` has host bits set beyond its prefix"),
                )
                .help(format!("use the network address: {network}{host}")),
            );
            None
        }
        Ok(net) => Some(net),
    }
}

/// Why a CIDR string is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// Not `a.b.c.d/n` (or an IPv6 prefix where one is allowed).
    Syntax,
    /// Bits set beyond the prefix: `10.0.1.5/24` where `10.0.1.0/24` was meant.
    HostBits { network: String },
}

/// Parse an IPv4 CIDR exactly as AWS wants it for VPCs and subnets.
pub fn parse_v4(s: &str) -> Result<Ipv4Net, CidrError> {
    let net: Ipv4Net = s.trim().parse().map_err(|_| CidrError::Syntax)?;
    if net.trunc() != net {
        return Err(CidrError::HostBits {
            network: net.trunc().to_string(),
        });
    }
    Ok(net)
}

/// Parse an IPv4 or IPv6 CIDR (security group rule peers).
pub fn parse_any(s: &str) -> Result<IpNet, CidrError> {
    let net: IpNet = s.trim().parse().map_err(|_| CidrError::Syntax)?;
    if net.trunc() != net {
        return Err(CidrError::HostBits {
            network: net.trunc().to_string(),
        });
    }
    Ok(net)
}

/// True for `0.0.0.0/0` and `::/0` (the whole internet), however they are written.
pub fn is_world(s: &str) -> bool {
    matches!(s.trim().parse::<IpNet>(), Ok(n) if n.prefix_len() == 0)
}

/// True when the string is an IPv6 prefix.
pub fn is_v6(s: &str) -> bool {
    matches!(s.trim().parse::<IpNet>(), Ok(IpNet::V6(_)))
}

/// True when the two blocks share any address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(b) || b.contains(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert!(parse_v4("10.0.0.0/16").is_ok());
        assert_eq!(parse_v4("10.0.0/16"), Err(CidrError::Syntax));
        assert_eq!(parse_v4("10.0.0.0/33"), Err(CidrError::Syntax));
        assert_eq!(
            parse_v4("10.0.1.5/24"),
            Err(CidrError::HostBits {
                network: "10.0.1.0/24".into()
            })
        );
        assert!(parse_any("2001:db8::/32").is_ok());
    }

    #[test]
    fn world_and_overlap() {
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(!is_world("10.0.0.0/8"));
        let a = parse_v4("10.0.0.0/16").unwrap();
        let b = parse_v4("10.0.1.0/24").unwrap();
        let c = parse_v4("10.1.0.0/24").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&b, &c));
    }
}
