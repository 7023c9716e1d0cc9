-- The audit log is append-only in the database too, not only in Pathway's code: entries are
-- never deleted, and only two changes are allowed: erasing a person's content (actor, before,
-- after and salt) from an entry not yet erased, and writing the keyed seal of an entry not
-- yet sealed. Each entry's seal is the HMAC of its hash under a key kept outside the
-- database; `audit_key` records which key sealed the log. Anyone able to drop these
-- triggers can still rewrite the log; the hash chain, the seals and anchors catch that.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE TABLE audit_key (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint   TEXT NOT NULL,
    registered_at TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never deleted');
END;

CREATE TRIGGER audit_log_only_erasure BEFORE UPDATE ON audit_log
WHEN NOT (
    -- Erasing a person's content, seal untouched.
    (NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.actor_user_id IS OLD.actor_user_id
     AND NEW.action IS OLD.action AND NEW.subject_type IS OLD.subject_type
     AND NEW.subject_id IS OLD.subject_id AND NEW.content_digest IS OLD.content_digest
     AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash AND NEW.mac IS OLD.mac
     AND OLD.content_digest IS NOT NULL AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
     AND NEW.actor IS 'erased' AND NEW.before_json IS NULL AND NEW.after_json IS NULL
     AND NEW.content_salt IS NULL)
    OR
    -- Sealing an entry not yet sealed, nothing else changed.
    (NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.actor_user_id IS OLD.actor_user_id
     AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action
     AND NEW.subject_type IS OLD.subject_type AND NEW.subject_id IS OLD.subject_id
     AND NEW.before_json IS OLD.before_json AND NEW.after_json IS OLD.after_json
     AND NEW.content_salt IS OLD.content_salt AND NEW.content_digest IS OLD.content_digest
     AND NEW.erased_at IS OLD.erased_at AND NEW.prev_hash IS OLD.prev_hash
     AND NEW.hash IS OLD.hash AND OLD.mac IS NULL AND NEW.mac IS NOT NULL)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry changes only by erasing its personal content');
END;
