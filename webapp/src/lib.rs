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
pub mod drain;
pub mod http1;
pub mod imds;
pub mod logging;
pub mod names;
mod routes;

pub use routes::{config_app, AppState};

/// What the infrastructure must know about the payload: the dependency-free `webapp-spec`
/// crate, re-exported. The router is built from it, so routes are never retyped.
pub use webapp_spec as spec;

use std::{future::ready, io, net::SocketAddr, sync::Arc, time::Duration};

use actix_http::{error::DispatchError, ConnectionType, HttpService};
use actix_server::{Server, ServerBuilder};
use actix_service::{fn_service, map_config, IntoServiceFactory, ServiceFactoryExt};
use actix_web::{
    dev::{AppConfig, ServiceResponse},
    middleware, web, App,
};
use tokio::net::TcpStream;

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
/// in `web::Data`, optional access log, graceful drain on SIGTERM bounded by
/// [`spec::SHUTDOWN_TIMEOUT_SECS`].
pub fn server(
    listen: Listen,
    state: AppState,
    workers: usize,
    access_log: bool,
) -> io::Result<Server> {
    server_with_shutdown_timeout(
        listen,
        state,
        workers,
        access_log,
        spec::SHUTDOWN_TIMEOUT_SECS,
    )
}

/// [`server`] with another drain bound, in seconds (tests use a short one).
///
/// Built from actix-server and actix-http directly rather than `HttpServer`, whose
/// graceful-shutdown signal makes the HTTP/1 dispatcher drop a request whose head has not
/// fully arrived (see [`drain`]). Same settings as `HttpServer` otherwise: backlog 1024,
/// 5 s client request timeout, 1 s client disconnect timeout, half-closed reads allowed.
/// On a graceful stop (SIGTERM, or `handle.stop(true)`: the same command) actix-server
/// closes the listener and waits for the connections; [`drain::Drain`] closes the idle
/// ones and makes every remaining response `Connection: close`.
pub fn server_with_shutdown_timeout(
    listen: Listen,
    state: AppState,
    workers: usize,
    access_log: bool,
    shutdown_timeout_secs: u64,
) -> io::Result<Server> {
    let state = web::Data::new(state);
    let drain = Arc::new(drain::Drain::default());
    let builder = ServerBuilder::default()
        .workers(workers.max(1))
        .backlog(1024)
        .shutdown_timeout(shutdown_timeout_secs);
    let stop_signal = builder.graceful_shutdown_signal();
    let factory = move |local_addr: SocketAddr| {
        let (state, drain, stop_signal) = (state.clone(), drain.clone(), stop_signal.clone());
        move || {
            // Runs in each worker: start draining when the graceful stop begins.
            let (drain, stop_signal) = (drain.clone(), stop_signal.clone());
            let d = drain.clone();
            actix_rt::spawn(async move {
                stop_signal.notified().await;
                d.begin();
            });
            let state = state.clone();
            let app = App::new()
                .app_data(state)
                .wrap(middleware::Condition::new(
                    access_log,
                    middleware::from_fn(access_log::access_log),
                ))
                .configure(config_app)
                .into_factory();
            let closing = drain.clone();
            let app = app.map(move |res: ServiceResponse<_>| {
                let mut res = res.into_parts().1;
                if closing.stopping() {
                    res.head_mut().set_connection_type(ConnectionType::Close);
                }
                res
            });
            let h1 = HttpService::<drain::DrainStream, _, _, _, _>::build()
                .keep_alive(KEEP_ALIVE)
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .h1_allow_half_closed(true)
                .local_addr(local_addr)
                .h1(map_config(app, |_| AppConfig::default()));
            fn_service(move |io: TcpStream| {
                let peer = io.peer_addr().ok();
                ready(Ok::<_, DispatchError>((
                    drain::DrainStream::new(io, drain.clone()),
                    peer,
                )))
            })
            .and_then(h1)
        }
    };
    let builder = match listen {
        Listen::Addr(addr) => builder.bind(format!("webapp-{addr}"), addr, factory(addr))?,
        Listen::Listener(l) => {
            let addr = l.local_addr()?;
            builder.listen(format!("webapp-{addr}"), l, factory(addr))?
        }
    };
    Ok(builder.run())
}
