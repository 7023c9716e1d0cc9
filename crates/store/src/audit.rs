//! The append-only, hash-chained audit log.

use crate::{Backend, Store, StoreError, StoreResult, Tx, now};
use pathway_domain::audit::{
    Anchor, AuditEntry, AuditKey, ChainError, ChainVerifier, ERASURE_ACTION, GENESIS, Verified,
    entry_hash, erase, seal,
};
use serde_json::Value;
use sqlx::Row;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn user(id: i64, email: &str) -> Self {
        Self {
            user_id: Some(id),
            label: email.to_owned(),
        }
    }
    /// An operator at the command line.
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Self {
            user_id: None,
            label: format!("cli:{who}"),
        }
    }
    /// Pathway itself, e.g. loading the shipped framework on first start.
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".into(),
        }
    }
}

/// An arbitrary lock number that serialises audit appends on PostgreSQL.
const AUDIT_LOCK: i64 = 0x5041_5448; // "PATH"

impl Tx {
    /// Appends an entry in this transaction, so the change and its record commit together.
    pub async fn audit(
        &mut self,
        actor: &Actor,
        action: &str,
        subject_type: &str,
        subject_id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> StoreResult<()> {
        self.audit_at(
            now(),
            actor,
            action,
            subject_type,
            subject_id,
            before,
            after,
        )
        .await
    }

    /// [`Tx::audit`] at a given time: an erasure's record carries the time stamped on the
    /// entries it erased, which is how the chain check knows each erasure was recorded.
    #[allow(clippy::too_many_arguments)]
    async fn audit_at(
        &mut self,
        at: String,
        actor: &Actor,
        action: &str,
        subject_type: &str,
        subject_id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            // Held until commit: appends queue, so seq order is commit order and the chain never forks.
            sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                .bind(AUDIT_LOCK)
                .fetch_one(self.conn())
                .await?;
        }
        let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.conn())
            .await?;
        let (seq, prev_hash) = match last {
            Some(row) => (
                row.try_get::<i64, _>("seq")? + 1,
                row.try_get::<String, _>("hash")?,
            ),
            None => (1, GENESIS.to_owned()),
        };
        let mut entry = AuditEntry {
            seq,
            at,
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: action.to_owned(),
            subject_type: subject_type.to_owned(),
            subject_id: subject_id.to_string(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            content_salt: None,
            content_digest: None,
            erased_at: None,
            prev_hash,
            hash: String::new(),
            mac: None,
        };
        seal(&mut entry, uuid::Uuid::new_v4().simple().to_string());
        entry.hash = entry_hash(&entry);
        entry.mac = self.audit_key.as_ref().map(|k| k.seal(&entry.hash));
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, subject_type, subject_id, \
             before_json, after_json, content_salt, content_digest, prev_hash, hash, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(entry.seq)
        .bind(&entry.at)
        .bind(entry.actor_user_id)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject_type)
        .bind(&entry.subject_id)
        .bind(&entry.before)
        .bind(&entry.after)
        .bind(&entry.content_salt)
        .bind(&entry.content_digest)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .bind(&entry.mac)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// What erasing a person from the audit log did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditErasure {
    /// Entries whose personal content was removed.
    pub erased: u64,
    /// Entries about the person written before content sealing; their content is hashed
    /// directly into the chain, so removing it would break the chain, and it is kept.
    pub kept_unsealed: u64,
}

impl Tx {
    /// Removes the personal content (who acted, before and after) of every entry the user
    /// made or that is about the user, keeping the fact of each change and a whole chain,
    /// and records the erasure itself as a new entry at the same instant. Records of earlier
    /// erasures are kept: they are what shows each erased entry was erased on purpose.
    pub async fn erase_user_from_audit(
        &mut self,
        actor: &Actor,
        user_id: i64,
    ) -> StoreResult<AuditErasure> {
        self.erase_from_audit(actor, user_id, serde_json::Map::new())
            .await
    }

