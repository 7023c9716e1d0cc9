use super::*;

fn level(key: &str, title: &str) -> Level {
    Level {
        key: key.parse().unwrap(),
        title: title.into(),
        description: None,
    }
}

pub(crate) fn sample() -> FrameworkDraft {
    FrameworkDraft {
        meta: FrameworkMeta {
            id: "sample".parse().unwrap(),
            title: "Sample".into(),
            publisher: "Test".into(),
            version: "1".into(),
            status: VersionStatus::Published,
            description: String::new(),
            level_placement: Default::default(),
            case_identifier: None,
            case_identifiers: Default::default(),
            case_extras: Default::default(),
        },
        levels: vec![
            level("entry", "Entry"),
            level("intermediate", "Intermediate"),
        ],
        domains: vec![Domain {
            code: "1".parse().unwrap(),
            title: "One".into(),
            description: "d".into(),
        }],
        items: vec![Item {
            code: "1.1".parse().unwrap(),
            domain: "1".parse().unwrap(),
            title: "Item".into(),
            kind: ItemKind::Competency,
            descriptors: vec![Descriptor::Text("a".into()), Descriptor::NotApplicable],
        }],
        provider_mappings: vec![],
    }
}

#[test]
fn a_valid_framework_is_accepted() {
    let f = Framework::new(sample()).unwrap();
    assert_eq!(f.items().len(), 1);
    assert_eq!(f.level("intermediate").unwrap().0, 1);
}

#[test]
fn every_problem_is_reported_with_its_location() {
    let mut d = sample();
    d.items.push(d.items[0].clone());
    d.items[1].title = " ".into();
    d.items[1].descriptors.pop();
    d.items[1].domain = "9".parse().unwrap();
    d.levels.push(level("entry", "Again"));
    let err = Framework::new(d).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("levels[2].key: level \"entry\" appears more than once"),
        "{text}"
    );
    assert!(
        text.contains("items[1].code (item 1.1): item code \"1.1\" appears more than once"),
        "{text}"
    );
    assert!(
        text.contains("items[1].title (item 1.1): the item has no title"),
        "{text}"
    );
    assert!(
        text.contains("items[1].domain (item 1.1): domain \"9\""),
        "{text}"
    );
    assert!(text.contains("items[1].descriptors (item 1.1)"), "{text}");
}

#[test]
fn provider_mappings_must_name_real_items() {
    let mut d = sample();
    d.provider_mappings.push(ProviderMapping {
        provider: "ExR".into(),
        item: "7.7".parse().unwrap(),
        statement: "s".into(),
    });
    let err = Framework::new(d).unwrap_err();
    assert_eq!(err.0[0].location, "provider_mappings[0].item");
}

#[test]
fn published_versions_cannot_be_edited_but_their_drafts_can() {
    let mut f = Framework::new(sample()).unwrap();
    let err = f
        .edit_item(
            "1.1",
            "New".into(),
            vec![Descriptor::Missing, Descriptor::Missing],
        )
        .unwrap_err();
    assert!(err.to_string().contains("cannot change"));
    let mut draft = f.new_draft(f.next_version_label());
    assert_eq!(draft.meta.version, "1.1");
    assert_eq!(draft.meta.status, VersionStatus::Draft);
    draft
        .edit_item(
            "1.1",
            "New".into(),
            vec![Descriptor::Text("b".into()), Descriptor::Missing],
        )
        .unwrap();
    assert_eq!(draft.item("1.1").unwrap().title, "New");
    assert_eq!(f.item("1.1").unwrap().title, "Item");
}

#[test]
fn version_labels_increment() {
    assert_eq!(next_version_label("2021"), "2021.1");
    assert_eq!(next_version_label("1.4"), "1.5");
    assert_eq!(next_version_label("v2-beta"), "v2-beta.1");
}

#[test]
fn descriptor_cells_distinguish_na_and_missing_from_text() {
    assert_eq!(Descriptor::from_cell("N/A"), Descriptor::NotApplicable);
    assert_eq!(Descriptor::from_cell("  "), Descriptor::Missing);
    assert_eq!(
        Descriptor::from_cell("Works"),
        Descriptor::Text("Works".into())
    );
    assert_eq!(Descriptor::NotApplicable.to_cell(), "N/A");
}

#[test]
fn framework_json_round_trips_and_is_checked_on_read() {
    let f = Framework::new(sample()).unwrap();
    let json = serde_json::to_string(&f).unwrap();
    let back: Framework = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
    let bad = json.replace("\"1.1\"", "\"\"");
    assert!(serde_json::from_str::<Framework>(&bad).is_err());
}

#[test]
fn a_framework_needs_a_publisher_and_an_item() {
    let mut d = sample();
    d.meta.publisher = "  ".into();
    d.items.clear();
    let err = Framework::new(d).unwrap_err();
    assert_eq!(
        err.to_string(),
        "publisher: the framework has no publisher; give the name of the organisation that publishes it\n\
         items: a framework needs at least one item"
    );
}

