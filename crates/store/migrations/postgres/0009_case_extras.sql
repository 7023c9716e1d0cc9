-- What a CASE package from another tool says that Pathway shows nowhere (keywords and notes
-- on items, associations other than the hierarchy), as JSON, kept so that a re-export gives it
-- back; NULL when there is none.
ALTER TABLE framework_versions ADD COLUMN case_extras TEXT;
