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
    #[error(
        "entry {seq}, recorded earlier as an anchor, is no longer in the log (the log was cut back to before it)"
    )]
    AnchorMissing { seq: i64 },
    #[error(
        "entry {seq} does not have the hash recorded for it as an anchor (the log was rewritten from there or before)"
    )]
    AnchorMismatch { seq: i64 },
}

/// A point of the chain recorded outside Pathway: an entry's number and hash. A chain
/// proves that nothing before its last entry changed, but not that no entries were cut
/// from its end; checking against an anchor kept where Pathway cannot write proves that
/// every entry up to the anchor is still there, unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl std::str::FromStr for Anchor {
    type Err = String;

    /// Reads `SEQ:HASH`, as `pathway audit verify` prints it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "\"{s}\" is not an anchor; give the entry number and its hash as printed by audit verify, e.g. 42:3f9a…"
            )
        };
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq = seq.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(bad)?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Self { seq, hash })
    }
}

/// What a verified chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    /// The last entry, to record as the next anchor; None for an empty log.
    pub head: Option<Anchor>,
}

/// Checks the chain incrementally, entry by entry, so a long log never needs to be in memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last: Option<(i64, String)>,
    pub checked: u64,
    anchor: Option<Anchor>,
    anchor_seen: bool,
}

impl ChainVerifier {
    /// A verifier that also checks the log still holds `anchor`.
    pub fn with_anchor(anchor: Anchor) -> Self {
        Self {
            anchor: Some(anchor),
            ..Self::default()
        }
    }

    /// Call after the last entry: checks the anchor, if any, and reports the head.
    pub fn finish(self) -> Result<Verified, ChainError> {
        if let Some(anchor) = &self.anchor
            && !self.anchor_seen
        {
            return Err(ChainError::AnchorMissing { seq: anchor.seq });
        }
        Ok(Verified {
            entries: self.checked,
            head: self.last.map(|(seq, hash)| Anchor { seq, hash }),
        })
    }

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
        if let Some(anchor) = &self.anchor
            && anchor.seq == e.seq
        {
            if anchor.hash != e.hash {
                return Err(ChainError::AnchorMismatch { seq: e.seq });
            }
            self.anchor_seen = true;
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

    fn verify_from(entries: &[AuditEntry], anchor: &str) -> Result<Verified, ChainError> {
        let mut v = ChainVerifier::with_anchor(anchor.parse().unwrap());
        for e in entries {
            v.check(e)?;
        }
        v.finish()
    }

    #[test]
    fn an_anchor_proves_nothing_was_cut_from_the_end() {
        let c = chain(5);
        let head = {
            let mut v = ChainVerifier::default();
            for e in &c {
                v.check(e).unwrap();
            }
            v.finish().unwrap().head.unwrap()
        };
        assert_eq!(head.seq, 5);
        let anchor = format!("{}:{}", c[3].seq, c[3].hash);
        assert_eq!(verify_from(&c, &anchor).map(|v| v.entries), Ok(5));
        assert_eq!(
            verify_from(&c, &head.to_string()).map(|v| v.head),
            Ok(Some(head.clone()))
        );

        // Cutting the last two entries leaves a valid chain, but not the anchor.
        assert_eq!(verify(&c[..3]), Ok(3));
        assert_eq!(
            verify_from(&c[..3], &anchor),
            Err(ChainError::AnchorMissing { seq: 4 })
        );
        // A log rebuilt from entry 4 with valid hashes does not carry the anchored hash.
        let mut rebuilt = c.clone();
        rebuilt[3].actor = "someone-else".into();
        rebuilt[3].hash = entry_hash(&rebuilt[3]);
        assert_eq!(
            verify_from(&rebuilt[..4], &anchor),
            Err(ChainError::AnchorMismatch { seq: 4 })
        );
    }

    #[test]
    fn anchors_are_read_as_printed() {
        let hash = "ab".repeat(32);
        let a: Anchor = format!("12:{}", hash.to_uppercase()).parse().unwrap();
        assert_eq!(
            a,
            Anchor {
                seq: 12,
                hash: hash.clone()
            }
        );
        assert_eq!(a.to_string(), format!("12:{hash}"));
        for bad in [
            "12",
            "x:ab",
            "0:ab",
            &format!("12:{}", "zz".repeat(32)),
            "12:abc",
        ] {
            assert!(bad.parse::<Anchor>().is_err(), "{bad}");
        }
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
