//! Graceful drain on SIGTERM, at the connection level.
//!
//! actix-http's dispatcher, told of a graceful stop, closes every connection that is not
//! running a handler, including one whose request head has only partly arrived; the worker
//! then counts no connection and exits at once. So the server is built without that signal
//! and each accepted socket is wrapped in a [`DrainStream`] instead:
//!
//! * a connection is *busy* from the first byte read until its response starts being
//!   written, and *idle* otherwise (new, or keep-alive between requests);
//! * on a graceful stop ([`Drain::begin`]), idle connections see end-of-file on their next
//!   read (pending reads are woken) and close; busy ones keep reading, their request is
//!   answered with `Connection: close` ([`Drain::stopping`] is checked per response), then
//!   they close;
//! * actix-server has already stopped accepting (the listener is closed: new connections are
//!   refused) and its worker waits until no connection is left, or the shutdown timeout.

use std::{
    collections::HashMap,
    io,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll, Waker},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};

/// Shared by every connection of one server.
#[derive(Default)]
pub struct Drain {
    stopping: AtomicBool,
    next_id: AtomicU64,
    /// Wakers of idle connections whose read is pending, woken by [`Drain::begin`].
    idle: Mutex<HashMap<u64, Waker>>,
}

impl Drain {
    /// True once a graceful stop has begun.
    #[inline]
    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Starts draining: idle connections are woken and read end-of-file. Idempotent.
    pub fn begin(&self) {
        self.stopping.store(true, Ordering::Release);
        let wakers: Vec<Waker> = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.drain().map(|(_, w)| w).collect()
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

/// An accepted socket that knows whether a request is in flight on it (see the module docs).
pub struct DrainStream {
    io: TcpStream,
    drain: Arc<Drain>,
    id: u64,
    busy: bool,
    /// The waker registered in `drain.idle`, if any (kept to skip re-registering).
    waker: Option<Waker>,
}

impl DrainStream {
    pub fn new(io: TcpStream, drain: Arc<Drain>) -> Self {
        let id = drain.next_id.fetch_add(1, Ordering::Relaxed);
        DrainStream {
            io,
            drain,
            id,
            busy: false,
            waker: None,
        }
    }

    pub fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.io.peer_addr()
    }

    fn register(&mut self, waker: &Waker) {
        if self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            return;
        }
        let mut idle = self.drain.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.insert(self.id, waker.clone());
        self.waker = Some(waker.clone());
    }
}

impl Drop for DrainStream {
    fn drop(&mut self) {
        if self.waker.is_some() {
            let mut idle = self.drain.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.remove(&self.id);
        }
    }
}

impl AsyncRead for DrainStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.busy = true;
                }
                Poll::Ready(Ok(()))
            }
            // Nothing to read on an idle connection: end-of-file once draining, else wait
            // (and be woken when draining starts). Check again after registering, as
            // `begin` may have run in between.
            Poll::Pending if !this.busy => {
                if !this.drain.stopping() {
                    this.register(cx.waker());
                    if !this.drain.stopping() {
                        return Poll::Pending;
                    }
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for DrainStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let res = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            this.busy = false;
        }
        res
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let res = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            this.busy = false;
        }
        res
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
