use pathway_domain::framework::{case, Framework};
#[test]
fn scratch() {
    for f in ["case-sample-MarkdownFramework.opensalt.json", "case-foreign-dysphagia-rubric.json"] {
        let bytes = std::fs::read(format!("tests/fixtures/{f}")).unwrap();
        match case::import(&bytes, f) {
            Ok(fw) => println!("{}", serde_json::to_string_pretty(&fw).unwrap()),
            Err(p) => println!("{p}"),
        }
    }
    let hee: Framework = serde_json::from_str(&std::fs::read_to_string("../../frameworks/hee-ahp-support-worker-2021.json").unwrap()).unwrap();
    let when = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let v = case::export(&hee, &case::ExportOptions { base_uri: "https://pathway.example", last_change: when });
    let s = serde_json::to_string_pretty(&v).unwrap();
    std::fs::write("/tmp/fx/hee-case.json", &s).unwrap();
    let back = case::import(s.as_bytes(), "hee.json").unwrap();
    assert_eq!(back, hee);
}
