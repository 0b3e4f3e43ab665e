//! The boot harness: instances started the way EC2 starts them, on this machine.
//!
//! Each instance is `systemd-nspawn --boot` of the image `scripts/build-instance-image.sh`
//! builds (Debian, systemd, cloud-init, the AWS CLI), read-only with a tmpfs overlay, in a
//! network namespace of its own. cloud-init's NoCloud datasource gives it its user data and
//! instance id. Its `eth0` is one end of a veth pair whose other end sits in a second
//! namespace, the "lab" (the VPC side: where the load balancer connects from, and where a
//! fake IMDSv2 answers at 169.254.169.254:80, one hop away as on EC2). Inside the instance's
//! namespace, the harness relays 127.0.0.1:4566 to the emulator (moto) on the host's
//! loopback. No address of the host is
//! used besides 127.0.0.1, and every namespace is the test's own.
//!
//! The sockets that serve inside a namespace are created by a thread that has entered it
//! (`setns`) and then served from ordinary threads, so no helper process runs in there.
//! Every namespace, container and server is removed by name or PID when its guard drops,
//! panics included; [`sweep_stale`] removes what a killed earlier run left behind.
//! tests/boot/README.md says what differs from EC2.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Where the AWS CLI in the image sends its requests (tests/boot/image/usr/local/lib/...).
pub const S3_RELAY_PORT: u16 = 4566;
/// The instance metadata service's address.
pub const IMDS_ADDR: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);
/// The role name the fake IMDS reports (the instance profile's role).
pub const IMDS_ROLE: &str = "hello-stack-web-role";

/// Every name this harness gives a namespace or a container starts with this.
const NAME_PREFIX: &str = "infra-boot-";

/// The prefix of this process's names: `infra-boot-<pid>-`.
pub fn name_prefix() -> String {
    format!("{NAME_PREFIX}{}-", std::process::id())
}

/// True when running as root (namespaces and containers need it).
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The image built by `scripts/build-instance-image.sh`.
pub fn image_rootfs() -> PathBuf {
    std::env::var_os("INSTANCE_IMAGE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::repo_root().join("target/instance-image"))
        .join("rootfs")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `ip ARGS`, panicking with its stderr on failure.
fn ip(args: &[&str]) {
    run(Command::new("ip").args(args));
}

/// A network namespace made with `ip netns add`, deleted (by name) when dropped.
pub struct NetNs {
    pub name: String,
}

impl NetNs {
    pub fn create(name: &str) -> NetNs {
        ip(&["netns", "add", name]);
        let ns = NetNs {
            name: name.to_string(),
        };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    pub fn path(&self) -> PathBuf {
        Path::new("/run/netns").join(&self.name)
    }

    /// `ip -n NAME ARGS`.
    pub fn ip(&self, args: &[&str]) {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all);
    }

    /// Run `f` on a thread that has entered this namespace. Sockets `f` creates belong
    /// to the namespace for their whole life, whichever thread uses them afterwards.
    pub fn enter<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let file = File::open(self.path())
            .unwrap_or_else(|e| panic!("open {}: {e}", self.path().display()));
        std::thread::scope(|s| {
            s.spawn(move || {
                // SAFETY: setns on a valid namespace fd; it changes only this thread.
                let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(rc, 0, "setns: {}", io::Error::last_os_error());
                f()
            })
            .join()
            .expect("thread inside the namespace panicked")
        })
    }

    /// The namespace's inode, as `/proc/PID/ns/net` shows it for its processes.
    fn inode(&self) -> u64 {
        std::fs::metadata(self.path()).map(|m| m.ino()).unwrap_or(0)
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .stderr(Stdio::null())
            .status();
    }
}

/// The PIDs (host view) of the processes living in the network namespace with `inode`
/// whose PID inside their own PID namespace is 1: a container's init.
fn inits_in_netns(inode: u64) -> Vec<u32> {
    let want = format!("net:[{inode}]");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/ns/net"))
                .is_ok_and(|l| l.to_string_lossy() == want)
        })
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("NSpid:"))
                    .is_some_and(|l| {
                        let ids: Vec<&str> = l.split_whitespace().collect();
                        ids.len() >= 2 && ids.last() == Some(&"1")
                    })
            })
        })
        .collect()
}

