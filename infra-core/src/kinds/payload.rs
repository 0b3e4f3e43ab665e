//! `payload`: the program the instances run, a static binary uploaded by Terraform to a
//! private S3 bucket, fetched by the user data and run as a hardened systemd service.

use serde_json::json;

use crate::diag::{CheckRule, Sink, Violation};
use crate::escape;
use crate::kinds::bucket::private_bucket;
use crate::kinds::image::Arch;
use crate::kinds::values::check_port;
use crate::location::{Field, Location};
use crate::naming;
use crate::resource::{Attr, Kind, KindInfo, Ref, Resource, Str, World};
use crate::route;
use crate::tf::{lit, Doc};

pub static INFO: KindInfo = KindInfo {
    keyword: "payload",
    display: "payload",
    tf_types: &[
        "aws_s3_object",
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_notification",
        "aws_s3_bucket_logging",
    ],
    address: "aws_s3_object.NAME",
    attributes: &[("bucket", "${ADDR.bucket}"), ("key", "${ADDR.key}")],
    raw: None,
};

pub const BINARY: Field = Field::new("binary");
pub const PORT: Field = Field::new("port");
pub const HEALTH_PATH: Field = Field::new("health_path");
pub const ROUTES: Field = Field::new("routes");
pub const ARTIFACT: Field = Field::new("artifact");
pub const PORT_ENV: Field = Field::new("port_env");
pub const ENV: Field = Field::new("env");
pub const ARCH: Field = Field::new("arch");

pub const PAYLOAD_VALUE: CheckRule = CheckRule::new(
    "payload-value",
    "a payload binary name or environment entry that would break the boot script",
);

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
    /// The CPU architecture the binary is built for; the instances must match it.
    pub arch: Arch,
}

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
            arch: Arch::X86_64,
        }
    }

    /// The command that builds the artifact, named by the missing-artifact messages: the
    /// workspace's `cargo <binary>-static` alias (`.cargo/config.toml`) for x86_64, the
    /// cross build script for arm64.
    pub fn build_command(&self) -> String {
        Self::build_command_for(self.arch, &self.binary)
    }

    /// [`Payload::build_command`] of a payload `binary` built for `arch`.
    pub fn build_command_for(arch: Arch, binary: &str) -> String {
        match arch {
            Arch::X86_64 => format!("cargo {binary}-static"),
            Arch::Arm64 => "bash scripts/build-payload.sh aarch64".to_string(),
        }
    }

    /// The default artifact path of `binary` built for `arch` by the project's scripts
    /// (`target/<rust target>/release/<binary>`).
    pub fn default_artifact(arch: Arch, binary: &str) -> String {
        format!("target/{}/release/{binary}", arch.rust_target())
    }

    /// True when `path` is served: equal to a route, or matching it segment by segment
    /// where the route has `{param}` (a `?query` is ignored).
    pub fn serves(&self, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path);
        self.routes.iter().any(|r| route::route_matches(r, path))
    }

    pub fn bucket(&self) -> Attr<Str> {
        self.to_ref().bucket()
    }
}

/// True for a binary name that is a plain file name: 1 to 64 of letters, digits, `.`, `_`
/// and `-`, not starting with `.` or `-`. A const fn: the `infra!` expansion asserts it on
/// a spec module's `BINARY` at compile time.
pub const fn binary_name_ok(b: &str) -> bool {
    let b = b.as_bytes();
    if b.is_empty() || b.len() > 64 || b[0] == b'.' || b[0] == b'-' {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

impl Ref<Payload> {
    pub fn bucket(&self) -> Attr<Str> {
        Attr::new(self.name(), Payload::KIND, "bucket")
    }
}

impl Resource for Payload {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[&PAYLOAD_VALUE];

    fn name(&self) -> &str {
        &self.name
    }

    /// The binary name and environment are written into the boot script and the systemd
    /// unit: anything that could end a quoted string, a heredoc or a line is refused.
    fn check(&self, _w: &dyn World, out: &mut Sink) {
        let me = self.loc();
        check_port(
            out,
            self.port,
            || {
                (
                    me.at(PORT),
                    format!("payload port {} is outside 1-65535", self.port),
                )
            },
            "use a port between 1 and 65535, e.g. 80",
        );
        let b = &self.binary;
        if !binary_name_ok(b) {
            out.push(
                Violation::new(
                    &PAYLOAD_VALUE,
                    me.at(BINARY),
                    format!(
                        "payload binary name {b:?} is not a plain file name; it is written into the boot script and the systemd unit"
                    ),
                )
                .help("use letters, digits, `.`, `_` and `-` (at most 64), e.g. `webapp`"),
            );
        }
        // Names and values are written into the unit through the systemd escaper
        // (`Environment="NAME=value"`, quotes, backslashes and `%` escaped): refused here is
        // only what that escaper cannot carry.
        let mut envs: Vec<(Location, &str, &str)> = vec![(me.at(PORT_ENV), &self.port_env, "80")];
        for (i, (k, v)) in self.env.iter().enumerate() {
            envs.push((me.at(ENV).nth(i), k, v));
        }
        for (at, k, v) in envs {
            if !naming::is_identifier(k) {
                out.push(
                    Violation::new(
                        &PAYLOAD_VALUE,
                        at,
                        format!(
                            "environment variable name {k:?} of payload `{}` is not a shell identifier",
                            self.name
                        ),
                    )
                    .help("use letters, digits and `_`, not starting with a digit"),
                );
            } else if let Err(e) = escape::systemd_environment(k, v) {
                out.push(
                    Violation::new(
                        &PAYLOAD_VALUE,
                        at,
                        format!(
                            "value of environment variable `{k}` of payload `{}` {}, which would break the systemd unit",
                            self.name, e.reason
                        ),
                    )
                    .help("no control characters in payload environment values (quotes, backslashes and `%` are escaped for systemd)"),
                );
            }
        }
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let var = format!("{n}_artifact");
        doc.variable.insert(
            var.clone(),
            json!({
                "type": "string",
                "default": lit(&self.artifact),
                "description": format!("Path of the {} binary (static {} Linux) to upload", self.binary, self.arch.keyword()),
                // Without it, a missing artifact fails in `filesha256` ("Error in function
                // call"), far from the cause.
                "validation": [{
                    "condition": format!("${{fileexists(var.{var})}}"),
                    "error_message": format!(
                        "{var}: no payload artifact at this path. Build it with `{}` (or pass -var {var}=PATH).",
                        self.build_command()
                    ),
                }],
            }),
        );
        private_bucket(doc, &w.kebab_name(), &var, None, w.log_bucket());
        // The key carries the artifact's hash: a new build is a new key, hence new user
        // data, a new launch template version, and an instance refresh.
        doc.res(
            "aws_s3_object",
            n,
            json!({
                "bucket": format!("${{aws_s3_bucket.{n}_artifact.id}}"),
                "key": format!("{}/${{filesha256(var.{var})}}", self.binary),
                "source": format!("${{var.{var}}}"),
                "source_hash": format!("${{filesha256(var.{var})}}"),
                "content_type": "application/octet-stream",
                "depends_on": [
                    format!("aws_s3_bucket_server_side_encryption_configuration.{n}_artifact"),
                    format!("aws_s3_bucket_public_access_block.{n}_artifact"),
                ],
            }),
        );
    }
}