    /// [`Tx::erase_user_from_audit`], with more to say in the erasure's own entry (what
    /// else was removed with it, holding nothing personal).
    pub(crate) async fn erase_from_audit(
        &mut self,
        actor: &Actor,
        user_id: i64,
        mut details: serde_json::Map<String, Value>,
    ) -> StoreResult<AuditErasure> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE erased_at IS NULL AND action <> $3 \
             AND (actor_user_id = $1 OR (subject_type = 'user' AND subject_id = $2)) ORDER BY seq"
        ))
        .bind(user_id)
        .bind(user_id.to_string())
        .bind(ERASURE_ACTION)
        .fetch_all(self.conn())
        .await?;
        let at = now();
        let mut done = AuditErasure {
            erased: 0,
            kept_unsealed: 0,
        };
        for row in &rows {
            let mut entry = entry_from(row)?;
            if entry.content_digest.is_none() {
                done.kept_unsealed += 1;
                continue;
            }
            erase(&mut entry, at.clone());
            sqlx::query(
                "UPDATE audit_log SET actor = $1, before_json = NULL, after_json = NULL, \
                 content_salt = NULL, erased_at = $2 WHERE seq = $3",
            )
            .bind(&entry.actor)
            .bind(&at)
            .bind(entry.seq)
            .execute(self.conn())
            .await?;
            done.erased += 1;
        }
        details.insert("entries_erased".into(), done.erased.into());
        details.insert("entries_kept_unsealed".into(), done.kept_unsealed.into());
        self.audit_at(
            at,
            actor,
            ERASURE_ACTION,
            "user",
            user_id,
            None,
            Some(Value::Object(details)),
        )
        .await?;
        Ok(done)
    }
}

/// Which audit entries a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFilter {
    Everything,
    /// Those a person made, and those about them.
    Person(i64),
    /// Those about an organisation.
    Organisation(i64),
}

/// A page of the audit log, newest first.
#[derive(Debug)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
}

pub(crate) const COLUMNS: &str = "seq, at, actor_user_id, actor, action, subject_type, subject_id, before_json, \
    after_json, content_salt, content_digest, erased_at, prev_hash, hash, mac";

pub(crate) fn entry_from(row: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject_type: row.try_get("subject_type")?,
        subject_id: row.try_get("subject_id")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        content_salt: row.try_get("content_salt")?,
        content_digest: row.try_get("content_digest")?,
        erased_at: row.try_get("erased_at")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
        mac: row.try_get("mac")?,
    })
}

impl Store {
    /// A page of the whole audit log, newest first.
    pub async fn audit_page(&self, offset: i64, limit: i64) -> StoreResult<AuditPage> {
        self.audit_page_of(AuditFilter::Everything, offset, limit)
            .await
    }

    /// A page of the entries `filter` picks, newest first, and how many it picks in all.
    pub async fn audit_page_of(
        &self,
        filter: AuditFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<AuditPage> {
        // Offset and limit are numbers the server worked out; the filter's ids are bound.
        let filter_sql = match filter {
            AuditFilter::Everything => "1 = 1",
            AuditFilter::Person(_) => {
                "(actor_user_id = $1 OR (subject_type = 'user' AND subject_id = $2))"
            }
            AuditFilter::Organisation(_) => "(subject_type = 'organisation' AND subject_id = $1)",
        };
        fn bind<'q>(
            q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
            filter: AuditFilter,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            match filter {
                AuditFilter::Everything => q,
                AuditFilter::Person(id) => q.bind(id).bind(id.to_string()),
                AuditFilter::Organisation(id) => q.bind(id.to_string()),
            }
        }
        let list = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {filter_sql} ORDER BY seq DESC LIMIT {} OFFSET {}",
            limit.max(0),
            offset.max(0)
        );
        let count = format!("SELECT COUNT(*) AS n FROM audit_log WHERE {filter_sql}");
        let rows = bind(sqlx::query(&list), filter)
            .fetch_all(self.pool())
            .await?;
        let total: i64 = bind(sqlx::query(&count), filter)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        Ok(AuditPage {
            entries: rows.iter().map(entry_from).collect::<StoreResult<_>>()?,
            total,
        })
    }

    /// Titles and version labels of these framework versions, by id, to describe audit
    /// entries about them. Kept here rather than with the frameworks: only the log needs it.
    pub async fn version_labels(
        &self,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, (String, String)>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let rows = sqlx::query(&format!(
            "SELECT id, title, version FROM framework_versions WHERE id IN ({})",
            crate::id_list(ids)
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    (r.try_get("title")?, r.try_get("version")?),
                ))
            })
            .collect()
    }

    /// Entries about one subject, oldest first.
    pub async fn audit_for(
        &self,
        subject_type: &str,
        subject_id: &str,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE subject_type = $1 AND subject_id = $2 ORDER BY seq"
        ))
        .bind(subject_type)
        .bind(subject_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from).collect()
    }

    /// Walks the whole chain in batches, and checks it still holds `anchor` if one is given.
    pub async fn verify_audit(
        &self,
        anchor: Option<Anchor>,
    ) -> StoreResult<Result<Verified, ChainError>> {
        let mut verifier = anchor.map_or_else(ChainVerifier::default, ChainVerifier::with_anchor);
        if let Some(key) = &self.audit_key {
            verifier = verifier.sealed_with(key.as_ref().clone());
        }
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000"
            ))
            .bind(after)
            .fetch_all(self.pool())
            .await?;
            if rows.is_empty() {
                return Ok(verifier.finish());
            }
            for row in &rows {
                let entry = entry_from(row)?;
                if let Err(broken) = verifier.check(&entry) {
                    return Ok(Err(broken));
                }
                after = entry.seq;
            }
        }
    }
}

