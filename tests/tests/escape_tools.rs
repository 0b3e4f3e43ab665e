//! Each escaper of `infra_core::escape` against the real reader of its language, with
//! hostile values: terraform (offline `terraform console`), bash, systemd's own unit-file
//! parser (`systemd --test`, offline, no running systemd needed) and shellcheck. A missing
//! tool fails under CI and prints SKIPPED elsewhere ([`require_tool`]).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use infra_core::escape::samples::{BASH_HOSTILE, SYSTEMD_HOSTILE, TERRAFORM_HOSTILE};
use infra_core::escape::{
    bash_heredoc, bash_quote, bash_word, hcl_string, systemd_environment, systemd_quoted,
    systemd_text, terraform_template,
};
use infra_core::userdata::{self, Part};
use infra_core::{Image, Payload};
use infra_tests::{assert_shellcheck_clean, in_ci, require_tool, scratch_dir};

// ---------------------------------------------------------------------------------------
// Terraform

/// Standard base64 (what `base64encode` prints), decoded.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c:?}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (val(c) as u32) << (18 - 6 * i);
        }
        let take = chunk.len() * 6 / 8;
        out.extend(&n.to_be_bytes()[1..1 + take]);
    }
    out
}

/// Write `values` (each passed through `escape`) as a Terraform local in JSON syntax, as
/// the emitter writes `main.tf.json`, and read the list back with `terraform console`.
fn terraform_reads(name: &str, values: &[String]) -> Option<Vec<String>> {
    let escaped: Vec<String> = values.iter().map(|v| terraform_template(v)).collect();
    terraform_evaluates(name, serde_json::json!(escaped))
}

