-- An erased entry's actor reads "erased", nothing else (the chain check also requires it);
-- and TRUNCATE, which row triggers do not see, is refused too.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'the audit log is append-only: entries are never deleted';
    END IF;
    IF NEW.seq IS DISTINCT FROM OLD.seq
        OR NEW.at IS DISTINCT FROM OLD.at
        OR NEW.actor_user_id IS DISTINCT FROM OLD.actor_user_id
        OR NEW.action IS DISTINCT FROM OLD.action
        OR NEW.subject_type IS DISTINCT FROM OLD.subject_type
        OR NEW.subject_id IS DISTINCT FROM OLD.subject_id
        OR NEW.content_digest IS DISTINCT FROM OLD.content_digest
        OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash
        OR NEW.hash IS DISTINCT FROM OLD.hash
        OR OLD.content_digest IS NULL
        OR OLD.erased_at IS NOT NULL
        OR NEW.erased_at IS NULL
        OR NEW.actor IS DISTINCT FROM 'erased'
        OR NEW.before_json IS NOT NULL
        OR NEW.after_json IS NOT NULL
        OR NEW.content_salt IS NOT NULL
    THEN
        RAISE EXCEPTION 'the audit log is append-only: an entry changes only by erasing its personal content';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
