//! User data: the boot script that fetches the payload from S3, installs it as a hardened
//! systemd service and starts it.
//!
//! The script is a sequence of literal text and Terraform interpolations. Every value of the
//! stack written into it goes through the escaper of the language it lands in
//! ([`crate::escape`]): shell words through [`escape::bash_word`], unit-file lines through
//! the `systemd_*` escapers, the unit itself through a quoted here-document
//! ([`escape::bash_heredoc`]), and then all literal text through the Terraform template
//! escaper ([`escape()`]: `${` -> `$${`, `%{` -> `%%{`), so no shell `${VAR}` can ever be
//! mistaken for Terraform. The same script renders with sample values for shellcheck and
//! tests ([`UserData::render_with`]).

use crate::escape::{self, Unrepresentable};
use crate::kinds::image::Image;
use crate::kinds::payload::Payload;

/// Escape literal text for a Terraform string template (see
/// [`escape::terraform_template`]).
pub use crate::escape::terraform_template as escape;

/// AWS's limit on user data, before base64.
pub const MAX_BYTES: usize = 16 * 1024;

/// One piece of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// A Terraform expression (without `${}`), with the longest value it can take.
    Interp {
        expr: String,
        max_len: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    pub parts: Vec<Part>,
}

/// The byte offset of the first `${` or `%{` that Terraform would interpolate, if any.
/// `$${` and `%%{` are escapes; interpolations listed in `allowed` (full `${...}` text) are
/// the script's own.
pub fn unescaped_interpolation(template: &str) -> Option<usize> {
    let b = template.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if (b[i] == b'$' || b[i] == b'%') && b[i + 1] == b'{' {
            if i > 0 && b[i - 1] == b[i] {
                // the second char of `$${`: an escape, skip it
                i += 2;
                continue;
            }
            // one of ours is `${<expr>}` starting with a resource or data address
            let rest = &template[i + 2..];
            let ours = b[i] == b'$'
                && (rest.starts_with("aws_")
                    || rest.starts_with("data.")
                    || rest.starts_with("var."));
            if !ours {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

impl UserData {
    /// The Terraform string template (interpolations as `${expr}`, text escaped).
    pub fn to_template(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => escape(t),
                Part::Interp { expr, .. } => format!("${{{expr}}}"),
            })
            .collect()
    }

    /// The script as the instance would see it, with each interpolation replaced by `f`.
    pub fn render_with(&self, f: impl Fn(&str) -> String) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Interp { expr, .. } => f(expr),
            })
            .collect()
    }

    /// The longest the rendered script can be, in bytes.
    pub fn worst_case_len(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.len(),
                Part::Interp { max_len, .. } => *max_len,
            })
            .sum()
    }
}

struct Builder(Vec<Part>);

impl Builder {
    fn text(&mut self, s: &str) {
        match self.0.last_mut() {
            Some(Part::Text(t)) => t.push_str(s),
            _ => self.0.push(Part::Text(s.to_string())),
        }
    }
    fn interp(&mut self, expr: String, max_len: usize) {
        self.0.push(Part::Interp { expr, max_len });
    }
}

/// The boot script for `payload` on `image`.
///
/// Amazon Linux 2023 (systemd 252) gets a `DynamicUser` unit with an ambient
/// `CAP_NET_BIND_SERVICE`. Amazon Linux 2 (systemd 219) knows neither directive and would
/// silently run the service as root, so there the script creates a system user and grants
/// the binary the capability with `setcap` instead.
///
/// A payload value that one of the target languages cannot carry (see [`try_render`]; the
/// checks refuse such payloads first) gives a script that installs nothing: it prints why
/// and exits 1.
pub fn render(payload: &Payload, image: Image) -> UserData {
    try_render(payload, image).unwrap_or_else(|e| refusal(&e))
}

