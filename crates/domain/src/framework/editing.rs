//! What a framework author may change in a draft version: the framework's details, a
//! domain's title and description, and items (edited, added and removed).
//!
//! Levels are not edited here: records made at a level must mean the same in every version
//! (see `check_levels_kept` where versions are stored). Every edit is checked by the same
//! rules as an imported framework ([`Framework::new`]), and problems name the field of the
//! edit they are about (`title`, `code`, `descriptors[1]`), not the position in the whole
//! framework, so a form can show each beside its field.

use super::{
    Descriptor, DomainCode, Framework, Item, ItemCode, ItemKind, Problems, descriptor_too_long,
    item_title_too_long,
};

/// An item to add to a draft, as an author typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub domain: String,
    pub code: String,
    pub title: String,
    pub kind: ItemKind,
    /// One per level, in level order.
    pub descriptors: Vec<Descriptor>,
}

impl Framework {
    fn require_editable(&self) -> Result<(), Problems> {
        if self.meta.status.is_editable() {
            return Ok(());
        }
        Err(Problems::one(
            "status",
            format!(
                "version {} is {}; it cannot change. Create a new draft version to edit it",
                self.meta.version,
                self.meta.status.as_str()
            ),
        ))
    }

    /// Replaces this version's content with `candidate`'s if it passes every rule; problems
    /// are named by the field within the item, domain or details being edited.
    fn accept(&mut self, candidate: super::FrameworkDraft) -> Result<(), Problems> {
        match Framework::new(candidate) {
            Ok(f) => {
                *self = f;
                Ok(())
            }
            Err(problems) => Err(Problems(
                problems
                    .0
                    .into_iter()
                    .map(|mut p| {
                        p.location = field_of(&p.location);
                        p
                    })
                    .collect(),
            )),
        }
    }

    /// Replaces an item's title and descriptors; only drafts may change.
    pub fn edit_item(
        &mut self,
        code: &str,
        title: String,
        descriptors: Vec<Descriptor>,
    ) -> Result<(), Problems> {
        self.require_editable()?;
        let mut problems = Problems::default();
        if title.trim().is_empty() {
            problems.push("title", "enter a title for the item");
        }
        problems.push_some("title", item_title_too_long(title.trim()));
        if descriptors.len() != self.levels.len() {
            problems.push("descriptors", "give one descriptor per level");
        }
        for (l, descriptor) in descriptors.iter().enumerate() {
            let long = descriptor_too_long(descriptor, self.levels.get(l));
            problems.push_some(format!("descriptors[{l}]"), long);
        }
        problems.into_result()?;
        let Some(item) = self.items.iter_mut().find(|i| i.code.as_str() == code) else {
            return Err(Problems::one(
                "code",
                format!("item \"{code}\" is not in the framework"),
            ));
        };
        item.title = title.trim().to_owned();
        item.descriptors = descriptors;
        Ok(())
    }

    /// Makes an item an entry requirement or a competency.
    pub fn set_item_kind(&mut self, code: &str, kind: ItemKind) -> Result<(), Problems> {
        self.require_editable()?;
        let Some(item) = self.items.iter_mut().find(|i| i.code.as_str() == code) else {
            return Err(Problems::one(
                "code",
                format!("item \"{code}\" is not in the framework"),
            ));
        };
        item.kind = kind;
        Ok(())
    }

    /// Adds an item after the last item of its domain (or, in a domain with none yet, where
    /// the domain comes among the others), and returns its code as stored.
    pub fn add_item(&mut self, new: NewItem) -> Result<ItemCode, Problems> {
        self.require_editable()?;
        let mut problems = Problems::default();
        let code = match ItemCode::parse(&new.code) {
            Ok(code) if self.item(code.as_str()).is_some() => {
                problems.push(
                    "code",
                    format!(
                        "item {code} is already in this framework; choose a code no other item has"
                    ),
                );
                None
            }
            Ok(code) => Some(code),
            Err(why) => {
                problems.push("code", why);
                None
            }
        };
        let domain = match self.domain(new.domain.trim()) {
            Some(d) => Some(d.code.clone()),
            None => {
                problems.push("domain", "choose one of the framework's domains");
                None
            }
        };
        if new.title.trim().is_empty() {
            problems.push("title", "enter a title for the item");
        }
        if new.descriptors.len() != self.levels.len() {
            problems.push("descriptors", "give one descriptor per level");
        }
        let (Some(code), Some(domain), true) = (code, domain, problems.is_empty()) else {
            return Err(problems);
        };
        let position = self.insert_position(&domain);
        let item = Item {
            code: code.clone(),
            domain,
            title: new.title.trim().to_owned(),
            kind: new.kind,
            descriptors: new.descriptors,
        };
        let mut candidate = self.clone().into_draft();
        candidate.items.insert(position, item);
        self.accept(candidate)?;
        Ok(code)
    }

