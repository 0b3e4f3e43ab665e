//! The payload really boots: hello_stack's user data, exactly as Terraform renders it after
//! the emulated apply, run by real systemd and cloud-init in `systemd-nspawn --boot`
//! containers, each in a network namespace of its own with a fake IMDSv2 and the emulator's
//! S3, then checked from outside the way the load balancer sees the instances.
//! The harness is `infra_tests::boot`; what differs from EC2 is in tests/boot/README.md.
//!
//! `boot_to_first_200_bench` (ignored) is run by `scripts/bench-boot.sh` for the figures.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use infra_core::Image;
use infra_tests::boot::{self, Instance, InstanceSpec, Lab};
use infra_tests::{
    in_ci, repo_root, require_tool, scratch_dir, webapp_artifact, write_emulated_stack, Moto,
    Terraform,
};

const BIN: &str = env!("CARGO_BIN_EXE_hello_stack");
/// The payload's service, as the user data names it.
const SERVICE: &str = "webapp.service";
/// Generous bounds for a boot while four other containers boot on two cores.
const BOOT_TIMEOUT: Duration = Duration::from_secs(300);

/// What the boot test needs; `None` after a SKIPPED line (outside CI only).
struct Prerequisites {
    rootfs: PathBuf,
    artifact: PathBuf,
}

fn prerequisites() -> Option<Prerequisites> {
    let why = "the boot test runs instances as systemd-nspawn containers";
    if !boot::is_root() {
        assert!(!in_ci(), "the boot test needs root under CI ({why})");
        eprintln!("SKIPPED: the boot test needs root ({why})");
        return None;
    }
    for tool in ["systemd-nspawn", "ip", "nsenter"] {
        require_tool(tool, why)?;
    }
    let rootfs = boot::image_rootfs();
    if !rootfs.join("lib/systemd/systemd").is_file() {
        assert!(
            !in_ci(),
            "the instance image {} is missing and CI is set: run `bash scripts/build-instance-image.sh`",
            rootfs.display()
        );
        eprintln!(
            "SKIPPED: no instance image at {} (build it with `bash scripts/build-instance-image.sh`)",
            rootfs.display()
        );
        return None;
    }
    let artifact = webapp_artifact()?;
    Some(Prerequisites { rootfs, artifact })
}

/// hello_stack applied to the emulator, and the user data Terraform renders from it.
struct Applied {
    moto: Moto,
    bucket: String,
    key: String,
    region: String,
    /// The launch template's user data after apply (Amazon Linux 2023, the stack's image).
    user_data_al2023: Vec<u8>,
    /// The same stack with `image: amazon_linux_2`, rendered by Terraform from the same state.
    user_data_al2: Vec<u8>,
}

fn apply(dir: &Path, artifact: &Path) -> Option<Applied> {
    let moto = Moto::start(&dir.join("moto.log"))?;
    let out = Command::new(BIN).output().expect("run hello_stack");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write_emulated_stack(dir, &out.stdout, &moto.endpoint);
    let tf = Terraform::new(dir)?;
    let var = format!("site_artifact={}", artifact.display());
    tf.ok(&["init", "-no-color"]);
    tf.ok(&["apply", "-auto-approve", "-no-color", "-var", &var]);

    // What the apply left: the payload object, the region, the launch template's user data.
    let state: serde_json::Value =
        serde_json::from_str(&tf.ok(&["show", "-json", "-no-color"])).expect("show -json");
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("state resources");
    let values = |address: &str| {
        resources
            .iter()
            .find(|r| r["address"] == address)
            .map(|r| &r["values"])
            .unwrap_or_else(|| panic!("{address} is not in the state"))
    };
    let text = |v: &serde_json::Value, field: &str| {
        v[field]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} in {v}"))
            .to_string()
    };
    let object = values("aws_s3_object.site");
    let (bucket, key) = (text(object, "bucket"), text(object, "key"));
    let region = text(values("data.aws_region.current"), "name");
    let lt_user_data = text(values("aws_launch_template.web"), "user_data");
    let user_data_al2023 =
        infra_tests::base64_decode(&lt_user_data).expect("the launch template's user data");
    assert_eq!(
        tf.eval_string("local.web_user_data", &["-var", &var]),
        user_data_al2023,
        "terraform console and the launch template disagree"
    );

    // The lab sheet's image: the same stack with `image: amazon_linux_2`. Its user data
    // template, from its own main.tf.json, rendered by Terraform against the same state.
    let mut al2 = stacks::HelloStack::new().stack();
    for lt in &mut al2.launch_templates {
        lt.image = Image::AmazonLinux2;
    }
    let al2_json = infra_core::to_terraform(&al2).expect("the AL2 variant passes its checks");
    let template = al2_json["locals"]["web_user_data"].clone();
    assert!(
        template.is_string(),
        "no web_user_data local in the AL2 variant"
    );
    std::fs::write(
        dir.join("boot_test_al2.tf.json"),
        serde_json::json!({ "locals": { "boot_test_al2_user_data": template } }).to_string(),
    )
    .unwrap();
    let user_data_al2 = tf.eval_string("local.boot_test_al2_user_data", &["-var", &var]);

    for ud in [&user_data_al2023, &user_data_al2] {
        let ud = String::from_utf8_lossy(ud);
        for line in [
            format!("BUCKET={bucket}\n"),
            format!("KEY={key}\n"),
            format!("REGION={region}\n"),
        ] {
            assert!(ud.contains(&line), "user data lacks {line:?}:\n{ud}");
        }
    }
    Some(Applied {
        moto,
        bucket,
        key,
        region,
        user_data_al2023,
        user_data_al2,
    })
}

