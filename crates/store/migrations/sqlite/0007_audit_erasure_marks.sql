-- An erased entry's actor reads "erased", nothing else (the chain check also requires it).
DROP TRIGGER audit_log_only_erasure;
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
  OR NEW.actor IS NOT 'erased'
  OR NEW.before_json IS NOT NULL
  OR NEW.after_json IS NOT NULL
  OR NEW.content_salt IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry changes only by erasing its personal content');
END;
