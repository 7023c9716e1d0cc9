//! What each subcommand does. Every change goes through the same store functions and
//! audit log as the web pages.

use crate::import::Import;
use crate::settings::{
    AuditCommand, Cli, Command, DatasetCommand, Format, FrameworkCommand, OrgCommand, ServeArgs,
    UserCommand,
};
use anyhow::{Context, bail};
use pathway_domain::audit::Anchor;
use pathway_domain::framework::{case, csv_format};
use pathway_domain::identity::{Email, OrgKind, Role, check_name, check_new_password};
use pathway_store::{Actor, Store};
use pathway_web::{AppState, Config, accounts, bootstrap, privacy};
use std::fmt::Write as _;
use std::process::ExitCode;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Framework(c) = &cli.command
        && let Some(import) = Import::read(c)?
        && !cli.global.database_exists()
        && let Err(refused) = import.check_before_the_database_exists()?
    {
        return Ok(refused);
    }
    let url = cli.global.database_url(cli.command.may_create_database())?;
    let mut store = Store::open(&url)
        .await
        .with_context(|| format!("cannot open the database ({})", redact(&url)))?;
    cli.global.restrict_permissions();
    let asked_to_seal = matches!(cli.command, Command::Audit(AuditCommand::Seal));
    let key_use =
        seal_audit_log(&mut store, &cli.global, cli.command.writes(), asked_to_seal).await?;
    bootstrap::ensure_shipped_framework(&store).await?;
    let result = match cli.command {
        Command::Serve(args) => serve(store.clone(), args, None).await,
        Command::Demo {
            serve: args,
            demo_password,
        } => {
            if let Some(p) = &demo_password {
                check_new_password(p).map_err(|e| anyhow::anyhow!("--demo-password: {e}"))?;
            }
            let logins = bootstrap::seed_demo(&store, demo_password.as_deref()).await?;
            serve(store.clone(), args, Some(logins)).await
        }
        Command::Framework(c) => framework_command(&store, c).await,
        Command::Org(c) => org_command(&store, c).await,
        Command::User(c) => user_command(&store, c).await,
        Command::Audit(AuditCommand::Seal) => {
            // seal_audit_log did the work (or found it done): record it, and say which.
            let fingerprint = store
                .audit_key_fingerprint()
                .await?
                .context("the audit log could not be sealed")?;
            if let Some(pathway_store::KeyUse::Registered { sealed }) = key_use {
                let mut tx = store.begin().await?;
                tx.audit(
                    &Actor::cli(),
                    "audit.seal",
                    "audit_log",
                    &fingerprint,
                    None,
                    Some(serde_json::json!({"key": fingerprint, "entries_sealed": sealed})),
                )
                .await?;
                tx.commit().await?;
                println!("Sealed the audit log's {sealed} entries with the key {fingerprint}.");
            } else {
                println!("The audit log was already sealed with the key {fingerprint}.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { anchor }) => {
            let anchor = anchor
                .map(|a| a.parse::<Anchor>())
                .transpose()
                .map_err(|e| anyhow::anyhow!("--anchor: {e}"))?;
            let checked_anchor = anchor.clone();
            match store.verify_audit(anchor).await? {
                Ok(v) => {
                    println!("The audit log is intact: {} entries verified.", v.entries);
                    match store.audit_key_fingerprint().await? {
                        Some(f) => println!("Every entry's seal was checked with the key {f}."),
                        None if store.has_sealed_entries().await? => {
                            println!(
                                "But its entries carry seals and the record of the key that made them is gone: it was removed outside Pathway. Check the log with the key that belongs to it."
                            );
                            return Ok(ExitCode::FAILURE);
                        }
                        None => println!(
                            "The log is not sealed with a key: the chain was checked alone."
                        ),
                    }
                    if let Some(a) = checked_anchor {
                        println!(
                            "Every entry up to anchor {} is present and unchanged.",
                            a.seq
                        );
                    }
                    if let Some(head) = v.head {
                        println!(
                            "Anchor: {head}\nRecord it outside Pathway; `pathway audit verify --anchor {head}` later proves no entry up to it was removed or rewritten."
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("The audit log does not verify. {broken}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Dataset(DatasetCommand::Generate {
            scale,
            seed,
            password,
        }) => crate::synthetic::generate(&store, scale, seed, password).await,
        Command::Backup { file } => {
            store.backup_sqlite(&file).await?;
            crate::settings::owner_only(&file);
            println!("Backup written to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    };
    store.close().await;
    result
}

/// Loads the audit key and seals the log with it. The first start (of a command that may set
/// Pathway up) on a log with no key makes one; a sealed log needs its key, everywhere.
async fn seal_audit_log(
    store: &mut Store,
    global: &crate::settings::Global,
    writes: bool,
    asked_to_seal: bool,
) -> anyhow::Result<Option<pathway_store::KeyUse>> {
    use pathway_domain::audit::AuditKey;
    let path = global.audit_key_path();
    // The database first, then the file: a process that seals a new log writes its key file
    // before it registers the key, so a registered key's file is already there.
    let registered = store.audit_key_fingerprint().await?;
    let mut made_now = false;
    let key = if path.exists() {
        crate::settings::keep_secret(&path);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the audit key {}", path.display()))?;
        AuditKey::from_hex(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    } else if let Some(known) = registered {
        let where_else = if global.audit_key_file.is_some() {
            ""
        } else {
            ", or give --audit-key-file (PATHWAY_AUDIT_KEY_FILE)"
        };
        bail!(
            "the audit log is sealed with the key {known}, and there is no key file at {}; copy the key file of the instance that made it there{where_else}",
            path.display()
        );
    } else if writes {
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let made = AuditKey::from_bytes(bytes);
        // Another process starting at the same moment may have made one first: use that.
        let (text, ours) = publish_new_secret(&path, &format!("{}\n", made.to_hex()))
            .with_context(|| format!("cannot write the audit key {}", path.display()))?;
        made_now = ours;
        AuditKey::from_hex(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
    } else {
        // A command that only reads, on a log never sealed: the chain is checked alone.
        return Ok(None);
    };
    if asked_to_seal && registered.is_none() {
        // Seal only a log whose chain holds: sealing vouches for everything in it.
        if let Err(broken) = store.verify_audit(None).await? {
            bail!("the audit log does not verify, so it was not sealed: {broken}");
        }
    }
    let used = match store.use_audit_key(key, made_now || asked_to_seal).await {
        Ok(used) => used,
        Err(e) => {
            // A key made for a log that would not take it is of no use to anyone.
            if made_now {
                let _ = std::fs::remove_file(&path);
            }
            return Err(e.into());
        }
    };
    if let pathway_store::KeyUse::Registered { sealed } = used {
        tracing::info!(
            sealed,
            key = %path.display(),
            "the audit log is now sealed with this key; back it up apart from the database"
        );
    }
    Ok(Some(used))
}

/// Puts a secret at `path`, readable by its owner only, unless a file is already there;
/// returns what the file holds. Written aside and linked into place, so no one ever reads a
/// half-written key.
fn publish_new_secret(path: &std::path::Path, text: &str) -> std::io::Result<(String, bool)> {
    use std::io::Write;
    let aside = path.with_extension(format!("{:016x}.new", rand::random::<u64>()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&aside)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    let linked = written.and_then(|()| std::fs::hard_link(&aside, path));
    let _ = std::fs::remove_file(&aside);
    match linked {
        Ok(()) => Ok((text.to_owned(), true)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok((std::fs::read_to_string(path)?, false))
        }
        Err(e) => Err(e),
    }
}

/// Where CASE identifiers point when no public address is given.
const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

fn redact(url: &str) -> String {
    // Keep the scheme and host, drop any password.
    match url.split_once('@') {
        Some((creds, rest)) if creds.contains("://") => {
            let scheme = creds.split("://").next().unwrap_or_default();
            format!("{scheme}://…@{rest}")
        }
        _ => url.to_owned(),
    }
}

async fn serve(
    store: Store,
    args: ServeArgs,
    demo: Option<Vec<bootstrap::DemoLogin>>,
) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let terminology = args.terminology();
    if args.public_url.is_none() && addr.ip().is_unspecified() {
        tracing::warn!(
            "listening on every address: give --public-url (PATHWAY_PUBLIC_URL) with the address people use, so exported CASE identifiers point there"
        );
    }
    let config = Config {
        metrics_token: args.metrics_token.clone(),
        shutdown_grace: Config::default().shutdown_grace,
        secure_cookies: args.secure_cookies,
        public_url: args.public_url.unwrap_or_else(|| url.clone()),
        trusted_proxies: args.trusted_proxies,
        terminology,
    };
    let state = AppState::new(store, config);
    if let Some(logins) = demo {
        println!("Demo sign-ins (demo data only):");
        let width = logins.iter().map(|l| l.role.len()).max().unwrap_or(0);
        let email_width = logins.iter().map(|l| l.email.len()).max().unwrap_or(0);
        for l in &logins {
            println!(
                "  {:width$}  {:email_width$}  {}",
                l.role, l.email, l.password
            );
        }
    }
    println!("Pathway is running at {url}");
    println!("Press Ctrl+C to stop.");
    pathway_web::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn framework_command(store: &Store, c: FrameworkCommand) -> anyhow::Result<ExitCode> {
    if let Some(import) = Import::read(&c)? {
        return import.run(store).await;
    }
    match c {
        FrameworkCommand::List => {
            let versions = store.framework_versions(true).await?;
            let mut out = String::new();
            if versions.is_empty() {
                writeln!(out, "No frameworks.")?;
            }
            for v in versions {
                writeln!(
                    out,
                    "{}  version {}  {}  {} items  {}",
                    v.framework_id,
                    v.version,
                    v.status.as_str(),
                    v.item_count,
                    v.title
                )?;
            }
            emit(&out)?;
        }
        FrameworkCommand::Show { id, version } => {
            let v = store
                .resolve_version(&id, version.as_deref(), true)
                .await
                .with_context(|| format!("no framework {id}"))?;
            let f = store.load_framework(v.version_id).await?;
            let mut out = String::new();
            writeln!(out, "{} ({})", f.meta.title, f.id())?;
            writeln!(out, "Publisher: {}", f.meta.publisher)?;
            match v.steward_org_id {
                Some(org) => writeln!(out, "Stewarded by: {}", store.org(org).await?.name)?,
                None => writeln!(out, "Stewarded by: nobody (a national framework)")?,
            }
            writeln!(
                out,
                "Version: {} ({})",
                f.meta.version,
                f.meta.status.as_str()
            )?;
            writeln!(
                out,
                "Levels: {}",
                f.levels()
                    .iter()
                    .map(|l| l.title.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            writeln!(out, "{}", f.meta.level_placement.explain())?;
            for d in f.domains() {
                writeln!(
                    out,
                    "Domain {}: {} ({} items)",
                    d.code,
                    d.title,
                    f.items_in(&d.code).count()
                )?;
                for i in f.items_in(&d.code) {
                    let same = if i.identical_at_every_level() {
                        "  [same at every level]"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "  {} {} ({}){same}",
                        i.code,
                        i.title,
                        i.kind.label().to_lowercase()
                    )?;
                }
            }
            writeln!(out, "Provider mappings: {}", f.provider_mappings().len())?;
            emit(&out)?;
        }
        // Handled above, as `run` does before the database is opened.
        FrameworkCommand::Import { .. } => {}
        FrameworkCommand::Steward { id, org, national } => {
            use pathway_store::StoreError::NotFound;
            let steward = if national { None } else { org };
            let now = match steward {
                Some(org) => match store.org(org).await {
                    Ok(o) => format!("stewarded by {}", o.name),
                    Err(NotFound(_)) => {
                        bail!("--org: no organisation has the id {org} (see `pathway org list`)")
                    }
                    Err(e) => return Err(e.into()),
                },
                None => "a national framework".to_owned(),
            };
            let mut tx = store.begin().await?;
            let changed = match tx.change_steward(&Actor::cli(), &id, steward).await {
                Ok(changed) => changed,
                Err(NotFound("framework")) => {
                    bail!("no framework {id} (see `pathway framework list`)")
                }
                Err(e) => return Err(e.into()),
            };
            tx.commit().await?;
            if changed {
                println!("Framework {id} is now {now}.");
            } else {
                println!("Framework {id} was already {now}; nothing changed.");
            }
        }
        FrameworkCommand::Changes { id, from, to } => {
            let versions = store.versions_of(&id, true).await?;
            if versions.is_empty() {
                bail!("no framework {id}");
            }
            let to = pathway_store::pick_version(&versions, to.as_deref()).with_context(|| {
                format!("framework {id} has no version {}", to.unwrap_or_default())
            })?;
            let from = match from.as_deref() {
                Some(v) => pathway_store::pick_version(&versions, Some(v))
                    .with_context(|| format!("framework {id} has no version {v}"))?,
                None => pathway_store::baseline(&versions, to).with_context(|| {
                    format!(
                        "version {} is the first version of {id}, so there is nothing before it; name a version to compare it with in --from",
                        to.version
                    )
                })?,
            };
            let later = store.load_framework(to.version_id).await?;
            let earlier = store.load_framework(from.version_id).await?;
            let diff = pathway_domain::framework::diff_versions(&earlier, &later);
            emit(&crate::changes::report(&id, &later, &diff))?;
        }
        FrameworkCommand::Export {
            id,
            format,
            version,
            output,
            public_url,
        } => {
            let v = store
                .resolve_version(&id, version.as_deref(), true)
                .await
                .with_context(|| format!("no framework {id}"))?;
            let f = store.load_framework(v.version_id).await?;
            let text = match format {
                Format::Case => {
                    let base = public_url.unwrap_or_else(|| {
                        eprintln!(
                            "note: the CASE identifiers point at {DEFAULT_PUBLIC_URL}; give --public-url (PATHWAY_PUBLIC_URL) so they point at your Pathway"
                        );
                        DEFAULT_PUBLIC_URL.into()
                    });
                    let base = base.trim_end_matches('/');
                    let last_change = v
                        .published_at
                        .as_deref()
                        .and_then(pathway_domain::time::from_stored)
                        .or_else(|| pathway_domain::time::from_stored(&v.created_at))
                        .unwrap_or_else(chrono_now);
                    let json = case::export(
                        &f,
                        &case::ExportOptions {
                            base_uri: base,
                            last_change,
                        },
                    );
                    serde_json::to_string_pretty(&json)? + "\n"
                }
                Format::Csv => csv_format::export(&f),
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "Exported {} version {} to {}",
                        f.id(),
                        f.meta.version,
                        path.display()
                    );
                }
                None => emit(&text)?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to standard output; a reader that stops early (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

async fn org_command(store: &Store, c: OrgCommand) -> anyhow::Result<ExitCode> {
    match c {
        OrgCommand::Add {
            name,
            kind,
            parent,
            code,
        } => {
            let name = check_name(&name, "organisation name")
                .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let Some(kind) = OrgKind::parse(&kind) else {
                bail!(
                    "--kind: \"{kind}\" is not a kind of organisation; use one of {}",
                    OrgKind::ALL.map(|k| k.as_str()).join(", ")
                );
            };
            let parent = match parent {
                Some(id) => Some(
                    store
                        .org(id)
                        .await
                        .with_context(|| format!("--parent: no organisation has id {id}"))?,
                ),
                None => None,
            };
            let mut tx = store.begin().await?;
            let org = tx
                .create_org(&Actor::cli(), &name, kind, parent.as_ref(), code.as_deref())
                .await?;
            tx.commit().await?;
            println!(
                "Added {} \"{}\" with id {}.",
                kind.label().to_lowercase(),
                org.name,
                org.id
            );
        }
        OrgCommand::List => {
            let orgs = store.orgs_in_scope(None).await?;
            fn print(orgs: &[pathway_store::Organisation], parent: Option<i64>, depth: usize) {
                for o in orgs.iter().filter(|o| o.parent_id == parent) {
                    println!(
                        "{}{}  {} ({})",
                        "  ".repeat(depth),
                        o.id,
                        o.name,
                        o.kind.label()
                    );
                    print(orgs, Some(o.id), depth + 1);
                }
            }
            if orgs.is_empty() {
                println!("No organisations.");
            }
            print(&orgs, None, 0);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The user with this email address, or an error that says how to find the right one.
async fn existing_user(store: &Store, email: &str) -> anyhow::Result<pathway_store::User> {
    let parsed = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    store.user_by_email(&parsed).await?.ok_or_else(|| {
        anyhow::anyhow!("--email: no user has the email address {parsed}; see `pathway user list`")
    })
}

/// The role a command line asks for: platform administrator, or a role at an organisation
/// that can hold it.
async fn chosen_grant(
    store: &Store,
    platform_admin: bool,
    role: Option<String>,
    org: Option<i64>,
) -> anyhow::Result<Option<(Role, Option<i64>)>> {
    Ok(match (platform_admin, role, org) {
        (true, Some(_), _) => bail!("use either --platform-admin or --role, not both"),
        (true, None, _) => Some((Role::PlatformAdmin, None)),
        (false, Some(r), Some(org_id)) => {
            let Some(role) = Role::parse(&r) else {
                bail!(
                    "--role: \"{r}\" is not a role; use one of {}",
                    Role::ALL.map(|r| r.as_str()).join(", ")
                );
            };
            let org = store
                .org(org_id)
                .await
                .with_context(|| format!("--org: no organisation has id {org_id}"))?;
            if !role.fits(Some(org.kind)) {
                bail!(
                    "--role: a {} cannot hold that role at a {}",
                    role.label().to_lowercase(),
                    org.kind.label().to_lowercase()
                );
            }
            Some((role, Some(org.id)))
        }
        // A national framework author is the one role besides platform administrator that
        // is held across all of Pathway.
        (false, Some(r), None) => match Role::parse(&r) {
            Some(role) if role.fits(None) => Some((role, None)),
            _ => bail!(
                "--role {r} is held at an organisation: give its id with --org (see `pathway org list`)"
            ),
        },
        (false, None, Some(_)) => bail!("--org needs --role: say which role is held there"),
        (false, None, None) => None,
    })
}

async fn user_command(store: &Store, c: UserCommand) -> anyhow::Result<ExitCode> {
    match c {
        UserCommand::Add {
            email,
            name,
            password,
            platform_admin,
            role,
            org,
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let name =
                check_name(&name, "full name").map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let grant = chosen_grant(store, platform_admin, role, org).await?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (accounts::generate_password(), true),
            };
            check_new_password(&password).map_err(|e| anyhow::anyhow!("--password: {e}"))?;
            let hash = accounts::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
            let actor = Actor::cli();
            let mut tx = store.begin().await?;
            let user = tx
                .create_user(&actor, &email, &name, &hash, generated)
                .await?;
            if let Some((role, org)) = grant {
                tx.grant_role(&actor, user.id, role, org).await?;
            }
            tx.commit().await?;
            println!(
                "Added user {} ({}) with id {}.",
                user.name, user.email, user.id
            );
            if generated {
                println!("Password: {password}");
                println!(
                    "Give it to them securely; they should change it when they first sign in."
                );
            }
        }
        UserCommand::Grant {
            email,
            platform_admin,
            role,
            org,
        } => {
            let user = existing_user(store, &email).await?;
            let Some((role, org)) = chosen_grant(store, platform_admin, role, org).await? else {
                bail!("give --role and --org, or --platform-admin");
            };
            let mut tx = store.begin().await?;
            tx.grant_role(&Actor::cli(), user.id, role, org)
                .await
                .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            tx.commit().await?;
            println!("Granted {} to {}.", role.label(), user.email);
        }
        UserCommand::ResetPassword { email } => {
            let user = existing_user(store, &email).await?;
            let password = accounts::generate_password();
            let hash = accounts::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
            let mut tx = store.begin().await?;
            tx.reset_password(&Actor::cli(), user.id, &hash, true)
                .await?;
            tx.commit().await?;
            println!(
                "Reset the password of {} and signed them out everywhere.",
                user.email
            );
            println!("Password: {password}");
            println!(
                "Give it to them securely; they must choose their own when they next sign in."
            );
        }
        UserCommand::Disable { email } => {
            let user = existing_user(store, &email).await?;
            let mut tx = store.begin().await?;
            let changed = tx.set_disabled(&Actor::cli(), user.id, true).await?;
            tx.commit().await?;
            if changed {
                println!(
                    "Disabled {}: they cannot sign in, and their sessions have ended.",
                    user.email
                );
            } else {
                println!("{} was already disabled.", user.email);
            }
        }
        UserCommand::Enable { email } => {
            let user = existing_user(store, &email).await?;
            let mut tx = store.begin().await?;
            let changed = tx.set_disabled(&Actor::cli(), user.id, false).await?;
            tx.commit().await?;
            if changed {
                println!("Enabled {}: they can sign in again.", user.email);
            } else {
                println!("{} was not disabled.", user.email);
            }
        }
        UserCommand::Export { email, output } => {
            let user = existing_user(store, &email).await?;
            let held = store.subject_access(user.id).await?;
            let at = pathway_domain::time::to_stored(chrono::Utc::now());
            let json = serde_json::to_string_pretty(&privacy::subject_access_json(&held, &at))?;
            match &output {
                Some(path) => std::fs::write(path, format!("{json}\n"))
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => emit(&format!("{json}\n"))?,
            }
            let mut tx = store.begin().await?;
            tx.record_subject_access(&Actor::cli(), user.id).await?;
            tx.commit().await?;
            if let Some(path) = output {
                println!(
                    "Wrote everything held about {} to {}.",
                    user.email,
                    path.display()
                );
            }
        }
        UserCommand::Erase { email, yes } => {
            let user = existing_user(store, &email).await?;
            if !yes {
                let held = store.subject_access(user.id).await?;
                println!(
                    "Erasing {} ({}) would remove their name and email address, their {} role(s), {} session(s) and {} sign-in attempt(s), and the personal content of {} audit log entries. Nothing was erased: run again with --yes to erase them.",
                    user.name,
                    user.email,
                    held.roles.len(),
                    held.sessions.len(),
                    held.sign_in_attempts.len(),
                    held.audit.iter().filter(|e| e.erased_at.is_none()).count()
                );
                return Ok(ExitCode::from(2));
            }
            let unusable = accounts::hash_password(&accounts::generate_password())
                .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))?;
            let mut tx = store.begin().await?;
            let done = tx.erase_user(&Actor::cli(), user.id, &unusable).await?;
            tx.commit().await?;
            println!(
                "Erased {}: user {} is now \"Erased person {}\"; {} role(s), {} session(s) and {} sign-in attempt(s) deleted; the personal content of {} audit log entries removed{}.",
                user.email,
                user.id,
                user.id,
                done.roles_removed,
                done.sessions_ended,
                done.sign_in_attempts_removed,
                done.audit.erased,
                if done.audit.kept_unsealed > 0 {
                    format!(
                        " ({} entries written before the log was sealed keep theirs: removing it would break the chain)",
                        done.audit.kept_unsealed
                    )
                } else {
                    String::new()
                }
            );
        }
        UserCommand::List => {
            let users = store.users_in(None).await?;
            // Roles for a thousand users at a time, written a thousand lines at a time: one
            // query and one write per user took 18 s for the national data set's 113,000.
            for chunk in users.chunks(1_000) {
                let ids: Vec<i64> = chunk.iter().map(|u| u.id).collect();
                let mut grants = store.grants_of(&ids).await?;
                let mut out = String::new();
                for u in chunk {
                    let roles: Vec<String> = grants
                        .remove(&u.id)
                        .unwrap_or_default()
                        .iter()
                        .map(|g| match &g.org_name {
                            Some(o) => format!("{} at {o}", g.role.label()),
                            None => g.role.label().to_owned(),
                        })
                        .collect();
                    writeln!(
                        out,
                        "{}  {}  {}  {}",
                        u.id,
                        u.email,
                        u.name,
                        roles.join("; ")
                    )?;
                }
                emit(&out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
