//! `webapp`: the actix-web payload the instances run (the lab's FastAPI app, rebuilt).
//!
//! * [`spec`] is the one place that says what the infrastructure must know about the payload.
//! * [`config_app`] registers every route; `main` and the tests share it.
//! * [`imds`] learns the instance id once at start (IMDSv2, then `INSTANCE_ID`, then the
//!   hostname), with bounded timeouts so start-up never hangs.
//! * [`config`] reads `PORT`, `BIND`, `WORKERS` and the matching flags.
//! * [`access_log`] writes one `key=value` line per request; [`logging`] is the buffered
//!   stdout sink behind it and behind the `log` records.

pub mod access_log;
pub mod config;
pub mod http1;
pub mod imds;
pub mod logging;
pub mod names;
mod routes;

pub use routes::{config_app, AppState};

/// What the infrastructure must know about the payload: the dependency-free `webapp-spec`
/// crate, re-exported. The router is built from it, so routes are never retyped.
pub use webapp_spec as spec;

use std::{io, net::SocketAddr, time::Duration};

use actix_web::{middleware, web, App, HttpServer};

/// Access-log line format (actix `Logger`): one line, `key=value`, request line quoted.
/// `client` is the `X-Forwarded-For` address when present (the ALB sets it), else the peer.
pub const ACCESS_LOG_FORMAT: &str =
    r#"access ts=%t client=%{r}a req="%r" status=%s bytes=%b ms=%D"#;

/// Keep-alive for client connections. Longer than the ALB's default 60 s idle timeout, so
/// the load balancer (not the app) closes idle connections; the other way round gives 502s.
pub const KEEP_ALIVE: Duration = Duration::from_secs(75);

/// Where the server listens.
#[derive(Debug)]
pub enum Listen {
    /// Bind this address (what `main` does).
    Addr(SocketAddr),
    /// Use an already bound listener (tests bind `127.0.0.1:0`).
    Listener(std::net::TcpListener),
}

/// Builds the HTTP server (not yet running): every route via [`config_app`], the instance id
/// in `web::Data`, optional access log, bounded graceful shutdown on SIGTERM.
pub fn server(
    listen: Listen,
    state: AppState,
    workers: usize,
    access_log: bool,
) -> io::Result<actix_web::dev::Server> {
    let state = web::Data::new(state);
    let srv = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Condition::new(
                access_log,
                middleware::from_fn(access_log::access_log),
            ))
            .configure(config_app)
    })
    .workers(workers.max(1))
    .keep_alive(KEEP_ALIVE)
    .shutdown_timeout(spec::SHUTDOWN_TIMEOUT_SECS);
    let srv = match listen {
        Listen::Addr(addr) => srv.bind(addr)?,
        Listen::Listener(l) => srv.listen(l)?,
    };
    Ok(srv.run())
}
