//! `pathway dataset generate`: the synthetic national data set, for benchmarks and load tests.

use anyhow::Context;
use pathway_domain::identity::{OrgKind, Role, check_new_password};
use pathway_domain::numbers::thousands;
use pathway_domain::synthetic::{self, Params, Plan, accounts};
use pathway_store::{Actor, Store};
use pathway_web::accounts::{generate_password, hash_password};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

pub async fn generate(
    store: &Store,
    scale: f64,
    seed: u64,
    password: Option<String>,
) -> anyhow::Result<ExitCode> {
    let params = Params::new(scale, seed).map_err(|e| anyhow::anyhow!("--scale: {e}"))?;
    if let Some(p) = &password {
        check_new_password(p).map_err(|e| anyhow::anyhow!("--password: {e}"))?;
    }
    let started = Instant::now();
    let plan = synthetic::plan(params);
    let password = password.unwrap_or_else(generate_password);
    // One hash for everyone: hashing 100,000 passwords one by one would take an hour, and
    // made-up people sharing one made-up password protects nothing real.
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?;
    let mut tx = store.begin().await?;
    let loaded = tx
        .load_synthetic(&Actor::cli(), params, &plan, &hash)
        .await
        .context("cannot load the synthetic national data set")?;
    tx.commit().await?;
    store.refresh_statistics().await?;
    let seconds = started.elapsed().as_secs_f64();
    print!("{}", report(params, &plan, loaded, seconds, &password));
    Ok(ExitCode::SUCCESS)
}

fn report(
    params: Params,
    plan: &Plan,
    loaded: pathway_store::Loaded,
    seconds: f64,
    password: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Generated the synthetic national data set (scale {}, seed {}) in {seconds:.1} s:",
        params.scale, params.seed
    );
    let orgs = counts(
        &[
            (OrgKind::Region, "regions"),
            (OrgKind::Ics, "integrated care systems"),
            (OrgKind::Employer, "NHS employers"),
            (OrgKind::Team, "services and teams"),
            (OrgKind::SocialCareProvider, "social care providers"),
            (OrgKind::TrainingProvider, "training providers"),
        ],
        |kind| plan.count_orgs(kind),
    );
    let roles = counts(
        &[
            (Role::Worker, "support workers"),
            (Role::Supervisor, "supervisors"),
            (Role::EmployerLead, "employer leads"),
            (Role::IcsLead, "ICS leads"),
            (Role::RegionalLead, "regional leads"),
            (Role::TrainingProvider, "training provider staff"),
        ],
        |role| plan.count_role(role),
    );
    let _ = writeln!(
        out,
        "  {} organisations: {orgs}\n  {} users holding {} roles: {roles}",
        thousands(loaded.organisations),
        thousands(loaded.users),
        thousands(loaded.grants),
    );
    let _ = writeln!(out, "Every synthetic user's password: {password}");
    let _ = writeln!(out, "Sign in as, for example:");
    for (label, email) in [
        ("Platform administrator", accounts::ADMIN),
        ("Regional lead", accounts::REGIONAL_LEAD),
        ("ICS lead", accounts::ICS_LEAD),
        ("Employer lead", accounts::EMPLOYER_LEAD),
    ] {
        let _ = writeln!(out, "  {label:<24} {email}");
    }
    let _ = writeln!(
        out,
        "Everyone is under @{}; serve it with `pathway serve` and the same --data-dir or --database-url.",
        synthetic::EMAIL_DOMAIN
    );
    out
}

/// "7 regions, 42 integrated care systems": how many of each, in the order given.
fn counts<T: Copy>(labels: &[(T, &str)], count: impl Fn(T) -> usize) -> String {
    labels
        .iter()
        .map(|&(what, label)| format!("{} {label}", thousands(count(what))))
        .collect::<Vec<_>>()
        .join(", ")
}
