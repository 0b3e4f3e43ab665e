//! The machine images a launch template can start.

/// An Amazon Linux image, found through its public SSM parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Amazon Linux 2023, x86_64 (the default).
    AmazonLinux2023,
    /// Amazon Linux 2, x86_64. End of support 2026-06-30; the lab sheet asks for it.
    AmazonLinux2,
}

impl Image {
    pub const ALL: [Image; 2] = [Image::AmazonLinux2023, Image::AmazonLinux2];

    /// The public SSM parameter holding the latest AMI id of this image.
    pub fn ssm_parameter(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => {
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
            }
            Image::AmazonLinux2 => "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
        }
    }

    /// Seconds from launch until the app answers its health check, the default grace
    /// period of an Auto Scaling group. Amazon Linux 2 boots slower than 2023 even with the
    /// boot-time package upgrade off (the user data's cloud-config part): 300 s leaves it
    /// margin; 2023 starts the script within a minute.
    pub fn boot_grace_secs(self) -> u32 {
        match self {
            Image::AmazonLinux2023 => 120,
            Image::AmazonLinux2 => 300,
        }
    }

    /// The DSL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Image::AmazonLinux2023 => "amazon_linux_2023",
            Image::AmazonLinux2 => "amazon_linux_2",
        }
    }

    pub fn from_keyword(kw: &str) -> Option<Image> {
        Image::ALL.into_iter().find(|i| i.keyword() == kw)
    }
}