/// An EC2-style id, different for each instance of each run.
fn instance_id(n: u8) -> String {
    format!("i-0{:08x}{:08x}", std::process::id(), n)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"))
}

/// `systemctl show -p PROP --value SERVICE` inside the instance.
fn prop(inst: &mut Instance, name: &str) -> String {
    inst.sh(&["systemctl", "show", "-p", name, "--value", SERVICE])
}

/// Wait (up to 5 s: the service flushes its log every 100 ms, journald reads it
/// asynchronously) until the service's journal contains `needle`; the journal, or `None`.
fn journal_with(inst: &mut Instance, needle: &str) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let journal = inst.sh(&["journalctl", "-u", SERVICE, "-o", "cat", "--no-pager"]);
        if journal.contains(needle) {
            return Ok(journal);
        }
        if Instant::now() > deadline {
            return Err(journal);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Fields of `/proc/PID/status` of the service's main process, inside the instance.
fn main_status(inst: &mut Instance, field: &str) -> String {
    let pid = prop(inst, "MainPID");
    assert_ne!(pid, "0", "{}: {SERVICE} has no main process", inst.name);
    let status = inst.sh(&["cat", &format!("/proc/{pid}/status")]);
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {status}"))
        .trim()
        .to_string()
}

/// Everything a healthy instance must show, from outside and from inside.
fn check_serving(
    lab: &Lab,
    inst: &mut Instance,
    image: Image,
    port: u16,
    applied: &Applied,
    artifact: &[u8],
) {
    let id = inst.instance_id.clone();
    let who = format!("{} ({id}, {image:?})", inst.name);

    let (status, body) = lab.get(inst.socket(port), "/").expect("GET /");
    assert_eq!(status, 200, "{who}: GET / -> {body}");
    let v = json(&body);
    assert_eq!(v["instance_id"], id.as_str(), "{who}: GET / -> {body}");
    assert_eq!(
        v["message"],
        format!("Welcome! This is instance {id}."),
        "{who}"
    );
    let (status, body) = lab
        .get(inst.socket(port), "/hello/Ada")
        .expect("GET /hello/Ada");
    assert_eq!(status, 200, "{who}: GET /hello/Ada -> {body}");
    assert_eq!(
        json(&body)["message"],
        format!("Hello Ada from instance {id}!"),
        "{who}"
    );
    let health = stacks::HelloStack::new().site.health_path.clone();
    let (status, body) = lab.get(inst.socket(port), &health).expect("GET health");
    assert_eq!(status, 200, "{who}: GET {health} -> {body}");

    // cloud-init ran the user data without error, and the service is enabled and running.
    let result = inst.wait_cloud_init(BOOT_TIMEOUT);
    assert_eq!(
        result["v1"]["errors"],
        serde_json::json!([]),
        "{who}: {result}"
    );
    assert_eq!(
        inst.sh(&["systemctl", "is-active", SERVICE]),
        "active",
        "{who}"
    );
    assert_eq!(
        inst.sh(&["systemctl", "is-enabled", SERVICE]),
        "enabled",
        "{who}"
    );

    // The very object the apply uploaded, fetched through the emulator's S3 with the
    // instance profile's credentials from IMDS; the id learnt from IMDSv2.
    let installed = inst
        .read("/opt/webapp/webapp")
        .expect("read /opt/webapp/webapp");
    assert!(
        installed == artifact,
        "{who}: /opt/webapp/webapp is not the uploaded artifact"
    );
    assert!(applied.key.starts_with("webapp/"), "{}", applied.key);
    assert!(
        inst.s3_connections() > 0,
        "{who}: nothing went through the S3 relay"
    );
    let imds = inst.imds_log.lock().unwrap().clone();
    for want in [
        "PUT /latest/api/token 200".to_string(),
        format!(
            "GET /latest/meta-data/iam/security-credentials/{} 200",
            boot::IMDS_ROLE
        ),
        "GET /latest/meta-data/instance-id 200".to_string(),
    ] {
        assert!(
            imds.contains(&want),
            "{who}: IMDS never answered {want:?}: {imds:?}"
        );
    }
    if let Err(journal) = journal_with(inst, &format!("instance_id={id} source=Imds")) {
        panic!("{who}: the service did not learn its id from IMDS:\n{journal}");
    }

    // Never root: every uid and gid of the main process is not 0, and its only effective
    // capability is CAP_NET_BIND_SERVICE (bit 10), for the port below 1024.
    let uids: Vec<u32> = main_status(inst, "Uid")
        .split_whitespace()
        .map(|u| u.parse().unwrap())
        .collect();
    assert!(uids.iter().all(|&u| u != 0), "{who}: runs as uid {uids:?}");
    let gids = main_status(inst, "Gid");
    assert!(
        gids.split_whitespace().all(|g| g != "0"),
        "{who}: runs as gid {gids}"
    );
    assert_eq!(
        main_status(inst, "CapEff"),
        "0000000000000400",
        "{who}: CapEff"
    );
    match image {
        // DynamicUser: a uid from systemd's dynamic range 61184-65519.
        Image::AmazonLinux2023 | Image::AmazonLinux2023Arm64 => {
            assert!(
                (61184..=65519).contains(&uids[0]),
                "{who}: uid {uids:?} not dynamic"
            )
        }
        // The system user the script creates, and the file capability setcap gave.
        Image::AmazonLinux2 => {
            let user = inst.sh(&["id", "-u", "webapp"]);
            assert_eq!(uids[0].to_string(), user, "{who}: not the webapp user");
            let caps = inst.sh(&["getcap", "/opt/webapp/webapp"]);
            assert!(
                caps.contains("cap_net_bind_service"),
                "{who}: getcap -> {caps}"
            );
        }
    }
}

/// kill -9 of the main process: systemd (Restart=always) brings it back within 5 s.
fn check_restart(lab: &Lab, inst: &mut Instance, port: u16) {
    let old = prop(inst, "MainPID");
    let restarts: u32 = prop(inst, "NRestarts").parse().unwrap();
    inst.sh(&["kill", "-9", &old]);
    let killed = Instant::now();
    let back = loop {
        let pid = prop(inst, "MainPID");
        if pid != old && pid != "0" {
            if let Ok((200, _)) = lab.get(inst.socket(port), "/health") {
                break killed.elapsed();
            }
        }
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "{}: not serving again 5 s after kill -9 (MainPID {pid}, was {old})",
            inst.name
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        prop(inst, "NRestarts"),
        (restarts + 1).to_string(),
        "{}",
        inst.name
    );
    eprintln!("boot: {} back {back:?} after kill -9", inst.name);
}

/// `systemctl stop` while a request is in flight: the request completes, then the
/// service exits 0 (drained), not killed at the stop timeout.
fn check_drain(lab: &Lab, inst: &mut Instance, port: u16) {
    let who = inst.name.clone();
    // A slow client: the request line and a header now, the end of the request later.
    let mut conn: TcpStream = lab.connect(inst.socket(port)).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    conn.write_all(b"GET /hello/Ada HTTP/1.1\r\nHost: lab\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let stop = inst.spawn(&["systemctl", "stop", SERVICE]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = prop(inst, "ActiveState");
        if state == "deactivating" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{who}: {SERVICE} is {state}, never deactivating"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        prop(inst, "ActiveState"),
        "deactivating",
        "{who}: did not wait for the request"
    );

    conn.write_all(b"Connection: close\r\n\r\n")
        .expect("the rest of the request");
    let (status, body) = boot::read_response(&mut conn).expect("the in-flight request's answer");
    assert_eq!(status, 200, "{who}: in-flight request -> {body}");
    assert_eq!(
        json(&body)["message"],
        format!("Hello Ada from instance {}!", inst.instance_id),
        "{who}"
    );
    let out = stop.wait_with_output().expect("systemctl stop");
    assert!(out.status.success(), "{who}: systemctl stop: {out:?}");
    assert_eq!(prop(inst, "ActiveState"), "inactive", "{who}");
    assert_eq!(prop(inst, "Result"), "success", "{who}: stop result");
    assert_eq!(
        prop(inst, "ExecMainCode"),
        "1",
        "{who}: main process did not exit by itself"
    );
    assert_eq!(prop(inst, "ExecMainStatus"), "0", "{who}: exit status");
    if let Err(journal) = journal_with(inst, "level=INFO target=webapp stopped") {
        panic!("{who}: no clean stop logged:\n{journal}");
    }
}

/// S3 unreachable: the script retries, fails with its message in the cloud-init log, and
/// nothing ever listens on the app port.
fn check_fetch_failure(lab: &Lab, inst: &mut Instance, port: u16, applied: &Applied) {
    let who = inst.name.clone();
    let result = inst.wait_cloud_init(BOOT_TIMEOUT);
    let errors = result["v1"]["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        errors.iter().any(|e| e
            .as_str()
            .is_some_and(|e| e.contains("scripts_user") || e.contains("scripts-user"))),
        "{who}: cloud-init reports no failed user script: {result}"
    );
    let output = inst.read_text("/var/log/cloud-init-output.log");
    let message = format!(
        "infra: could not fetch s3://{}/{}",
        applied.bucket, applied.key
    );
    assert!(
        output.contains(&message),
        "{who}: no {message:?} in cloud-init-output.log:\n{output}"
    );
    let attempts = output
        .matches("Could not connect to the endpoint URL")
        .count();
    assert_eq!(attempts, 5, "{who}: expected 5 fetch attempts:\n{output}");
    let log = inst.read_text("/var/log/cloud-init.log");
    assert!(
        log.contains("Failed to run module scripts-user"),
        "{who}: cloud-init.log does not record the failure"
    );
    match lab.connect(inst.socket(port)) {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
        other => panic!("{who}: port {port} should refuse connections, got {other:?}"),
    }
    assert_eq!(
        inst.exec(&["systemctl", "is-active", SERVICE])
            .status
            .code(),
        Some(3),
        "{who}"
    );
    assert!(
        inst.read("/opt/webapp/webapp").is_err(),
        "{who}: a payload was installed"
    );
    eprintln!(
        "boot: {who}: S3 unreachable -> {attempts} attempts, failed in {:?}",
        inst.started.elapsed()
    );
}

