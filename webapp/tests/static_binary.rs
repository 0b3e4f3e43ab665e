//! The static build: the artifact of `cargo webapp-static` has no ELF interpreter and no
//! DT_NEEDED entries (nothing to load at run time), and it serves `/health` with a dead IMDS.
//! The same for the aarch64 artifact of `scripts/build-payload.sh aarch64` (web_stack's
//! Graviton payload), run under Debian's qemu-user (`qemu-aarch64`).
//!
//! Which binary is checked:
//! * `WEBAPP_STATIC_BIN=/path/to/webapp` if set (it must exist; a relative path is taken
//!   from the workspace root);
//! * in CI (`CI` set) that variable is REQUIRED: the test fails loudly without it
//!   (`.ci` builds with `cargo webapp-static` first);
//! * locally, `target/x86_64-unknown-linux-gnu/release/webapp` if present, else the test
//!   builds a static debug binary into `target/webapp-static-test` (slow, once).

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use common::{closed_port, free_port, http_get, sigterm_and_wait, wait_healthy};

const TRIPLE: &str = "x86_64-unknown-linux-gnu";
const STATIC_FLAGS: &str =
    "target.x86_64-unknown-linux-gnu.rustflags = ['-C', 'target-feature=+crt-static']";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn static_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("WEBAPP_STATIC_BIN").filter(|p| !p.is_empty()) {
        let mut p = PathBuf::from(p);
        // Tests run in webapp/: a relative path is taken from the workspace root.
        if p.is_relative() && !p.is_file() {
            p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p);
        }
        assert!(
            p.is_file(),
            "WEBAPP_STATIC_BIN={} does not exist; build it with `cargo webapp-static`",
            p.display()
        );
        return p;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but WEBAPP_STATIC_BIN is not: build with `cargo webapp-static` and set \
         WEBAPP_STATIC_BIN=target/{TRIPLE}/release/webapp"
    );
    let release = target_dir().join(TRIPLE).join("release/webapp");
    if release.is_file() {
        return release;
    }
    let dir = target_dir().join("webapp-static-test");
    eprintln!(
        "building a static webapp into {} (slow, once)",
        dir.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "-p",
            "webapp",
            "--target",
            TRIPLE,
            "--config",
            STATIC_FLAGS,
        ])
        .arg("--target-dir")
        .arg(&dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .expect("run cargo");
    assert!(status.success(), "static build failed");
    dir.join(TRIPLE).join("debug/webapp")
}

/// What the dynamic loader would need: the PT_INTERP path and the DT_NEEDED count.
#[derive(Debug, PartialEq, Eq)]
struct Linking {
    interp: Option<String>,
    needed: usize,
}

fn u16_at(b: &[u8], o: usize) -> usize {
    u16::from_le_bytes(b[o..o + 2].try_into().unwrap()) as usize
}
fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], o: usize) -> usize {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap()) as usize
}

/// ELF `e_machine` values.
const EM_X86_64: usize = 62;
const EM_AARCH64: usize = 183;

/// Minimal ELF64 little-endian reader: program headers, then the dynamic segment.
fn linking(elf: &[u8]) -> Linking {
    linking_for(elf, EM_X86_64)
}

