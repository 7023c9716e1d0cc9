//! How the framework pages speak of versions: the notice on a version that is not the one
//! in force, and what can honestly be said about when a version was published.

use crate::views::uk_date;
use pathway_domain::framework::VersionStatus;
use pathway_store::{VersionSummary, pick_version};

/// Shown at the top of every page of a version that is not the current published one, so a
/// reader who followed an old link does not take a draft or a replaced text as in force.
pub struct VersionNotice {
    pub heading: &'static str,
    pub message: String,
    /// The current published version's label, to link to the same page in it.
    pub current: Option<String>,
    /// The page being read, in the current version: its path without `?version=`.
    pub here: String,
}

/// The notice for `shown` among its framework's `versions`, on the page at path `here`; none
/// for a published version.
pub fn notice(
    shown: &VersionSummary,
    versions: &[VersionSummary],
    here: &str,
) -> Option<VersionNotice> {
    let current = pick_version(versions, None)
        .filter(|v| v.status == VersionStatus::Published)
        .map(|v| v.version.clone());
    let (heading, message) = match (shown.status, &current) {
        (VersionStatus::Published, _) => return None,
        (VersionStatus::Draft, Some(c)) => (
            "Draft version",
            format!(
                "This is a draft, not yet published. It may still change. Version {c} is the one in use."
            ),
        ),
        (VersionStatus::Draft, None) => (
            "Draft version",
            "This is a draft, not yet published. It may still change, and no version of this framework has been published yet.".to_owned(),
        ),
        (VersionStatus::Retired, Some(c)) => (
            "Replaced version",
            format!(
                "This version has been replaced by version {c}. It is kept so that records made against it can still be read."
            ),
        ),
        (VersionStatus::Retired, None) => (
            "Retired version",
            "This version has been retired and no version of this framework is published now."
                .to_owned(),
        ),
    };
    Some(VersionNotice {
        heading,
        message,
        current,
        here: here.to_owned(),
    })
}

/// What can be said about when a version was published. Pathway records only when a version
/// entered it (`created_at`) and when it was published in it (`published_at`); a version
/// imported already published has both set to the same instant, the day it was loaded, which
/// is not when its publisher published it. For such a version the publisher's year is taken
/// from a version label that is a year ("2021"), and otherwise nothing is claimed.
pub struct Publication {
    /// "Published by Health Education England in 2021".
    pub by_publisher: Option<String>,
    /// "Added to Pathway on 3 May 2026", "Published in Pathway on …", "Draft started on …".
    pub in_pathway: String,
}

pub fn publication(v: &VersionSummary) -> Publication {
    let imported_published = v.published_at.as_deref() == Some(v.created_at.as_str());
    let by_publisher = (imported_published && is_year(&v.version)).then(|| {
        if v.publisher.trim().is_empty() {
            format!("Published in {}", v.version)
        } else {
            format!("Published by {} in {}", v.publisher.trim(), v.version)
        }
    });
    let in_pathway = match (&v.published_at, v.status) {
        (_, VersionStatus::Draft) => format!("Draft started on {}", uk_date(&v.created_at)),
        (Some(at), _) if !imported_published => format!("Published in Pathway on {}", uk_date(at)),
        _ => format!("Added to Pathway on {}", uk_date(&v.created_at)),
    };
    Publication {
        by_publisher,
        in_pathway,
    }
}

fn is_year(label: &str) -> bool {
    label.len() == 4
        && label.bytes().all(|b| b.is_ascii_digit())
        && (label.starts_with("19") || label.starts_with("20"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADED: &str = "2026-05-03T09:00:00.000000Z";

    fn version(label: &str, status: VersionStatus, published_at: Option<&str>) -> VersionSummary {
        VersionSummary {
            version_id: 1,
            framework_id: "f".into(),
            version: label.into(),
            status,
            title: "F".into(),
            publisher: "Health Education England".into(),
            description: String::new(),
            created_at: LOADED.into(),
            published_at: published_at.map(str::to_owned),
            item_count: 1,
            revision: 0,
            steward_org_id: None,
        }
    }

    #[test]
    fn a_version_loaded_already_published_is_dated_by_its_label_not_the_load() {
        let p = publication(&version("2021", VersionStatus::Published, Some(LOADED)));
        assert_eq!(
            p.by_publisher.as_deref(),
            Some("Published by Health Education England in 2021")
        );
        assert_eq!(p.in_pathway, "Added to Pathway on 3 May 2026");
    }

    #[test]
    fn a_label_that_is_not_a_year_claims_no_publication_date() {
        let p = publication(&version("1.2", VersionStatus::Published, Some(LOADED)));
        assert_eq!(p.by_publisher, None);
        assert_eq!(p.in_pathway, "Added to Pathway on 3 May 2026");
    }

    #[test]
    fn a_version_published_in_pathway_says_so_and_claims_no_publisher_year() {
        let later = "2026-06-01T09:00:00.000000Z";
        let p = publication(&version("2022", VersionStatus::Published, Some(later)));
        assert_eq!(p.by_publisher, None);
        assert_eq!(p.in_pathway, "Published in Pathway on 1 June 2026");
        let draft = publication(&version("2023", VersionStatus::Draft, None));
        assert_eq!(draft.in_pathway, "Draft started on 3 May 2026");
    }

    #[test]
    fn drafts_and_replaced_versions_point_to_the_current_one() {
        let old = version("2021", VersionStatus::Retired, Some(LOADED));
        let current = version("2022", VersionStatus::Published, Some(LOADED));
        let draft = version("2023", VersionStatus::Draft, None);
        let all = [old.clone(), current.clone(), draft.clone()];
        assert!(notice(&current, &all, "/").is_none());
        let replaced = notice(&old, &all, "/").expect("a notice");
        assert!(
            replaced
                .message
                .starts_with("This version has been replaced by version 2022")
        );
        assert_eq!(replaced.current.as_deref(), Some("2022"));
        let drafted = notice(&draft, &all, "/").expect("a notice");
        assert!(
            drafted
                .message
                .starts_with("This is a draft, not yet published")
        );
        assert_eq!(drafted.current.as_deref(), Some("2022"));
        assert_eq!(
            notice(&draft, std::slice::from_ref(&draft), "/")
                .expect("a notice")
                .current,
            None
        );
    }
}
