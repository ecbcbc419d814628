//! Pages by role.

pub mod account;
pub mod auth;
pub mod office;
pub mod review;
pub mod staff;
pub mod student;
