//! The audit log's hash chain.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing,
//! removing or reordering any stored entry breaks every hash after it. Before/after values
//! are hashed exactly as stored (text), so the check does not depend on how a database
//! re-serialises JSON.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// Stored UTC time, see [`crate::time`].
    pub at: String,
    pub actor_user_id: Option<i64>,
    /// Who acted, readable without a join ("ana@trust.nhs.uk", "cli", "system").
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry given its fields and the previous entry's hash.
pub fn entry_hash(e: &AuditEntry) -> String {
    // A JSON array has one serialisation for these types, so the input is unambiguous.
    let canonical = serde_json::json!([
        e.seq,
        e.at,
        e.actor_user_id,
        e.actor,
        e.action,
        e.subject_type,
        e.subject_id,
        e.before,
        e.after,
        e.prev_hash
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Why the chain is broken, naming the first entry that does not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "entry {seq}: its hash does not match its contents (it was changed after it was written)"
    )]
    HashMismatch { seq: i64 },
    #[error(
        "entry {seq}: it does not follow entry {previous} (an entry before it was changed or removed)"
    )]
    BrokenLink { seq: i64, previous: i64 },
    #[error("entry {seq}: the first entry must start the chain")]
    BadStart { seq: i64 },
}

/// Checks the chain incrementally, entry by entry, so a long log never needs to be in memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last: Option<(i64, String)>,
    pub checked: u64,
}

impl ChainVerifier {
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainError> {
        match &self.last {
            None if e.prev_hash != GENESIS => return Err(ChainError::BadStart { seq: e.seq }),
            Some((seq, hash)) if &e.prev_hash != hash => {
                return Err(ChainError::BrokenLink {
                    seq: e.seq,
                    previous: *seq,
                });
            }
            _ => {}
        }
        if entry_hash(e) != e.hash {
            return Err(ChainError::HashMismatch { seq: e.seq });
        }
        self.last = Some((e.seq, e.hash.clone()));
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-11-23T10:00:0{seq}.000000Z"),
                    actor_user_id: Some(1),
                    actor: "admin@example.nhs.uk".into(),
                    action: "user.create".into(),
                    subject_type: "user".into(),
                    subject_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry]) -> Result<u64, ChainError> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].after = Some("{\"n\":99}".into());
        assert_eq!(verify(&c), Err(ChainError::HashMismatch { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(ChainError::BrokenLink {
                seq: 3,
                previous: 1
            })
        );
    }

    #[test]
    fn a_rehashed_edit_still_breaks_the_next_link() {
        let mut c = chain(4);
        c[1].actor = "someone-else".into();
        c[1].hash = entry_hash(&c[1]);
        assert_eq!(
            verify(&c),
            Err(ChainError::BrokenLink {
                seq: 3,
                previous: 2
            })
        );
    }
}
