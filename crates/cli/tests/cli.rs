//! The `pathway` binary end to end on a fresh SQLite data folder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

fn pathway(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bootstrap_export_import_audit_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let (ok, out, err) = pathway(
        d,
        &[
            "user",
            "add",
            "--platform-admin",
            "--email",
            "Admin@Trust.nhs.uk",
            "--name",
            "Ada Admin",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Added user Ada Admin (admin@trust.nhs.uk)"),
        "{out}"
    );
    assert!(
        out.contains("Password: "),
        "a generated password is printed: {out}"
    );

    let (ok, out, _) = pathway(d, &["framework", "list"]);
    assert!(ok);
    assert!(
        out.contains("hee-ahp-support-worker-2021  version 2021  published  55 items"),
        "{out}"
    );

    let case_file = d.join("hee.json");
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "export",
            "hee-ahp-support-worker-2021",
            "--format",
            "case",
            "--output",
            case_file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&case_file).unwrap()).unwrap();
    assert_eq!(case["CFItems"].as_array().unwrap().len(), 8 + 55 + 12);
    assert_eq!(case["CFDocument"]["caseVersion"], "1.1");

    // A second version from the export under a new label imports; the same label is refused.
    let (ok, _, err) = pathway(d, &["framework", "import", case_file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("already has a version 2021"), "{err}");

    let csv = d.join("bad.csv");
    std::fs::write(
        &csv,
        "domain,code,title,kind,Entry\nOne,1.1,Title,competency\n",
    )
    .unwrap();
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "bad",
            "--title",
            "Bad",
        ],
    );
    assert!(!ok);
    assert!(err.contains("nothing was written"), "{err}");
    assert!(err.contains("row 2"), "{err}");
    let (_, out, _) = pathway(d, &["framework", "list"]);
    assert!(!out.contains("bad"), "{out}");

    let (ok, out, _) = pathway(d, &["audit", "verify"]);
    assert!(ok);
    assert!(out.contains("The audit log is intact"), "{out}");
    let anchor = out
        .lines()
        .find_map(|l| l.strip_prefix("Anchor: "))
        .unwrap_or_else(|| panic!("no anchor printed: {out}"))
        .to_owned();
    let (ok, out, _) = pathway(d, &["audit", "verify", "--anchor", &anchor]);
    assert!(ok, "{out}");
    assert!(out.contains("is present and unchanged"), "{out}");
    let (ok, _, err) = pathway(d, &["audit", "verify", "--anchor", "7"]);
    assert!(!ok);
    assert!(err.contains("--anchor: \"7\" is not an anchor"), "{err}");

    let backup = d.join("backup.db");
    let (ok, out, err) = pathway(d, &["backup", backup.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("Backup written"), "{out}");
    // The backup, with the audit key kept beside it, is a working Pathway database.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&backup, restored.path().join("pathway.db")).unwrap();
    std::fs::copy(d.join("audit.key"), restored.path().join("audit.key")).unwrap();
    let (ok, out, _) = pathway(restored.path(), &["user", "list"]);
    assert!(ok);
    assert!(out.contains("admin@trust.nhs.uk"), "{out}");
}

#[test]
fn a_career_framework_imports_from_csv_with_a_level_in_each_domain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = d.join("career.csv");
    std::fs::write(
        &csv,
        "domain,code,title,kind,Band 5,Band 6,Band 7\n\
         Professional practice,PP.1,Clinical reasoning,competency,Applies,Adapts,Leads\n\
         Research,RS.1,Evidence,competency,Uses,Appraises,Generates\n",
    )
    .unwrap();
    let (ok, out, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "career",
            "--title",
            "Career framework",
            "--publisher",
            "A trust",
            "--level-placement",
            "per-domain",
            "--publish",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Imported career version 1 (published)"),
        "{out}"
    );
    let (ok, out, _) = pathway(d, &["framework", "show", "career"]);
    assert!(ok);
    assert!(
        out.contains("A person holds a level in each domain"),
        "{out}"
    );
    assert!(out.contains("Levels: Band 5, Band 6, Band 7"), "{out}");

    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "career-2",
            "--title",
            "Career",
            "--level-placement",
            "by-pillar",
        ],
    );
    assert!(!ok);
    assert!(err.contains("per-domain"), "{err}");
}

