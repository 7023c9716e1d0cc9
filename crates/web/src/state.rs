use pathway_domain::framework::{Framework, LevelChanges};
use pathway_domain::terminology::Terminology;
use pathway_store::{Store, StoreError, StoreResult, VersionSummary, pick_version};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

/// Settings the server needs at run time.
#[derive(Clone, Debug)]
pub struct Config {
    /// Mark cookies `Secure` even when the request did not say it came over TLS.
    pub secure_cookies: bool,
    /// The address people reach Pathway at, used in exported identifiers (CASE URIs).
    pub public_url: String,
    /// How many proxies in front of Pathway append to `X-Forwarded-For` (see
    /// [`crate::client_ip`]); 0 ignores the header.
    pub trusted_proxies: usize,
    /// The words Pathway's own pages use ("competency" or "capability"…).
    pub terminology: Terminology,
    /// A bearer token that opens `/metrics` to scrapers on other hosts; without it only
    /// loopback clients may read the metrics.
    pub metrics_token: Option<String>,
    /// How long a shutdown waits for requests in flight before stopping anyway.
    pub shutdown_grace: std::time::Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            trusted_proxies: 0,
            terminology: Terminology::default(),
            metrics_token: None,
            shutdown_grace: std::time::Duration::from_secs(30),
        }
    }
}

/// How long an instance trusts its list of a framework's published versions. A version
/// published through another instance is served as current here within this time; one
/// published through this instance is served at once.
pub const PUBLISHED_VERSIONS_TTL: Duration = Duration::from_secs(2);

/// At most this many frameworks' version lists are remembered; beyond it the list is
/// cleared, so requests for many different ids cannot grow memory without bound.
const PUBLISHED_VERSIONS_MAX: usize = 1024;

/// A framework version's content with what the server derives from it: what changes
/// between its levels, and the API's JSON of the whole version (made on first request).
#[derive(Clone)]
pub struct VersionContent {
    pub framework: Arc<Framework>,
    pub changes: Arc<LevelChanges>,
    pub whole_json: Arc<OnceLock<axum::body::Bytes>>,
    /// The version as a CASE package (see [`crate::case_api::package_of`]).
    pub case_json: Arc<OnceLock<Arc<serde_json::Value>>>,
}

/// A framework's published and retired versions, and when they were read.
type PublishedVersions = (Instant, Arc<[VersionSummary]>);

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Content of published and retired versions, which never changes once published,
    /// so every app instance may keep it without coordination. Drafts are always read fresh.
    frozen: Arc<RwLock<HashMap<i64, VersionContent>>>,
    /// Each framework's published and retired versions, as read at the instant kept.
    published: Arc<RwLock<HashMap<String, PublishedVersions>>>,
    /// Every framework's versions as the public sees them, for the CASE provider API.
    all_published: Arc<RwLock<Option<PublishedVersions>>>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            store,
            config: Arc::new(config),
            frozen: Arc::default(),
            published: Arc::default(),
            all_published: Arc::default(),
        }
    }

    /// A version's content: from memory when the version is frozen, else from the database.
    pub async fn framework(&self, version_id: i64) -> StoreResult<VersionContent> {
        if let Some(c) = self
            .frozen
            .read()
            .ok()
            .and_then(|m| m.get(&version_id).cloned())
        {
            return Ok(c);
        }
        let framework = self.store.load_framework(version_id).await?;
        let content = VersionContent {
            changes: Arc::new(LevelChanges::of(&framework)),
            framework: Arc::new(framework),
            whole_json: Arc::default(),
            case_json: Arc::default(),
        };
        if !content.framework.meta.status.is_editable()
            && let Ok(mut m) = self.frozen.write()
        {
            m.insert(version_id, content.clone());
        }
        Ok(content)
    }

    /// The version a reader means (see [`pick_version`]). Readers who may see drafts are
    /// always answered from the database; everyone else from a list of published versions
    /// at most [`PUBLISHED_VERSIONS_TTL`] old, which keeps the public framework pages off
    /// the database.
    pub async fn resolve_version(
        &self,
        framework_id: &str,
        version: Option<&str>,
        include_drafts: bool,
    ) -> StoreResult<VersionSummary> {
        let versions = self.versions_of(framework_id, include_drafts).await?;
        pick_version(&versions, version)
            .cloned()
            .ok_or(StoreError::NotFound("framework version"))
    }

    /// A framework's versions in creation order, drafts only when asked for; without them,
    /// from the list kept for [`PUBLISHED_VERSIONS_TTL`] (see [`Self::resolve_version`]).
    pub async fn versions_of(
        &self,
        framework_id: &str,
        include_drafts: bool,
    ) -> StoreResult<Arc<[VersionSummary]>> {
        if include_drafts {
            return Ok(self.store.versions_of(framework_id, true).await?.into());
        }
        self.published_versions(framework_id).await
    }

    async fn published_versions(&self, framework_id: &str) -> StoreResult<Arc<[VersionSummary]>> {
        let kept = self.published.read().ok().and_then(|m| {
            m.get(framework_id)
                .filter(|(at, _)| at.elapsed() < PUBLISHED_VERSIONS_TTL)
                .map(|(_, v)| v.clone())
        });
        if let Some(v) = kept {
            return Ok(v);
        }
        let read_at = Instant::now();
        let versions: Arc<[VersionSummary]> =
            self.store.versions_of(framework_id, false).await?.into();
        // An unknown id is not remembered: that would let anyone fill memory with misses.
        if !versions.is_empty()
            && let Ok(mut m) = self.published.write()
        {
            if m.len() >= PUBLISHED_VERSIONS_MAX {
                m.clear();
            }
            m.insert(framework_id.to_owned(), (read_at, versions.clone()));
        }
        Ok(versions)
    }

    /// Call after this instance changes which versions of a framework are published.
    pub fn forget_versions(&self, framework_id: &str) {
        if let Ok(mut m) = self.published.write() {
            m.remove(framework_id);
        }
        if let Ok(mut all) = self.all_published.write() {
            *all = None;
        }
    }

    /// Every framework's published and retired versions, re-read at most every
    /// [`PUBLISHED_VERSIONS_TTL`], so public callers of the CASE API do not each cost a query.
    pub async fn all_published_versions(&self) -> StoreResult<Arc<[VersionSummary]>> {
        let kept = self.all_published.read().ok().and_then(|all| {
            all.as_ref()
                .filter(|(at, _)| at.elapsed() < PUBLISHED_VERSIONS_TTL)
                .map(|(_, v)| v.clone())
        });
        if let Some(v) = kept {
            return Ok(v);
        }
        let read_at = Instant::now();
        let versions: Arc<[VersionSummary]> = self.store.framework_versions(false).await?.into();
        if let Ok(mut all) = self.all_published.write() {
            *all = Some((read_at, versions.clone()));
        }
        Ok(versions)
    }
}
