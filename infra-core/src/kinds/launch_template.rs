//! `launch_template`: what each instance is (image, type, security groups, role, key, the
//! payload its user data installs), with IMDSv2 and an encrypted root volume by default.

use serde_json::{json, Map, Value};

use crate::diag::{CheckRule, Sink, Violation};
use crate::kinds::image::{Arch, Image, ARCH_MISMATCH, ARM64_REGEX, TYPED_REGEX};
use crate::kinds::instance_role::InstanceRole;
use crate::kinds::key_pair::KeyPair;
use crate::kinds::payload::Payload;
use crate::kinds::security_group::SecurityGroup;
use crate::kinds::values::Knob;
use crate::kinds::variable::Variable;
use crate::location::Field;
use crate::naming::kebab;
use crate::resource::{
    ApiValue, Attr, Id, Kind, KindInfo, Ref, Reference, Resource, Scoped, Validation, Waiver, World,
};
use crate::schema::Literal;
use crate::tf::{interp, name_tag, Doc, STACK_TAGS};
use crate::userdata::{self, UserData};

pub static INFO: KindInfo = KindInfo {
    keyword: "launch_template",
    display: "launch template",
    tf_types: &["aws_launch_template"],
    address: "aws_launch_template.NAME",
    attributes: &[
        ("id", "${ADDR.id}"),
        ("latest_version", "${ADDR.latest_version}"),
    ],
    raw: None,
};

pub const IMAGE: Field = Field::new("image");
pub const INSTANCE_TYPE: Field = Field::new("instance_type");
pub const SECURITY_GROUPS: Field = Field::new("security_groups");
pub const ROLE: Field = Field::new("role");
pub const KEY_PAIR: Field = Field::new("key_pair");
pub const RUN: Field = Field::new("run");
pub const IMDSV2_REQUIRED: Field = Field::new("imdsv2_required");
pub const AMI: Field = Field::new("ami");
pub const MONITORING: Field = Field::new("monitoring");
pub const ROOT_VOLUME: Field = Field::new("root_volume");
/// `root_volume.size`.
pub const SIZE: Field = Field::new("size");
/// `root_volume.encrypted`.
pub const ENCRYPTED: Field = Field::new("encrypted");

pub const USER_DATA_TOO_LARGE: CheckRule =
    CheckRule::new("user-data-too-large", "user data over AWS's 16 KB");
pub const USER_DATA_UNESCAPED: CheckRule = CheckRule::new(
    "user-data-unescaped",
    "a literal `${` in user data that Terraform would interpolate",
);
pub const INSTANCE_TYPE_FORMAT: CheckRule = CheckRule::new(
    "instance-type",
    "an instance type that is not `family.size` (a variable's default)",
);
pub const IMDSV1_ALLOWED: CheckRule =
    CheckRule::waivable("imdsv1-allowed", "instance metadata without IMDSv2 tokens");
pub const ROOT_VOLUME_UNENCRYPTED: CheckRule =
    CheckRule::waivable("root-volume-unencrypted", "an unencrypted root volume");

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

