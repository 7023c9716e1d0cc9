-- The organisation that stewards a framework: its framework authors (and those of the
-- organisations above it) draft, edit and publish its versions. NULL for a national framework,
-- such as the shipped HEE framework, which only national framework authors and platform
-- administrators change.
ALTER TABLE frameworks ADD COLUMN steward_org_id INTEGER REFERENCES organisations(id);
