-- CASE identifiers another tool gave a framework's domains and items, as a JSON object
-- ({"item:3.9": "uuid", …}); NULL when every identifier is Pathway's own, derived on export.
ALTER TABLE framework_versions ADD COLUMN case_identifiers TEXT;
