//! `pathway framework import`: reading the file and refusing a bad one before anything is
//! written. In a data folder with no database yet, a bad file is refused before the database
//! (and its audit key) is created, so a mistaken first import leaves the folder as it was.

use crate::settings::{Format, FrameworkCommand};
use anyhow::bail;
use pathway_domain::framework::{Framework, FrameworkId, Problems, VersionStatus};
use pathway_store::{Actor, Store, StoreError};
use pathway_web::{bootstrap, operations};
use std::process::ExitCode;

/// The file to import and what the command line says about it.
pub struct Import {
    name: String,
    bytes: Vec<u8>,
    /// `None` for JSON (CASE or Pathway's own format), which says everything about itself.
    csv: Option<operations::CsvDetails>,
    /// For JSON: an id of the importer's choosing, instead of the one the file gives.
    id: Option<FrameworkId>,
    publish: bool,
    /// For a new framework: the organisation that stewards it (national when `None`).
    steward_org: Option<i64>,
}

impl Import {
    /// Reads the file named by an `Import` command; `None` for any other command.
    pub fn read(command: &FrameworkCommand) -> anyhow::Result<Option<Self>> {
        let FrameworkCommand::Import {
            file,
            format,
            level_placement,
            id,
            title,
            publisher,
            framework_version,
            publish,
            steward_org,
        } = command
        else {
            return Ok(None);
        };
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
        let format = match format {
            Some(f) => *f,
            None if name.to_ascii_lowercase().ends_with(".csv") => Format::Csv,
            None => Format::Case,
        };
        let chosen_id = id
            .as_deref()
            .map(FrameworkId::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--id: {e}"))?;
        let csv = match format {
            Format::Case => None,
            Format::Csv => {
                let (Some(id), Some(title)) = (id, title) else {
                    bail!(
                        "a CSV import needs --id and --title (and usually --publisher and --framework-version)"
                    );
                };
                Some(operations::CsvDetails {
                    id: id.parse().map_err(|e| anyhow::anyhow!("--id: {e}"))?,
                    title: title.clone(),
                    publisher: publisher.clone().unwrap_or_default(),
                    version: framework_version.clone().unwrap_or_else(|| "1".into()),
                    level_placement: level_placement.map(Into::into),
                })
            }
        };
        Ok(Some(Self {
            name,
            bytes,
            csv,
            id: chosen_id,
            publish: *publish,
            steward_org: *steward_org,
        }))
    }

    /// The framework the file describes, or its problems, in a database not created yet:
    /// the only framework it will hold is the shipped one.
    pub fn check_before_the_database_exists(&self) -> anyhow::Result<Result<(), ExitCode>> {
        let parsed = match &self.csv {
            None => operations::read_json(&self.bytes, &self.name),
            Some(details) => {
                let shipped = bootstrap::shipped_framework()?;
                let existing = (shipped.id() == &details.id).then_some(&shipped);
                operations::parse_csv(&self.bytes, &self.name, details.clone(), existing)
            }
        };
        Ok(parsed.map(|_| ()).map_err(|p| self.refuse(&p)))
    }

    /// Checks the file against the database and stores it as a new version.
    pub async fn run(self, store: &Store) -> anyhow::Result<ExitCode> {
        if let Some(org) = self.steward_org
            && let Err(e) = store.org(org).await
        {
            bail!("--steward-org: no organisation has id {org} ({e})");
        }
        let parsed = match &self.csv {
            None => {
                operations::read_json_into(store, &self.bytes, &self.name, self.id.clone()).await?
            }
            Some(details) => operations::read_csv(store, &self.bytes, &self.name, details.clone())
                .await?
                .map(|f| (f, Problems::default())),
        };
        let (mut framework, notices): (Framework, Problems) = match parsed {
            Ok(read) => read,
            Err(problems) => return Ok(self.refuse(&problems)),
        };
        if self.publish {
            framework.meta.status = VersionStatus::Published;
        }
        let version_id = match operations::import_framework(
            store,
            &framework,
            &Actor::cli(),
            &self.name,
            self.steward_org,
        )
        .await
        {
            Ok(id) => id,
            Err(StoreError::Invalid(problems)) => return Ok(self.refuse(&problems)),
            Err(e) => return Err(e.into()),
        };
        println!(
            "Imported {} version {} ({}): {} levels, {} domains, {} items (version id {version_id}).",
            framework.id(),
            framework.meta.version,
            framework.meta.status.as_str(),
            framework.levels().len(),
            framework.domains().len(),
            framework.items().len()
        );
        if !notices.is_empty() {
            println!(
                "Not kept, as Pathway has no place for them (a re-export will not carry them):"
            );
            for n in notices.iter() {
                println!("  {n}");
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    fn refuse(&self, problems: &Problems) -> ExitCode {
        eprintln!(
            "{} was not imported; nothing was written. Fix these problems and try again:",
            self.name
        );
        for p in problems.iter() {
            eprintln!("  {p}");
        }
        ExitCode::FAILURE
    }
}