/// Remove what an earlier run of this harness left behind when it was killed before its
/// guards could run: namespaces named `infra-boot-<pid>-...` whose `<pid>` is gone, and
/// the containers (by their init's PID) still living in them.
pub fn sweep_stale() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        let Some(rest) = name.strip_prefix(NAME_PREFIX) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue; // its owner is alive (another run, or this one)
        }
        let ns = NetNs {
            name: name.to_string(),
        };
        for init in inits_in_netns(ns.inode()) {
            eprintln!("boot: removing container (init PID {init}) left in {name}");
            // SAFETY: plain kill(2) of a PID read from /proc just now.
            unsafe { libc::kill(init as i32, libc::SIGKILL) };
        }
        eprintln!("boot: removing stale namespace {name}");
        drop(ns);
    }
}

/// A TCP server the harness runs in a namespace; stopped (its listener shut down, its
/// accept thread joined) when dropped.
pub struct Server {
    listener: Arc<TcpListener>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Connections accepted so far.
    pub accepted: Arc<AtomicUsize>,
}

impl Server {
    fn spawn(listener: TcpListener, handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Server {
        let listener = Arc::new(listener);
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let handle = Arc::new(handle);
        let thread = {
            let (listener, stop, accepted) = (listener.clone(), stop.clone(), accepted.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    let handle = handle.clone();
                    std::thread::spawn(move || handle(conn));
                }
            })
        };
        Server {
            listener,
            stop,
            thread: Some(thread),
            accepted,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // SAFETY: shutdown(2) on the listener's own fd wakes the blocked accept().
        unsafe { libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RDWR) };
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One request read off a connection: method, path, headers (names lower-cased).
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn read(conn: &mut TcpStream) -> Option<Request> {
        conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            if buf.len() > 16 * 1024 || conn.read(&mut byte).ok()? == 0 {
                return None;
            }
            buf.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&buf);
        let mut lines = text.split("\r\n");
        let mut first = lines.next()?.split_whitespace();
        let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(Request {
            method,
            path,
            headers,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn respond(conn: &mut TcpStream, status: u16, reason: &str, body: &str) {
    let _ = write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The instance profile's credentials as IMDS serves them (moto accepts any).
const FAKE_CREDENTIALS: &str = r#"{"Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAFAKEBOOTTEST0001","SecretAccessKey":"fake-secret-for-the-emulator","Token":"fake-session-token","Expiration":"2099-01-01T00:00:00Z"}"#;

/// What the fake IMDS answered one instance, in order: `METHOD PATH STATUS`.
pub type ImdsLog = Arc<Mutex<Vec<String>>>;

/// The instances the fake IMDS knows, by their address: their id and their log.
type ImdsTable = Arc<Mutex<Vec<(Ipv4Addr, String, ImdsLog)>>>;

/// A fake IMDSv2, as EC2's with `http_tokens = required`: a token by PUT (with a TTL
/// header), then GETs carrying it; without a token, 401. Like EC2's, it tells instances
/// apart by where the request comes from, and answers each with its own instance id and
/// the instance profile's (fake) credentials, which the AWS CLI uses.
fn serve_imds(listener: TcpListener, table: ImdsTable) -> Server {
    Server::spawn(listener, move |mut conn| {
        let Ok(SocketAddr::V4(peer)) = conn.peer_addr() else {
            return;
        };
        let Some((instance_id, log)) = table
            .lock()
            .unwrap()
            .iter()
            .find(|(addr, _, _)| addr == peer.ip())
            .map(|(_, id, log)| (id.clone(), log.clone()))
        else {
            return;
        };
        let Some(req) = Request::read(&mut conn) else {
            return;
        };
        let token = format!("token-for-{instance_id}");
        let creds_prefix = "/latest/meta-data/iam/security-credentials/";
        let (status, body) = if req.method == "PUT" && req.path == "/latest/api/token" {
            match req.header("x-aws-ec2-metadata-token-ttl-seconds") {
                Some(_) => (200, token.clone()),
                None => (400, String::new()),
            }
        } else if req.method != "GET" {
            (405, String::new())
        } else if req.header("x-aws-ec2-metadata-token") != Some(token.as_str()) {
            (401, String::new())
        } else if req.path == "/latest/meta-data/instance-id" {
            (200, instance_id.clone())
        } else if req.path == creds_prefix {
            (200, IMDS_ROLE.to_string())
        } else if req.path.strip_prefix(creds_prefix) == Some(IMDS_ROLE) {
            (200, FAKE_CREDENTIALS.to_string())
        } else if req.path == "/latest/meta-data/placement/region" {
            (200, "us-east-1".to_string())
        } else {
            (404, String::new())
        };
        log.lock()
            .unwrap()
            .push(format!("{} {} {status}", req.method, req.path));
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            405 => "Method Not Allowed",
            _ => "Not Found",
        };
        respond(&mut conn, status, reason, &body);
    })
}

/// Forward each connection to `upstream` (a port on the host's 127.0.0.1), both ways.
fn serve_relay(listener: TcpListener, upstream: u16) -> Server {
    Server::spawn(listener, move |down| {
        let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)) else {
            return;
        };
        let pipe = |mut from: TcpStream, mut to: TcpStream| {
            std::thread::spawn(move || {
                let _ = io::copy(&mut from, &mut to);
                let _ = to.shutdown(std::net::Shutdown::Write);
            })
        };
        let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else {
            return;
        };
        let a = pipe(down, up);
        let b = pipe(up2, down2);
        let _ = a.join();
        let _ = b.join();
    })
}

/// The lab namespace: the VPC side of the instances. Each instance's `eth0` is wired to it
/// by a veth pair; the checks connect from here, as the load balancer would, and the fake
/// IMDS answers here at 169.254.169.254, as EC2's answers off the instance.
pub struct Lab {
    imds_table: ImdsTable,
    _imds: Server,
    pub netns: NetNs,
}

impl Lab {
    pub fn create() -> Lab {
        let netns = NetNs::create(&format!("{}lab", name_prefix()));
        netns.ip(&["addr", "add", &format!("{IMDS_ADDR}/32"), "dev", "lo"]);
        let listener =
            netns.enter(|| TcpListener::bind((IMDS_ADDR, 80)).expect("bind the fake IMDS"));
        let imds_table = ImdsTable::default();
        Lab {
            _imds: serve_imds(listener, imds_table.clone()),
            imds_table,
            netns,
        }
    }