    /// Where a new item of `domain` goes: after the domain's last item, or else after the
    /// last item of the domains before it.
    fn insert_position(&self, domain: &DomainCode) -> usize {
        if let Some(last) = self.items.iter().rposition(|i| &i.domain == domain) {
            return last + 1;
        }
        let earlier: Vec<&DomainCode> = self
            .domains
            .iter()
            .take_while(|d| &d.code != domain)
            .map(|d| &d.code)
            .collect();
        self.items
            .iter()
            .rposition(|i| earlier.contains(&&i.domain))
            .map_or(0, |last| last + 1)
    }

    /// Removes an item and the training providers' statements about it. The last item
    /// cannot go: a framework needs at least one.
    pub fn remove_item(&mut self, code: &str) -> Result<Item, Problems> {
        self.require_editable()?;
        let Some(position) = self.items.iter().position(|i| i.code.as_str() == code) else {
            return Err(Problems::one(
                "code",
                format!("item \"{code}\" is not in the framework"),
            ));
        };
        if self.items.len() == 1 {
            return Err(Problems::one(
                "code",
                "this is the framework's only item, and a framework needs at least one; add another item first",
            ));
        }
        let removed = self.items.remove(position);
        self.provider_mappings.retain(|m| m.item != removed.code);
        super::prune_case_extras(&mut self.meta.case_extras, &self.items, &self.domains);
        Ok(removed)
    }

    /// Replaces a domain's title and description.
    pub fn edit_domain(
        &mut self,
        code: &str,
        title: &str,
        description: &str,
    ) -> Result<(), Problems> {
        self.require_editable()?;
        let mut candidate = self.clone().into_draft();
        let Some(domain) = candidate
            .domains
            .iter_mut()
            .find(|d| d.code.as_str() == code)
        else {
            return Err(Problems::one(
                "code",
                format!("domain \"{code}\" is not in the framework"),
            ));
        };
        if title.trim().is_empty() {
            return Err(Problems::one("title", "enter a title for the domain"));
        }
        domain.title = title.trim().to_owned();
        domain.description = description.trim().to_owned();
        self.accept(candidate)
    }

    /// Replaces the framework's title, publisher and description.
    pub fn edit_details(
        &mut self,
        title: &str,
        publisher: &str,
        description: &str,
    ) -> Result<(), Problems> {
        self.require_editable()?;
        let mut candidate = self.clone().into_draft();
        candidate.meta.title = title.trim().to_owned();
        candidate.meta.publisher = publisher.trim().to_owned();
        candidate.meta.description = description.trim().to_owned();
        self.accept(candidate)
    }
}

