-- Personal content of audit entries (actor, before, after) is bound into the chain through a
-- salted digest, so erasing a person can remove it without breaking the chain. Entries
-- written before this migration keep hashing their content directly (digest NULL).
ALTER TABLE audit_log
    ADD COLUMN content_salt TEXT,
    ADD COLUMN content_digest TEXT,
    ADD COLUMN erased_at TEXT;
