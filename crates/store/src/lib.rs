//! Pathway's storage: one set of queries for SQLite (the default, one file) and PostgreSQL
//! (for several app instances sharing one database).
//!
//! Queries are written once in SQL both databases accept and run through sqlx's `Any`
//! driver; each backend has its own migrations because DDL differs. Times are stored as
//! UTC RFC 3339 text and flags as integers so values decode the same on both.
#![forbid(unsafe_code)]

mod audit;
mod error;
mod frameworks;
mod login_attempts;
mod orgs;
mod privacy;
mod sessions;
mod synthetic;
mod users;

pub use audit::{Actor, AuditErasure, AuditFilter, AuditPage, KeyUse};
pub use error::{StoreError, StoreResult};
pub use frameworks::{VersionSummary, baseline, pick_version};
pub use orgs::{OrgSummary, Organisation};
pub use privacy::{SessionTimes, SignInAttempt, SubjectAccess, UserErasure};
pub use sessions::SessionRecord;
pub use synthetic::Loaded;
pub use users::{GrantRow, User};

use pathway_domain::identity::search_text;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::time::Duration;

/// Connections to a SQLite database. SQLite runs inside this process, so connections beyond
/// about two per CPU add no throughput, while each keeps its own page cache and working
/// memory: with the national data set, 8 connections on 2 CPUs peaked at 108 MiB under the
/// administration lists' load and 4 at 72 MiB, serving as many requests.
fn sqlite_pool_size() -> u32 {
    std::thread::available_parallelism().map_or(4, |n| (2 * n.get()).clamp(4, 8) as u32)
}

/// Holds an exclusive lock on `<database>.lock` until dropped; `None` for in-memory databases.
async fn sqlite_migration_lock(url: &str) -> StoreResult<Option<std::fs::File>> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    if path.is_empty() || path == ":memory:" {
        return Ok(None);
    }
    let lock_path = format!("{path}.lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(Some(file))
    })
    .await
    .map_err(|e| StoreError::Config(format!("cannot wait for the migration lock: {e}")))?
    .map_err(|e| StoreError::Config(format!("cannot lock the database for its migrations: {e}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "the database URL must start with sqlite: or postgres: (got \"{}\")",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Seals audit entries; see [`Store::use_audit_key`].
    audit_key: Option<std::sync::Arc<pathway_domain::audit::AuditKey>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database.
    pub async fn open(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        if backend == Backend::Postgres {
            // One connection first: a pool retries until its timeout and then reports only
            // that it timed out, where this says why (refused, unknown database, no role…).
            use sqlx::Connection;
            sqlx::AnyConnection::connect_with(&options)
                .await?
                .close()
                .await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => sqlite_pool_size(),
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let store = Self {
            pool,
            backend,
            audit_key: None,
        };
        // sqlx takes a lock for PostgreSQL migrations but not for SQLite ones: several
        // processes opening a new file at once (a service and a CLI command) would each try to
        // create the tables. A lock file beside the database makes them take turns.
        let _migrating = match backend {
            Backend::Sqlite => sqlite_migration_lock(&url).await?,
            Backend::Postgres => None,
        };
        store.migrate().await?;
        store.fill_search_text("users", "name", "email").await?;
        store
            .fill_search_text("organisations", "name", "COALESCE(code, '')")
            .await?;
        Ok(store)
    }

    /// Fills in the search text (see [`search_text`]) of rows the migration that added it
    /// left empty: names beyond ASCII, which only Pathway lower-cases the same on both
    /// databases. Runs whenever the database is opened; a partial index holds only the rows
    /// still to fill, so after the first time it finds nothing without reading the table
    /// (17 ms of every start, and of every CLI command, for the national data set's users).
    /// `table`, `first` and `second` are Pathway's own SQL, never input.
    async fn fill_search_text(&self, table: &str, first: &str, second: &str) -> StoreResult<()> {
        let rows = sqlx::query(&format!(
            "SELECT id, {first} AS first, {second} AS second FROM {table} WHERE search_text IS NULL"
        ))
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for r in &rows {
            let (a, b): (String, String) = (r.try_get("first")?, r.try_get("second")?);
            sqlx::query(&format!(
                "UPDATE {table} SET search_text = $1 WHERE id = $2 AND search_text IS NULL"
            ))
            .bind(search_text(&[&a, &b]))
            .bind(r.try_get::<i64, _>("id")?)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        tracing::info!(table, rows = rows.len(), "filled in search text");
        Ok(())
    }

    async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(StoreError::Migrate)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction for writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing on upgrade.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            tx,
            backend: self.backend,
            audit_key: self.audit_key.clone(),
        })
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A consistent copy of a live SQLite database, taken without stopping the server.
    pub async fn backup_sqlite(&self, target: &std::path::Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config(
                "pathway backup copies SQLite deployments; for PostgreSQL use pg_dump".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Config(format!(
                "{} already exists; choose a new file name so no backup is overwritten",
                target.display()
            )));
        }
        let path = target
            .to_str()
            .ok_or_else(|| StoreError::Config("the backup path must be valid UTF-8".into()))?;
        // VACUUM INTO writes a transactionally consistent, compacted copy.
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls everything back.
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    audit_key: Option<std::sync::Arc<pathway_domain::audit::AuditKey>>,
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// One page of a longer list, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub total: i64,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            total: 0,
        }
    }
}

/// The fields an edit changes, each before and after, for its audit entry: only what
/// changed, so the log says what the edit was.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    before: serde_json::Map<String, serde_json::Value>,
    after: serde_json::Map<String, serde_json::Value>,
}

