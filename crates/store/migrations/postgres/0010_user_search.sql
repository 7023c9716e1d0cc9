-- The administration's user list searches people by name and email address in the database.
-- `search_text` holds both, lower-cased by Pathway (Unicode-aware, the same on both databases),
-- so a search is one plain LIKE per row instead of two LOWER() calls. Rows with characters
-- beyond ASCII are left NULL here and filled by Pathway when it opens the database, so the
-- lower-casing is Pathway's own everywhere. The index on name serves the list's order at
-- national size.
ALTER TABLE users ADD COLUMN search_text TEXT;
UPDATE users SET search_text = lower(name) || chr(10) || lower(email)
 WHERE name !~ '[^ -~]' AND email !~ '[^ -~]';
CREATE INDEX users_name ON users(name, id);
