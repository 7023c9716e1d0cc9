-- A password someone else chose or reset (an administrator, the CLI) must be replaced by its
-- owner before they can do anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
