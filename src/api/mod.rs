//! Server functions, one file per area. Each checks who calls and parses its input again.

pub mod account;
pub mod account_office;
pub mod auth;
pub mod campaign;
pub mod cohort;
pub mod divisions;
pub mod import;
pub mod notifications;
pub mod org;
pub mod papers;
pub mod records;
pub mod review;
pub mod staff;
pub mod staff_accounts;
pub mod student;
pub mod survey;