/// Terraform's value of `local.v`, written as `v` in JSON syntax, as a list of strings.
fn terraform_evaluates(name: &str, v: serde_json::Value) -> Option<Vec<String>> {
    let tf = require_tool("terraform", "reads back escaped Terraform templates")?;
    let dir = scratch_dir(name);
    let config = serde_json::json!({ "locals": { "v": v } });
    std::fs::write(dir.join("main.tf.json"), config.to_string()).unwrap();
    let mut child = Command::new(tf)
        .args(["console", "-no-color"])
        .current_dir(&dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env_remove("TF_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run terraform console");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"base64encode(jsonencode(local.v))\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "terraform console in {}:\n{stdout}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let b64 = stdout.trim().trim_matches('"');
    let back: Vec<String> = serde_json::from_slice(&base64_decode(b64)).expect("a JSON list");
    let _ = std::fs::remove_dir_all(&dir);
    Some(back)
}

/// Hostile values written as HCL quoted strings inside `${ .. }` (what a raw resource's
/// `json(..)` emits) come back as themselves.
#[test]
fn terraform_reads_back_hostile_values_as_hcl_strings() {
    let values: Vec<String> = TERRAFORM_HOSTILE.iter().map(|s| s.to_string()).collect();
    let list = values
        .iter()
        .map(|v| hcl_string(v))
        .collect::<Vec<_>>()
        .join(", ");
    let expr = serde_json::json!(format!("${{[{list}]}}"));
    if let Some(back) = terraform_evaluates("escape-hcl-string", expr) {
        assert_eq!(back, values);
    }
}

#[test]
fn terraform_reads_back_escaped_hostile_values() {
    let values: Vec<String> = TERRAFORM_HOSTILE.iter().map(|s| s.to_string()).collect();
    if let Some(back) = terraform_reads("escape-terraform", &values) {
        assert_eq!(back, values);
    }
}

/// Every literal part of a boot script with hostile environment values, as Terraform reads
/// it, is the text the script means.
#[test]
fn terraform_reads_back_the_literal_text_of_hostile_user_data() {
    let mut p = hostile_payload();
    p.env
        .extend(TERRAFORM_HOSTILE.iter().enumerate().filter_map(|(i, v)| {
            systemd_environment("TF", v).ok()?;
            Some((format!("TF_{i}"), v.to_string()))
        }));
    let texts: Vec<String> = userdata::try_render(&p, Image::AmazonLinux2023)
        .unwrap()
        .parts
        .into_iter()
        .filter_map(|part| match part {
            Part::Text(t) => Some(t),
            Part::Interp { .. } => None,
        })
        .collect();
    if let Some(back) = terraform_reads("escape-terraform-user-data", &texts) {
        assert_eq!(back, texts);
    }
}

// ---------------------------------------------------------------------------------------
// bash

fn bash() -> Option<PathBuf> {
    require_tool("bash", "reads back quoted shell words")
}

/// Run `script` with bash; its stdout.
fn bash_out(bash: &Path, script: &str) -> Vec<u8> {
    let out = Command::new(bash)
        .args(["--norc", "--noprofile", "-c", script])
        .current_dir(std::env::temp_dir())
        .env("HOME", "/home-of-test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -c {script:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn bash_reads_back_quoted_hostile_words() {
    let Some(bash) = bash() else { return };
    for v in BASH_HOSTILE {
        for (how, word) in [("quote", bash_quote(v)), ("word", bash_word(v))] {
            let word = word.unwrap();
            // One word: printf prints it once, between brackets.
            let script = format!("printf '[%s]' {word}");
            let got = bash_out(&bash, &script);
            assert_eq!(
                String::from_utf8_lossy(&got),
                format!("[{v}]"),
                "bash_{how}({v:?}) = {word}"
            );
        }
    }
}

#[test]
fn bash_here_document_carries_its_body_verbatim() {
    let Some(bash) = bash() else { return };
    let body: String = BASH_HOSTILE
        .iter()
        .chain(SYSTEMD_HOSTILE)
        .filter(|v| !v.contains('\n') && **v != "UNIT")
        .map(|v| format!("{v}\n"))
        .collect();
    let body = format!("{body} UNIT\nUNIT \nX=UNIT\n");
    let doc = bash_heredoc("UNIT", &body).unwrap();
    let got = bash_out(&bash, &format!("cat {doc}echo after"));
    assert_eq!(String::from_utf8(got).unwrap(), format!("{body}after\n"));
}

// ---------------------------------------------------------------------------------------
// systemd

/// systemd's manager binary (not on PATH: it lives in the systemd library directory).
fn systemd() -> Option<PathBuf> {
    let found = ["/usr/lib/systemd/systemd", "/lib/systemd/systemd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    match found {
        Some(p) => Some(p),
        None if in_ci() => panic!(
            "systemd is not installed and CI is set: its unit parser reads back the escaped \
             unit lines. Install the `systemd` package (it need not run)."
        ),
        None => {
            infra_tests::skipped("no /usr/lib/systemd/systemd (reads back escaped unit lines)");
            None
        }
    }
}

/// The settings systemd itself parses from `unit` (a file name and its text): loads it with
/// `systemd --test --user` (prints the loaded units and exits; needs no running systemd)
/// and returns the `Environment:` entries and the `Description:` of that unit, failing on
/// any warning about the file. As root, runs as `nobody` (test mode refuses root).
fn systemd_parses(name: &str, unit_name: &str, unit: &str) -> Option<(Vec<String>, String)> {
    let systemd = systemd()?;
    // Under /tmp: the unprivileged user must reach it.
    let dir = std::env::temp_dir().join(format!("infra-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let units = dir.join("units");
    let (home, run) = (dir.join("home"), dir.join("run"));
    for d in [&dir, &units, &home, &run] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let file = units.join(unit_name);
    std::fs::write(&file, unit).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();

    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let mut cmd = if root {
        let setpriv = require_tool("setpriv", "runs systemd's test mode unprivileged as root")?;
        for d in [&home, &run] {
            std::os::unix::fs::chown(d, Some(65534), Some(65534)).unwrap();
        }
        let mut c = Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&systemd);
        c
    } else {
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        Command::new(&systemd)
    };
    let out = cmd
        .args(["--test", "--user", "--no-pager"])
        .arg(format!("--unit={unit_name}"))
        // Our directory first, then the usual path (the trailing `:`).
        .env("SYSTEMD_UNIT_PATH", format!("{}:", units.display()))
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &run)
        .env("SYSTEMD_LOG_TARGET", "console")
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "systemd --test:\n{stderr}");
    let about_us: Vec<&str> = stderr.lines().filter(|l| l.contains(unit_name)).collect();
    assert!(
        about_us.is_empty(),
        "systemd warned:\n{}",
        about_us.join("\n")
    );
    let section: Vec<&str> = stdout
        .lines()
        .skip_while(|l| l.trim() != format!("-> Unit {unit_name}:"))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("-> Unit "))
        .collect();
    assert!(!section.is_empty(), "{unit_name} not loaded:\n{stderr}");
    let field = |name: &str| {
        section
            .iter()
            .filter_map(|l| l.trim_start().strip_prefix(name).map(str::to_string))
            .collect::<Vec<_>>()
    };
    let env = field("Environment: ");
    let description = field("Description: ")
        .into_iter()
        .next()
        .unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Some((env, description))
}

