//! CSV import and export (written next).
