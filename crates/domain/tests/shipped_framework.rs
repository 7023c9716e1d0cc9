//! The framework data files shipped in `frameworks/` load as valid [`Framework`]s, and the
//! HEE AHP support worker framework says exactly what its seed says, word for word.
//!
//! The seed is re-parsed here by a parser independent of `frameworks/tools/seed_to_json.py`,
//! so a bug in the generator cannot hide behind itself. The seed sits beside the repository
//! (`<repo>/../shared/seeds/`); if it is missing the test fails rather than skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use pathway_domain::framework::{
    Descriptor, Framework, ItemCode, ItemKind, LevelPlacement, VersionStatus,
};

const HEE_JSON: &str = "frameworks/hee-ahp-support-worker-2021.json";
const DORSET_JSON: &str = "frameworks/fixtures/dorset-ahp-career-framework-sample.json";
const HEE_SEED: &str = "../shared/seeds/000_8c24c6c362d62ee7.txt";
/// HEE's web page introducing the framework.
const HEE_PAGE_SEED: &str = "../shared/seeds/001_f0aab36f132df2bf.txt";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn load(relative: &str) -> Framework {
    serde_json::from_str(&read(relative))
        .unwrap_or_else(|e| panic!("{relative} is not a valid framework: {e}"))
}

fn text<'a>(f: &'a Framework, code: &str, level: &str) -> &'a Descriptor {
    let item = f
        .item(code)
        .unwrap_or_else(|| panic!("item {code} is missing"));
    let (index, _) = f
        .level(level)
        .unwrap_or_else(|| panic!("level {level} is missing"));
    &item.descriptors[index]
}

fn t(s: &str) -> Descriptor {
    Descriptor::Text(s.to_owned())
}

#[test]
fn hee_framework_has_the_published_shape() {
    let f = load(HEE_JSON);
    assert_eq!(f.id().as_str(), "hee-ahp-support-worker-2021");
    assert_eq!(
        f.meta.title,
        "Allied Health Professions\u{2019} Support Worker Competency, Education and Career Development Framework"
    );
    assert_eq!(f.meta.publisher, "Health Education England");
    assert_eq!(f.meta.version, "2021");
    assert_eq!(f.meta.status.as_str(), "published");

    let keys: Vec<&str> = f.levels().iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, ["entry", "intermediate", "assistant-practitioner"]);
    let titles: Vec<&str> = f.levels().iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Entry", "Intermediate", "Assistant Practitioner"]);
    // The seed says nothing more about its levels, so neither does Pathway.
    assert!(f.levels().iter().all(|l| l.description.is_none()));
    // The description is HEE's own, word for word from its page about the framework.
    let page = std::fs::read_to_string(repo_root().join(HEE_PAGE_SEED))
        .unwrap_or_else(|e| panic!("{HEE_PAGE_SEED} must sit beside the repository: {e}"));
    assert!(f.meta.description.starts_with("This framework"));
    assert!(page.contains(&f.meta.description), "{}", f.meta.description);

    assert_eq!(f.domains().len(), 8);
    let codes: Vec<&str> = f.domains().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["1", "2", "3", "4", "5", "6", "7", "8"]);

    assert_eq!(f.items().len(), 55);
    let entry: Vec<_> = f
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::EntryRequirement)
        .collect();
    assert_eq!(entry.len(), 3);
    assert!(entry.iter().all(|i| i.domain.as_str() == "1"));
    let entry_codes: Vec<&str> = entry.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(entry_codes, ["1.1", "1.2", "1.3"]);
    let competencies = f
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::Competency)
        .count();
    assert_eq!(competencies, 52);
    assert!(
        f.items()
            .iter()
            .filter(|i| i.kind == ItemKind::Competency)
            .all(|i| i.domain.as_str() != "1")
    );
    for item in f.items() {
        assert_eq!(item.descriptors.len(), 3, "item {}", item.code);
    }
    let per_domain: Vec<usize> = f
        .domains()
        .iter()
        .map(|d| f.items_in(&d.code).count())
        .collect();
    assert_eq!(per_domain, [3, 12, 12, 4, 11, 2, 5, 6]);

    assert_eq!(f.provider_mappings().len(), 12);
    assert!(f.provider_mappings().iter().all(|m| m.provider == "ExR"));

    // The seed writes "4.4." with a trailing full stop.
    let effective = f.item("4.4").expect("item 4.4 exists");
    assert_eq!(effective.title, "Effective Communication");
    assert_eq!(effective.domain.as_str(), "4");

    // Spot checks, word for word.
    assert_eq!(
        text(&f, "3.3", "entry"),
        &t("Works under close supervision.")
    );
    assert_eq!(
        text(&f, "3.4", "intermediate"),
        &t("Manages own workload and time, for example maintaining own diary")
    );
    assert_eq!(
        text(&f, "5.6", "assistant-practitioner"),
        &t(
            "Supports others to understand the principles and practices that underpin infection control principles"
        )
    );
    assert_eq!(
        text(&f, "2.2", "intermediate"),
        &t(
            "Understands and demonstrates what it means to provide person-centred care, by providing education and resources to support informed decision making, and of respecting individual\u{2019}s decisions. May provide information to service users."
        )
    );
    // The seed's unclosed parenthesis is kept.
    let Descriptor::Text(level_3) = text(&f, "1.1", "intermediate") else {
        panic!("1.1 intermediate is text");
    };
    assert!(level_3.ends_with("apprenticeship (or other level 3 qualification pathway."));
    let code_5_5: ItemCode = "5.5".parse().expect("item code");
    let safeguarding: Vec<&str> = f
        .mappings_for(&code_5_5)
        .map(|m| m.statement.as_str())
        .collect();
    assert_eq!(safeguarding, ["ExR has a safeguarding policy in place."]);

    // No level of this framework is "N/A" or blank.
    assert!(
        f.items()
            .iter()
            .flat_map(|i| &i.descriptors)
            .all(|d| matches!(d, Descriptor::Text(_)))
    );

    let identical: Vec<&str> = f
        .items()
        .iter()
        .filter(|i| i.identical_at_every_level())
        .map(|i| i.code.as_str())
        .collect();
    assert_eq!(
        identical.len(),
        27,
        "identical at every level: {identical:?}"
    );
    assert!(identical.contains(&"1.3"));
    assert!(identical.contains(&"3.12"));
    assert!(!identical.contains(&"3.3"));
    // 5.6 differs only by "scope" / "sphere" between entry and intermediate.
    assert!(!identical.contains(&"5.6"));
}

