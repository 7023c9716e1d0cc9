//! Times are stored in UTC as fixed-width RFC 3339 text, which sorts correctly as text and
//! reads the same on SQLite and PostgreSQL.

use chrono::{DateTime, SecondsFormat, Utc};

/// The stored form: `2026-11-23T13:17:23.123456Z`.
pub fn to_stored(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_stored(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn stored_times_round_trip_and_sort_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 11, 23, 9, 5, 0).unwrap();
        let b = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(to_stored(a), "2026-11-23T09:05:00.000000Z");
        assert_eq!(from_stored(&to_stored(a)), Some(a));
        assert!(to_stored(a) < to_stored(b));
    }
}