#[test]
fn commands_that_only_read_refuse_a_folder_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("not-pathway");
    for args in [
        &["backup", "/tmp/never-written.db"][..],
        &["audit", "verify"],
        &["framework", "list"],
        &["user", "list"],
    ] {
        let (ok, _, err) = pathway(&empty, args);
        assert!(!ok, "{args:?}");
        assert!(
            err.contains("there is no Pathway database"),
            "{args:?}: {err}"
        );
    }
    assert!(!empty.exists(), "nothing was created");
}

#[test]
#[cfg(unix)]
fn the_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, err) = pathway(
        &data,
        &["org", "add", "--name", "Region", "--kind", "region"],
    );
    assert!(ok, "{err}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("pathway.db")), 0o600);
    let backup = dir.path().join("copy.db");
    let (ok, _, err) = pathway(&data, &["backup", backup.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(mode(&backup), 0o600);
}

#[test]
fn a_version_imported_as_published_retires_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, _, err) = pathway(d, &["org", "add", "--name", "R", "--kind", "region"]);
    assert!(ok, "{err}");
    let csv = d.join("hee.csv");
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "export",
            "hee-ahp-support-worker-2021",
            "--format",
            "csv",
            "--output",
            csv.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "hee-ahp-support-worker-2021",
            "--title",
            "AHP Support Worker Competency Framework",
            "--publisher",
            "Health Education England",
            "--framework-version",
            "2030",
            "--publish",
        ],
    );
    assert!(ok, "{err}");
    let (_, out, _) = pathway(d, &["framework", "list"]);
    assert!(out.contains("version 2021  retired"), "{out}");
    assert!(out.contains("version 2030  published"), "{out}");
    // A CSV has no column for the training providers' mappings: the new version keeps them.
    let (_, out, _) = pathway(
        d,
        &[
            "framework",
            "show",
            "hee-ahp-support-worker-2021",
            "--version",
            "2030",
        ],
    );
    assert!(out.contains("Provider mappings: 12"), "{out}");

    // A new version with other levels is refused: records made against the old ones would
    // change their meaning.
    let changed = std::fs::read_to_string(&csv)
        .unwrap()
        .replacen("Intermediate", "Middle", 1);
    let other = d.join("other.csv");
    std::fs::write(&other, changed).unwrap();
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            other.to_str().unwrap(),
            "--id",
            "hee-ahp-support-worker-2021",
            "--title",
            "AHP",
            "--publisher",
            "HEE",
            "--framework-version",
            "2031",
        ],
    );
    assert!(!ok);
    assert!(err.contains("Intermediate"), "{err}");
}

