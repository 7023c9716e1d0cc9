-- Pathway foundation schema (SQLite). Times are UTC RFC 3339 text; flags are 0/1 integers.
-- The PostgreSQL migration of the same number creates the same tables and columns.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('region','ics','employer','team','training_provider','social_care_provider')),
    parent_id   INTEGER REFERENCES organisations(id),
    code        TEXT UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE INDEX organisations_parent ON organisations(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE role_grants (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    org_id      INTEGER REFERENCES organisations(id),
    role        TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER REFERENCES users(id),
    UNIQUE (user_id, org_id, role)
);
CREATE INDEX role_grants_org ON role_grants(org_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    email     TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        TEXT NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_user_id INTEGER,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE
);

CREATE TABLE frameworks (
    id          TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);

CREATE TABLE framework_versions (
    id              INTEGER PRIMARY KEY,
    framework_id    TEXT NOT NULL REFERENCES frameworks(id),
    version         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft','published','retired')),
    title           TEXT NOT NULL,
    publisher       TEXT NOT NULL,
    description     TEXT NOT NULL,
    case_identifier TEXT,
    created_at      TEXT NOT NULL,
    published_at    TEXT,
    UNIQUE (framework_id, version)
);

CREATE TABLE framework_levels (
    version_id  INTEGER NOT NULL REFERENCES framework_versions(id),
    position    INTEGER NOT NULL,
    key         TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (version_id, position),
    UNIQUE (version_id, key)
);

CREATE TABLE framework_domains (
    version_id  INTEGER NOT NULL REFERENCES framework_versions(id),
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (version_id, position),
    UNIQUE (version_id, code)
);

CREATE TABLE framework_items (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES framework_versions(id),
    position    INTEGER NOT NULL,
    domain_code TEXT NOT NULL,
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('entry_requirement','competency')),
    UNIQUE (version_id, code)
);

-- One row per level that has a descriptor; a missing descriptor has no row.
CREATE TABLE framework_descriptors (
    item_id        INTEGER NOT NULL REFERENCES framework_items(id) ON DELETE CASCADE,
    level_position INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('text','not_applicable')),
    text           TEXT,
    PRIMARY KEY (item_id, level_position)
);

CREATE TABLE provider_mappings (
    version_id INTEGER NOT NULL REFERENCES framework_versions(id),
    position   INTEGER NOT NULL,
    provider   TEXT NOT NULL,
    item_code  TEXT NOT NULL,
    statement  TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
);