    /// Wire `inst` as instance number `n`: `v<n>` here at 10.0.1.(4n+1)/30, `eth0` there at
    /// 10.0.1.(4n+2)/30 (inside the stack's first subnet, and only inside these two
    /// namespaces). Returns the instance's address.
    fn wire(&self, inst: &NetNs, n: u8) -> Ipv4Addr {
        assert!(n < 63, "at most 63 instances per lab");
        let here = Ipv4Addr::new(10, 0, 1, 4 * n + 1);
        let there = Ipv4Addr::new(10, 0, 1, 4 * n + 2);
        let veth = format!("v{n}");
        self.netns.ip(&[
            "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns", &inst.name,
        ]);
        self.netns
            .ip(&["addr", "add", &format!("{here}/30"), "dev", &veth]);
        self.netns.ip(&["link", "set", &veth, "up"]);
        inst.ip(&["addr", "add", &format!("{there}/30"), "dev", "eth0"]);
        inst.ip(&["link", "set", "eth0", "up"]);
        // IMDS is off the instance, one hop away, as on EC2; nothing else is routed.
        inst.ip(&[
            "route",
            "add",
            &format!("{IMDS_ADDR}/32"),
            "via",
            &here.to_string(),
        ]);
        there
    }

    /// A TCP connection from the lab namespace.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        self.netns
            .enter(move || TcpStream::connect_timeout(&addr, Duration::from_secs(2)))
    }

    /// `GET path` with `Connection: close`: the status and the body.
    pub fn get(&self, addr: SocketAddr, path: &str) -> io::Result<(u16, String)> {
        let mut conn = self.connect(addr)?;
        conn.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            conn,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        read_response(&mut conn)
    }
}

/// Read one HTTP/1.1 response up to the end of the connection: the status and the body.
pub fn read_response(conn: &mut TcpStream) -> io::Result<(u16, String)> {
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| io::Error::other(format!("no HTTP response: {text:?}")))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line: {head:?}")))?;
    Ok((status, body.to_string()))
}

