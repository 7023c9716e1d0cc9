-- The administration's user list searches people by name and email address in the database.
-- `search_text` holds both, lower-cased by Pathway (Unicode-aware, the same on both databases),
-- so a search is one plain LIKE per row instead of two LOWER() calls, which also lower-case
-- only ASCII on SQLite. Rows with other characters are left NULL here and filled by Pathway
-- when it opens the database. The index on name serves the list's order at national size.
ALTER TABLE users ADD COLUMN search_text TEXT;
UPDATE users SET search_text = lower(name) || char(10) || lower(email)
 WHERE NOT (name GLOB '*[^ -~]*' OR email GLOB '*[^ -~]*');
CREATE INDEX users_name ON users(name, id);
