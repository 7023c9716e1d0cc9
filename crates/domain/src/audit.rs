//! The audit log's hash chain.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing,
//! removing or reordering any stored entry breaks every hash after it. Before/after values
//! are hashed exactly as stored (text), so the check does not depend on how a database
//! re-serialises JSON.
//!
//! The personal content of an entry (who acted, and the before and after values) is bound
//! into the chain through a salted digest rather than directly, so that erasing a person can
//! remove that content, salt included, and leave the fact of each change with the chain
//! still whole: an erased entry keeps its digest, which without the salt reveals nothing.
//! Entries written before sealing (no digest) hash their content directly and cannot be
//! erased without breaking the chain.
//!
//! Erasure is itself recorded: an [`ERASURE_ACTION`] entry about the person, stamped with
//! the same instant as the entries it erased. The check requires one for every erased
//! entry, so content blanked by hand in the database is caught even though the chain
//! still holds.
//!
//! A hash chain has no secret: whoever can write to the database can append entries that
//! link. So each entry also carries a keyed seal ([`AuditKey::seal`], HMAC-SHA256 of its
//! hash) made with a key kept outside the database. Checked with the key, an entry without
//! a valid seal (appended, or its seal stripped) is caught even when the chain links.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The action of the entry recording that a person's content was erased from the log.
pub const ERASURE_ACTION: &str = "user.erase_from_audit";

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
    /// Random, per entry; removed with the content on erasure.
    pub content_salt: Option<String>,
    /// [`content_digest`] of the salt, actor, before and after; None for entries written
    /// before sealing.
    pub content_digest: Option<String>,
    /// When the content was erased (stored UTC); the actor is then [`ERASED`].
    pub erased_at: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// [`AuditKey::seal`] of `hash`; None where the log is not sealed.
    pub mac: Option<String>,
}

/// The secret that seals audit entries, kept outside the database (a file only the service
/// can read) so that someone who can write to the database cannot forge entries.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.fingerprint())
    }
}

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads a key written by [`AuditKey::to_hex`]: 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "the audit key must be 64 hexadecimal digits".to_owned())?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the audit key must be 64 hexadecimal digits (32 bytes)".to_owned())?;
        Ok(Self(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Names the key without revealing it, so a database can say which key sealed it.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"pathway audit key fingerprint\0");
        h.update(self.0);
        hex::encode(&h.finalize()[..8])
    }

    /// The seal of an entry: HMAC-SHA256 of its hash under this key.
    pub fn seal(&self, hash: &str) -> String {
        use hmac::Mac;
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(hash.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn seal_matches(&self, hash: &str, given: &str) -> bool {
        use hmac::Mac;
        let Ok(given) = hex::decode(given) else {
            return false;
        };
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(hash.as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

/// What an erased entry says in place of who acted.
pub const ERASED: &str = "erased";

/// The digest that binds an entry's personal content into the chain.
pub fn content_digest(
    salt: &str,
    actor: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let canonical = serde_json::json!([salt, actor, before, after]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Seals a new entry's content: a fresh salt and its digest.
pub fn seal(e: &mut AuditEntry, salt: String) {
    e.content_digest = Some(content_digest(
        &salt,
        &e.actor,
        e.before.as_deref(),
        e.after.as_deref(),
    ));
    e.content_salt = Some(salt);
}

/// Removes an entry's personal content, keeping what the chain needs.
pub fn erase(e: &mut AuditEntry, at: String) {
    e.actor = ERASED.to_owned();
    e.before = None;
    e.after = None;
    e.content_salt = None;
    e.erased_at = Some(at);
}

/// The hash of an entry given its fields and the previous entry's hash.
pub fn entry_hash(e: &AuditEntry) -> String {
    // A JSON array has one serialisation for these types, so the input is unambiguous.
    if let Some(digest) = &e.content_digest {
        let canonical = serde_json::json!([
            "sealed",
            e.seq,
            e.at,
            e.actor_user_id,
            e.action,
            e.subject_type,
            e.subject_id,
            digest,
            e.prev_hash
        ]);
        return hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
    }
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
        "entry {seq}: it is marked erased but still holds content, or its content does not match what was sealed"
    )]
    ErasedWithContent { seq: i64 },
    #[error(
        "entry {seq}: its content was removed, but no later entry records erasing the person it concerns (it was blanked outside Pathway)"
    )]
    ErasedWithoutRecord { seq: i64 },
    #[error(
        "entry {seq}: it has no seal from the audit key (it was written outside Pathway, or its seal was removed)"
    )]
    SealMissing { seq: i64 },
    #[error(
        "entry {seq}: its seal does not match the audit key (it was written outside Pathway, or with another key)"
    )]
    SealMismatch { seq: i64 },
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
    /// Erased entries not yet explained by a record of erasure, oldest first.
    unexplained: Vec<ErasedEntry>,
    /// With a key, every entry must carry its seal.
    key: Option<AuditKey>,
}

