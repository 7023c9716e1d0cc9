//! CASE 1.0/1.1 JSON import and export (written next).