/// Which image id of the launch template's [`Image`] the instances start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Ami {
    /// The latest release, read from the image's public SSM parameter at each plan (the
    /// default). A new Amazon Linux release changes the launch template, hence
    /// `latest_version`, and the next apply, even an unrelated one, replaces every
    /// instance through the instance refresh (rolling, min healthy 100 %: no downtime).
    #[default]
    Latest,
    /// The id in this `ami_id` variable; while the variable is unset, the latest release.
    Variable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchTemplate {
    pub name: String,
    pub doc: Option<String>,
    pub image: Image,
    /// `t2.micro`, or a `string` variable (`var(instance_type)`).
    pub instance_type: Knob<String>,
    /// Track the latest image, or pin an id through a variable.
    pub ami: Ami,
    /// Detailed (1-minute) CloudWatch monitoring, about $2.10 per instance-month; off:
    /// 5-minute basic monitoring, free.
    pub detailed_monitoring: bool,
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

impl LaunchTemplate {
    pub fn new(name: &str, image: Image, instance_type: &str) -> Self {
        LaunchTemplate {
            name: name.to_string(),
            doc: None,
            image,
            instance_type: Knob::Literal(instance_type.to_string()),
            ami: Ami::Latest,
            detailed_monitoring: true,
            security_groups: Vec::new(),
            role: None,
            key_pair: None,
            run: None,
            imdsv2_required: true,
            root_volume: RootVolume::default(),
            waivers: Vec::new(),
        }
    }

    /// The user data, if it runs a payload the stack declares.
    pub fn user_data(&self, w: &dyn World) -> Option<UserData> {
        let payload = w.get(self.run.as_ref()?)?;
        Some(userdata::render(payload, self.image))
    }

    pub fn id(&self) -> Attr<Id> {
        self.to_ref().id()
    }
}

/// Why `text` is not an EC2 instance type (`family.size`), if it is not: the macro's parse
/// error on a written type, and the [`INSTANCE_TYPE_FORMAT`] check on a variable's default.
pub fn instance_type_problem(text: &str) -> Option<String> {
    let Some((family, size)) = text.split_once('.') else {
        return Some("it has no `.` between family and size".to_string());
    };
    let fam_ok = family.starts_with(|c: char| c.is_ascii_lowercase())
        && family.chars().any(|c| c.is_ascii_digit())
        && family
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !fam_ok {
        return Some(format!(
            "`{family}` is not an instance family (a letter, a generation digit and options, e.g. `t3`, `m6i`, `c7gn`)"
        ));
    }
    let digits = size.trim_end_matches("xlarge");
    let size_ok = matches!(
        size,
        "nano" | "micro" | "small" | "medium" | "large" | "xlarge" | "metal"
    ) || (size.ends_with("xlarge")
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit()))
        || size
            .strip_prefix("metal-")
            .is_some_and(|s| s.ends_with("xl"));
    if !size_ok {
        return Some(format!(
            "`{size}` is not an instance size (nano, micro, small, medium, large, xlarge, 2xlarge, ..., metal)"
        ));
    }
    None
}

/// The RE2 regex of [`instance_type_problem`]'s `family.size`, for the Terraform
/// validation that mirrors it (the unit test runs both on a table).
pub const INSTANCE_TYPE_REGEX: &str = "^[a-z][a-z-]*[0-9][a-z0-9-]*[.](nano|micro|small|medium|large|xlarge|metal|[0-9]+(xlarge)+|metal-.*xl)$";

impl Ref<LaunchTemplate> {
    pub fn id(&self) -> Attr<Id> {
        Attr::new(self.name(), LaunchTemplate::KIND, "id")
    }
}

