//! Shengyuan (生源): graduates' origin-information collection and verification.
//!
//! `domain` holds the rules shared by the browser (WASM) and the server; `api` the server
//! functions; `pages` and `components` the views; `server` (ssr only) state, database and CLI.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod offline;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
