//! The committed provider-schema digest (`infra-core/schema/aws-5.100.0.digest`) is what the
//! generator writes today: terraform's schema of hashicorp/aws 5.100.0 from the offline
//! mirror, and the constraints from the pinned botocore. Any difference fails, with the
//! command that regenerates it.

use infra_tests::{in_ci, repo_root, require_tool, scratch_dir, tools_venv_bin, PROVIDER_MIRROR};
use std::path::Path;
use std::process::Command;

const DIGEST: &str = "infra-core/schema/aws-5.100.0.digest";

#[test]
fn committed_digest_matches_the_generator() {
    let Some(terraform) = require_tool("terraform", "it prints the provider schema") else {
        return;
    };
    let mirror = std::env::var("TF_PLUGIN_MIRROR").unwrap_or_else(|_| PROVIDER_MIRROR.into());
    if !Path::new(&mirror).is_dir() {
        assert!(!in_ci(), "the provider mirror {mirror} is missing");
        eprintln!("SKIPPED: the provider mirror {mirror} is missing; CI would fail here");
        return;
    }
    // botocore at the pinned version lives in the tools venv
    let python = tools_venv_bin().join("python");
    let has_botocore = python.is_file()
        && Command::new(&python)
            .args(["-c", "import botocore"])
            .status()
            .is_ok_and(|s| s.success());
    if !has_botocore {
        assert!(
            !in_ci(),
            "{} has no botocore: run `bash scripts/setup-tools.sh`",
            python.display()
        );
        eprintln!("SKIPPED: no botocore in the tools venv (bash scripts/setup-tools.sh); CI would fail here");
        return;
    }

    let root = repo_root();
    let out = scratch_dir("schema-digest").join("aws.digest");
    let run = Command::new("bash")
        .arg(root.join("scripts/gen-schema-digest.sh"))
        .arg(&out)
        .env("TERRAFORM", &terraform)
        .env("TF_PLUGIN_MIRROR", &mirror)
        .env("PYTHON", &python)
        .output()
        .expect("run scripts/gen-schema-digest.sh");
    assert!(
        run.status.success(),
        "scripts/gen-schema-digest.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    let fresh = std::fs::read_to_string(&out).expect("read the regenerated digest");
    let committed = std::fs::read_to_string(root.join(DIGEST)).expect("read the committed digest");
    if fresh != committed {
        let first = fresh
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(fresh.lines().count().min(committed.lines().count()));
        let line = |s: &str| s.lines().nth(first).unwrap_or("<end of file>").to_string();
        panic!(
            "{DIGEST} differs from what the generator writes now (first at line {}):\n  committed: {}\n  generated: {}\nRegenerate it with `bash scripts/gen-schema-digest.sh` and review the diff.",
            first + 1,
            line(&committed),
            line(&fresh),
        );
    }
    let _ = std::fs::remove_dir_all(out.parent().expect("scratch dir"));
}