#[test]
fn texts_longer_than_their_limits_are_reported_with_both_lengths() {
    let mut d = sample();
    d.meta.title = "t".repeat(301);
    d.meta.publisher = "p".repeat(301);
    d.meta.description = "d".repeat(10_001);
    d.levels[1].title = "l".repeat(301);
    d.levels[0].description = Some("g".repeat(1_001));
    d.domains[0].title = "n".repeat(301);
    d.domains[0].description = "e".repeat(10_001);
    d.items[0].title = "i".repeat(1_001);
    d.items[0].descriptors[0] = Descriptor::Text("x".repeat(10_001));
    d.provider_mappings.push(ProviderMapping {
        provider: "v".repeat(301),
        item: "1.1".parse().unwrap(),
        statement: "s".repeat(10_001),
    });
    let err = Framework::new(d).unwrap_err();
    let found: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "title: the framework's title is 301 characters long; the limit is 300. Shorten it, and put the detail in the framework's description",
            "publisher: the publisher's name is 301 characters long; the limit is 300. Shorten it",
            "description: the framework's description is 10,001 characters long; the limit is 10,000. Shorten it",
            "levels[0].description: the level's description is 1,001 characters long; the limit is 1,000. Shorten it",
            "levels[1].title: the level's title is 301 characters long; the limit is 300. Shorten it, and put the detail in the level's description",
            "domains[0].title: the domain's title is 301 characters long; the limit is 300. Shorten it, and put the detail in the domain's description",
            "domains[0].description: the domain's description is 10,001 characters long; the limit is 10,000. Shorten it",
            "items[0].title (item 1.1): the item's title is 1,001 characters long; the limit is 1,000. Shorten it, and put the detail in its descriptors",
            "items[0].descriptors[0] (item 1.1): the descriptor at level \"Entry\" is 10,001 characters long; the limit is 10,000. Shorten it",
            "provider_mappings[0].provider: the provider's name is 301 characters long; the limit is 300. Shorten it",
            "provider_mappings[0].statement: the statement is 10,001 characters long; the limit is 10,000. Shorten it",
        ]
    );
}

#[test]
fn texts_at_their_limits_are_accepted() {
    let mut d = sample();
    // Characters, not bytes: "é" is two bytes in UTF-8.
    d.meta.title = "é".repeat(300);
    d.meta.publisher = "é".repeat(300);
    d.levels[1].title = "é".repeat(300);
    d.domains[0].title = "é".repeat(300);
    d.domains[0].description = "é".repeat(10_000);
    d.items[0].title = "é".repeat(1_000);
    d.items[0].descriptors[0] = Descriptor::Text("é".repeat(10_000));
    assert!(Framework::new(d).is_ok());
}

#[test]
fn too_many_levels_domains_or_items_are_reported_before_anything_else() {
    let mut d = sample();
    d.levels = (0..21)
        .map(|i| level(&format!("level-{i}"), &format!("Level {i}")))
        .collect();
    d.domains = (0..501)
        .map(|i| Domain {
            code: i.to_string().parse().unwrap(),
            title: String::new(),
            description: String::new(),
        })
        .collect();
    d.items = (0..10_001)
        .map(|i| Item {
            code: format!("1.{i}").parse().unwrap(),
            domain: "1".parse().unwrap(),
            title: "Item".into(),
            kind: ItemKind::Competency,
            descriptors: vec![],
        })
        .collect();
    let err = Framework::new(d).unwrap_err();
    let found: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "levels: the framework has 21 levels; the limit is 20. Check the levels are right: they are the framework's stages or bands, such as Entry, Intermediate and Assistant Practitioner",
            "domains: the framework has 501 domains; the limit is 500. Check the domains are right: they group the items, and there are usually a few dozen at most",
            "items: the framework has 10,001 items; the limit is 10,000. Split it into smaller frameworks",
        ]
    );

    // At the limits, a framework is accepted.
    let mut d = sample();
    d.levels = (0..20)
        .map(|i| level(&format!("level-{i}"), &format!("Level {i}")))
        .collect();
    d.domains = (1..=500)
        .map(|i| Domain {
            code: i.to_string().parse().unwrap(),
            title: format!("Domain {i}"),
            description: String::new(),
        })
        .collect();
    d.items = (0..10_000)
        .map(|i| Item {
            code: format!("{}.{i}", i % 500 + 1).parse().unwrap(),
            domain: (i % 500 + 1).to_string().parse().unwrap(),
            title: "Item".into(),
            kind: ItemKind::Competency,
            descriptors: vec![Descriptor::Missing; 20],
        })
        .collect();
    let f = Framework::new(d).unwrap();
    assert_eq!(f.items().len(), 10_000);
}

#[test]
fn an_edit_is_held_to_the_same_limits() {
    let mut draft = Framework::new(sample()).unwrap().new_draft("2".into());
    let err = draft
        .edit_item(
            "1.1",
            "i".repeat(1_001),
            vec![Descriptor::Missing, Descriptor::Text("x".repeat(10_001))],
        )
        .unwrap_err();
    let found: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "title: the item's title is 1,001 characters long; the limit is 1,000. Shorten it, and put the detail in its descriptors",
            "descriptors[1]: the descriptor at level \"Intermediate\" is 10,001 characters long; the limit is 10,000. Shorten it",
        ]
    );
    assert_eq!(draft.item("1.1").unwrap().title, "Item", "nothing changed");
}
