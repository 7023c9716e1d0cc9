//! A person's placement in a framework, read from query parameters: `level` for a framework
//! placed as a whole, `level-<domain code>` for each domain of one placed per domain. Shared
//! by the expectations page and the API, so both accept the same links.

use pathway_domain::framework::{DomainCode, Framework, LevelPlacement, Placement, Problems};

/// The parameter for a domain's level, or for the whole framework's.
pub fn field_for(placement: LevelPlacement, domain: &DomainCode) -> String {
    match placement {
        LevelPlacement::WholeFramework => "level".to_owned(),
        LevelPlacement::PerDomain => format!("level-{domain}"),
    }
}

/// Reads a placement. `Ok(None)` when no level was given at all; each problem's location is
/// the parameter to fix.
pub fn placement_from(
    f: &Framework,
    params: &[(String, String)],
) -> Result<Option<Placement>, Problems> {
    let rule = f.meta.level_placement;
    let value = |field: &str| {
        params
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let chosen: Vec<(String, &DomainCode, Option<&str>)> = f
        .domains()
        .iter()
        .map(|d| {
            let field = field_for(rule, &d.code);
            let v = value(&field);
            (field, &d.code, v)
        })
        .collect();
    if chosen.iter().all(|(_, _, v)| v.is_none()) {
        return Ok(None);
    }
    let mut problems = Problems::default();
    let mut reported: Vec<&str> = Vec::new();
    for (field, domain, level) in &chosen {
        if reported.contains(&field.as_str()) {
            continue;
        }
        match level {
            None => problems.push(field.clone(), format!("choose a level for domain {domain}")),
            Some(key) if f.level(key).is_none() => problems.push(
                field.clone(),
                format!(
                    "\"{key}\" is not one of the framework's levels ({})",
                    f.levels()
                        .iter()
                        .map(|l| l.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Some(_) => continue,
        }
        reported.push(field);
    }
    problems.into_result()?;
    let by_domain: Vec<(&str, &str)> = chosen
        .iter()
        .filter_map(|(_, d, l)| Some((d.as_str(), (*l)?)))
        .collect();
    f.place(&by_domain).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn dorset() -> Framework {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../frameworks/fixtures/dorset-ahp-career-framework-sample.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn nothing_chosen_is_no_placement() {
        assert_eq!(
            placement_from(&dorset(), &params(&[("version", "1")])),
            Ok(None)
        );
    }

    #[test]
    fn a_level_per_domain_is_read_from_its_parameter() {
        let f = dorset();
        let p = placement_from(
            &f,
            &params(&[
                ("level-PP", "band-6"),
                ("level-ED", "band-7"),
                ("level-LD", "band-8"),
                ("level-RS", "band-5"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.level_in("ED").map(|l| l.as_str()), Some("band-7"));
    }

    #[test]
    fn each_problem_names_its_parameter() {
        let f = dorset();
        let problems = placement_from(
            &f,
            &params(&[("level-PP", "band-6"), ("level-ED", "band-12")]),
        )
        .unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.location.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "level-ED",
                    "\"band-12\" is not one of the framework's levels (band-5, band-6, band-7, band-8, band-9)"
                ),
                ("level-LD", "choose a level for domain LD"),
                ("level-RS", "choose a level for domain RS"),
            ]
        );
    }
}