/// The field a problem from [`Framework::new`] is about, within the one item, domain or level
/// it names: `items[4].descriptors[1] (item 2.5)` is `descriptors[1]`, `domains[2].title` is
/// `title`; the framework's own fields (`title`) and counts (`items`) stay as they are.
fn field_of(location: &str) -> String {
    let location = location.split(" (").next().unwrap_or(location);
    for whole in ["items[", "domains[", "levels[", "provider_mappings["] {
        if let Some(rest) = location.strip_prefix(whole)
            && let Some((_, field)) = rest.split_once("].")
        {
            return field.to_owned();
        }
    }
    location.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::VersionStatus;

    fn shipped_draft() -> Framework {
        let f: Framework = serde_json::from_str(include_str!(
            "../../../../frameworks/hee-ahp-support-worker-2021.json"
        ))
        .unwrap();
        f.new_draft("2021.1".into())
    }

    fn new_item(domain: &str, code: &str) -> NewItem {
        NewItem {
            domain: domain.into(),
            code: code.into(),
            title: "Uses digital records".into(),
            kind: ItemKind::Competency,
            descriptors: vec![
                Descriptor::Text("Records care in the electronic record.".into()),
                Descriptor::Text("Records care in the electronic record.".into()),
                Descriptor::NotApplicable,
            ],
        }
    }

    #[test]
    fn an_added_item_goes_after_the_last_item_of_its_domain() {
        let mut f = shipped_draft();
        let last_of_2 = f
            .items()
            .iter()
            .rposition(|i| i.domain.as_str() == "2")
            .unwrap();
        let code = f.add_item(new_item("2", "2.99")).unwrap();
        assert_eq!(code.as_str(), "2.99");
        assert_eq!(f.items()[last_of_2 + 1].code.as_str(), "2.99");
        assert_eq!(f.items().len(), 56);
        assert_eq!(f.item("2.99").unwrap().domain.as_str(), "2");
    }

    #[test]
    fn an_added_item_is_checked_and_each_problem_names_its_field() {
        let mut f = shipped_draft();
        let before = f.clone();
        let mut bad = new_item("99", "3.9");
        bad.title = "  ".into();
        let problems = f.add_item(bad).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
        assert_eq!(fields, ["code", "domain", "title"], "{problems}");
        assert!(
            problems
                .to_string()
                .contains("3.9 is already in this framework")
        );
        assert_eq!(f, before, "nothing changes");

        // Problems only the whole framework's rules find are named by field too.
        let mut bad = new_item("2", "2.98");
        bad.descriptors[1] = Descriptor::Text("N/A".into());
        let problems = f.add_item(bad).unwrap_err();
        assert_eq!(problems.0[0].location, "descriptors[1]", "{problems}");
        assert_eq!(f, before);

        let problems = f.add_item(new_item("2", "2/1")).unwrap_err();
        assert_eq!(problems.0[0].location, "code");
    }

    #[test]
    fn a_removed_item_takes_its_provider_statements_with_it() {
        let mut f = shipped_draft();
        let mapped = f.provider_mappings()[0].item.clone();
        let mappings = f.provider_mappings().len();
        let removed = f.remove_item(mapped.as_str()).unwrap();
        assert_eq!(removed.code, mapped);
        assert!(f.item(mapped.as_str()).is_none());
        assert_eq!(f.provider_mappings().len(), mappings - 1);
        assert!(f.remove_item("no-such").is_err());
    }

    #[test]
    fn the_last_item_cannot_be_removed() {
        let mut f = shipped_draft();
        let codes: Vec<String> = f.items().iter().map(|i| i.code.to_string()).collect();
        for code in &codes[1..] {
            f.remove_item(code).unwrap();
        }
        let problems = f.remove_item(&codes[0]).unwrap_err();
        assert!(problems.to_string().contains("only item"), "{problems}");
        assert_eq!(f.items().len(), 1);
    }

    #[test]
    fn domains_and_details_are_edited_within_the_rules() {
        let mut f = shipped_draft();
        f.edit_domain("2", "Communication", "How support workers communicate.")
            .unwrap();
        assert_eq!(f.domain("2").unwrap().title, "Communication");
        let problems = f
            .edit_domain("2", "x".repeat(301).as_str(), "")
            .unwrap_err();
        assert_eq!(problems.0[0].location, "title");
        assert_eq!(f.domain("2").unwrap().title, "Communication");

        f.edit_details("AHP Support Worker Framework", "NHS England", "")
            .unwrap();
        assert_eq!(f.meta.publisher, "NHS England");
        let problems = f.edit_details("Title", " ", "").unwrap_err();
        assert_eq!(problems.0[0].location, "publisher");
    }

    #[test]
    fn a_published_version_refuses_every_edit() {
        let mut f = shipped_draft();
        f.meta.status = VersionStatus::Published;
        let before = f.clone();
        assert!(f.add_item(new_item("2", "2.99")).is_err());
        assert!(f.remove_item("2.1").is_err());
        assert!(f.edit_domain("2", "t", "d").is_err());
        assert!(f.edit_details("t", "p", "d").is_err());
        assert!(f.set_item_kind("2.1", ItemKind::EntryRequirement).is_err());
        assert_eq!(f, before);
    }

    #[test]
    fn problem_locations_become_field_names() {
        assert_eq!(
            field_of("items[4].descriptors[1] (item 2.5)"),
            "descriptors[1]"
        );
        assert_eq!(field_of("items[4].title (item 2.5)"), "title");
        assert_eq!(field_of("domains[2].description"), "description");
        assert_eq!(field_of("publisher"), "publisher");
        assert_eq!(field_of("items"), "items");
    }
}