/// One domain of the seed, as the seed states it.
struct SeedDomain {
    code: String,
    title: String,
    description: String,
}

/// One table row of the seed: the first cell split into code and title, then the cells.
struct SeedRow {
    code: String,
    domain: String,
    title: String,
    levels: [String; 3],
    exr: String,
}

struct Seed {
    title: String,
    domains: Vec<SeedDomain>,
    rows: Vec<SeedRow>,
}

fn parse_seed(seed: &str) -> Seed {
    let mut lines = seed.lines().enumerate().map(|(n, l)| (n + 1, l.trim()));
    let (_, title) = lines.next().expect("the seed is empty");
    let mut domains: Vec<SeedDomain> = Vec::new();
    let mut rows = Vec::new();
    while let Some((n, line)) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some(heading) = line.strip_prefix("Domain ") {
            let (code, title) = heading
                .split_once(": ")
                .unwrap_or_else(|| panic!("seed line {n}: bad domain heading {line:?}"));
            let (_, description) = lines
                .next()
                .unwrap_or_else(|| panic!("seed line {n}: domain {code} has no description"));
            domains.push(SeedDomain {
                code: code.to_owned(),
                title: title.trim().to_owned(),
                description: description.to_owned(),
            });
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(
            cells.len(),
            6,
            "seed line {n}: expected 5 cells and a closing '|': {line:?}"
        );
        assert_eq!(cells[5], "", "seed line {n}: text after the last '|'");
        if cells[0].starts_with("---") {
            continue;
        }
        if cells[0].to_lowercase().starts_with("entry") {
            assert_eq!(
                cells[1..5]
                    .iter()
                    .map(|c| c.to_lowercase())
                    .collect::<Vec<_>>(),
                ["intermediate", "assistant practitioner", "exr", ""],
                "seed line {n}: unexpected header"
            );
            continue;
        }
        let (code, title) = cells[0]
            .split_once(' ')
            .unwrap_or_else(|| panic!("seed line {n}: no title after the item code"));
        let code = code.strip_suffix('.').unwrap_or(code);
        let domain = domains
            .last()
            .unwrap_or_else(|| panic!("seed line {n}: item before any domain"));
        assert!(
            code.starts_with(&format!("{}.", domain.code)),
            "seed line {n}: item {code} is not in domain {}",
            domain.code
        );
        rows.push(SeedRow {
            code: code.to_owned(),
            domain: domain.code.clone(),
            title: title.trim().to_owned(),
            levels: [
                cells[1].to_owned(),
                cells[2].to_owned(),
                cells[3].to_owned(),
            ],
            exr: cells[4].to_owned(),
        });
    }
    Seed {
        title: title.to_owned(),
        domains,
        rows,
    }
}

