-- The audit log is append-only in the database too, not only in Pathway's code: entries are
-- never deleted, and the one change allowed is erasing a person's content (actor, before,
-- after and salt) from an entry not yet erased, stamping when. Anyone able to drop these
-- triggers can still rewrite the log; the hash chain and anchors catch that.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never deleted');
END;

CREATE TRIGGER audit_log_only_erasure BEFORE UPDATE ON audit_log
WHEN NEW.seq IS NOT OLD.seq
  OR NEW.at IS NOT OLD.at
  OR NEW.actor_user_id IS NOT OLD.actor_user_id
  OR NEW.action IS NOT OLD.action
  OR NEW.subject_type IS NOT OLD.subject_type
  OR NEW.subject_id IS NOT OLD.subject_id
  OR NEW.content_digest IS NOT OLD.content_digest
  OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash
  OR OLD.content_digest IS NULL
  OR OLD.erased_at IS NOT NULL
  OR NEW.erased_at IS NULL
  OR NEW.before_json IS NOT NULL
  OR NEW.after_json IS NOT NULL
  OR NEW.content_salt IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry changes only by erasing its personal content');
END;