/// [`linking`] for an ELF of machine `machine`.
fn linking_for(elf: &[u8], machine: usize) -> Linking {
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    const DT_NULL: usize = 0;
    const DT_NEEDED: usize = 1;
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not ELF64");
    assert_eq!(elf[5], 1, "not little-endian");
    assert_eq!(u16_at(elf, 0x12), machine, "not the expected machine");
    let (phoff, phentsize, phnum) = (u64_at(elf, 0x20), u16_at(elf, 0x36), u16_at(elf, 0x38));
    let mut out = Linking {
        interp: None,
        needed: 0,
    };
    for i in 0..phnum {
        let ph = &elf[phoff + i * phentsize..][..phentsize];
        let (offset, size) = (u64_at(ph, 8), u64_at(ph, 32));
        let data = &elf[offset..offset + size];
        match u32_at(ph, 0) {
            PT_INTERP => {
                out.interp = Some(
                    String::from_utf8_lossy(data)
                        .trim_end_matches('\0')
                        .to_string(),
                )
            }
            // A static-pie still has PT_DYNAMIC (its own relocations), but no DT_NEEDED.
            PT_DYNAMIC => {
                for entry in data.chunks_exact(16) {
                    match u64_at(entry, 0) {
                        DT_NULL => break,
                        DT_NEEDED => out.needed += 1,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn elf_reader_sees_a_dynamic_binary() {
    // The ordinary test build of the same binary is dynamically linked: the reader must say so.
    let elf = std::fs::read(env!("CARGO_BIN_EXE_webapp")).unwrap();
    let l = linking(&elf);
    assert!(l.interp.is_some() && l.needed > 0, "{l:?}");
}

#[tokio::test]
async fn static_binary_is_static_and_serves_health() {
    let bin = static_bin();
    let elf = std::fs::read(&bin).unwrap();
    assert_eq!(
        linking(&elf),
        Linking {
            interp: None,
            needed: 0
        },
        "{} is not statically linked",
        bin.display()
    );

    // Empty environment except what we set: dead IMDS, id from INSTANCE_ID.
    let port = free_port();
    let mut child = Command::new(&bin)
        .env_clear()
        .env("PORT", port.to_string())
        .env("BIND", "127.0.0.1")
        .env("WORKERS", "1")
        .env(
            "IMDS_ENDPOINT",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("INSTANCE_ID", "i-0static")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()));
    let took = wait_healthy(port, Duration::from_secs(5), &mut child).await;
    assert!(took < Duration::from_secs(3), "first /health took {took:?}");
    let r = http_get(port, "/health").await.unwrap();
    assert_eq!(r.status, 200);
    let r = http_get(port, "/").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["instance_id"], "i-0static");
    let status = sigterm_and_wait(&mut child, Duration::from_secs(25)).await;
    assert!(status.success(), "{status}");
}

/// The aarch64 artifact: `WEBAPP_STATIC_BIN_AARCH64`, else its default path. Required in
/// CI (`.ci/run` builds it); skipped elsewhere when absent.
fn aarch64_bin() -> Option<PathBuf> {
    let p = std::env::var_os("WEBAPP_STATIC_BIN_AARCH64")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() && !p.is_file() {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| {
            target_dir()
                .join("aarch64-unknown-linux-gnu")
                .join("release/webapp")
        });
    if p.is_file() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but the aarch64 payload {} is missing: build it with `bash scripts/build-payload.sh aarch64`",
        p.display()
    );
    eprintln!("SKIPPED: no aarch64 payload at {}", p.display());
    None
}

fn qemu_aarch64() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("qemu-aarch64"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but qemu-aarch64 is missing (apt qemu-user; bash scripts/setup-tools.sh)"
        );
        eprintln!("SKIPPED: qemu-aarch64 not on PATH");
    }
    found
}

#[tokio::test]
async fn aarch64_binary_is_static_and_serves_health_under_qemu() {
    let (Some(bin), Some(qemu)) = (aarch64_bin(), qemu_aarch64()) else {
        return;
    };
    let elf = std::fs::read(&bin).unwrap();
    assert_eq!(
        linking_for(&elf, EM_AARCH64),
        Linking {
            interp: None,
            needed: 0
        },
        "{} is not a statically linked aarch64 binary",
        bin.display()
    );
    let port = free_port();
    let mut child = Command::new(&qemu)
        .arg(&bin)
        .env_clear()
        .env("PORT", port.to_string())
        .env("BIND", "127.0.0.1")
        .env("WORKERS", "1")
        .env(
            "IMDS_ENDPOINT",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("INSTANCE_ID", "i-0graviton")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("run {} under {}: {e}", bin.display(), qemu.display()));
    // Emulated: slower to start than the native binary, so no start-up budget here.
    wait_healthy(port, Duration::from_secs(30), &mut child).await;
    let r = http_get(port, "/health").await.unwrap();
    assert_eq!(r.status, 200);
    let r = http_get(port, "/").await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["instance_id"], "i-0graviton");
    let status = sigterm_and_wait(&mut child, Duration::from_secs(25)).await;
    assert!(status.success(), "{status}");
}
