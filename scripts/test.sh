#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and storage tests (SQLite and PostgreSQL),
# HTTP integration tests, the OpenAPI drift check, and browser tests in headless Chromium.
# Needs PostgreSQL on 127.0.0.1:5432 (PATHWAY_TEST_POSTGRES_URL overrides) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== formatting"
cargo fmt --all -- --check

echo "== lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust tests (domain, storage on SQLite and PostgreSQL, HTTP, OpenAPI drift)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

echo "== browser tests (headless Chromium, axe-core)"
cargo build --locked -p pathway
(cd e2e && npm ci --no-audit --no-fund && npm test)
