//! The machine images a launch template can start, and the CPU architectures that an
//! image, an instance type and a payload must agree on.

use crate::diag::CheckRule;

pub const ARCH_MISMATCH: CheckRule = CheckRule::new(
    "arch-mismatch",
    "instance type, image and payload built for different CPU architectures",
);

/// The RE2 regexes that mirror [`Arch::of_instance_type`] in Terraform validations: a type
/// it gives an architecture (`<family with a digit>.<size>`), and one it calls arm64
/// (`a1`, or a `g` among the family's attributes: after the generation digits, before any
/// `-`). Keep them in step with the function (the unit test below runs both on a table).
pub const TYPED_REGEX: &str = "^[^.]*[0-9][^.]*[.].";
pub const ARM64_REGEX: &str = "^(a1[.].|[^.0-9]*[0-9]+[^.-]*g[^.]*[.].)";

/// A CPU architecture of instances, images and payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arch {
    /// x86_64 (Intel and AMD instance types; the default).
    #[default]
    X86_64,
    /// arm64 (AWS Graviton: `t4g`, `m7g`, `c7gn`, ...).
    Arm64,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Arm64];

    /// The DSL keyword (`x86_64`, `arm64`).
    pub fn keyword(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    pub fn from_keyword(kw: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.keyword() == kw)
    }

    /// The Rust target a payload for this architecture is built for.
    pub fn rust_target(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
            Arch::Arm64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// The architecture of an EC2 instance type (`t4g.micro` -> arm64), from its family:
    /// Graviton families carry a `g` after the generation digit (`t4g`, `m7gd`, `c7gn`,
    /// `x2gd`, `im4gn`, `is4gen`), and `a1` is the first Graviton. `None` when the name is
    /// not `<family>.<size>`.
    pub fn of_instance_type(ty: &str) -> Option<Arch> {
        let (family, size) = ty.split_once('.')?;
        if family.is_empty() || size.is_empty() {
            return None;
        }
        if family == "a1" {
            return Some(Arch::Arm64);
        }
        let digit = family.find(|c: char| c.is_ascii_digit())?;
        let suffix = family[digit..].trim_start_matches(|c: char| c.is_ascii_digit());
        // `-flex` and similar tails are not attributes.
        let suffix = suffix.split('-').next().unwrap_or("");
        Some(if suffix.contains('g') {
            Arch::Arm64
        } else {
            Arch::X86_64
        })
    }
}

/// An Amazon Linux image, found through its public SSM parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Amazon Linux 2023, x86_64 (the default).
    AmazonLinux2023,
    /// Amazon Linux 2, x86_64. End of support 2026-06-30; the lab sheet asks for it.
    AmazonLinux2,
    /// Amazon Linux 2023, arm64 (Graviton instance types).
    AmazonLinux2023Arm64,
}

impl Image {
    pub const ALL: [Image; 3] = [
        Image::AmazonLinux2023,
        Image::AmazonLinux2,
        Image::AmazonLinux2023Arm64,
    ];

    /// The CPU architecture the image runs on.
    pub fn arch(self) -> Arch {
        match self {
            Image::AmazonLinux2023 | Image::AmazonLinux2 => Arch::X86_64,
            Image::AmazonLinux2023Arm64 => Arch::Arm64,
        }
    }

    /// True for the Amazon Linux 2023 images (systemd's full sandboxing, DynamicUser).
    pub fn is_al2023(self) -> bool {
        matches!(self, Image::AmazonLinux2023 | Image::AmazonLinux2023Arm64)
    }

    /// The public SSM parameter holding the latest AMI id of this image.
    pub fn ssm_parameter(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => {
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
            }
            Image::AmazonLinux2 => "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
            Image::AmazonLinux2023Arm64 => {
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
            }
        }
    }

    /// Seconds from launch until the app answers its health check, the default grace
    /// period of an Auto Scaling group. Amazon Linux 2 boots slower than 2023 even with the
    /// boot-time package upgrade off (the user data's cloud-config part): 300 s leaves it
    /// margin; 2023 starts the script within a minute.
    pub fn boot_grace_secs(self) -> u32 {
        match self {
            Image::AmazonLinux2023 | Image::AmazonLinux2023Arm64 => 120,
            Image::AmazonLinux2 => 300,
        }
    }

    /// The DSL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => "amazon_linux_2023",
            Image::AmazonLinux2 => "amazon_linux_2",
            Image::AmazonLinux2023Arm64 => "amazon_linux_2023_arm64",
        }
    }

    pub fn from_keyword(kw: &str) -> Option<Image> {
        Image::ALL.into_iter().find(|i| i.keyword() == kw)
    }
}

/// Instance types of each architecture, for the tests of [`Arch::of_instance_type`] and
/// of the Terraform regexes that mirror it (`infra-core/tests/knobs.rs`).
#[doc(hidden)]
pub mod samples {
    /// Graviton families, `a1` included.
    pub const ARM64_TYPES: &[&str] = &[
        "t4g.micro",
        "m7g.large",
        "c7gn.xlarge",
        "r6gd.large",
        "x2gd.medium",
        "im4gn.large",
        "is4gen.large",
        "a1.medium",
        "m8g.large",
    ];
    /// Intel and AMD families, accelerated ones and `-flex` included.
    pub const X86_64_TYPES: &[&str] = &[
        "t2.micro",
        "t3a.small",
        "m5.large",
        "g4dn.xlarge",
        "m7i-flex.large",
        "c6in.large",
        "p4d.24xlarge",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_type_architectures() {
        for t in samples::ARM64_TYPES {
            assert_eq!(Arch::of_instance_type(t), Some(Arch::Arm64), "{t}");
        }
        for t in samples::X86_64_TYPES {
            assert_eq!(Arch::of_instance_type(t), Some(Arch::X86_64), "{t}");
        }
        assert_eq!(Arch::of_instance_type("micro"), None);
    }

    #[test]
    fn images_know_their_architecture() {
        assert_eq!(Image::AmazonLinux2023Arm64.arch(), Arch::Arm64);
        assert_eq!(Image::AmazonLinux2023.arch(), Arch::X86_64);
        assert!(Image::AmazonLinux2023Arm64
            .ssm_parameter()
            .ends_with("arm64"));
    }
}
