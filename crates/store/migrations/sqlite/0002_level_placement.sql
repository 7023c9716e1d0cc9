-- How a framework places a person on its levels: one level for the whole framework
-- (the HEE support worker framework's stages) or one per domain (bands per pillar).
ALTER TABLE framework_versions
    ADD COLUMN level_placement TEXT NOT NULL DEFAULT 'whole_framework'
    CHECK (level_placement IN ('whole_framework', 'per_domain'));
