-- The audit log is append-only in the database too, not only in Pathway's code: entries are
-- never deleted (nor truncated), and only two changes are allowed: erasing a person's content
-- (actor, before, after and salt) from an entry not yet erased, and writing the keyed seal of
-- an entry not yet sealed. Each entry's seal is the HMAC of its hash under a key kept outside
-- the database; `audit_key` records which key sealed the log. Anyone able to drop these
-- triggers can still rewrite the log; the hash chain, the seals and anchors catch that.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE TABLE audit_key (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    fingerprint   TEXT NOT NULL,
    registered_at TEXT NOT NULL
);

CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'the audit log is append-only: entries are never deleted';
    END IF;
    -- Erasing a person's content, seal untouched.
    IF NEW.seq IS NOT DISTINCT FROM OLD.seq AND NEW.at IS NOT DISTINCT FROM OLD.at
        AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.subject_type IS NOT DISTINCT FROM OLD.subject_type
        AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
        AND NEW.content_digest IS NOT DISTINCT FROM OLD.content_digest
        AND NEW.prev_hash IS NOT DISTINCT FROM OLD.prev_hash
        AND NEW.hash IS NOT DISTINCT FROM OLD.hash
        AND NEW.mac IS NOT DISTINCT FROM OLD.mac
        AND OLD.content_digest IS NOT NULL AND OLD.erased_at IS NULL
        AND NEW.erased_at IS NOT NULL AND NEW.actor IS NOT DISTINCT FROM 'erased'
        AND NEW.before_json IS NULL AND NEW.after_json IS NULL AND NEW.content_salt IS NULL
    THEN
        RETURN NEW;
    END IF;
    -- Sealing an entry not yet sealed, nothing else changed.
    IF NEW.seq IS NOT DISTINCT FROM OLD.seq AND NEW.at IS NOT DISTINCT FROM OLD.at
        AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
        AND NEW.actor IS NOT DISTINCT FROM OLD.actor
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.subject_type IS NOT DISTINCT FROM OLD.subject_type
        AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
        AND NEW.before_json IS NOT DISTINCT FROM OLD.before_json
        AND NEW.after_json IS NOT DISTINCT FROM OLD.after_json
        AND NEW.content_salt IS NOT DISTINCT FROM OLD.content_salt
        AND NEW.content_digest IS NOT DISTINCT FROM OLD.content_digest
        AND NEW.erased_at IS NOT DISTINCT FROM OLD.erased_at
        AND NEW.prev_hash IS NOT DISTINCT FROM OLD.prev_hash
        AND NEW.hash IS NOT DISTINCT FROM OLD.hash
        AND OLD.mac IS NULL AND NEW.mac IS NOT NULL
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: an entry changes only by erasing its personal content';
END;
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