#[test]
fn systemd_reads_back_escaped_environment_and_description() {
    let mut unit = String::from("[Unit]\nDescription=");
    let description = "100% \"q\" 'x' \\ y $HOME %n ; #";
    unit.push_str(&systemd_text(description).unwrap());
    unit.push_str("\n\n[Service]\nExecStart=/bin/true\n");
    let mut want = Vec::new();
    for (i, v) in SYSTEMD_HOSTILE.iter().enumerate() {
        let k = format!("HOSTILE_{i}");
        unit.push_str(&format!(
            "Environment={}\n",
            systemd_environment(&k, v).unwrap()
        ));
        want.push(format!("{k}={v}"));
        // The bare quoted item too (Environment= takes a list of them on one line).
        unit.push_str(&format!(
            "Environment={}\n",
            systemd_quoted(&format!("Q{i}={v}")).unwrap()
        ));
        want.push(format!("Q{i}={v}"));
    }
    let Some((env, got_description)) =
        systemd_parses("escape-systemd", "infra-escape-test.service", &unit)
    else {
        return;
    };
    assert_eq!(env, want, "--- unit ---\n{unit}");
    assert_eq!(got_description, description);
}

// ---------------------------------------------------------------------------------------
// A whole boot script

fn hostile_payload() -> Payload {
    let mut p = Payload::new("site", "webapp", 80, "/health", &["/"]);
    for (i, v) in SYSTEMD_HOSTILE.iter().enumerate() {
        p.env.push((format!("HOSTILE_{i}"), v.to_string()));
    }
    p
}

/// A boot script with hostile environment values passes `bash -n` and shellcheck; the unit
/// file its here-document writes (run by bash into a scratch directory) holds the escaped
/// lines, and systemd reads every value back exactly.
#[test]
fn hostile_user_data_stays_valid_and_systemd_reads_the_values_back() {
    let Some(bash) = bash() else { return };
    let shellcheck = require_tool("shellcheck", "lints the user data");
    for image in [Image::AmazonLinux2023, Image::AmazonLinux2] {
        let p = hostile_payload();
        let script = userdata::try_render(&p, image)
            .unwrap()
            .render_with(|expr| match expr {
                e if e.ends_with(".bucket") => "hello-stack-site-artifact-2026".into(),
                e if e.ends_with(".key") => "webapp/0123abcd".into(),
                _ => "us-east-1".into(),
            });
        let dir = scratch_dir(&format!("escape-user-data-{image:?}"));
        let file = dir.join("user-data.sh");
        std::fs::write(&file, &script).unwrap();

        let out = Command::new(&bash).arg("-n").arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "bash -n ({image:?}): {}\n{script}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(shellcheck) = &shellcheck {
            assert_shellcheck_clean(shellcheck, &file, &format!("{image:?}"), &script);
        }

        // The script's own unit-writing command, from `cat >` to the line after `UNIT`,
        // pointed at the scratch directory and run by bash.
        let start = script.find("cat > /etc/systemd/system/").unwrap();
        let end = start + script[start..].find("\nUNIT\n").unwrap() + "\nUNIT\n".len();
        let write_unit =
            script[start..end].replacen("/etc/systemd/system/", &format!("{}/", dir.display()), 1);
        bash_out(&bash, &write_unit);
        let unit = std::fs::read_to_string(dir.join("webapp.service")).unwrap();
        for (k, v) in &p.env {
            let line = format!("\nEnvironment={}\n", systemd_environment(k, v).unwrap());
            assert!(unit.contains(&line), "{line:?} not in\n{unit}");
        }
        assert!(unit.ends_with("WantedBy=multi-user.target\n"), "{unit}");

        if let Some((env, description)) =
            systemd_parses(&format!("escape-ud-{image:?}"), "webapp.service", &unit)
        {
            let mut want = vec!["PORT=80".to_string(), "BIND=0.0.0.0".to_string()];
            want.extend(p.env.iter().map(|(k, v)| format!("{k}={v}")));
            assert_eq!(env, want, "--- unit ---\n{unit}");
            assert_eq!(description, "infra payload site (webapp)");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
