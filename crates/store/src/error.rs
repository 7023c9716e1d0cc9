use pathway_domain::framework::Problems;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value already taken; `field` names what the user should change.
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    /// Content that breaks a rule; nothing was written.
    #[error("{0}")]
    Invalid(Problems),
    #[error("{0}")]
    Config(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }

    /// Turns a unique-constraint violation into a conflict on `field`, leaving other errors alone.
    pub(crate) fn on_unique(
        field: &'static str,
        message: impl Into<String>,
    ) -> impl FnOnce(sqlx::Error) -> Self {
        let message = message.into();
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict { field, message }
            }
            _ => Self::Db(e),
        }
    }
}
