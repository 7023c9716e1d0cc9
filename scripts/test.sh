#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and storage tests (SQLite and PostgreSQL),
# HTTP integration tests, the OpenAPI drift check, and browser tests in headless Chromium.
# First makes sure the machine has what the tests need (scripts/prerequisites.sh): Chromium,
# Node.js, and PostgreSQL on 127.0.0.1:5432 (PATHWAY_TEST_POSTGRES_URL overrides).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== prerequisites"
bash scripts/prerequisites.sh

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
