//! Pathway's domain: the types and rules of frameworks, organisations, roles and the audit
//! chain. Nothing here does I/O, so every rule is tested without a database.
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod framework;
pub mod identity;
pub mod numbers;
pub mod synthetic;
pub mod terminology;
pub mod time;