/// What [`Store::use_audit_key`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// The log was already sealed with this key.
    Known,
    /// The key was registered now, and this many earlier entries were sealed with it.
    Registered { sealed: u64 },
}

impl Store {
    async fn unsealed_entries(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE mac IS NULL")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Whether any entry carries a seal.
    pub async fn has_sealed_entries(&self) -> StoreResult<bool> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE mac IS NOT NULL")
                .fetch_one(self.pool())
                .await?
                > 0,
        )
    }

    /// The fingerprint of the key the log is sealed with, if any.
    pub async fn audit_key_fingerprint(&self) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT fingerprint FROM audit_key")
            .fetch_optional(self.pool())
            .await?)
    }

    /// Seals new entries with `key`, and has the chain check require seals. The first key a
    /// log sees is registered. Entries already there are sealed with it only when the caller
    /// says they may be (`seal_existing`: the key was made just now for this log, or someone
    /// checked the log and asked): otherwise whoever could write to the database could
    /// remove the key's record and the seals and have forged entries sealed at the next start.
    /// A log whose entries carry seals but whose key record is gone is refused, and so is a
    /// log sealed with another key, so instances sharing a database cannot each seal with
    /// their own.
    pub async fn use_audit_key(
        &mut self,
        key: AuditKey,
        seal_existing: bool,
    ) -> StoreResult<KeyUse> {
        let fingerprint = key.fingerprint();
        let outcome = match self.audit_key_fingerprint().await? {
            Some(known) if known == fingerprint => KeyUse::Known,
            Some(known) => {
                return Err(StoreError::Config(format!(
                    "the audit log is sealed with the key {known}, but this key is {fingerprint}; give every instance the same audit key file"
                )));
            }
            None if self.has_sealed_entries().await? => {
                return Err(StoreError::Config(format!(
                    "the audit log's entries are sealed but the database has no record of the key that sealed them (this key is {fingerprint}): the record was removed outside Pathway. Check the log with the key that belongs to it before going on"
                )));
            }
            None => {
                let unsealed = self.unsealed_entries().await?;
                if !seal_existing && unsealed > 0 {
                    return Err(StoreError::Config(format!(
                        "the audit log holds {unsealed} entries that were never sealed, and the audit key was not made for it just now. Check the log with `pathway audit verify`, then seal it with `pathway audit seal` if you trust it as it is"
                    )));
                }
                let mut tx = self.begin().await?;
                // One row at most: of instances registering at once, one does it.
                let inserted = sqlx::query(
                    "INSERT INTO audit_key (id, fingerprint, registered_at) VALUES (1, $1, $2)",
                )
                .bind(&fingerprint)
                .bind(crate::now())
                .execute(tx.conn())
                .await;
                if let Err(sqlx::Error::Database(e)) = &inserted
                    && e.is_unique_violation()
                {
                    drop(tx);
                    return match self.audit_key_fingerprint().await? {
                        Some(known) if known == fingerprint => {
                            self.audit_key = Some(std::sync::Arc::new(key));
                            Ok(KeyUse::Known)
                        }
                        _ => Err(StoreError::Config(
                            "another instance sealed the audit log with another key at the same moment; give every instance the same audit key file".into(),
                        )),
                    };
                }
                inserted?;
                let unsealed: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT seq, hash FROM audit_log WHERE mac IS NULL ORDER BY seq",
                )
                .fetch_all(tx.conn())
                .await?;
                for (seq, hash) in &unsealed {
                    sqlx::query("UPDATE audit_log SET mac = $1 WHERE seq = $2")
                        .bind(key.seal(hash))
                        .bind(seq)
                        .execute(tx.conn())
                        .await?;
                }
                tx.commit().await?;
                KeyUse::Registered {
                    sealed: unsealed.len() as u64,
                }
            }
        };
        self.audit_key = Some(std::sync::Arc::new(key));
        Ok(outcome)
    }
}
