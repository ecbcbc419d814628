//! Pages by role.

pub mod auth;
pub mod review;
pub mod staff;
pub mod student;