#[test]
fn user_data_boots_the_payload_on_both_images() {
    let Some(pre) = prerequisites() else {
        return;
    };
    boot::sweep_stale();
    let dir = scratch_dir("boot");
    let Some(applied) = apply(&dir, &pre.artifact) else {
        return;
    };
    let artifact = std::fs::read(&pre.artifact).unwrap();
    let port = u16::try_from(stacks::HelloStack::new().site.port).unwrap();
    let lab = Lab::create();

    // Two instances of each image (each its own id), and one whose S3 is unreachable.
    let plan = [
        (Image::AmazonLinux2023, true),
        (Image::AmazonLinux2023, true),
        (Image::AmazonLinux2, true),
        (Image::AmazonLinux2, true),
        (Image::AmazonLinux2023, false),
    ];
    let mut instances: Vec<(Image, bool, Instance)> = plan
        .iter()
        .enumerate()
        .map(|(n, &(image, s3))| {
            let n = n as u8;
            let user_data = match image {
                Image::AmazonLinux2023 => applied.user_data_al2023.clone(),
                Image::AmazonLinux2 => applied.user_data_al2.clone(),
                // The instances are x86_64 containers; the arm64 unit is AL2023's (the
                // same text, another binary), checked by shellcheck and qemu-user.
                Image::AmazonLinux2023Arm64 => unreachable!("the boot test boots x86_64 images"),
            };
            let spec = InstanceSpec {
                instance_id: instance_id(n),
                user_data,
                s3_upstream: s3.then_some(applied.moto.port),
            };
            (image, s3, Instance::boot(&lab, &pre.rootfs, n, spec, &dir))
        })
        .collect();

    for (image, s3, inst) in &mut instances {
        if !*s3 {
            continue;
        }
        let took = inst.wait_200(&lab, port, "/health", BOOT_TIMEOUT);
        let took = took.unwrap_or_else(|| {
            let logs = inst.save_logs();
            let output = inst.read_text("/var/log/cloud-init-output.log");
            panic!(
                "{} ({image:?}) never answered 200 on /health within {BOOT_TIMEOUT:?}; logs in {}\n{output}",
                inst.name,
                logs.display(),
            )
        });
        eprintln!(
            "boot: {} ({image:?}) first 200 after {took:?} (5 booting at once)",
            inst.name
        );
    }
    for (image, s3, inst) in &mut instances {
        if *s3 {
            check_serving(&lab, inst, *image, port, &applied, &artifact);
        }
    }
    // Each instance names itself, and no two share an id.
    let mut ids: Vec<&str> = instances
        .iter()
        .map(|(_, _, i)| i.instance_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), plan.len());

    for n in [0, 2] {
        let (_, _, inst) = &mut instances[n];
        check_restart(&lab, inst, port);
        check_drain(&lab, inst, port);
    }
    let (_, _, failing) = &mut instances[4];
    check_fetch_failure(&lab, failing, port, &applied);
    assert_eq!(applied.region, "us-east-1");

    drop(instances);
    drop(lab);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Figures for scripts/bench-boot.sh: boot-to-first-200 of the webapp (both images) and of