/// The boot script for `payload` on `image`, or the first value that cannot be written
/// safely into it ([`Unrepresentable`]).
pub fn try_render(payload: &Payload, image: Image) -> Result<UserData, Unrepresentable> {
    use escape::{
        bash_comment, bash_heredoc, bash_word, systemd_environment, systemd_exec_path, systemd_text,
    };
    let bin = &payload.binary;
    let dir = format!("/opt/{bin}");
    let exe = format!("{dir}/{bin}");
    let svc = format!("{bin}.service");
    // Shell words.
    let dir_w = bash_word(&dir)?;
    let new_w = bash_word(&format!("{exe}.new"))?;
    let exe_w = bash_word(&exe)?;
    let bin_w = bash_word(bin)?;
    let unit_path_w = bash_word(&format!("/etc/systemd/system/{svc}"))?;
    let svc_w = bash_word(&svc)?;

    let mut b = Builder(Vec::new());
    b.text("#!/bin/bash\n");
    b.text(&format!(
        "# {}\n",
        bash_comment(&format!(
            "infra: install and start payload `{}` ({bin}) on port {}.",
            payload.name, payload.port
        ))?
    ));
    b.text("set -euo pipefail\n");
    b.text("BUCKET=");
    b.interp(format!("aws_s3_object.{}.bucket", payload.name), 63);
    b.text("\nKEY=");
    b.interp(format!("aws_s3_object.{}.key", payload.name), 160);
    b.text("\nREGION=");
    b.interp("data.aws_region.current.name".to_string(), 32);
    b.text("\n");
    b.text(&format!("install -d -m 0755 {dir_w}\n"));
    b.text(&format!(
        r#"for attempt in 1 2 3 4 5; do
  if aws s3 cp --only-show-errors --region "$REGION" "s3://$BUCKET/$KEY" {new_w}; then
    break
  fi
  if [ "$attempt" -eq 5 ]; then
    echo "infra: could not fetch s3://$BUCKET/$KEY" >&2
    exit 1
  fi
  sleep $((attempt * 3))
done
chmod 0755 {new_w}
mv -f {new_w} {exe_w}
"#
    ));

    // The unit file: systemd syntax, carried verbatim by a quoted here-document.
    let mut env = vec![
        (payload.port_env.clone(), payload.port.to_string()),
        ("BIND".to_string(), "0.0.0.0".to_string()),
    ];
    env.extend(payload.env.iter().cloned());
    let mut env_lines = String::new();
    for (k, v) in &env {
        env_lines.push_str(&format!("Environment={}\n", systemd_environment(k, v)?));
    }
    let (identity, hardening) = match image {
        Image::AmazonLinux2023 | Image::AmazonLinux2023Arm64 => (
            "DynamicUser=yes\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n".to_string(),
            "NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n\
             PrivateDevices=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\n\
             ProtectControlGroups=yes\nRestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n\
             RestrictNamespaces=yes\nLockPersonality=yes\nMemoryDenyWriteExecute=yes\n\
             SystemCallArchitectures=native\n",
        ),
        Image::AmazonLinux2 => {
            b.text(&format!(
                "id -u {bin_w} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin {bin_w}\n\
                 setcap cap_net_bind_service=+ep {exe_w}\n"
            ));
            let user = systemd_text(bin)?;
            (
                format!("User={user}\nGroup={user}\n"),
                // No directive that implies NoNewPrivileges= with User= (systemd >= 233: the
                // kernel would then ignore the setcap capability and the bind to port 80 fail):
                // PrivateDevices=, ProtectKernel*=, Restrict*=, ... (systemd.exec(5)).
                "ProtectSystem=full\nProtectHome=yes\nPrivateTmp=yes\n",
            )
        }
    };
    let unit = format!(
        "[Unit]\n\
         Description={description}\n\
         Wants=network-online.target\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         ExecStart={exec}\n\
         {env_lines}\
         {identity}\
         CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n\
         {hardening}\
         Restart=always\n\
         RestartSec=2\n\
         KillSignal=SIGTERM\n\
         TimeoutStopSec=25\n\
         \n\
         [Install]\n\
         WantedBy=multi-user.target\n",
        description = systemd_text(&format!("infra payload {} ({bin})", payload.name))?,
        exec = systemd_exec_path(&exe)?,
    );
    b.text(&format!(
        "cat > {unit_path_w} {}\
         systemctl daemon-reload\n\
         systemctl enable --now {svc_w}\n",
        bash_heredoc(UNIT_DELIMITER, &unit)?
    ));
    Ok(UserData { parts: b.0 })
}

/// The here-document delimiter of the unit file. No unit line can equal it: every line is
/// empty, a `[Section]` or a `Key=value`, and the escapers refuse newlines in values;
/// [`escape::bash_heredoc`] refuses it anyway.
pub const UNIT_DELIMITER: &str = "UNIT";

