//! What the browser needs to open the 生源信息 page without a network: the service worker (with
//! a version that changes whenever the app is rebuilt) and the whole division list in one file.

use super::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The worker's source; `__VERSION__` becomes the build's version.
const WORKER: &str = include_str!("sw.js");

/// A worker may fetch from this origin and nothing else.
const WORKER_CSP: &str = "default-src 'none'; connect-src 'self'";

/// The division list keyed by parent code ("" = provinces), each child as
/// `[code, name, has_children]`: the picker's every answer, for the worker to serve offline.
/// Built once per process (the list is loaded at start and never changes).
fn divisions_json(state: &AppState) -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| build_divisions_json(state))
}

fn build_divisions_json(state: &AppState) -> String {
    let d = &state.divisions;
    let mut parents = vec![String::new()];
    let mut by_parent: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    while let Some(parent) = parents.pop() {
        let children: Vec<(String, String, bool)> = d
            .children(&parent)
            .into_iter()
            .map(|c| {
                let more = d.has_children(&c.code);
                if more {
                    parents.push(c.code.clone());
                }
                (c.code, c.name, more)
            })
            .collect();
        by_parent.insert(parent, children);
    }
    serde_json::to_string(&by_parent).unwrap_or_else(|_| "{}".to_string())
}

pub async fn divisions(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        divisions_json(&state),
    )
        .into_response()
}

/// The build's version: a hash of the bundle (JS, WASM, CSS), the worker and the division list.
/// Computed once per process; a rebuild restarts the server.
fn version(state: &AppState) -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let options = &state.leptos_options;
        let pkg =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let name = options.output_name.as_ref();
        let mut hash = Sha256::new();
        for ext in ["js", "wasm", "css"] {
            match std::fs::read(pkg.join(format!("{name}.{ext}"))) {
                Ok(bytes) => hash.update(&bytes),
                Err(_) => hash.update(ext.as_bytes()),
            }
        }
        hash.update(WORKER.as_bytes());
        hash.update(divisions_json(state).as_bytes());
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

pub async fn service_worker(State(state): State<AppState>) -> Response {
    let body = WORKER.replace("__VERSION__", version(&state)).replace(
        "__PKG__",
        &format!(
            "/{}/{}",
            state.leptos_options.site_pkg_dir, state.leptos_options.output_name
        ),
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(WORKER_CSP),
    );
    response
}
