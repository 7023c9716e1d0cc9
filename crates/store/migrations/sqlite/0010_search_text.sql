-- The administration's lists search people by name and email address, and organisations by
-- name and code, in the database. `search_text` holds them lower-cased by Pathway
-- (Unicode-aware, the same on both databases), so a search is one plain LIKE per row instead
-- of LOWER() calls, which on SQLite lower-case only ASCII. Rows with other characters are
-- left NULL here and filled by Pathway when it opens the database. The index on users' names
-- serves the user list's order at national size.
ALTER TABLE users ADD COLUMN search_text TEXT;
UPDATE users SET search_text = lower(name) || char(10) || lower(email)
 WHERE NOT (name GLOB '*[^ -~]*' OR email GLOB '*[^ -~]*');
CREATE INDEX users_name ON users(name, id);
-- Rows still to fill, found at every start without reading every user; empty once filled.
CREATE INDEX users_search_unfilled ON users(id) WHERE search_text IS NULL;

ALTER TABLE organisations ADD COLUMN search_text TEXT;
UPDATE organisations SET search_text = lower(name) || char(10) || lower(COALESCE(code, ''))
 WHERE NOT (name GLOB '*[^ -~]*' OR COALESCE(code, '') GLOB '*[^ -~]*');
CREATE INDEX organisations_search_unfilled ON organisations(id) WHERE search_text IS NULL;