fn expected_descriptor(cell: &str) -> Descriptor {
    match cell {
        "" => Descriptor::Missing,
        "N/A" => Descriptor::NotApplicable,
        other => Descriptor::Text(other.to_owned()),
    }
}

#[test]
fn hee_framework_matches_its_seed_word_for_word() {
    let path = repo_root().join(HEE_SEED);
    let seed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the HEE seed must be present beside the repository at {} ({e}); \
             this test checks the shipped framework against it and never skips",
            path.display()
        )
    });
    let seed = parse_seed(&seed);
    let f = load(HEE_JSON);

    assert_eq!(f.meta.title, seed.title);

    assert_eq!(f.domains().len(), seed.domains.len());
    for (d, s) in f.domains().iter().zip(&seed.domains) {
        assert_eq!(d.code.as_str(), s.code);
        assert_eq!(d.title, s.title, "domain {} title", s.code);
        assert_eq!(
            d.description, s.description,
            "domain {} description",
            s.code
        );
    }

    assert_eq!(seed.rows.len(), 55, "the seed has 55 items");
    assert_eq!(f.items().len(), seed.rows.len());
    for (item, row) in f.items().iter().zip(&seed.rows) {
        assert_eq!(item.code.as_str(), row.code, "items are in seed order");
        assert_eq!(item.domain.as_str(), row.domain, "item {} domain", row.code);
        assert_eq!(item.title, row.title, "item {} title", row.code);
        let expected: Vec<Descriptor> = row.levels.iter().map(|c| expected_descriptor(c)).collect();
        for (level, (got, want)) in f
            .levels()
            .iter()
            .zip(item.descriptors.iter().zip(&expected))
        {
            assert_eq!(got, want, "item {} at {}", row.code, level.key);
        }
        assert_eq!(item.descriptors.len(), expected.len());
    }

    let expected: Vec<(&str, &str)> = seed
        .rows
        .iter()
        .filter(|r| r.exr != "N/A")
        .map(|r| (r.code.as_str(), r.exr.as_str()))
        .collect();
    assert_eq!(expected.len(), 12, "the seed has 12 ExR statements");
    let got: Vec<(&str, &str)> = f
        .provider_mappings()
        .iter()
        .map(|m| (m.item.as_str(), m.statement.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert!(f.provider_mappings().iter().all(|m| m.provider == "ExR"));
}

#[test]
fn dorset_fixture_has_the_registered_career_framework_shape() {
    let f = load(DORSET_JSON);
    assert_eq!(f.id().as_str(), "dorset-ahp-career-framework-sample");
    assert!(
        f.meta
            .description
            .contains("not the Dorset framework's text")
    );

    let keys: Vec<&str> = f.levels().iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, ["band-5", "band-6", "band-7", "band-8", "band-9"]);
    let codes: Vec<&str> = f.domains().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["PP", "ED", "LD", "RS"]);
    let titles: Vec<&str> = f.domains().iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Professional practice",
            "Education",
            "Leadership",
            "Research"
        ]
    );

    for d in f.domains() {
        let items: Vec<_> = f.items_in(&d.code).collect();
        assert_eq!(items.len(), 3, "pillar {}", d.code);
        // The first item of each pillar is its core competency: the same at every band.
        let core = items[0];
        assert_eq!(core.code.as_str(), format!("{}.1", d.code));
        assert!(
            core.identical_at_every_level(),
            "core competency {} is the same at every band",
            core.code
        );
        for specific in &items[1..] {
            assert!(
                !specific.identical_at_every_level(),
                "{} is band-specific",
                specific.code
            );
            assert!(
                specific.descriptors.contains(&Descriptor::NotApplicable),
                "{} does not apply at some bands",
                specific.code
            );
            // Where it applies, the text changes from band to band.
            let texts: Vec<&str> = specific
                .descriptors
                .iter()
                .filter_map(|d| d.text())
                .collect();
            assert!(
                texts.len() >= 2,
                "{} applies at two or more bands",
                specific.code
            );
            assert!(
                texts.windows(2).all(|w| w[0] != w[1]),
                "{} progresses between bands",
                specific.code
            );
        }
    }
    assert!(
        f.items()
            .iter()
            .all(|i| i.kind == ItemKind::Competency && i.descriptors.len() == 5)
    );
    assert!(
        !f.items()
            .iter()
            .flat_map(|i| &i.descriptors)
            .any(|d| *d == Descriptor::Missing)
    );
    assert_eq!(
        text(&f, "LD.3", "band-7"),
        &Descriptor::NotApplicable,
        "strategic leadership starts at band 8"
    );
    assert!(f.provider_mappings().is_empty());
}