/// What to boot.
pub struct InstanceSpec {
    /// EC2-style id the fake IMDS and the NoCloud meta-data give this instance.
    pub instance_id: String,
    /// The user data, byte for byte.
    pub user_data: Vec<u8>,
    /// The host's emulator port to relay S3 to, or `None`: S3 unreachable.
    pub s3_upstream: Option<u16>,
}

/// A booted (booting) instance. Dropping it kills the container (its init, by PID, which
/// ends its PID namespace), waits for `systemd-nspawn`, stops the servers and deletes the
/// namespace. On a panic it first copies the instance's logs to its scratch directory.
pub struct Instance {
    pub name: String,
    pub instance_id: String,
    pub addr: Ipv4Addr,
    /// When `systemd-nspawn` was started.
    pub started: Instant,
    pub imds_log: ImdsLog,
    scratch: PathBuf,
    nspawn: std::process::Child,
    init: Option<u32>,
    relay: Option<Server>,
    netns: NetNs,
}

impl Instance {
    /// Instance number `n` of `lab`, from `rootfs`, with `spec`. Files go to `scratch`.
    pub fn boot(lab: &Lab, rootfs: &Path, n: u8, spec: InstanceSpec, scratch: &Path) -> Instance {
        let name = format!("{}{n}", name_prefix());
        let netns = NetNs::create(&name);
        let addr = lab.wire(&netns, n);
        let imds_log = ImdsLog::default();
        {
            let mut table = lab.imds_table.lock().unwrap();
            table.retain(|(a, _, _)| *a != addr);
            table.push((addr, spec.instance_id.clone(), imds_log.clone()));
        }
        let relay = spec.s3_upstream.map(|upstream| {
            let listener = netns.enter(|| {
                TcpListener::bind(("127.0.0.1", S3_RELAY_PORT)).expect("bind the S3 relay")
            });
            serve_relay(listener, upstream)
        });

        let dir = scratch.join(&name);
        let seed = dir.join("seed");
        std::fs::create_dir_all(&seed).expect("create the seed dir");
        std::fs::write(
            seed.join("meta-data"),
            format!(
                "instance-id: {}\nlocal-hostname: ip-{}\n",
                spec.instance_id,
                addr.to_string().replace('.', "-")
            ),
        )
        .expect("write meta-data");
        std::fs::write(seed.join("user-data"), &spec.user_data).expect("write user-data");

        let console = File::create(dir.join("console.log")).expect("create console.log");
        let started = Instant::now();
        let nspawn = Command::new("systemd-nspawn")
            .args([
                "--quiet",
                "--boot",
                "--register=no",
                "--keep-unit",
                "--volatile=overlay",
                "--console=read-only",
                "--link-journal=no",
                "--resolv-conf=off",
                "--timezone=off",
            ])
            .arg(format!("--directory={}", rootfs.display()))
            .arg(format!("--machine={name}"))
            .arg(format!(
                "--network-namespace-path={}",
                netns.path().display()
            ))
            .arg(format!(
                "--bind-ro={}:/var/lib/cloud/seed/nocloud",
                seed.display()
            ))
            .stdin(Stdio::null())
            .stdout(console.try_clone().expect("dup console.log"))
            .stderr(console)
            .spawn()
            .expect("start systemd-nspawn");
        Instance {
            name,
            instance_id: spec.instance_id,
            addr,
            started,
            imds_log,
            scratch: dir,
            nspawn,
            init: None,
            relay,
            netns,
        }
    }

    /// The app's address as the load balancer sees it.
    pub fn socket(&self, port: u16) -> SocketAddr {
        SocketAddr::from((self.addr, port))
    }

    /// Connections the S3 relay has carried (0 when S3 is unreachable).
    pub fn s3_connections(&self) -> usize {
        self.relay
            .as_ref()
            .map_or(0, |r| r.accepted.load(Ordering::SeqCst))
    }

