-- A person's audit entries (those they made, and those about them) are read for a subject
-- access request and rewritten when they are erased: found through these indexes rather than
-- by reading the whole log, which grows with every change Pathway records.
CREATE INDEX audit_log_actor ON audit_log(actor_user_id);
CREATE INDEX audit_log_subject ON audit_log(subject_type, subject_id);
