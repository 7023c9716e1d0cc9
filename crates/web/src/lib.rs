//! Pathway's web server: HTML pages built with the NHS.UK frontend, and a JSON API.
//!
//! [`serve`] takes a bound listener so tests and production start the same way.
#![forbid(unsafe_code)]

pub mod accounts;
mod api;
mod assets;
mod auth;
pub mod bootstrap;
mod case_api;
mod client_ip;
mod drafting;
mod error;
pub mod housekeeping;
mod middleware;
pub mod operations;
mod pages;
mod placement_query;
pub mod privacy;
mod state;
mod stewardship;
mod views;

pub use api::openapi_json;
pub use state::{AppState, Config, PUBLISHED_VERSIONS_TTL};

use axum::Router;
use std::future::{Future, IntoFuture};
use tokio::net::TcpListener;

/// Every route, with the layers that apply to all of them.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(pages::router())
        .merge(auth::router())
        .merge(api::router())
        .merge(case_api::router())
        .merge(assets::router())
        .merge(middleware::ops_router());
    middleware::wrap(routes, state.clone()).with_state(state)
}

/// Serves until `shutdown` completes, then finishes in-flight requests for at most
/// [`Config::shutdown_grace`], so a stalled client cannot hold a restart up.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tidying = housekeeping::spawn(state.store.clone());
    let grace = state.config.shutdown_grace;
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let (signalled, on_signal) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = signalled.send(());
    });
    let deadline = async move {
        match on_signal.await {
            Ok(()) => tokio::time::sleep(grace).await,
            // The server ended by itself; the other branch has finished.
            Err(_) => std::future::pending().await,
        }
    };
    let served = tokio::select! {
        served = server.into_future() => served,
        () = deadline => {
            tracing::warn!(?grace, "requests still in flight after the grace period; stopping anyway");
            Ok(())
        }
    };
    tidying.abort();
    served
}
