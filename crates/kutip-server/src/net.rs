//! Connections: the accept loop, per-connection limits and timeouts, graceful shutdown.
//!
//! Each connection is served by hyper's HTTP/1 engine with its timer, so the header-read
//! timeout is real: a client that trickles its headers, or a kept-alive connection that sends
//! nothing more, is closed after `header_timeout`. At most `max_connections` are open; one more
//! is answered 503 at once and closed. The few responses hyper writes on its own (400, 414, 431
//! for requests it cannot parse) are rewritten with a JSON body like every other error
//! ([`JsonErrorsIo`]).

use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How the listener treats connections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to receive a request's head, and to wait for the next one on a kept-alive
    /// connection.
    pub header_timeout: Duration,
    pub max_connections: usize,
    /// Time left to requests in flight after a shutdown signal.
    pub drain: Duration,
}

/// The JSON body of an error response.
pub fn error_json(status: u16, message: &str) -> String {
    serde_json::json!({"error": {"status": status, "message": message}}).to_string()
}

/// A whole HTTP/1.1 error response with a JSON body, closing the connection.
fn error_response(status: u16, reason: &str, message: &str) -> Vec<u8> {
    let body = error_json(status, message);
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n{}\r\n{body}",
        body.len(),
        if status == 503 { "retry-after: 1\r\n" } else { "" },
    )
    .into_bytes()
}

/// Accept connections until `shutdown` resolves, then let requests in flight finish (for at
/// most `limits.drain`).
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(c) => c,
                // out of file descriptors and the like: wait a moment, keep serving
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tasks.spawn(refuse(stream));
            continue;
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let service = hyper_util::service::TowerToHyperService::new(app);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(JsonErrorsIo::new(stream)), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        // finished connections are reaped as we go, so the set does not grow
        while tasks.try_join_next().is_some() {}
    }
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(limits.drain, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

async fn refuse(mut stream: TcpStream) {
    let r = error_response(
        503,
        "Service Unavailable",
        "too many open connections; try again shortly",
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(&r).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// A connection whose error responses written by hyper itself (a status line 400, 414 or 431
/// with an empty body: the request could not be parsed) get a JSON body. The application's
/// own errors always have one, so an empty 4xx response can only come from hyper.
pub struct JsonErrorsIo<T> {
    inner: T,
    /// A replacement response still to be written, and how much of hyper's bytes it stands for.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<T> JsonErrorsIo<T> {
    pub fn new(inner: T) -> JsonErrorsIo<T> {
        JsonErrorsIo {
            inner,
            pending: None,
        }
    }
}

/// If `buf` is one of hyper's own error responses, the JSON one to send instead.
fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let (status, reason) = match status_line.strip_prefix("HTTP/1.1 ")? {
        s if s.starts_with("400") => (400, "Bad Request"),
        s if s.starts_with("414") => (414, "URI Too Long"),
        s if s.starts_with("431") => (431, "Request Header Fields Too Large"),
        _ => return None,
    };
    let empty = lines.any(|l| l.eq_ignore_ascii_case("content-length: 0"));
    if !empty || buf.len() != head_end + 4 {
        return None;
    }
    let message = match status {
        414 => "the request URI is too long",
        431 => "the request headers are too large",
        _ => "the request is not valid HTTP/1.1",
    };
    Some(error_response(status, reason, message))
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrorsIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrorsIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() && buf.starts_with(b"HTTP/1.1 4") {
            if let Some(r) = replacement(buf) {
                self.pending = Some((r, 0, buf.len()));
            }
        }
        let this = &mut *self;
        if let Some((r, done, stands_for)) = &mut this.pending {
            while *done < r.len() {
                match Pin::new(&mut this.inner).poll_write(cx, &r[*done..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => *done += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            let n = *stands_for;
            this.pending = None;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_errors_are_rewritten() {
        let hyper431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let r = String::from_utf8(replacement(hyper431).unwrap()).unwrap();
        assert!(r.starts_with("HTTP/1.1 431 "));
        let body = r.split_once("\r\n\r\n").unwrap().1;
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["status"], 431);
        // the application's errors have a body and are left alone
        assert!(replacement(
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n{\"e\": 1}"
        )
        .is_none());
        assert!(replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