impl Changes {
    pub(crate) fn field<T: serde::Serialize + PartialEq + ?Sized>(
        &mut self,
        key: &str,
        was: &T,
        now: &T,
    ) {
        if was != now {
            self.before.insert(key.into(), serde_json::json!(was));
            self.after.insert(key.into(), serde_json::json!(now));
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.after.contains_key(key)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.after.is_empty()
    }

    /// Before and after, for [`Tx::audit`].
    pub(crate) fn values(self) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
        (Some(self.before.into()), Some(self.after.into()))
    }
}

/// A list the administration pages, searches and scopes in the database.
pub(crate) struct ListQuery<'a> {
    /// What to select of each row, each with a name of its own (`o.name AS name`): the
    /// rows are ordered by these names outside the query that selects them.
    pub columns: &'a str,
    /// The rest of the query before ORDER BY: `FROM … WHERE {filter}{scope}`.
    pub from: &'a str,
    /// The search's condition, with the pattern bound as `$1`; left out for an empty
    /// search, so listing everything reads an index rather than every row.
    pub filter: &'a str,
    /// More common table expressions after `scope` (the organisations at or below the
    /// roots, from [`scope_cte`]), each starting with a comma; may be empty.
    pub scope_with: &'a str,
    /// The scope's condition, put at `{scope}` when the list is scoped.
    pub scoped: &'a str,
    /// The order, by the names the columns are selected as.
    pub order: &'a str,
}

impl Store {
    /// One page of `query`'s rows matching `search`, within `roots` (everything when
    /// `None`), and how many there are in all.
    ///
    /// Everything, unsearched, is counted and paged with indexes alone (the page walks the
    /// order's index and stops at its last row). A search or a scope reads each matching row
    /// once, counting them beside the page with `COUNT(*) OVER ()`, rather than once to
    /// count and again to page.
    pub(crate) async fn listing<T>(
        &self,
        query: &ListQuery<'_>,
        roots: Option<&[i64]>,
        search: &str,
        (offset, limit): (i64, i64),
        row: impl Fn(&sqlx::any::AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Listing<T>> {
        let (with, scoped) = match roots {
            None => (String::new(), ""),
            Some([]) => return Ok(Listing::default()),
            Some(roots) => (
                format!("{}{}", scope_cte(roots), query.scope_with),
                query.scoped,
            ),
        };
        let pattern = (!search.trim().is_empty()).then(|| contains_pattern(search));
        let from = query
            .from
            .replace(
                "{filter}",
                if pattern.is_some() {
                    query.filter
                } else {
                    "1 = 1"
                },
            )
            .replace("{scope}", scoped);
        let count = format!("{with} SELECT COUNT(*) AS listing_total {from}");
        let read_count = async || -> StoreResult<i64> {
            Ok(with_search(&count, &pattern)
                .fetch_one(self.pool())
                .await?
                .try_get("listing_total")?)
        };
        // Offset and limit are numbers the server worked out, written into the query so the
        // parameters are the same with a search and without one. The rows are ordered
        // outside a subquery: with the count beside them, PostgreSQL otherwise walked the
        // order's index over every row in the country (90 ms) instead of sorting the few
        // thousand that match (20 ms); without it, both databases flatten the subquery and
        // walk the index, stopping at the page.
        let page = |count: &str| {
            format!(
                "{with} SELECT * FROM (SELECT {}{count} {from}) listed ORDER BY {} LIMIT {} OFFSET {}",
                query.columns,
                query.order,
                limit.max(0),
                offset.max(0)
            )
        };
        let (rows, total) = if roots.is_none() && pattern.is_none() {
            let rows = with_search(&page(""), &pattern)
                .fetch_all(self.pool())
                .await?;
            (rows, read_count().await?)
        } else {
            let rows = with_search(&page(", COUNT(*) OVER () AS listing_total"), &pattern)
                .fetch_all(self.pool())
                .await?;
            let total = match rows.first() {
                Some(first) => first.try_get("listing_total")?,
                None if offset <= 0 => 0,
                // A page past the end has no row to carry the count.
                None => read_count().await?,
            };
            (rows, total)
        };
        Ok(Listing {
            rows: rows.iter().map(row).collect::<StoreResult<_>>()?,
            total,
        })
    }
}

/// `sql` with the search pattern bound as `$1`, when there is one.
fn with_search<'q>(
    sql: &'q str,
    pattern: &Option<String>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let query = sqlx::query(sql);
    match pattern {
        Some(p) => query.bind(p.clone()),
        None => query,
    }
}

/// Ids for an `IN (…)` list. They are integers the server holds, never text from a request,
/// so writing them into the query is safe, and keeps one query for any number of them.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// A `WITH RECURSIVE` clause naming `scope(id)`: the organisations at or below `roots`.
pub(crate) fn scope_cte(roots: &[i64]) -> String {
    format!(
        "WITH RECURSIVE scope(id) AS ( \
           SELECT id FROM organisations WHERE id IN ({}) \
           UNION \
           SELECT o.id FROM organisations o JOIN scope ON o.parent_id = scope.id \
         )",
        id_list(roots)
    )
}

/// A `LIKE … ESCAPE '\'` pattern for text containing `search`, lower-cased: `%` and `_`
/// typed by someone searching match themselves, not anything.
pub(crate) fn contains_pattern(search: &str) -> String {
    let escaped = search
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub(crate) fn now() -> String {
    pathway_domain::time::to_stored(chrono::Utc::now())
}