impl Resource for LaunchTemplate {
    const KIND: Kind = Kind::new(&INFO);
    const RULES: &'static [&'static CheckRule] = &[
        &INSTANCE_TYPE_FORMAT,
        &USER_DATA_TOO_LARGE,
        &USER_DATA_UNESCAPED,
        &IMDSV1_ALLOWED,
        &ROOT_VOLUME_UNENCRYPTED,
    ];

    fn name(&self) -> &str {
        &self.name
    }

    fn references(&self, out: &mut Vec<Reference>) {
        let me = self.loc();
        for (i, sg) in self.security_groups.iter().enumerate() {
            out.push(Reference::to(me.at(SECURITY_GROUPS).nth(i), sg));
        }
        if let Some(r) = &self.role {
            out.push(Reference::to(me.at(ROLE), r));
        }
        if let Some(k) = &self.key_pair {
            out.push(Reference::to(me.at(KEY_PAIR), k));
        }
        if let Some(p) = &self.run {
            out.push(Reference::to(me.at(RUN), p));
        }
        out.extend(self.instance_type.reference(me.at(INSTANCE_TYPE)));
        if let Ami::Variable(v) = &self.ami {
            out.push(Reference {
                at: me.at(AMI),
                name: v.clone(),
                want: Variable::KIND,
                var_type: Some("ami_id"),
                attribute: None,
            });
        }
    }

    fn waivers<'a>(&'a self, out: &mut Vec<Scoped<'a>>) {
        for w in &self.waivers {
            out.push(Scoped {
                scope: self.loc(),
                waiver: w,
                recorded_on: ("aws_launch_template", self.name.clone()),
            });
        }
    }

    fn check(&self, w: &dyn World, out: &mut Sink) {
        let at = || self.loc().at(INSTANCE_TYPE);
        let it = self.instance_type.checked(w, out, at, || {
            format!("instance type of launch template `{}`", self.name)
        });
        if let Some(why) = it.as_deref().and_then(instance_type_problem) {
            out.push(
                Violation::new(
                    &INSTANCE_TYPE_FORMAT,
                    at(),
                    format!(
                        "`{}`{} is not an instance type: {why}",
                        it.as_deref().unwrap_or(""),
                        self.instance_type.whence()
                    ),
                )
                .help("write `family.size`, e.g. `t2.micro`, `t3.small`, `c5.2xlarge`"),
            );
        }
        let Some(ud) = self.user_data(w) else {
            return;
        };
        let size = ud.worst_case_len() + userdata::multipart_overhead();
        if size > userdata::MAX_BYTES {
            out.push(
                Violation::new(
                    &USER_DATA_TOO_LARGE,
                    self.loc().at(RUN),
                    format!(
                        "user data of `{}` is {size} bytes before base64; AWS allows {}",
                        self.name,
                        userdata::MAX_BYTES
                    ),
                )
                .help("move configuration into the payload artifact"),
            );
        }
        if let Some(pos) = userdata::unescaped_interpolation(&ud.to_template()) {
            out.push(
                Violation::new(
                    &USER_DATA_UNESCAPED,
                    self.loc().at(RUN),
                    format!(
                        "user data of `{}` has an unescaped `${{` at byte {pos}",
                        self.name
                    ),
                )
                .help("write `$${` for a literal `${` in Terraform strings"),
            );
        }
    }

    fn check_defaults(&self, out: &mut Sink) {
        if !self.imdsv2_required {
            out.push(
                Violation::new(
                    &IMDSV1_ALLOWED,
                    self.loc().at(IMDSV2_REQUIRED),
                    format!(
                        "launch template `{}` allows IMDSv1 (metadata without session tokens)",
                        self.name
                    ),
                )
                .help("keep IMDSv2 required (the default); the payload uses tokens"),
            );
        }
        if !self.root_volume.encrypted {
            out.push(
                Violation::new(
                    &ROOT_VOLUME_UNENCRYPTED,
                    self.loc().at(ROOT_VOLUME).at(ENCRYPTED),
                    format!(
                        "launch template `{}` has an unencrypted root volume",
                        self.name
                    ),
                )
                .help("keep the root volume encrypted (the default)"),
            );
        }
    }

    fn api_values<'a>(&'a self, out: &mut Vec<ApiValue<'a>>) {
        const TF: &str = "aws_launch_template";
        let me = self.loc();
        if let Knob::Literal(t) = &self.instance_type {
            let it = Literal::Str(t);
            out.push(ApiValue::new(me.at(INSTANCE_TYPE), TF, "instance_type", it));
        }
        let size = Literal::Number(self.root_volume.size_gib.into());
        let at = me.at(ROOT_VOLUME).at(SIZE);
        out.push(ApiValue::new(
            at,
            TF,
            "block_device_mappings.ebs.volume_size",
            size,
        ));
    }

    fn validations(&self, _w: &dyn World, out: &mut Vec<Validation>) {
        let Some(v) = self.instance_type.variable() else {
            return;
        };
        let n = &self.name;
        out.push(Validation {
            variable: v.to_string(),
            rule: &INSTANCE_TYPE_FORMAT,
            condition: format!("can(regex(\"{INSTANCE_TYPE_REGEX}\", var.{v}))"),
            message: format!(
                "instance type of launch template {n} must be family.size, e.g. t3.micro, c5.2xlarge (got ${{var.{v}}})."
            ),
        });
        // An instance type whose architecture Arch::of_instance_type cannot tell (not
        // `<family>.<size>`) passes, as in the check; the format rule above catches it.
        let arm = self.image.arch() == Arch::Arm64;
        out.push(Validation {
            variable: v.to_string(),
            rule: &ARCH_MISMATCH,
            condition: format!(
                "!can(regex(\"{TYPED_REGEX}\", var.{v})) || {}can(regex(\"{ARM64_REGEX}\", var.{v}))",
                if arm { "" } else { "!" }
            ),
            message: format!(
                "instance type of launch template {n} must be {} like its image {} (got ${{var.{v}}}), e.g. {}.",
                self.image.arch().keyword(),
                self.image.keyword(),
                if arm { "t4g.micro" } else { "t3.micro" }
            ),
        });
    }

    fn emit(&self, w: &dyn World, doc: &mut Doc) {
        let n = &self.name;
        let stack = w.kebab_name();
        doc.data(
            "aws_ssm_parameter",
            &format!("{n}_ami"),
            json!({ "name": self.image.ssm_parameter() }),
        );
        let mut body = Map::new();
        body.insert(
            "name_prefix".into(),
            json!(format!("{stack}-{}-", kebab(n))),
        );
        let latest = format!("data.aws_ssm_parameter.{n}_ami.insecure_value");
        let image_id = match &self.ami {
            Ami::Latest => interp(latest),
            Ami::Variable(v) => interp(format!("var.{v} != null ? var.{v} : {latest}")),
        };
        body.insert("image_id".into(), image_id);
        body.insert("instance_type".into(), self.instance_type.tf());
        let sgs: Vec<Value> = self
            .security_groups
            .iter()
            .map(|r| interp(format!("aws_security_group.{}.id", r.name())))
            .collect();
        body.insert("vpc_security_group_ids".into(), Value::Array(sgs));
        body.insert("update_default_version".into(), json!(true));
        body.insert(
            "metadata_options".into(),
            json!({
                "http_endpoint": "enabled",
                "http_tokens": if self.imdsv2_required { "required" } else { "optional" },
                "http_put_response_hop_limit": 1,
                "instance_metadata_tags": "disabled",
            }),
        );
        body.insert(
            "block_device_mappings".into(),
            json!([{
                "device_name": "/dev/xvda",
                "ebs": {
                    "volume_size": self.root_volume.size_gib,
                    "volume_type": "gp3",
                    "encrypted": self.root_volume.encrypted,
                    "delete_on_termination": true,
                },
            }]),
        );
        body.insert(
            "monitoring".into(),
            json!({ "enabled": self.detailed_monitoring }),
        );
        if let Some(r) = &self.role {
            body.insert(
                "iam_instance_profile".into(),
                json!({ "arn": format!("${{aws_iam_instance_profile.{}.arn}}", r.name()) }),
            );
        }
        if let Some(k) = &self.key_pair {
            // `count` is 0 when the key variable is unset: `one()` then gives null.
            body.insert(
                "key_name".into(),
                interp(format!("one(aws_key_pair.{}[*].key_name)", k.name())),
            );
        }
        if let Some(ud) = self.user_data(w) {
            doc.locals.insert(
                format!("{n}_user_data"),
                json!(userdata::multipart(&ud.to_template())),
            );
            body.insert(
                "user_data".into(),
                interp(format!("base64encode(local.{n}_user_data)")),
            );
        }
        // `default_tags` do not reach what an Auto Scaling group launches (provider#19387):
        // the stack's tags and the one Name go on instances and volumes from here.
        let tags = interp(format!(
            "merge(local.{STACK_TAGS}, {{ Name = \"{}\" }})",
            name_tag(&stack, n)["Name"].as_str().unwrap_or(n)
        ));
        body.insert(
            "tag_specifications".into(),
            json!([
                { "resource_type": "instance", "tags": tags },
                { "resource_type": "volume", "tags": tags },
                { "resource_type": "network-interface", "tags": tags },
            ]),
        );
        body.insert("tags".into(), name_tag(&stack, n));
        doc.res("aws_launch_template", n, Value::Object(body));
    }
}