/// the lab sheet's original approach (Python, pip install fastapi + uvicorn from a local
/// cache, uvicorn), interleaved, one instance at a time. Writes one line per boot.
#[test]
#[ignore = "a benchmark: scripts/bench-boot.sh runs it"]
fn boot_to_first_200_bench() {
    let Some(pre) = prerequisites() else {
        return;
    };
    let rounds: u8 = std::env::var("BOOT_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .clamp(1, 20);
    let out_path = std::env::var_os("BOOT_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/boot-bench/samples.tsv"));
    boot::sweep_stale();
    let dir = scratch_dir("boot-bench");
    let Some(applied) = apply(&dir, &pre.artifact) else {
        return;
    };
    let uvicorn = std::fs::read(repo_root().join("tests/boot/lab-uvicorn-user-data.sh")).unwrap();
    let lab = Lab::create();
    std::fs::create_dir_all(out_path.parent().unwrap()).unwrap();
    let mut out = std::fs::File::create(&out_path).unwrap();
    writeln!(out, "approach\tround\tboot_to_first_200_ms").unwrap();

    let approaches: Vec<(&str, &[u8], u16, &str)> = vec![
        ("webapp-al2023", &applied.user_data_al2023, 80, "/health"),
        ("webapp-al2", &applied.user_data_al2, 80, "/health"),
        ("lab-uvicorn", &uvicorn, 8000, "/"),
    ];
    let mut n = 0u8;
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..approaches.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (name, user_data, port, path) = approaches[i];
            let spec = InstanceSpec {
                instance_id: instance_id(n),
                user_data: user_data.to_vec(),
                s3_upstream: Some(applied.moto.port),
            };
            let mut inst = Instance::boot(&lab, &pre.rootfs, n % 60, spec, &dir);
            n += 1;
            let took = inst
                .wait_200(&lab, port, path, BOOT_TIMEOUT)
                .unwrap_or_else(|| panic!("{name}: no 200 on {port}{path}"));
            let (_, body) = lab.get(inst.socket(port), "/").expect("GET /");
            assert!(body.contains(&inst.instance_id), "{name}: {body}");
            writeln!(out, "{name}\t{round}\t{}", took.as_millis()).unwrap();
            eprintln!("boot-bench: round {round} {name}: {took:?}");
        }
    }
    drop(lab);
    let _ = std::fs::remove_dir_all(&dir);
}