#[test]
fn a_person_holds_a_different_band_in_each_pillar_of_the_career_framework() {
    let f = load(DORSET_JSON);
    assert_eq!(f.meta.level_placement, LevelPlacement::PerDomain);

    // A clinician who is band 6 in practice, band 7 in education, band 8 in leadership and
    // band 5 in research.
    let placement = f
        .place(&[
            ("PP", "band-6"),
            ("ED", "band-7"),
            ("LD", "band-8"),
            ("RS", "band-5"),
        ])
        .expect("a per-pillar placement is valid");
    assert_eq!(placement.single_level(), None);
    assert_eq!(placement.level_in("LD").map(|l| l.as_str()), Some("band-8"));

    let expected = f.expected_of(&placement).unwrap();
    assert_eq!(expected.len(), f.items().len(), "one expectation per item");
    for e in &expected {
        let held = placement.level_in(e.item.domain.as_str()).unwrap();
        assert_eq!(
            &e.level.key, held,
            "{} is read at the pillar's band",
            e.item.code
        );
        assert_eq!(e.descriptor, text(&f, e.item.code.as_str(), held.as_str()));
    }
    let ld3 = expected
        .iter()
        .find(|e| e.item.code.as_str() == "LD.3")
        .unwrap();
    assert!(
        matches!(ld3.descriptor, Descriptor::Text(_)),
        "strategic leadership applies at band 8"
    );
    let pp2 = expected
        .iter()
        .find(|e| e.item.code.as_str() == "PP.2")
        .unwrap();
    assert_eq!(pp2.level.title, "Band 6");

    // The same person a band higher in leadership would no longer be expected the same.
    let promoted = f
        .place(&[
            ("PP", "band-6"),
            ("ED", "band-7"),
            ("LD", "band-9"),
            ("RS", "band-5"),
        ])
        .unwrap();
    let after = f.expected_of(&promoted).unwrap();
    let changed: Vec<&str> = expected
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.descriptor != b.descriptor)
        .map(|(a, _)| a.item.code.as_str())
        .collect();
    assert!(changed.iter().all(|c| c.starts_with("LD.")), "{changed:?}");
    assert!(!changed.is_empty());
}

#[test]
fn a_support_worker_holds_one_stage_across_the_whole_hee_framework() {
    let f = load(HEE_JSON);
    assert_eq!(f.meta.level_placement, LevelPlacement::WholeFramework);
    let at_intermediate = f.place_at("intermediate").unwrap();
    assert_eq!(
        at_intermediate.single_level().map(|l| l.as_str()),
        Some("intermediate")
    );
    assert_eq!(at_intermediate.levels().len(), 8);
    let expected = f.expected_of(&at_intermediate).unwrap();
    assert_eq!(expected.len(), 55);
    assert!(expected.iter().all(|e| e.level.title == "Intermediate"));

    let mut by_domain: Vec<(&str, &str)> = f
        .domains()
        .iter()
        .map(|d| (d.code.as_str(), "intermediate"))
        .collect();
    by_domain[3].1 = "assistant-practitioner";
    let refused = f.place(&by_domain).unwrap_err().to_string();
    assert!(
        refused.contains("places a person at one level across the whole framework")
            && refused.contains("assistant-practitioner, intermediate"),
        "{refused}"
    );
}

#[test]
fn a_placement_names_every_problem_and_fits_only_its_own_version() {
    let f = load(DORSET_JSON);
    let refused = f
        .place(&[("PP", "band-4"), ("PP", "band-6"), ("XX", "band-5")])
        .unwrap_err();
    let messages: Vec<String> = refused.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "levels[0].level: level \"band-4\" is not one of the framework's levels (band-5, band-6, band-7, band-8, band-9)",
            "levels[1].domain: domain \"PP\" is given a level more than once",
            "levels[2].domain: domain \"XX\" is not one of the framework's domains",
            "levels: no level given for domain \"ED\" (Education)",
            "levels: no level given for domain \"LD\" (Leadership)",
            "levels: no level given for domain \"RS\" (Research)",
        ]
    );

    let placement = f.place_at("band-7").unwrap();
    let hee = load(HEE_JSON);
    let err = hee.expected_of(&placement).unwrap_err().to_string();
    assert!(
        err.contains("the placement is for dorset-ahp-career-framework-sample version 1"),
        "{err}"
    );
    let mut next = f.new_draft(f.next_version_label());
    next.meta.status = VersionStatus::Draft;
    assert!(
        next.expected_of(&placement).is_err(),
        "a new version needs a new placement"
    );
}
