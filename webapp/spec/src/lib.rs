//! What the infrastructure must know about the `webapp` payload: plain consts, no
//! dependencies (not even `std`).
//!
//! The webapp builds its router from [`ROUTES`] and reads [`PORT_ENV`] and [`BIND_ENV`], so
//! these values are never retyped; a stack names this module in its payload
//! (`payload site = webapp_spec { port: 80 }`) and the `infra!` macro reads [`BINARY`],
//! [`HEALTH_PATH`], [`ROUTES`] and [`PORT_ENV`] from it. Depending on this crate instead of
//! `webapp` keeps actix-web and tokio out of the stack's build.

#![no_std]

/// The executable's name (and the name it is installed under on the instance).
pub const BINARY: &str = "webapp";
/// The port the app listens on when [`PORT_ENV`] is unset.
pub const DEFAULT_PORT: u16 = 8000;
/// The environment variable holding the port to listen on.
pub const PORT_ENV: &str = "PORT";
/// The environment variable holding the address to bind (an IP literal).
pub const BIND_ENV: &str = "BIND";
/// The health check path the load balancer probes.
pub const HEALTH_PATH: &str = "/health";
/// Every route the app serves; `{name}` is one non-empty path segment.
pub const ROUTES: &[&str] = &[
    "/",
    "/health",
    "/hello/{name}",
    "/bonjour/{name}",
    "/salama/{name}",
];
/// How long a SIGTERM waits for in-flight requests before the app exits.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 20;