/// What the check keeps of an erased entry until the record of its erasure is found.
#[derive(Debug)]
struct ErasedEntry {
    seq: i64,
    erased_at: String,
    /// The people it concerns: who acted, and the user it was about.
    people: [Option<String>; 2],
}

impl ErasedEntry {
    fn of(e: &AuditEntry, erased_at: &str) -> Self {
        Self {
            seq: e.seq,
            erased_at: erased_at.to_owned(),
            people: [
                e.actor_user_id.map(|id| id.to_string()),
                (e.subject_type == "user").then(|| e.subject_id.clone()),
            ],
        }
    }

    /// Whether this erasure record (already checked as part of the chain) explains it.
    fn explained_by(&self, record: &AuditEntry) -> bool {
        record.at == self.erased_at
            && record.subject_type == "user"
            && self
                .people
                .iter()
                .flatten()
                .any(|p| *p == record.subject_id)
    }
}

impl ChainVerifier {
    /// A verifier that also checks the log still holds `anchor`.
    pub fn with_anchor(anchor: Anchor) -> Self {
        Self {
            anchor: Some(anchor),
            ..Self::default()
        }
    }

    /// A verifier that also checks every entry's seal with `key`.
    pub fn sealed_with(mut self, key: AuditKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Call after the last entry: checks the anchor, if any, and that every erasure was
    /// recorded, and reports the head.
    pub fn finish(self) -> Result<Verified, ChainError> {
        if let Some(erased) = self.unexplained.first() {
            return Err(ChainError::ErasedWithoutRecord { seq: erased.seq });
        }
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
        if let Some(digest) = &e.content_digest {
            match (&e.erased_at, &e.content_salt) {
                (None, Some(salt)) => {
                    if &content_digest(salt, &e.actor, e.before.as_deref(), e.after.as_deref())
                        != digest
                    {
                        return Err(ChainError::HashMismatch { seq: e.seq });
                    }
                }
                (Some(_), None) if e.actor == ERASED && e.before.is_none() && e.after.is_none() => {
                }
                _ => return Err(ChainError::ErasedWithContent { seq: e.seq }),
            }
        }
        if entry_hash(e) != e.hash {
            return Err(ChainError::HashMismatch { seq: e.seq });
        }
        if let Some(key) = &self.key {
            match &e.mac {
                None => return Err(ChainError::SealMissing { seq: e.seq }),
                Some(mac) if !key.seal_matches(&e.hash, mac) => {
                    return Err(ChainError::SealMismatch { seq: e.seq });
                }
                Some(_) => {}
            }
        }
        if let Some(anchor) = &self.anchor
            && anchor.seq == e.seq
        {
            if anchor.hash != e.hash {
                return Err(ChainError::AnchorMismatch { seq: e.seq });
            }
            self.anchor_seen = true;
        }
        if e.content_digest.is_some()
            && let Some(erased_at) = &e.erased_at
        {
            self.unexplained.push(ErasedEntry::of(e, erased_at));
        }
        if e.action == ERASURE_ACTION {
            self.unexplained.retain(|erased| !erased.explained_by(e));
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
        chain_of(n, |_| true)
    }

    /// A chain whose entries are sealed where `sealed(seq)` says so.
    fn chain_of(n: i64, is_sealed: impl Fn(i64) -> bool) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let sealed = is_sealed(seq);
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
                    content_salt: None,
                    content_digest: None,
                    erased_at: None,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                    mac: None,
                };
                if sealed {
                    seal(&mut e, format!("salt-{seq}"));
                }
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
        v.finish().map(|v| v.entries)
    }

    const ERASED_AT: &str = "2026-11-23T12:00:00.000000Z";