#[test]
fn output_cut_short_by_its_reader_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = pathway(
        dir.path(),
        &["org", "add", "--name", "R", "--kind", "region"],
    );
    assert!(ok, "{err}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "framework",
            "export",
            "hee-ahp-support-worker-2021",
            "--format",
            "case",
        ])
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -0`: the reader goes away before anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn pathways_own_framework_files_import_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frameworks/fixtures/dorset-ahp-career-framework-sample.json"
    );
    let (ok, out, err) = pathway(dir.path(), &["framework", "import", fixture]);
    assert!(ok, "{err}");
    assert!(out.contains("4 domains"), "{out}");
    let (_, out, _) = pathway(
        dir.path(),
        &["framework", "show", "dorset-ahp-career-framework-sample"],
    );
    // Its own domain codes, not numbers: the native file says everything a framework is.
    assert!(out.contains("Domain PP:"), "{out}");
    assert!(out.contains("a level in each domain"), "{out}");
}

#[test]
fn commands_started_together_on_a_new_folder_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let runs: Vec<_> = (0..4)
        .map(|i| {
            let data = data.clone();
            std::thread::spawn(move || {
                pathway(
                    &data,
                    &[
                        "org",
                        "add",
                        "--name",
                        &format!("Region {i}"),
                        "--kind",
                        "region",
                    ],
                )
            })
        })
        .collect();
    for run in runs {
        let (ok, _, err) = run.join().unwrap();
        assert!(ok, "{err}");
    }
    let (_, out, _) = pathway(&data, &["org", "list"]);
    for i in 0..4 {
        assert!(out.contains(&format!("Region {i}")), "{out}");
    }
}

#[test]
fn the_audit_log_is_sealed_with_a_key_kept_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, err) = pathway(&data, &["org", "add", "--name", "R", "--kind", "region"]);
    assert!(ok, "{err}");
    let key = data.join("audit.key");
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 64, "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let (ok, out, _) = pathway(&data, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(out.contains("intact"), "{out}");
    assert!(out.contains("seal was checked"), "{out}");
    #[cfg(unix)]
    {
        // A key others could read is made private again.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (ok, _, _) = pathway(&data, &["audit", "verify"]);
        assert!(ok);
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Without its key a sealed log is not touched, and says what to do.
    let moved = dir.path().join("kept-safe.key");
    std::fs::rename(&key, &moved).unwrap();
    let (ok, _, err) = pathway(&data, &["org", "add", "--name", "S", "--kind", "region"]);
    assert!(!ok);
    assert!(err.contains("sealed with the key"), "{err}");
    assert!(err.contains("--audit-key-file"), "{err}");
    // Given where it is, all is well.
    let (ok, out, err) = pathway(
        &data,
        &[
            "--audit-key-file",
            moved.to_str().unwrap(),
            "audit",
            "verify",
        ],
    );
    assert!(ok, "{out}{err}");
}

/// Runs SQL on a data folder's database as someone with access to it could.
fn by_hand(data: &std::path::Path, statements: &[&str]) {
    use sqlx::Connection;
    let url = format!("sqlite://{}", data.join("pathway.db").display());
    let statements: Vec<String> = statements.iter().map(|s| (*s).to_owned()).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
        for s in statements {
            sqlx::query(&s).execute(&mut conn).await.unwrap();
        }
    });
}

#[test]
fn a_log_never_sealed_is_sealed_only_when_someone_asks_after_checking_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, err) = pathway(&data, &["org", "add", "--name", "R", "--kind", "region"]);
    assert!(ok, "{err}");
    // As a log written before sealing looks (or one whose key record and seals were removed).
    by_hand(
        &data,
        &[
            "DROP TRIGGER audit_log_only_erasure",
            "DELETE FROM audit_key",
            "UPDATE audit_log SET mac = NULL",
        ],
    );
    let (ok, _, err) = pathway(&data, &["org", "add", "--name", "S", "--kind", "region"]);
    assert!(
        !ok,
        "a key not made now does not seal an existing log by itself"
    );
    assert!(err.contains("never sealed"), "{err}");
    assert!(err.contains("pathway audit seal"), "{err}");

    let (ok, out, err) = pathway(&data, &["audit", "seal"]);
    assert!(ok, "{err}");
    assert!(out.contains("Sealed the audit log's"), "{out}");
    let (ok, out, _) = pathway(&data, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(out.contains("seal was checked"), "{out}");
    let (ok, _, err) = pathway(&data, &["org", "add", "--name", "S", "--kind", "region"]);
    assert!(ok, "{err}");
}

/// Each kind of bad input the import refuses, with what the refusal must say.
const BAD_FILES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "malformed.json",
        "{\"CFDocument\": {\"title\": \"Broken\",\n",
        &[],
        &["malformed.json: line 2, column 0: the file is not valid JSON"],
    ),
    (
        "unknown-level.csv",
        "domain,code,title,kind,Entry,Intermediate,Expert\nOne,1.1,T,competency,a,b,c\n",
        &["--id", "hee-ahp-support-worker-2021"],
        &[
            "unknown-level.csv: row 1, column 7 (\"Expert\"): \"Expert\" is not a level of this framework",
        ],
    ),
    (
        "duplicate.csv",
        "domain,code,title,kind,Entry\nOne,1.1,A,competency,a\nOne,1.1,B,competency,b\n",
        &[],
        &["duplicate.csv: row 3, column 2 (code): item code \"1.1\" appears more than once"],
    ),
    (
        "no-title.csv",
        "domain,code,title,kind,Entry\nOne,1.1,,competency,a\n",
        &[],
        &["no-title.csv: row 2, column 3 (title): the title is empty"],
    ),
    (
        "short-row.csv",
        "domain,code,title,kind,Entry\nOne,1.1,A,competency\n",
        &[],
        &["short-row.csv: row 2: 4 columns, expected 5"],
    ),
    (
        "na-text.json",
        "",
        &[],
        &[
            "na-text.json: $.items[0].descriptors[0] (item 1.1): the descriptor's text \"N/A\" means not applicable",
        ],
    ),
];

/// A Pathway framework file whose first descriptor is "N/A" written as text.
fn na_as_text() -> String {
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frameworks/hee-ahp-support-worker-2021.json"
    ))
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    v["id"] = "na-text".into();
    v["items"][0]["descriptors"][0] = serde_json::json!({"text": "N/A"});
    v.to_string()
}

fn import_bad(data: &std::path::Path, files: &std::path::Path) -> Vec<String> {
    let mut errors = Vec::new();
    for (name, text, extra, expected) in BAD_FILES {
        let file = files.join(name);
        let text = if *name == "na-text.json" {
            na_as_text()
        } else {
            (*text).to_owned()
        };
        std::fs::write(&file, text).unwrap();
        let mut args = vec!["framework", "import", file.to_str().unwrap()];
        if name.ends_with(".csv") {
            args.extend(["--title", "Bad", "--publisher", "Test"]);
            if extra.is_empty() {
                args.extend(["--id", "bad"]);
            }
        }
        args.extend(extra.iter());
        let (ok, out, err) = pathway(data, &args);
        assert!(!ok, "{name} was imported: {out}");
        assert!(
            err.contains(&format!(
                "{} was not imported; nothing was written",
                file.display()
            )),
            "{name}: {err}"
        );
        for want in *expected {
            assert!(err.contains(want), "{name}: expected {want:?} in {err}");
        }
        errors.push(err);
    }
    errors
}

#[test]
fn bad_files_are_refused_with_where_and_why_and_nothing_is_written() {
    let files = tempfile::tempdir().unwrap();

    // Into a folder with no database yet: the folder is left as it was, with no database
    // and no audit key made for nothing.
    let fresh = tempfile::tempdir().unwrap();
    let data = fresh.path().join("data");
    import_bad(&data, files.path());
    assert!(!data.exists(), "the data folder was created");

    // Into a running deployment: no version, no audit entry.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, _, err) = pathway(
        d,
        &[
            "user",
            "add",
            "--platform-admin",
            "--email",
            "a@b.nhs.uk",
            "--name",
            "A",
        ],
    );
    assert!(ok, "{err}");
    let (_, before, _) = pathway(d, &["framework", "list"]);
    let (_, audit_before, _) = pathway(d, &["audit", "verify"]);
    import_bad(d, files.path());
    let (_, after, _) = pathway(d, &["framework", "list"]);
    assert_eq!(after, before);
    let (ok, audit_after, _) = pathway(d, &["audit", "verify"]);
    assert!(ok, "{audit_after}");
    let entries = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("The audit log is intact"))
            .map(str::to_owned)
    };
    assert_eq!(entries(&audit_after), entries(&audit_before));
}

#[test]
fn a_case_package_is_known_by_its_document_identifier_not_its_title() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let original = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/tests/fixtures/case-foreign-dysphagia-rubric.json"
    ))
    .unwrap();
    let write = |name: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&original).unwrap();
        edit(&mut v);
        let file = d.join(name);
        std::fs::write(&file, v.to_string()).unwrap();
        file.to_str().unwrap().to_owned()
    };
    let first = write("first.json", &|_| {});
    let (ok, out, err) = pathway(d, &["framework", "import", &first]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Imported dysphagia-support-competencies"),
        "{out}"
    );

    // Renamed by its tool, the same document is a new version of the same framework.
    let renamed = write("renamed.json", &|v| {
        v["CFDocument"]["title"] = "Swallowing support".into();
        v["CFDocument"]["version"] = "2".into();
    });
    let (ok, out, err) = pathway(d, &["framework", "import", &renamed]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Imported dysphagia-support-competencies version 2"),
        "{out}"
    );

    // Another document with the first one's title is another framework: refused, with how to
    // import it, and imported under an id of its own when given one.
    let other = d.join("other.json");
    std::fs::write(
        &other,
        original.replace(
            "1CF7ED7C-361C-412B-9115-34D8C3CC1FBD",
            "6B1C1C8E-1F43-4F0E-9A53-3C8B3BB0C001",
        ),
    )
    .unwrap();
    let other = other.to_str().unwrap();
    let (ok, _, err) = pathway(d, &["framework", "import", other]);
    assert!(!ok);
    assert!(err.contains("other.json: $.CFDocument.identifier: Pathway already has a framework \"dysphagia-support-competencies\" that is a different CASE document"), "{err}");
    let (ok, out, err) = pathway(
        d,
        &["framework", "import", other, "--id", "dysphagia-other"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Imported dysphagia-other"), "{out}");
    let (_, list, _) = pathway(d, &["framework", "list"]);
    assert_eq!(
        list.matches("dysphagia-support-competencies  version")
            .count(),
        2,
        "{list}"
    );
}

#[test]
fn the_readme_csv_example_imports_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("pathway framework import docs/framework-csv-example.csv")
        .expect("the README shows the CSV import");
    let command: String = readme[start..]
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .map(|l| l.trim_end_matches('\\'))
        .collect::<Vec<_>>()
        .join(" ");
    let words = shell_words(&command);
    assert_eq!(words[..3], ["pathway", "framework", "import"], "{command}");
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .current_dir(&root)
        .arg("--data-dir")
        .arg(data.path())
        .args(&words[1..])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{command}: {stderr}");
    assert!(
        stdout.contains("Imported my-framework version 1"),
        "{stdout}"
    );
}

/// Splits a command as a POSIX shell does for plain words and double-quoted ones.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn the_changes_between_two_versions_are_listed_with_reworded_descriptors_word_by_word() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = "hee-ahp-support-worker-2021";
    let (ok, _, err) = pathway(d, &["org", "add", "--name", "R", "--kind", "region"]);
    assert!(ok, "{err}");
    let (ok, _, err) = pathway(d, &["framework", "changes", id]);
    assert!(!ok);
    assert!(err.contains("version 2021 is the first version"), "{err}");

    let csv = d.join("hee.csv");
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "export",
            id,
            "--format",
            "csv",
            "--output",
            csv.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    // One word changed in one descriptor, and item 8.1's row left out.
    let text = std::fs::read_to_string(&csv).unwrap();
    let text = text.replacen("Understands", "Knows", 1);
    let text: String = text
        .lines()
        .filter(|l| !l.contains(",8.1,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&csv, text).unwrap();
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            id,
            "--title",
            "Allied Health Professions’ Support Worker Competency, Education and Career Development Framework",
            "--publisher",
            "Health Education England",
            "--framework-version",
            "2030",
            "--publish",
        ],
    );
    assert!(ok, "{err}");

    let (ok, out, err) = pathway(d, &["framework", "changes", id]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(&format!(
            "Changes in {id} from version 2021 to version 2030\n"
        )),
        "{out}"
    );
    assert!(out.contains("Items removed\n  8.1 "), "{out}");
    assert!(out.contains("[-Understands-]{+Knows+}"), "{out}");
    // Either way round, and by name.
    let (ok, back, err) = pathway(
        d,
        &["framework", "changes", id, "--from", "2030", "--to", "2021"],
    );
    assert!(ok, "{err}");
    assert!(back.contains("Items added\n  8.1 "), "{back}");
    let (ok, _, err) = pathway(d, &["framework", "changes", id, "--from", "1999"]);
    assert!(!ok);
    assert!(err.contains("has no version 1999"), "{err}");
}

#[test]
fn a_national_framework_author_needs_no_organisation_and_other_roles_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, _, err) = pathway(
        d,
        &[
            "user",
            "add",
            "--email",
            "nat@example.org",
            "--name",
            "Nat Author",
            "--role",
            "framework_author",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = pathway(
        d,
        &[
            "user",
            "add",
            "--email",
            "w@example.org",
            "--name",
            "W",
            "--role",
            "worker",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("--role worker is held at an organisation"),
        "{err}"
    );

    // A new framework is national unless an organisation is named to steward it.
    let (ok, out, err) = pathway(d, &["org", "add", "--name", "R", "--kind", "region"]);
    assert!(ok, "{err}");
    let region: String = out.chars().filter(char::is_ascii_digit).collect();
    let csv = d.join("f.csv");
    std::fs::write(
        &csv,
        "domain,code,title,kind,Entry\nSwallowing,1.1,Supports safe swallowing,competency,Follows the plan.\n",
    )
    .unwrap();
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "dysphagia",
            "--title",
            "D",
            "--steward-org",
            "999",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("--steward-org: no organisation has id 999"),
        "{err}"
    );
    let (ok, _, err) = pathway(
        d,
        &[
            "framework",
            "import",
            csv.to_str().unwrap(),
            "--id",
            "dysphagia",
            "--title",
            "D",
            "--publisher",
            "P",
            "--steward-org",
            &region,
        ],
    );
    assert!(ok, "{err}");
    let (_, out, _) = pathway(d, &["framework", "show", "dysphagia"]);
    assert!(out.contains("Stewarded by: R\n"), "{out}");
    let (_, out, _) = pathway(d, &["framework", "show", "hee-ahp-support-worker-2021"]);
    assert!(
        out.contains("Stewarded by: nobody (a national framework)"),
        "{out}"
    );
}

#[test]
fn the_synthetic_national_data_set_is_generated_into_a_new_database_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let generate = |extra: &[&str]| {
        let mut args = vec!["dataset", "generate", "--scale", "0.01", "--seed", "3"];
        args.extend_from_slice(extra);
        pathway(d, &args)
    };
    let (ok, out, err) = generate(&["--password", "synthetic-pass-2026"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Generated the synthetic national data set (scale 0.01, seed 3)"),
        "{out}"
    );
    assert!(
        out.contains("7 regions, 42 integrated care systems"),
        "{out}"
    );
    assert!(out.contains("1,000 support workers"), "{out}");
    assert!(out.contains("admin@synthetic.test"), "{out}");
    assert!(out.contains("synthetic-pass-2026"), "{out}");

    let (ok, out, _) = pathway(d, &["user", "list"]);
    assert!(ok);
    assert!(
        out.contains("employer-lead.syn-e001@synthetic.test"),
        "{out}"
    );

    // Again on the same database: refused, with what to do, and nothing added.
    let (ok, _, err) = generate(&[]);
    assert!(!ok);
    assert!(err.contains("new, empty database"), "{err}");
    let (ok, out, _) = pathway(d, &["audit", "verify"]);
    assert!(ok, "{out}");

    // A scale that makes no sense is refused with the reason.
    let (ok, _, err) = pathway(d, &["dataset", "generate", "--scale", "0"]);
    assert!(!ok);
    assert!(
        err.contains("--scale: the scale must be a number above 0"),
        "{err}"
    );
}

#[test]
fn a_framework_is_handed_to_another_steward_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, out, err) = pathway(
        d,
        &[
            "org",
            "add",
            "--name",
            "North East and Yorkshire",
            "--kind",
            "region",
        ],
    );
    assert!(ok, "{err}");
    let id = out
        .split("id ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap()
        .to_owned();
    let framework = "hee-ahp-support-worker-2021";
    let (ok, out, err) = pathway(d, &["framework", "steward", framework, "--org", &id]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        format!("Framework {framework} is now stewarded by North East and Yorkshire.")
    );
    let (ok, out, _) = pathway(d, &["framework", "show", framework]);
    assert!(ok);
    assert!(out.contains("North East and Yorkshire"), "{out}");
    let (ok, out, _) = pathway(d, &["framework", "steward", framework, "--national"]);
    assert!(ok);
    assert_eq!(
        out.trim(),
        format!("Framework {framework} is now a national framework.")
    );
    let (ok, out, _) = pathway(d, &["framework", "steward", framework, "--national"]);
    assert!(ok);
    assert!(
        out.contains("was already a national framework; nothing changed"),
        "{out}"
    );

    // Mistakes name what was wrong, and change nothing.
    let (ok, _, err) = pathway(d, &["framework", "steward", framework, "--org", "999"]);
    assert!(!ok);
    assert!(
        err.contains("--org: no organisation has the id 999"),
        "{err}"
    );
    let (ok, _, err) = pathway(d, &["framework", "steward", "nope", "--national"]);
    assert!(!ok);
    assert!(err.contains("no framework nope"), "{err}");
    let (ok, _, err) = pathway(d, &["framework", "steward", framework]);
    assert!(!ok);
    assert!(err.contains("--org") && err.contains("--national"), "{err}");
    let (ok, out, _) = pathway(d, &["audit", "verify"]);
    assert!(ok, "{out}");
}

#[test]
fn a_person_is_exported_then_erased_only_when_asked_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = |email: &str, admin: bool| {
        let mut args = vec!["user", "add", "--email", email, "--name", "Ana Example"];
        if admin {
            args.push("--platform-admin");
        }
        let (ok, _, err) = pathway(d, &args);
        assert!(ok, "{err}");
    };
    add("boss@x.nhs.uk", true);
    add("ana@x.nhs.uk", false);

    // To a file, and to standard output.
    let file = d.join("ana.json");
    let (ok, out, err) = pathway(
        d,
        &[
            "user",
            "export",
            "--email",
            "ana@x.nhs.uk",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Wrote everything held about ana@x.nhs.uk"),
        "{out}"
    );
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(exported["person"]["email"], "ana@x.nhs.uk");
    assert_eq!(exported["audit_log"][0]["action"], "user.create");
    let (ok, out, _) = pathway(d, &["user", "export", "--email", "ana@x.nhs.uk"]);
    assert!(ok);
    let again: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        again["audit_log"][1]["action"], "user.export",
        "the first export is recorded"
    );
    assert!(!out.contains("argon2"));

    // Asked once, it says what would go and erases nothing.
    let (ok, out, _) = pathway(d, &["user", "erase", "--email", "ana@x.nhs.uk"]);
    assert!(!ok);
    assert!(
        out.contains("Nothing was erased: run again with --yes"),
        "{out}"
    );
    let (_, list, _) = pathway(d, &["user", "list"]);
    assert!(list.contains("ana@x.nhs.uk"));
    let (ok, out, err) = pathway(d, &["user", "erase", "--email", "ana@x.nhs.uk", "--yes"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("Erased ana@x.nhs.uk"), "{out}");
    let (_, list, _) = pathway(d, &["user", "list"]);
    assert!(
        !list.contains("ana@x.nhs.uk") && list.contains("Erased person"),
        "{list}"
    );
    let (ok, _, err) = pathway(d, &["user", "export", "--email", "ana@x.nhs.uk"]);
    assert!(!ok, "no one has that address now: {err}");

    // The last platform administrator stays.
    let (ok, _, err) = pathway(d, &["user", "erase", "--email", "boss@x.nhs.uk", "--yes"]);
    assert!(!ok);
    assert!(err.contains("the only platform administrator"), "{err}");
    let (ok, out, _) = pathway(d, &["audit", "verify"]);
    assert!(ok, "{out}");
}
