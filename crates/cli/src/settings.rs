//! Command-line flags and their environment variables. Scripts rely on these names.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "pathway",
    version,
    about = "Pathway: competency frameworks, skills passports and workforce planning for the AHP support workforce",
    long_about = "Pathway turns the HEE AHP Support Worker Competency, Education and Career Development \
Framework into a working service. Run `pathway demo` to try it with demo data, or `pathway serve` for a real deployment \
(bootstrap the first administrator with `pathway user add --platform-admin`)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Folder for Pathway's data: the SQLite database lives here unless --database-url says otherwise.
    #[arg(
        long,
        env = "PATHWAY_DATA_DIR",
        default_value = "./pathway-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database to use: sqlite://FILE or postgres://USER@HOST/DB. Default: SQLite in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// The secret that seals audit entries (64 hexadecimal digits), kept outside the database.
    /// Default: audit.key in the data folder, made on first start. Instances sharing one
    /// database must all use the same file.
    #[arg(long, env = "PATHWAY_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
    /// Log format: text for people, json for log collectors.
    #[arg(
        long,
        env = "PATHWAY_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

impl Global {
    /// The database to open. Commands that only read or copy (`backup`, `audit verify`,
    /// listings, exports) refuse to start on a SQLite file that does not exist yet, so a
    /// wrong folder is an error rather than a new, empty database.
    pub fn database_url(&self, may_create: bool) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            if !may_create
                && let Some(file) = sqlite_file(url)
                && !file.exists()
            {
                anyhow::bail!(
                    "there is no Pathway database at {}; check --database-url (DATABASE_URL)",
                    file.display()
                );
            }
            return Ok(url.clone());
        }
        let file = self.data_dir.join("pathway.db");
        if !may_create && !file.exists() {
            anyhow::bail!(
                "there is no Pathway database in {}; give --data-dir (PATHWAY_DATA_DIR) with the folder Pathway runs with, or start Pathway once with `pathway serve` to create it",
                self.data_dir.display()
            );
        }
        if !self.data_dir.exists() {
            std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the data folder {}: {e}",
                    self.data_dir.display()
                )
            })?;
            owner_only(&self.data_dir);
        }
        Ok(format!("sqlite://{}", file.display()))
    }

    /// Whether the database this deployment uses is there already. A PostgreSQL database is
    /// taken to be: Pathway never creates one.
    pub fn database_exists(&self) -> bool {
        match &self.database_url {
            Some(url) => sqlite_file(url).is_none_or(|file| file.exists()),
            None => self.data_dir.join("pathway.db").exists(),
        }
    }

    pub fn audit_key_path(&self) -> PathBuf {
        self.audit_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit.key"))
    }

    /// The database file holds password hashes, emails and the audit log: only its owner
    /// (the account Pathway runs as) may read it.
    pub fn restrict_permissions(&self) {
        let file = match &self.database_url {
            Some(url) => sqlite_file(url),
            None => Some(self.data_dir.join("pathway.db")),
        };
        if let Some(file) = file {
            owner_only(&file);
        }
    }
}

/// The file of a `sqlite:` URL, if it names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Checks `--public-url`: every exported CASE identifier is built on it, and one made on a
/// wrong address points nowhere once it is in other systems. Returned without a trailing `/`.
fn public_url(raw: &str) -> Result<String, String> {
    let example =
        "give the address people use to reach Pathway, e.g. https://pathway.example.nhs.uk";
    let url = url::Url::parse(raw.trim())
        .map_err(|e| format!("\"{raw}\" is not an address ({e}); {example}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "\"{raw}\" is not an http or https address; {example}"
        ));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(format!(
            "\"{raw}\" has a query, a fragment or a user name; {example}, with a path if Pathway is served under one"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A secret file others can read is made private, with a warning: someone may have read it.
pub fn keep_secret(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the audit key could be read by others; it is now readable by its owner only, but consider it seen"
            );
            owner_only(path);
        }
    }
}

