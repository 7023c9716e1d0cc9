-- How many times a draft has been saved. An edit names the revision it was made from and is
-- refused if another has been saved since, so two authors editing one draft cannot silently
-- overwrite each other's changes, and a publish publishes the revision its author reviewed.
ALTER TABLE framework_versions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
