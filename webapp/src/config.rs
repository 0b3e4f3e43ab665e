//! Configuration from the environment and the command line (flags win over env vars).

use std::net::IpAddr;

use crate::spec;

pub const WORKERS_ENV: &str = "WORKERS";
/// `ACCESS_LOG=off` (or `0`/`false`) disables the access log (kept on by default).
pub const ACCESS_LOG_ENV: &str = "ACCESS_LOG";
const MAX_WORKERS: usize = 1024;

/// `--help` text (ports, env names and the shutdown bound come from [`spec`]).
pub fn usage() -> String {
    format!(
        "\
{bin}: the actix-web payload (GET {routes})

USAGE: {bin} [--port N] [--bind IP] [--workers N] [--help]

  --port N      port to listen on         (env {port_env}, default {port})
  --bind IP     IP address to bind        (env {bind_env}, default 0.0.0.0; behind a load
                                           balancer never 127.0.0.1)
  --workers N   worker threads            (env {WORKERS_ENV}, default: number of cores)
  -h, --help    print this help

Other env: IMDS_ENDPOINT (default http://169.254.169.254), INSTANCE_ID (fallback id),
{ACCESS_LOG_ENV}=off (disable the one-line access log on stdout).
SIGTERM drains in-flight requests for at most {shutdown} s.
",
        bin = spec::BINARY,
        routes = spec::ROUTES.join(" "),
        port_env = spec::PORT_ENV,
        port = spec::DEFAULT_PORT,
        bind_env = spec::BIND_ENV,
        shutdown = spec::SHUTDOWN_TIMEOUT_SECS,
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub port: u16,
    pub bind: IpAddr,
    pub workers: usize,
    pub access_log: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Config),
    Help,
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn parse_port(v: &str, from: &str) -> Result<u16, String> {
    v.trim()
        .parse::<u16>()
        .map_err(|_| format!("{from}: {v:?} is not a port (0-65535)"))
}

fn parse_bind(v: &str, from: &str) -> Result<IpAddr, String> {
    v.trim()
        .parse::<IpAddr>()
        .map_err(|_| format!("{from}: {v:?} is not an IP address (e.g. 0.0.0.0 or ::)"))
}

fn parse_workers(v: &str, from: &str) -> Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_WORKERS).contains(&n) => Ok(n),
        _ => Err(format!(
            "{from}: {v:?} is not a worker count (1-{MAX_WORKERS})"
        )),
    }
}

impl Command {
    /// Parses `args` (without the program name) over `env` (a lookup, so tests pass a map).
    pub fn parse(
        env: impl Fn(&str) -> Option<String>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Command, String> {
        let env_nonempty = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let mut cfg = Config {
            port: match env_nonempty(spec::PORT_ENV) {
                Some(v) => parse_port(&v, spec::PORT_ENV)?,
                None => spec::DEFAULT_PORT,
            },
            bind: match env_nonempty(spec::BIND_ENV) {
                Some(v) => parse_bind(&v, spec::BIND_ENV)?,
                None => IpAddr::from([0, 0, 0, 0]),
            },
            workers: match env_nonempty(WORKERS_ENV) {
                Some(v) => parse_workers(&v, WORKERS_ENV)?,
                None => default_workers(),
            },
            access_log: !matches!(
                env_nonempty(ACCESS_LOG_ENV)
                    .map(|v| v.trim().to_ascii_lowercase())
                    .as_deref(),
                Some("off" | "0" | "false" | "no")
            ),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            if flag == "-h" || flag == "--help" {
                return Ok(Command::Help);
            }
            if !matches!(flag.as_str(), "--port" | "--bind" | "--workers") {
                return Err(format!("unknown argument {arg:?} (see --help)"));
            }
            let value = match inline.or_else(|| args.next()) {
                Some(v) => v,
                None => return Err(format!("{flag} needs a value")),
            };
            match flag.as_str() {
                "--port" => cfg.port = parse_port(&value, &flag)?,
                "--bind" => cfg.bind = parse_bind(&value, &flag)?,
                _ => cfg.workers = parse_workers(&value, &flag)?,
            }
        }
        Ok(Command::Run(cfg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(env: &[(&str, &str)], args: &[&str]) -> Result<Command, String> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Command::parse(|k| env.get(k).cloned(), args.iter().map(|s| s.to_string()))
    }

    fn run(env: &[(&str, &str)], args: &[&str]) -> Config {
        match parse(env, args).unwrap() {
            Command::Run(c) => c,
            Command::Help => panic!("help"),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[], &[]);
        assert_eq!(c.port, 8000);
        assert_eq!(c.bind.to_string(), "0.0.0.0");
        assert_eq!(c.workers, default_workers());
        assert!(c.access_log);
    }

    #[test]
    fn env_then_flags() {
        let env = [
            ("PORT", "9000"),
            ("BIND", "::"),
            ("WORKERS", "3"),
            ("ACCESS_LOG", "off"),
        ];
        let c = run(&env, &[]);
        assert_eq!(
            (c.port, c.bind.to_string(), c.workers, c.access_log),
            (9000, "::".into(), 3, false)
        );
        let c = run(
            &env,
            &["--port", "80", "--bind=127.0.0.1", "--workers", "1"],
        );
        assert_eq!(
            (c.port, c.bind.to_string(), c.workers),
            (80, "127.0.0.1".into(), 1)
        );
        assert_eq!(parse(&[], &["--help"]), Ok(Command::Help));
        assert_eq!(parse(&[], &["--port", "1", "-h"]), Ok(Command::Help));
    }

    #[test]
    fn errors() {
        assert!(parse(&[("PORT", "http")], &[]).is_err());
        assert!(parse(&[("BIND", "localhost")], &[]).is_err());
        assert!(parse(&[("WORKERS", "0")], &[]).is_err());
        assert!(parse(&[], &["--port"]).is_err());
        assert!(parse(&[], &["--port", "70000"]).is_err());
        assert!(parse(&[], &["--frobnicate"]).is_err());
    }
}
