//! The HTTP side: router, security headers, serving.

use super::{AppState, Config, Divisions};
use crate::app::{App, shell};
use axum::Router;
use axum::serve::ListenerExt;
use http::{HeaderName, HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (forms and server-function calls are small).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Leptos options from Cargo.toml and the `LEPTOS_*` environment variables.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    let manifest = std::path::Path::new("Cargo.toml");
    let conf = if manifest.exists() {
        get_configuration(Some("Cargo.toml"))
    } else {
        get_configuration(None)
    };
    conf.map(|c| c.leptos_options)
        .map_err(|e| format!("Leptos configuration: {e}"))
}

/// Opens the database, loads the division list: everything a router needs.
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let divisions = Divisions::load(&config.divisions_path)?;
    let pool = super::db::connect(&config.database_url).await?;
    // Files left unconfirmed while the server was down go at start-up, not at the next upload.
    super::db::uploads::purge_stale(&pool)
        .await
        .map_err(|e| format!("purging stale uploads failed: {e}"))?;
    Ok(AppState {
        leptos_options,
        pool,
        config: Arc::new(config),
        divisions: Arc::new(divisions),
        hashing: Arc::new(super::passwords::HashLimiter::for_this_machine()),
    })
}

/// The Content-Security-Policy of an HTML page: scripts only from this origin or inline with
/// the page's nonce (Leptos' hydration bootstrap), WASM allowed, nothing framed or framing.
fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )
}

/// For everything that is not a page (server functions, files, downloads): nothing may run.
const STATIC_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Context for every rendered page: the state, and a CSP header carrying this response's nonce.
fn page_context(state: AppState) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(state.clone());
        if let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) && let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string()))
        {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

pub fn router(state: AppState) -> Router {
    use axum::routing::{get, post};
    let routes = generate_route_list(App);
    let shell_options = state.leptos_options.clone();
    let pages = Router::new()
        .route(
            "/staff/security-log.csv",
            get(super::downloads::security_log_csv),
        )
        .route(
            "/staff/import-template.xlsx",
            get(super::files::import_template),
        )
        .route("/staff/export.xlsx", get(super::files::national_export))
        .route("/staff/export.csv", get(super::files::national_export))
        .route("/staff/not-started.csv", get(super::files::not_started_csv))
        .route("/staff/papers.xlsx", get(super::files::papers_xlsx))
        .route("/staff/survey.xlsx", get(super::files::survey_xlsx))
        .route("/sw.js", get(super::offline::service_worker))
        .route("/divisions.json", get(super::offline::divisions))
        .leptos_routes_with_context(&state, routes, page_context(state.clone()), move || {
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context(state.clone()), shell))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    // Roster files are the one thing larger than a form.
    let uploads = Router::new()
        .route("/staff/import/upload", post(super::files::upload_roster))
        .layer(axum::extract::DefaultBodyLimit::max(
            super::files::UPLOAD_LIMIT,
        ))
        .layer(RequestBodyLimitLayer::new(
            super::files::UPLOAD_LIMIT + 64 * 1024,
        ));
    uploads
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_origin_writes,
        ))
        .layer(axum::middleware::from_fn(never_cached))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, STATIC_CSP))
        .with_state(state)
}

/// Refuses state-changing requests that a browser did not send from this site (CSRF): every
/// write must carry `Sec-Fetch-Site: same-origin` or an `Origin` equal to ours (scheme, host and
/// port), and neither may point elsewhere. Scripts send an `Origin` like a browser does.
async fn same_origin_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let safe = matches!(
        *request.method(),
        http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
    );
    if !safe && !is_same_origin(&request, &state.config) {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-site write refused");
        return (http::StatusCode::FORBIDDEN, "跨站请求已被拒绝").into_response();
    }
    next.run(request).await
}

fn is_same_origin(request: &axum::extract::Request, config: &Config) -> bool {
    let headers = request.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let fetch_site = text("sec-fetch-site");
    let origin = text("origin");
    if fetch_site.is_some_and(|site| site != "same-origin") {
        return false;
    }
    match origin {
        Some(origin) => origin_of(origin) == Some(our_origin(request, config)),
        // A browser that sends Sec-Fetch-Site: same-origin but no Origin (none do for POST today).
        None => fetch_site.is_some(),
    }
}

/// `(scheme, host, port)` of an `Origin` header, lower-cased, the port spelled out.
fn origin_of(origin: &str) -> Option<(String, String, u16)> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let (host, port) = split_host_port(rest.trim_end_matches('/'), default_port)?;
    Some((scheme, host, port))
}

fn split_host_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if authority.is_empty() || authority.contains(['/', '@']) {
        return None;
    }
    // `[::1]:3000`, `example.edu.cn`, `127.0.0.1:3000`
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, port.parse().ok()?)
        }
        _ => (authority, default_port),
    };
    Some((host.to_ascii_lowercase(), port))
}

/// Where this server is reached: `Host`, scheme from the configuration (`https` with secure
/// cookies) — or, from a trusted proxy only, `X-Forwarded-Host` / `X-Forwarded-Proto`.
fn our_origin(request: &axum::extract::Request, config: &Config) -> (String, String, u16) {
    let headers = request.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
    };
    let trusted = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .is_some_and(|info| config.is_trusted_proxy(info.0.ip()));
    let forwarded = |name: &str| if trusted { text(name) } else { None };
    let scheme = forwarded("x-forwarded-proto")
        .map(|p| p.to_ascii_lowercase())
        .unwrap_or_else(|| {
            if config.secure_cookies {
                "https"
            } else {
                "http"
            }
            .to_string()
        });
    let default_port = if scheme == "https" { 443 } else { 80 };
    let host = forwarded("x-forwarded-host")
        .or_else(|| text("host"))
        .and_then(|h| split_host_port(&h, default_port))
        .unwrap_or_default();
    (scheme, host.0, host.1)
}

/// Pages, server-function answers and downloads hold personal data: `Cache-Control: no-store`,
/// whatever a server function called while a page rendered set (the division picker's
/// `public, max-age=86400` used to land on `/student`). Public data keeps its caching on its own
/// URL: the division list (`/api/divisions`, `/divisions.json`), the worker and the static files.
async fn never_cached(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let private = html
        || (path.starts_with("/api/") && path != "/api/divisions")
        || path.starts_with("/staff/");
    if private {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Serves until Ctrl-C / SIGTERM. Sockets get TCP_NODELAY: streamed SSR writes in pieces.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    tracing::info!("listening on http://{addr}");
    println!("Shengyuan 正在运行: http://{addr}");
    if state.config.smtp_url.is_none() {
        tracing::warn!(
            outbox = %state.config.outbox_dir.display(),
            "SHENGYUAN_SMTP_URL is not set: no e-mail reaches anyone (messages go to the outbox \
             folder and are removed when their code expires); 忘记密码 says so"
        );
    }
    // Housekeeping once a minute: expired recovery codes leave the outbox.
    let config = state.config.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            super::mail::sweep_outbox(&config);
        }
    });
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
