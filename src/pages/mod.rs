//! Pages by role.

pub mod auth;
pub mod staff;
pub mod student;
