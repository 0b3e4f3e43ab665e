//! `webapp` binary: parse config, learn the instance id once, serve until SIGTERM.

use std::{net::SocketAddr, process::ExitCode};

use webapp::{
    config::{usage, Command},
    imds, logging, spec, AppState, Listen,
};

fn main() -> ExitCode {
    let cmd = Command::parse(|k| std::env::var(k).ok(), std::env::args().skip(1));
    let cfg = match cmd {
        Ok(Command::Run(cfg)) => cfg,
        Ok(Command::Help) => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{}: {e}", spec::BINARY);
            return ExitCode::from(2);
        }
    };
    logging::init();

    let result = actix_web::rt::System::new().block_on(async move {
        let (id, source) = imds::resolve_from_env().await;
        log::info!(
            "start instance_id={id} source={source:?} bind={} port={} workers={} access_log={}",
            cfg.bind,
            cfg.port,
            cfg.workers,
            cfg.access_log
        );
        let addr = SocketAddr::new(cfg.bind, cfg.port);
        let server = webapp::server(
            Listen::Addr(addr),
            AppState::new(id),
            cfg.workers,
            cfg.access_log,
        )?;
        server.await
    });
    let code = match result {
        Ok(()) => {
            log::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            log::error!("server error=\"{e}\"");
            eprintln!("{}: {e}", spec::BINARY);
            ExitCode::FAILURE
        }
    };
    logging::flush();
    code
}
