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
        text.contains("items[1] (1.1).code: item code \"1.1\" appears more than once"),
        "{text}"
    );
    assert!(
        text.contains("items[1] (1.1).title: the item has no title"),
        "{text}"
    );
    assert!(
        text.contains("items[1] (1.1).domain: domain \"9\""),
        "{text}"
    );
    assert!(text.contains("items[1] (1.1).descriptors"), "{text}");
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
