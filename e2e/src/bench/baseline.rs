//! The bare-handler baseline: an axum server in its own runtime that answers every request
//! with a fixed JSON body, the same body the real server gave. Against it the load generator
//! measures what HTTP, JSON bodies and loopback cost on this machine, so a figure of the real
//! server reads as a ratio to the best any handler could do here.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use anyhow::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Router;

/// A running bare server; answers until dropped.
pub struct BareServer {
    pub addr: SocketAddr,
    body: Arc<RwLock<Bytes>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

async fn answer(State(body): State<Arc<RwLock<Bytes>>>, request: Bytes) -> impl IntoResponse {
    // Read the request like a handler would, then send the canned answer.
    drop(request);
    let body = body.read().map(|b| b.clone()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body)
}

impl BareServer {
    /// Starts on a free loopback port with two worker threads (the real server gets the
    /// machine's cores; on a 2-core machine that is the same).
    pub fn start() -> Result<BareServer> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let body = Arc::new(RwLock::new(Bytes::from_static(b"{}")));
        let state = body.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = Router::new().fallback(answer).with_state(state);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(BareServer {
            addr,
            body,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The body every request gets from now on.
    pub fn answer_with(&self, body: impl Into<Bytes>) {
        if let Ok(mut current) = self.body.write() {
            *current = body.into();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for BareServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
