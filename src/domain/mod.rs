//! Pure domain types and rules, shared by the server and the browser (WASM).
//!
//! Nothing here does I/O or depends on a feature flag: the same parse functions
//! run in the browser before a form is sent and again on the server.

pub mod campaign;
pub mod codes;
pub mod contact;
mod errors;
pub mod export;
pub mod form;
pub mod identity;
pub mod limits;
pub mod origin;
pub mod papers;
pub mod password;
pub mod record;
pub mod review;
pub mod staff;
pub mod status;
pub mod survey;

pub use errors::{FieldError, FieldErrors};
