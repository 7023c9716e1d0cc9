use pathway_domain::framework::Framework;
use pathway_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Settings the server needs at run time.
#[derive(Clone, Debug)]
pub struct Config {
    /// Mark cookies `Secure` even when the request did not say it came over TLS.
    pub secure_cookies: bool,
    /// The address people reach Pathway at, used in exported identifiers (CASE URIs).
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Content of published and retired versions, which never changes once published,
    /// so every app instance may keep it without coordination. Drafts are always read fresh.
    frozen: Arc<RwLock<HashMap<i64, Arc<Framework>>>>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            store,
            config: Arc::new(config),
            frozen: Arc::default(),
        }
    }

    /// A version's content: from memory when the version is frozen, else from the database.
    pub async fn framework(
        &self,
        version_id: i64,
    ) -> Result<Arc<Framework>, pathway_store::StoreError> {
        if let Some(f) = self
            .frozen
            .read()
            .ok()
            .and_then(|m| m.get(&version_id).cloned())
        {
            return Ok(f);
        }
        let f = Arc::new(self.store.load_framework(version_id).await?);
        if !f.meta.status.is_editable()
            && let Ok(mut m) = self.frozen.write()
        {
            m.insert(version_id, f.clone());
        }
        Ok(f)
    }
}
