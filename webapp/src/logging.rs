//! A tiny `log` backend (and the access log's sink): one line per record on stdout, written through a 64 KiB buffer that
//! a background thread flushes every [`FLUSH_EVERY`] (and on [`flush`], and when full).
//!
//! Why not a line-buffered stdout: at tens of thousands of requests per second one `write(2)`
//! per access-log line is a measurable share of the CPU per request. Buffering costs at most
//! [`FLUSH_EVERY`] of log latency; `main` calls [`flush`] after the server stops. When stdout
//! is a terminal every line is flushed at once.

use std::{
    io::{self, BufWriter, IsTerminal, Write},
    sync::{Mutex, OnceLock},
    time::Duration,
};

use log::{Level, LevelFilter, Log, Metadata, Record};

pub const FLUSH_EVERY: Duration = Duration::from_millis(100);
const BUFFER: usize = 64 * 1024;

struct StdoutLogger {
    out: Mutex<BufWriter<io::Stdout>>,
    line_flush: bool,
}

static LOGGER: OnceLock<StdoutLogger> = OnceLock::new();

impl Log for StdoutLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Info
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let mut out = match self.out.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let res = writeln!(
            out,
            "level={} target={} {}",
            record.level(),
            record.target(),
            record.args()
        );
        if res.is_ok() && self.line_flush {
            let _ = out.flush();
        }
    }

    fn flush(&self) {
        if let Ok(mut out) = self.out.lock() {
            let _ = out.flush();
        }
    }
}

/// Installs the logger (idempotent) and starts the flusher thread.
pub fn init() {
    let mut first = false;
    let logger = LOGGER.get_or_init(|| {
        first = true;
        StdoutLogger {
            out: Mutex::new(BufWriter::with_capacity(BUFFER, io::stdout())),
            line_flush: io::stdout().is_terminal(),
        }
    });
    if !first {
        return;
    }
    if log::set_logger(logger).is_ok() {
        log::set_max_level(LevelFilter::Info);
    }
    let _ = std::thread::Builder::new()
        .name("log-flush".into())
        .spawn(move || loop {
            std::thread::sleep(FLUSH_EVERY);
            logger.flush();
        });
}

/// Writes one pre-formatted line (without its `\n`) through the same buffer; used by the
/// access log. Before [`init`] (in-process tests) it goes straight to stdout.
pub fn write_line(line: &[u8]) {
    match LOGGER.get() {
        Some(l) => {
            let mut out = match l.out.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let _ = out.write_all(line);
            let _ = out.write_all(b"\n");
            if l.line_flush {
                let _ = out.flush();
            }
        }
        None => {
            let mut out = io::stdout().lock();
            let _ = out.write_all(line);
            let _ = out.write_all(b"\n");
        }
    }
}

/// Flushes buffered lines now.
pub fn flush() {
    if let Some(l) = LOGGER.get() {
        l.flush();
    }
}