/// Makes a file or folder readable by its owner only, where the system supports it.
pub fn owner_only(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
            tracing::warn!(path = %path.display(), error = %e, "cannot restrict permissions");
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PATHWAY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Mark cookies Secure and send HSTS even without X-Forwarded-Proto: https (set this
    /// behind a TLS proxy). The environment variable takes true/false, 1/0, yes/no or on/off.
    #[arg(
        long,
        env = "PATHWAY_SECURE_COOKIES",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub secure_cookies: bool,
    /// A bearer token that lets scrapers on other hosts read /metrics (loopback clients
    /// always may).
    #[arg(long, env = "PATHWAY_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The address people use to reach Pathway, used in exported identifiers, e.g.
    /// https://pathway.example.nhs.uk.
    #[arg(long, env = "PATHWAY_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    /// How many reverse proxies or load balancers in front of Pathway append to
    /// X-Forwarded-For; the client address used for sign-in rate limiting is that many
    /// entries from the right. 0 (the default) ignores the header.
    #[arg(long, env = "PATHWAY_TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,
    /// What Pathway's pages call an assessed item. Framework text is never changed.
    #[arg(
        long,
        env = "PATHWAY_COMPETENCY_WORD",
        value_enum,
        default_value = "competency"
    )]
    pub competency_word: CompetencyWordArg,
    /// What Pathway's pages call the people who receive care.
    #[arg(
        long,
        env = "PATHWAY_PEOPLE_WORD",
        value_enum,
        default_value = "people-who-access-services"
    )]
    pub people_word: PeopleWordArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompetencyWordArg {
    Competency,
    Capability,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleWordArg {
    PeopleWhoAccessServices,
    ServiceUsers,
    Patients,
}

impl ServeArgs {
    pub fn terminology(&self) -> pathway_domain::terminology::Terminology {
        use pathway_domain::terminology::{CompetencyWord, PeopleWord, Terminology};
        Terminology {
            competency: match self.competency_word {
                CompetencyWordArg::Competency => CompetencyWord::Competency,
                CompetencyWordArg::Capability => CompetencyWord::Capability,
            },
            people: match self.people_word {
                PeopleWordArg::PeopleWhoAccessServices => PeopleWord::PeopleWhoAccessServices,
                PeopleWordArg::ServiceUsers => PeopleWord::ServiceUsers,
                PeopleWordArg::Patients => PeopleWord::Patients,
            },
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Create demo organisations and users (passwords printed), then run the web server.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Use this password for every demo user instead of random ones (for tests and benchmarks).
        #[arg(long, env = "PATHWAY_DEMO_PASSWORD", hide_env_values = true)]
        demo_password: Option<String>,
    },
    /// List, show, import and export frameworks.
    #[command(subcommand)]
    Framework(FrameworkCommand),
    /// Add and list organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Add and list users, grant roles, reset passwords, disable and enable accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Make the synthetic national data set, for benchmarks and load tests.
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Take a consistent online backup of a SQLite deployment into FILE.
    Backup {
        /// The backup file to create (must not exist).
        file: PathBuf,
    },
}

impl Command {
    /// Whether the command writes to the audit log, and so needs the audit key (made now if
    /// the log has none).
    pub fn writes(&self) -> bool {
        match self {
            Self::Framework(FrameworkCommand::Import { .. } | FrameworkCommand::Steward { .. })
            | Self::Serve(_)
            | Self::Demo { .. }
            | Self::Org(OrgCommand::Add { .. })
            | Self::Audit(AuditCommand::Seal)
            | Self::Dataset(_) => true,
            Self::User(c) => !matches!(c, UserCommand::List),
            Self::Framework(_) | Self::Org(_) | Self::Audit(_) | Self::Backup { .. } => false,
        }
    }

    /// Whether the command may start a new database: the ones that set Pathway up or add
    /// to it. The others are run against a deployment that already exists.
    pub fn may_create_database(&self) -> bool {
        match self {
            Self::Serve(_) | Self::Demo { .. } | Self::Dataset(_) => true,
            Self::Framework(c) => matches!(c, FrameworkCommand::Import { .. }),
            Self::Org(c) => matches!(c, OrgCommand::Add { .. }),
            Self::User(c) => matches!(c, UserCommand::Add { .. }),
            Self::Audit(_) | Self::Backup { .. } => false,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 1EdTech CASE JSON (imports 1.0 and 1.1; exports 1.1). On import, Pathway's own
    /// framework JSON (as in frameworks/) is read too.
    Case,
    /// One row per item: domain, code, title, kind, one column per level.
    Csv,
}

/// How a framework places a person on its levels.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// One level across the whole framework (a support worker's stage).
    #[value(alias = "whole_framework")]
    WholeFramework,
    /// A level in each domain (a band in each pillar of a career framework).
    #[value(alias = "per_domain")]
    PerDomain,
}

impl From<Placement> for pathway_domain::framework::LevelPlacement {
    fn from(p: Placement) -> Self {
        match p {
            Placement::WholeFramework => Self::WholeFramework,
            Placement::PerDomain => Self::PerDomain,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum FrameworkCommand {
    /// List frameworks and their versions.
    List,
    /// Show a framework version's levels, domains and items.
    Show {
        id: String,
        #[arg(long)]
        version: Option<String>,
    },
    /// Import a framework from a CASE JSON or CSV file. Nothing is written if the file has any problem.
    Import {
        file: PathBuf,
        /// File format; by default guessed from the extension (.json = case, .csv = csv).
        #[arg(long)]
        format: Option<Format>,
        /// The framework id (lower-case letters, digits and hyphens). Needed for CSV. For
        /// JSON, imports the file as this framework instead of the one it names: a copy of a
        /// framework Pathway has becomes a framework of its own.
        #[arg(long)]
        id: Option<String>,
        /// For CSV: the title.
        #[arg(long)]
        title: Option<String>,
        /// For CSV: the publisher.
        #[arg(long)]
        publisher: Option<String>,
        /// For CSV: the version label.
        #[arg(long = "framework-version")]
        framework_version: Option<String>,
        /// For CSV: whether a person holds one level for the whole framework or one per
        /// domain. By default an existing framework's placement, else whole-framework.
        #[arg(long, value_enum)]
        level_placement: Option<Placement>,
        /// Publish the imported version at once (CSV imports are drafts otherwise).
        #[arg(long)]
        publish: bool,
        /// For a new framework: the id of the organisation that stewards it, whose framework
        /// authors will author it. By default a new framework is national: only national
        /// framework authors and platform administrators author it. An existing framework
        /// keeps its steward.
        #[arg(long)]
        steward_org: Option<i64>,
    },
    /// Export a framework version to standard output or a file.
    Export {
        id: String,
        #[arg(long, value_enum, default_value = "case")]
        format: Format,
        #[arg(long)]
        version: Option<String>,
        /// The address people use to reach Pathway, the base of CASE identifiers, e.g.
        /// https://pathway.example.nhs.uk.
        #[arg(long, env = "PATHWAY_PUBLIC_URL", value_parser = public_url)]
        public_url: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Show what changed between two versions of a framework: its details, domains, the items
    /// added and removed, each changed descriptor word by word ([-taken away-] {+added+}),
    /// and training provider statements.
    Changes {
        id: String,
        /// The earlier version. By default the version before --to: for a draft, the version
        /// in use; for any other, the last published or retired version before it.
        #[arg(long)]
        from: Option<String>,
        /// The later version. By default the current published version.
        #[arg(long)]
        to: Option<String>,
    },
    /// Hand a framework to another steward: the organisation whose framework authors (with
    /// national framework authors and platform administrators) draft, edit and publish it,
    /// or nobody, making it a national framework.
    #[command(group(clap::ArgGroup::new("steward").required(true).args(["org", "national"])))]
    Steward {
        id: String,
        /// The id of the organisation that stewards it from now on (see `pathway org list`).
        #[arg(long)]
        org: Option<i64>,
        /// Make it a national framework, stewarded by no organisation.
        #[arg(long)]
        national: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DatasetCommand {
    /// Fill a new, empty database with a made-up national AHP support workforce: 7 regions,
    /// 42 integrated care systems, about 200 NHS employers with their services and teams,
    /// social care and training providers, and (at scale 1) 100,000 support workers with
    /// their supervisors and leads, every one sharing one password. The same scale and seed
    /// always make the same data set. Refused on a database that already holds
    /// organisations or users.
    Generate {
        /// 1 is England (100,000 support workers); 0.01 makes 1,000, for a quick try.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Which draw of names and sizes: the same seed gives the same data set.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The password of every synthetic user. By default a random one, printed.
        #[arg(long, env = "PATHWAY_SYNTHETIC_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// region, ics, employer, team, training_provider or social_care_provider.
        #[arg(long)]
        kind: String,
        /// Id of the parent organisation (see `pathway org list`).
        #[arg(long)]
        parent: Option<i64>,
        /// ODS or other code, unique.
        #[arg(long)]
        code: Option<String>,
    },
    /// List organisations as a tree.
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. Without --password a random one is generated and printed, and they must
    /// choose their own when they first sign in.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "PATHWAY_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the user a platform administrator (use this to bootstrap a fresh install).
        #[arg(long)]
        platform_admin: bool,
        /// Grant this role (worker, supervisor, employer_lead, ics_lead, regional_lead, training_provider, framework_author).
        #[arg(long)]
        role: Option<String>,
        /// Id of the organisation the role is held at. Every role needs one except a framework
        /// author of national frameworks.
        #[arg(long)]
        org: Option<i64>,
    },
    /// List users and their roles.
    List,
    /// Grant a role to an existing user.
    Grant {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// Make the user a platform administrator.
        #[arg(long, conflicts_with_all = ["role", "org"])]
        platform_admin: bool,
        /// The role (worker, supervisor, employer_lead, ics_lead, regional_lead, training_provider, framework_author).
        #[arg(long, required_unless_present = "platform_admin")]
        role: Option<String>,
        /// Id of the organisation the role is held at (see `pathway org list`). Every role
        /// needs one except a framework author of national frameworks.
        #[arg(long)]
        org: Option<i64>,
    },
    /// Give a user a new random password (printed) and sign them out everywhere; they must
    /// choose their own when they next sign in. Use it when someone is locked out.
    ResetPassword {
        /// The user's email address.
        #[arg(long)]
        email: String,
    },
    /// Stop a user signing in and end their sessions; their records and roles are kept.
    Disable {
        /// The user's email address.
        #[arg(long)]
        email: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The user's email address.
        #[arg(long)]
        email: String,
    },
    /// Write everything Pathway holds about a user as JSON, to answer a subject access
    /// request: account, roles, sessions, sign-in attempts and audit log entries (never a
    /// password or session token). The export is recorded in the audit log.
    Export {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Erase a user: their name and email are replaced, they can never sign in again, their
    /// roles, sessions and sign-in attempts are deleted, and their personal content is removed
    /// from the audit log, which keeps the fact of each change. Cannot be undone; export their
    /// data first if they asked for it. The last platform administrator cannot be erased.
    Erase {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// Confirm: without it, nothing is erased and Pathway says what would be.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain; names the first entry that does not match. Prints the last
    /// entry as an anchor to record outside Pathway.
    Verify {
        /// An anchor (SEQ:HASH) printed by an earlier check: also proves that no entry up to
        /// it was removed from the end of the log or rewritten.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Seal an audit log written before sealing (or whose key was lost) with the audit key,
    /// after checking its chain. Pathway seals a new log by itself; this is for an existing
    /// log you have checked and trust as it is.
    Seal,
}

pub fn init_tracing(global: &Global) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("PATHWAY_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colour codes only for a terminal, never in files or journald.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match global.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Checks a flag's name, environment variable and default.
    fn pin(command: &clap::Command, id: &str, env: Option<&str>, default: Option<&str>) {
        let arg = command
            .get_arguments()
            .find(|a| a.get_id() == id)
            .unwrap_or_else(|| panic!("no argument {id} in {}", command.get_name()));
        assert_eq!(arg.get_long(), Some(id.replace('_', "-").as_str()), "{id}");
        assert_eq!(arg.get_env().and_then(|e| e.to_str()), env, "{id}");
        let defaults: Vec<_> = arg
            .get_default_values()
            .iter()
            .filter_map(|v| v.to_str())
            .collect();
        assert_eq!(defaults.first().copied(), default, "{id}");
    }

    fn sub<'a>(command: &'a clap::Command, path: &[&str]) -> &'a clap::Command {
        path.iter().fold(command, |c, name| {
            c.find_subcommand(name)
                .unwrap_or_else(|| panic!("no subcommand {name}"))
        })
    }

    #[test]
    fn a_public_url_must_be_an_http_address() {
        assert_eq!(
            super::public_url("https://pathway.example.nhs.uk/").unwrap(),
            "https://pathway.example.nhs.uk"
        );
        assert_eq!(
            super::public_url("http://10.0.0.5:8080/pathway/").unwrap(),
            "http://10.0.0.5:8080/pathway"
        );
        for bad in [
            "pathway.example.nhs.uk",
            "ftp://x.nhs.uk",
            "https://x.nhs.uk/?a=1",
            "https://u:p@x.nhs.uk",
            "",
        ] {
            let e = super::public_url(bad).unwrap_err();
            assert!(e.contains("https://pathway.example.nhs.uk"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_names_scripts_and_operators_rely_on_stay_the_same() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        pin(
            &cli,
            "data_dir",
            Some("PATHWAY_DATA_DIR"),
            Some("./pathway-data"),
        );
        pin(&cli, "database_url", Some("DATABASE_URL"), None);
        pin(
            sub(&cli, &["serve"]),
            "addr",
            Some("PATHWAY_ADDR"),
            Some("127.0.0.1:8080"),
        );
        pin(
            sub(&cli, &["demo"]),
            "addr",
            Some("PATHWAY_ADDR"),
            Some("127.0.0.1:8080"),
        );
        let export = sub(&cli, &["framework", "export"]);
        pin(export, "format", None, Some("case"));
        pin(export, "output", None, None);
        for path in [
            &["serve"][..],
            &["demo"],
            &["framework", "list"],
            &["framework", "show"],
            &["framework", "import"],
            &["framework", "export"],
            &["framework", "changes"],
            &["org", "add"],
            &["user", "add"],
            &["audit", "verify"],
            &["backup"],
        ] {
            sub(&cli, path);
        }
        let platform_admin = sub(&cli, &["user", "add"])
            .get_arguments()
            .any(|a| a.get_long() == Some("platform-admin"));
        assert!(platform_admin, "user add --platform-admin");
    }
}
