//! HTTP tests of the web server: each test starts a real server on a random port over a
//! fresh SQLite database with the shipped framework and the demo accounts, and talks to it
//! as a browser or an API client would.
//!
//! Run with `cargo test -p pathway-web --test http`.

mod access;
mod accounts;
mod admin_changes;
mod api;
mod audit;
mod auth;
mod authoring;
mod authoring_api;
mod career;
mod case_api;
mod csrf;
mod drafts;
mod frameworks;
mod hardening;
mod helpers;
mod imports;
mod ops;
mod org_field;
mod policies;
mod postgres;
mod privacy;
mod routes;
mod stewardship;