/// A boot script that installs nothing and says why: for a payload [`try_render`] refuses.
fn refusal(e: &Unrepresentable) -> UserData {
    // `Unrepresentable`'s message quotes the value with `{:?}`: no NUL or newline is left.
    let msg = escape::bash_quote(&format!("infra: not installing the payload: {e}"))
        .unwrap_or_else(|_| "'infra: not installing the payload'".to_string());
    UserData {
        parts: vec![Part::Text(format!("#!/bin/bash\necho {msg} >&2\nexit 1\n"))],
    }
}

/// The MIME boundary of [`multipart`].
pub const MIME_BOUNDARY: &str = "==infra-user-data==";

/// The cloud-config part: no package upgrade at boot. Amazon Linux 2's cloud-init runs a
/// `yum` security upgrade over plain HTTP (port 80) before user scripts; behind a
/// 443-only security group it waits about 3 minutes, past the health check grace period,
/// and the instances churn. Amazon Linux 2023 does not upgrade at boot (its repos use
/// HTTPS anyway); both images get the same part, so the user data has one shape.
pub const CLOUD_CONFIG: &str = "#cloud-config\nrepo_update: false\nrepo_upgrade: none\npackage_update: false\npackage_upgrade: false\n";

/// The user data as cloud-init reads it: a MIME multipart of [`CLOUD_CONFIG`] and the
/// script (`script` is text or a Terraform template; the wrapper adds no `${`).
pub fn multipart(script: &str) -> String {
    format!(
        "Content-Type: multipart/mixed; boundary=\"{b}\"\nMIME-Version: 1.0\n\n--{b}\nContent-Type: text/cloud-config; charset=\"us-ascii\"\n\n{CLOUD_CONFIG}\n--{b}\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\n\n{script}\n--{b}--\n",
        b = MIME_BOUNDARY
    )
}

/// The bytes [`multipart`] adds around the script.
pub fn multipart_overhead() -> usize {
    multipart("").len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Payload {
        Payload::new("site", "webapp", 80, "/health", &["/", "/health"])
    }

    #[test]
    fn escapes_shell_and_keeps_interpolations() {
        let ud = render(&site(), Image::AmazonLinux2023);
        let t = ud.to_template();
        assert!(t.contains("BUCKET=${aws_s3_object.site.bucket}\n"));
        assert!(t.contains("REGION=${data.aws_region.current.name}\n"));
        assert_eq!(unescaped_interpolation(&t), None);
        assert!(t.contains("DynamicUser=yes"));
        assert!(t.contains("Environment=\"PORT=80\""));
    }

    #[test]
    fn escaper_and_detector_agree() {
        assert_eq!(escape("echo ${HOME} %{x}"), "echo $${HOME} %%{x}");
        assert_eq!(unescaped_interpolation("echo $${HOME}"), None);
        assert_eq!(unescaped_interpolation("echo ${HOME}"), Some(5));
        assert_eq!(unescaped_interpolation("a %{ if x }"), Some(2));
        assert_eq!(unescaped_interpolation("${aws_lb.x.arn}"), None);
    }

    #[test]
    fn amazon_linux_2_gets_a_static_user_and_setcap() {
        let t = render(&site(), Image::AmazonLinux2).to_template();
        assert!(t.contains("useradd --system"));
        assert!(t.contains("setcap cap_net_bind_service=+ep /opt/webapp/webapp"));
        assert!(!t.contains("DynamicUser"));
        // Each of these implies NoNewPrivileges=yes once User= is set (systemd.exec(5)), and
        // no-new-privileges makes the kernel ignore the binary's file capability: the bind to
        // port 80 would fail (found by the boot test, tests/boot/RESULTS.md).
        for implies_nnp in [
            "NoNewPrivileges",
            "PrivateDevices",
            "ProtectKernelTunables",
            "ProtectKernelModules",
            "ProtectKernelLogs",
            "ProtectClock",
            "ProtectHostname",
            "MemoryDenyWriteExecute",
            "RestrictAddressFamilies",
            "RestrictNamespaces",
            "RestrictRealtime",
            "RestrictSUIDSGID",
            "LockPersonality",
            "SystemCallFilter",
            "SystemCallArchitectures",
        ] {
            assert!(
                !t.contains(&format!("{implies_nnp}=")),
                "{implies_nnp}= would block the file capability"
            );
        }
    }

    #[test]
    fn worst_case_length_counts_interpolations_at_their_maximum() {
        let ud = render(&site(), Image::AmazonLinux2023);
        let sample = ud.render_with(|_| "x".into());
        assert!(ud.worst_case_len() > sample.len());
        assert!(ud.worst_case_len() < MAX_BYTES);
    }
}
