//! Shared state for teams: `backend: s3 { ... }` emits Terraform's S3 backend with its
//! native lock file, and against the emulator's S3 two concurrent runs on one state do not
//! both proceed: the second fails on the lock (or waits for it), and the state stays
//! intact.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use infra_macros::infra;
use infra_tests::{scratch_dir, tools_python, Moto, Terraform};

infra! {
    /// A small stack whose state a team shares.
    pub stack TeamStack {
        region: "us-east-1",
        backend: s3 { bucket: "team-tfstate", key: "team/terraform.tfstate" },

        vpc main { cidr: "10.1.0.0/16", public_subnets: ["10.1.1.0/24", "10.1.2.0/24"] }
        /// The VPC, to see the state hold something.
        output vpc_id = main.id;
    }
}

#[test]
fn the_backend_is_s3_with_the_native_lock_file() {
    let v = TeamStack::new().to_terraform().expect("checks pass");
    assert_eq!(
        v["terraform"]["backend"]["s3"],
        serde_json::json!({
            "bucket": "team-tfstate",
            "key": "team/terraform.tfstate",
            "region": "us-east-1",
            "encrypt": true,
            "use_lockfile": true,
        })
    );
    // No backend: the local state file, as before.
    let hello = stacks::HelloStack::new().to_terraform().unwrap();
    assert!(hello["terraform"].get("backend").is_none());
}

fn tf_command(tf: &Terraform, args: &[&str]) -> Command {
    let mut c = Command::new(&tf.bin);
    c.args(args)
        .current_dir(&tf.dir)
        .env("TF_CLI_CONFIG_FILE", tf.dir.join("offline.tfrc"))
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_INPUT")
        .env_remove("TF_LOG");
    c
}

#[test]
fn two_concurrent_runs_share_the_s3_state_through_its_lock() {
    let Some(python) = tools_python() else {
        return;
    };
    let dir = scratch_dir("s3-backend-lock");
    let Some(tf) = Terraform::new(&dir) else {
        return;
    };
    let Some(moto) = Moto::start(&dir.join("moto.log")) else {
        return;
    };
    let endpoint = moto.endpoint.clone();
    let s3 = |code: &str| {
        let out = Command::new(&python)
            .arg("-c")
            .arg(format!(
                "import boto3\ns3 = boto3.client('s3', endpoint_url='{endpoint}', aws_access_key_id='testing', aws_secret_access_key='testing', region_name='us-east-1')\n{code}"
            ))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    s3("s3.create_bucket(Bucket='team-tfstate')");

    std::fs::write(
        dir.join("main.tf.json"),
        TeamStack::new().to_json_string().unwrap(),
    )
    .unwrap();
    let template =
        std::fs::read_to_string(infra_tests::repo_root().join("tests/emulator/override.tf.json"))
            .unwrap();
    std::fs::write(
        dir.join("override.tf.json"),
        template.replace("__MOTO_ENDPOINT__", &endpoint),
    )
    .unwrap();
    // The emulator's endpoint and fake credentials, given at init: the stack's own backend
    // block (bucket, key, region, use_lockfile) stays as emitted.
    std::fs::write(
        dir.join("moto.s3.tfbackend"),
        format!(
            "endpoints = {{ s3 = \"{endpoint}\" }}\naccess_key = \"testing\"\nsecret_key = \"testing\"\nskip_credentials_validation = true\nskip_requesting_account_id = true\nskip_metadata_api_check = true\nskip_region_validation = true\nuse_path_style = true\n"
        ),
    )
    .unwrap();
    tf.ok(&["init", "-no-color", "-backend-config=moto.s3.tfbackend"]);
    tf.ok(&["apply", "-auto-approve", "-no-color"]);
    let before = tf.ok(&["state", "pull"]);
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(
        before["resources"].as_array().map(|r| !r.is_empty()),
        Some(true)
    );
    assert!(s3("print(s3.get_object(Bucket='team-tfstate', Key='team/terraform.tfstate')['ContentLength'])").trim() != "0");

    // A: an apply that holds the lock while it waits for its "yes".
    let mut a = tf_command(&tf, &["apply", "-no-color", "-replace=aws_vpc.main"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut a_out = a.stdout.take().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut a_out, &mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let start = Instant::now();
    while !seen.lock().unwrap().contains("Enter a value") {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "A never prompted:\n{}",
            seen.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        s3("print(s3.head_object(Bucket='team-tfstate', Key='team/terraform.tfstate.tflock')['ContentLength'])")
            .trim()
            .parse::<u64>()
            .is_ok(),
        "no lock file next to the state while A runs"
    );

    // B: a plan that does not wait fails on the lock.
    let b = tf.run(&["plan", "-no-color", "-lock-timeout=0s"]);
    let b_err = String::from_utf8_lossy(&b.stderr);
    assert!(!b.status.success(), "B planned while A held the lock");
    assert!(b_err.contains("Error acquiring the state lock"), "{b_err}");

    // C: a plan that waits for the lock, released when A is answered "no".
    let mut c = tf_command(
        &tf,
        &["plan", "-no-color", "-input=false", "-lock-timeout=120s"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        c.try_wait().unwrap().is_none(),
        "C did not wait for the lock"
    );
    a.stdin.take().unwrap().write_all(b"no\n").unwrap();
    let a_status = a.wait().unwrap();
    reader.join().unwrap();
    assert!(!a_status.success(), "A was answered no");
    assert!(
        seen.lock().unwrap().contains("Apply cancelled"),
        "{}",
        seen.lock().unwrap()
    );
    let c_out = c.wait_with_output().unwrap();
    assert!(
        c_out.status.success(),
        "C failed after the lock was released:\n{}",
        String::from_utf8_lossy(&c_out.stderr)
    );

    // The state is intact: same lineage and serial, same resources, no lock left.
    let after: serde_json::Value = serde_json::from_str(&tf.ok(&["state", "pull"])).unwrap();
    assert_eq!(after["lineage"], before["lineage"]);
    assert_eq!(after["serial"], before["serial"]);
    assert_eq!(after["resources"], before["resources"]);
    assert_eq!(
        s3("print(len(s3.list_objects_v2(Bucket='team-tfstate', Prefix='team/terraform.tfstate.tflock').get('Contents', [])))").trim(),
        "0"
    );
    tf.ok(&["destroy", "-auto-approve", "-no-color"]);
    let _ = std::fs::remove_dir_all(&dir);
}