    /// The host PID of the container's init (systemd), once it runs.
    pub fn init_pid(&mut self) -> u32 {
        if let Some(pid) = self.init {
            return pid;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(pid) = inits_in_netns(self.netns.inode()).first() {
                self.init = Some(*pid);
                return *pid;
            }
            if let Ok(Some(status)) = self.nspawn.try_wait() {
                panic!(
                    "systemd-nspawn for {} exited ({status}) before booting:\n{}",
                    self.name,
                    std::fs::read_to_string(self.scratch.join("console.log")).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{}: no init after 30 s",
                self.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A command inside the container (all its namespaces, its root): like
    /// `ssh instance CMD` as root.
    fn nsenter(&mut self, args: &[&str]) -> Command {
        let pid = self.init_pid().to_string();
        let mut cmd = Command::new("nsenter");
        cmd.args(["-t", &pid, "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--"])
            .args(args)
            .env_clear()
            .env(
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            )
            .env("SYSTEMD_PAGER", "")
            .env("SYSTEMD_COLORS", "0")
            .stdin(Stdio::null());
        cmd
    }

    /// Run a command inside the container and wait for it.
    pub fn exec(&mut self, args: &[&str]) -> Output {
        self.nsenter(args).output().expect("run nsenter")
    }

    /// Start a command inside the container (output piped); the caller waits for it.
    pub fn spawn(&mut self, args: &[&str]) -> std::process::Child {
        self.nsenter(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run nsenter")
    }

    /// [`exec`](Self::exec), trimmed stdout; panics unless it succeeds.
    pub fn sh(&mut self, args: &[&str]) -> String {
        let out = self.exec(args);
        assert!(
            out.status.success(),
            "{}: {args:?} failed ({}):\n{}{}",
            self.name,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A file of the running container, read from the host (through its init's root).
    pub fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
        let pid = self.init_pid();
        std::fs::read(format!("/proc/{pid}/root{path}"))
    }

    /// [`read`](Self::read) as text, empty when absent.
    pub fn read_text(&mut self, path: &str) -> String {
        self.read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Wait until cloud-init has finished all its stages; its `result.json`.
    pub fn wait_cloud_init(&mut self, timeout: Duration) -> serde_json::Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(raw) = self.read("/run/cloud-init/result.json") {
                if let Ok(v) = serde_json::from_slice(&raw) {
                    return v;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{}: cloud-init did not finish in {timeout:?}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Poll `GET path` on `port` from the lab until it answers 200; the time since the
    /// container was started, or `None` after `timeout`.
    pub fn wait_200(
        &mut self,
        lab: &Lab,
        port: u16,
        path: &str,
        timeout: Duration,
    ) -> Option<Duration> {
        let addr = self.socket(port);
        while self.started.elapsed() < timeout {
            if let Ok((200, _)) = lab.get(addr, path) {
                return Some(self.started.elapsed());
            }
            if let Ok(Some(status)) = self.nspawn.try_wait() {
                panic!("{}: systemd-nspawn exited ({status})", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Copy the instance's logs (console, cloud-init, journal) to its scratch directory.
    pub fn save_logs(&mut self) -> PathBuf {
        if self.init.is_none() && inits_in_netns(self.netns.inode()).is_empty() {
            return self.scratch.clone();
        }
        for (path, file) in [
            ("/var/log/cloud-init.log", "cloud-init.log"),
            ("/var/log/cloud-init-output.log", "cloud-init-output.log"),
        ] {
            let _ = std::fs::write(self.scratch.join(file), self.read_text(path));
        }
        let journal = self.exec(&["journalctl", "-b", "--no-pager", "-o", "short-monotonic"]);
        let _ = std::fs::write(self.scratch.join("journal.log"), &journal.stdout);
        self.scratch.clone()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let dir = self.save_logs();
            eprintln!("boot: {} logs kept in {}", self.name, dir.display());
        }
        let mut inits = inits_in_netns(self.netns.inode());
        inits.extend(self.init);
        inits.sort_unstable();
        inits.dedup();
        for pid in inits {
            // SAFETY: kill(2) of this container's init, found by its namespace.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches!(self.nspawn.try_wait(), Ok(Some(_))) {
            if Instant::now() > deadline {
                let _ = self.nspawn.kill();
                let _ = self.nspawn.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // then the fields: the servers stop, the namespace is deleted
    }
}
