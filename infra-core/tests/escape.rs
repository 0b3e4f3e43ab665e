//! The escapers against reference readers written from each language's documented grammar,
//! with hostile values. The same values go through the real tools (terraform, bash,
//! systemd's own unit parser, shellcheck) in `tests/tests/escape_tools.rs`.

use infra_core::escape::samples::{SYSTEMD_HOSTILE, TERRAFORM_HOSTILE};
use infra_core::escape::{
    bash_comment, bash_heredoc, bash_quote, bash_word, systemd_environment, systemd_exec_path,
    systemd_quoted, systemd_text, terraform_template,
};
use infra_core::userdata::{self, unescaped_interpolation};
use infra_core::{Image, Payload};

/// Reads a Terraform template that should be all literal text (HCL native syntax spec,
/// "Template Literals"): `$${` and `%%{` are the literal `${` and `%{`; an unescaped `${`
/// or `%{` is an interpolation or directive, which is an error here.
fn terraform_literal(t: &str) -> Result<String, usize> {
    let mut out = String::new();
    let mut i = 0;
    let b = t.as_bytes();
    while i < b.len() {
        let c = b[i];
        if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
            out.push(c as char);
            out.push('{');
            i += 3;
        } else if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{') {
            return Err(i);
        } else {
            let ch = t[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    Ok(out)
}

#[test]
fn terraform_template_reads_back_every_hostile_value() {
    for v in TERRAFORM_HOSTILE {
        let e = terraform_template(v);
        assert_eq!(
            terraform_literal(&e).as_deref(),
            Ok(*v),
            "escaped {v:?} as {e:?}"
        );
        assert_eq!(unescaped_interpolation(&e), None, "detector on {e:?}");
    }
    // The reference reader is not vacuous.
    assert_eq!(terraform_literal("a${b}"), Err(1));
    assert_eq!(terraform_literal("%{ if x }"), Err(0));
}

#[test]
fn bash_quote_is_single_quotes_with_quote_escapes() {
    assert_eq!(bash_quote("it's").unwrap(), r"'it'\''s'");
    assert_eq!(bash_quote("").unwrap(), "''");
    assert_eq!(
        bash_quote("$(id) `id` \\ \n").unwrap(),
        "'$(id) `id` \\ \n'"
    );
    assert!(bash_quote("a\0b").is_err());
}

#[test]
fn bash_word_is_bare_only_for_plain_characters() {
    for plain in ["/opt/webapp/webapp.new", "webapp.service", "a-b_c+d:e,f@g"] {
        assert_eq!(bash_word(plain).unwrap(), plain);
    }
    for special in [
        "", "a b", "*", "?", "[a]", "~", "a=b", "{a,b}", "$x", "`x`", "'", "\"", "\\", "#", ";",
        "&", "|", "<", ">", "(", "!", "\n", "é",
    ] {
        assert_eq!(bash_word(special).unwrap(), bash_quote(special).unwrap());
    }
}

#[test]
fn bash_comment_and_heredoc_refuse_what_would_end_them() {
    assert_eq!(bash_comment("payload `x` (y)").unwrap(), "payload `x` (y)");
    assert!(bash_comment("x\nrm -rf /").is_err());
    assert!(bash_comment("x\r").is_err());

    assert_eq!(
        bash_heredoc("UNIT", "a=$HOME\n").unwrap(),
        "<<'UNIT'\na=$HOME\nUNIT\n"
    );
    assert!(bash_heredoc("UNIT", "a\nUNIT\nb\n").is_err());
    assert!(bash_heredoc("UNIT", "UNIT\n").is_err());
    assert!(bash_heredoc("UNIT", "no newline").is_err());
    assert!(bash_heredoc("UN'IT", "x\n").is_err());
    // Only a whole line equal to the delimiter ends it.
    assert!(bash_heredoc("UNIT", "UNIT \n UNIT\nUNITS\nX=UNIT\n").is_ok());
}

/// Reads one double-quoted item of a unit-file setting, per systemd.syntax(7) "Quoting"
/// (C escapes of Table 1) followed by specifier resolution (systemd.unit(5); only `%%` is
/// accepted here, any other specifier would be resolved by systemd and is an error).
fn systemd_unquote(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .ok_or("no opening quote")?
        .chars()
        .collect::<Vec<_>>();
    let mut out = String::new();
    let mut i = 0;
    let mut closed = false;
    while i < inner.len() {
        match inner[i] {
            '"' => {
                if i + 1 != inner.len() {
                    return Err(format!("text after the closing quote in {s:?}"));
                }
                closed = true;
                i += 1;
            }
            '\\' => {
                let c = *inner.get(i + 1).ok_or("trailing backslash")?;
                out.push(match c {
                    'a' => '\x07',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    's' => ' ',
                    c => return Err(format!("escape \\{c} not handled by this reader")),
                });
                i += 2;
            }
            c if c.is_control() => return Err(format!("raw control character {c:?}")),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    if !closed {
        return Err(format!("no closing quote in {s:?}"));
    }
    let mut resolved = String::new();
    let mut chars = out.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some('%') => resolved.push('%'),
                other => return Err(format!("specifier %{other:?} would be resolved")),
            }
        } else {
            resolved.push(c);
        }
    }
    Ok(resolved)
}

#[test]
fn systemd_quoted_reads_back_every_hostile_value() {
    for v in SYSTEMD_HOSTILE {
        let q = systemd_quoted(v).unwrap();
        assert_eq!(
            systemd_unquote(&q).as_deref(),
            Ok(*v),
            "quoted {v:?} as {q:?}"
        );
        let env = systemd_environment("X", v).unwrap();
        assert_eq!(systemd_unquote(&env), Ok(format!("X={v}")), "{env:?}");
        assert!(env.starts_with('"') && !env.contains('\n'));
    }
    // Not vacuous: the old rendering of `'` (as `"`) and an unescaped `%` do not read back.
    assert_ne!(systemd_unquote("\"X=it\"s\"").as_deref(), Ok("X=it's"));
    assert!(systemd_unquote("\"X=100%\"").is_err());
}

#[test]
fn systemd_escapers_refuse_what_systemd_cannot_carry() {
    for bad in [
        "a\nb",
        "a\rb",
        "\0",
        "tab\there",
        "\x1b[31m",
        "\u{7f}",
        "\u{85}",
    ] {
        assert!(systemd_quoted(bad).is_err(), "{bad:?}");
        assert!(systemd_environment("X", bad).is_err(), "{bad:?}");
        assert!(systemd_text(bad).is_err(), "{bad:?}");
    }
    for bad_name in ["", "1X", "X-Y", "X Y", "X=Y", "É"] {
        assert!(systemd_environment(bad_name, "v").is_err(), "{bad_name:?}");
    }
    let e = systemd_environment("X", "a\nb").unwrap_err();
    assert!(e.to_string().contains("control character '\\n'"), "{e}");
}

#[test]
fn systemd_exec_path_and_text() {
    assert_eq!(systemd_exec_path("/opt/a/b").unwrap(), "/opt/a/b");
    assert_eq!(
        systemd_exec_path("/opt/a b/it's \"x\" 100%").unwrap(),
        r#""/opt/a b/it's \"x\" 100%%""#
    );
    for bad in ["relative", "-/x", "@/x", "/opt/$X", "/opt/a\nb", ""] {
        assert!(systemd_exec_path(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        systemd_text("100% \"q\" 'x' \\ y $HOME").unwrap(),
        "100%% \"q\" 'x' \\ y $HOME"
    );
    for bad in [" lead", "trail ", "x\\", "a\nb"] {
        assert!(systemd_text(bad).is_err(), "{bad:?}");
    }
}

/// A payload whose environment holds every hostile value the systemd escaper accepts.
fn hostile_payload() -> Payload {
    let mut p = Payload::new("site", "webapp", 80, "/health", &["/"]);
    for (i, v) in SYSTEMD_HOSTILE.iter().enumerate() {
        p.env.push((format!("HOSTILE_{i}"), v.to_string()));
    }
    p
}

#[test]
fn rendered_user_data_carries_hostile_env_values_escaped() {
    for image in [Image::AmazonLinux2023, Image::AmazonLinux2] {
        let p = hostile_payload();
        let ud = userdata::try_render(&p, image).expect("all representable");
        let t = ud.to_template();
        assert_eq!(unescaped_interpolation(&t), None);
        let script = ud.render_with(|_| "x".into());
        for (k, v) in &p.env {
            let line = format!("\nEnvironment={}\n", systemd_environment(k, v).unwrap());
            assert!(script.contains(&line), "{line:?} missing");
        }
        // The value `UNIT` is inside its Environment= line, so the delimiter occurs once.
        assert_eq!(script.lines().filter(|l| *l == "UNIT").count(), 1);
        assert!(script.contains("\nEnvironment=\"HOSTILE_0=it's\"\n"));
    }
}

#[test]
fn an_unrepresentable_value_gives_a_script_that_installs_nothing() {
    let mut p = Payload::new("site", "webapp", 80, "/health", &["/"]);
    p.env.push(("X".into(), "a\nUNIT\nrm -rf /".into()));
    let e = userdata::try_render(&p, Image::AmazonLinux2023).unwrap_err();
    assert_eq!(e.value, "a\nUNIT\nrm -rf /");
    let script = userdata::render(&p, Image::AmazonLinux2023).render_with(|_| String::new());
    assert!(script.starts_with("#!/bin/bash\necho 'infra: not installing the payload: "));
    assert!(script.ends_with("\nexit 1\n"), "{script}");
    assert_eq!(script.lines().count(), 3, "{script}");
    assert!(!script.contains("systemctl"));

    let mut p = Payload::new("site", "webapp", 80, "/health", &["/"]);
    p.port_env = "PORT NUMBER".into();
    assert!(userdata::try_render(&p, Image::AmazonLinux2).is_err());
}