    /// Appends the record of erasing `user` at [`ERASED_AT`], as the store writes it.
    fn record_erasure(c: &mut Vec<AuditEntry>, user: &str, at: &str) {
        let last = c.last().unwrap();
        let mut e = AuditEntry {
            seq: last.seq + 1,
            at: at.into(),
            actor_user_id: Some(1),
            actor: "admin@example.nhs.uk".into(),
            action: ERASURE_ACTION.into(),
            subject_type: "user".into(),
            subject_id: user.into(),
            before: None,
            after: Some("{\"entries_erased\":1}".into()),
            content_salt: None,
            content_digest: None,
            erased_at: None,
            prev_hash: last.hash.clone(),
            hash: String::new(),
            mac: None,
        };
        seal(&mut e, "salt-erasure".into());
        e.hash = entry_hash(&e);
        c.push(e);
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
        seal(&mut rebuilt[3], "new-salt".into());
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
    fn erasing_content_leaves_the_chain_whole() {
        let mut c = chain(4);
        erase(&mut c[1], ERASED_AT.into());
        record_erasure(&mut c, "2", ERASED_AT);
        assert_eq!(verify(&c), Ok(5));
        assert_eq!(c[1].actor, ERASED);
        assert!(c[1].content_salt.is_none() && c[1].after.is_none());
        assert!(c[1].content_digest.is_some(), "the commitment stays");
    }

    fn key(byte: u8) -> AuditKey {
        AuditKey::from_bytes([byte; 32])
    }

    fn verify_sealed(entries: &[AuditEntry], key: AuditKey) -> Result<u64, ChainError> {
        let mut v = ChainVerifier::default().sealed_with(key);
        for e in entries {
            v.check(e)?;
        }
        v.finish().map(|v| v.entries)
    }

    #[test]
    fn sealed_entries_verify_only_with_their_key() {
        let mut c = chain(3);
        for e in &mut c {
            e.mac = Some(key(1).seal(&e.hash));
        }
        assert_eq!(verify_sealed(&c, key(1)), Ok(3));
        assert_eq!(verify(&c), Ok(3), "without the key, the chain alone");
        assert_eq!(
            verify_sealed(&c, key(2)),
            Err(ChainError::SealMismatch { seq: 1 })
        );
        // An entry appended by someone without the key links, but is not sealed.
        let mut appended = c.clone();
        record_erasure(&mut appended, "2", ERASED_AT);
        assert_eq!(
            verify_sealed(&appended, key(1)),
            Err(ChainError::SealMissing { seq: 4 })
        );
        appended[3].mac = Some(key(2).seal(&appended[3].hash));
        assert_eq!(
            verify_sealed(&appended, key(1)),
            Err(ChainError::SealMismatch { seq: 4 })
        );
    }

    #[test]
    fn keys_are_read_as_written_and_named_without_being_shown() {
        let k = key(7);
        assert_eq!(
            AuditKey::from_hex(&k.to_hex()).unwrap().to_hex(),
            k.to_hex()
        );
        assert_eq!(k.fingerprint().len(), 16);
        assert_ne!(k.fingerprint(), key(8).fingerprint());
        assert!(!format!("{k:?}").contains(&k.to_hex()));
        assert!(AuditKey::from_hex("abc").is_err());
        assert!(AuditKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn content_blanked_without_a_record_of_erasure_is_caught() {
        // Blanked by hand: the chain holds, but nothing says the person was erased.
        let mut c = chain(4);
        erase(&mut c[1], ERASED_AT.into());
        assert_eq!(verify(&c), Err(ChainError::ErasedWithoutRecord { seq: 2 }));
        // A record of erasing someone else, or at another time, does not explain it.
        let mut other = c.clone();
        record_erasure(&mut other, "3", ERASED_AT);
        assert_eq!(
            verify(&other),
            Err(ChainError::ErasedWithoutRecord { seq: 2 })
        );
        let mut later = c.clone();
        record_erasure(&mut later, "2", "2026-11-24T09:00:00.000000Z");
        assert_eq!(
            verify(&later),
            Err(ChainError::ErasedWithoutRecord { seq: 2 })
        );
        // Entries about the person and entries they made are both explained.
        let mut c = chain(4);
        c[2].actor_user_id = Some(7);
        seal(&mut c[2], "salt-3".into());
        let mut prev = c[1].hash.clone();
        for e in &mut c[2..] {
            e.prev_hash = prev;
            e.hash = entry_hash(e);
            prev = e.hash.clone();
        }
        erase(&mut c[2], ERASED_AT.into());
        record_erasure(&mut c, "7", ERASED_AT);
        assert_eq!(verify(&c), Ok(5));
    }

    #[test]
    fn content_put_back_into_an_erased_entry_is_caught() {
        let mut c = chain(3);
        erase(&mut c[1], "2026-11-23T12:00:00.000000Z".into());
        c[1].after = Some("{\"n\":42}".into());
        assert_eq!(verify(&c), Err(ChainError::ErasedWithContent { seq: 2 }));
        let mut c = chain(3);
        c[1].erased_at = Some("2026-11-23T12:00:00.000000Z".into());
        assert_eq!(
            verify(&c),
            Err(ChainError::ErasedWithContent { seq: 2 }),
            "marking an entry erased without erasing it"
        );
    }

    #[test]
    fn changed_content_of_a_sealed_entry_is_caught() {
        let mut c = chain(3);
        c[1].actor = "someone-else@example.nhs.uk".into();
        assert_eq!(verify(&c), Err(ChainError::HashMismatch { seq: 2 }));
        let mut c = chain(3);
        c[2].after = None;
        assert_eq!(verify(&c), Err(ChainError::HashMismatch { seq: 3 }));
    }

    #[test]
    fn entries_from_before_sealing_still_verify_beside_sealed_ones() {
        let c = chain_of(5, |seq| seq > 2);
        assert!(c[0].content_digest.is_none() && c[4].content_digest.is_some());
        assert_eq!(verify(&c), Ok(5));
        let mut tampered = c.clone();
        tampered[0].actor = "someone-else".into();
        assert_eq!(verify(&tampered), Err(ChainError::HashMismatch { seq: 1 }));
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
        seal(&mut c[1], "new-salt".into());
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
