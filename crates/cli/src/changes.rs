//! `pathway framework changes`: what changed between two versions, as text for a terminal
//! or a change log.

use pathway_domain::framework::version_diff::{Change, FieldChange, VersionDiff};
use pathway_domain::framework::{Descriptor, DescriptorChange, Framework, Segment};
use std::fmt::Write as _;

fn descriptor(d: &Descriptor) -> &str {
    match d {
        Descriptor::Text(t) => t,
        Descriptor::NotApplicable => "(not applicable)",
        Descriptor::Missing => "(not stated)",
    }
}

fn fields(out: &mut String, indent: &str, changes: &[FieldChange]) {
    for c in changes {
        let _ = writeln!(
            out,
            "{indent}{}: \"{}\" -> \"{}\"",
            c.field.replace('_', " "),
            c.before,
            c.after
        );
    }
}

/// Words kept as they are, taken away as `[-…-]` and added as `{+…+}`, as `git diff
/// --word-diff` writes them.
fn words(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Same(t) => t.clone(),
            Segment::Removed(t) => format!("[-{t}-]"),
            Segment::Added(t) => format!("{{+{t}+}}"),
        })
        .collect()
}

/// The report on `diff`, the changes from `from` to `to` (two versions of framework `id`).
pub fn report(id: &str, to: &Framework, diff: &VersionDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Changes in {id} from version {} to version {}",
        diff.from_version, diff.to_version
    );
    let _ = writeln!(out, "{}", diff.summary());
    if !diff.details.is_empty() {
        let _ = writeln!(out, "\nThe framework's details");
        fields(&mut out, "  ", &diff.details);
    }
    for l in &diff.levels {
        let _ = writeln!(out, "\nLevel {}", l.title);
        fields(&mut out, "  ", &l.fields);
    }
    for d in &diff.domains {
        let change = match d.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        };
        let _ = writeln!(out, "\nDomain {} {} ({change})", d.code, d.title);
        fields(&mut out, "  ", &d.fields);
    }
    for (change, heading) in [
        (Change::Added, "Items added"),
        (Change::Removed, "Items removed"),
        (Change::Changed, "Items changed"),
    ] {
        let mut items = diff.items_with(change).peekable();
        if items.peek().is_none() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}");
        for i in items {
            let _ = writeln!(out, "  {} {}", i.code, i.title);
            fields(&mut out, "    ", &i.fields);
            for c in &i.descriptors {
                let level = to
                    .level(c.level_key.as_str())
                    .map_or(c.level_key.as_str(), |(_, l)| l.title.as_str());
                let text = match &c.change {
                    DescriptorChange::Changed { segments } => words(segments),
                    _ => format!(
                        "\"{}\" -> \"{}\"",
                        descriptor(&c.before),
                        descriptor(&c.after)
                    ),
                };
                let _ = writeln!(out, "    {level}: {text}");
            }
        }
    }
    if !diff.provider_mappings.is_empty() {
        let _ = writeln!(out, "\nTraining provider statements");
        for m in &diff.provider_mappings {
            let sign = if m.change == Change::Added { "+" } else { "-" };
            let _ = writeln!(
                out,
                "  {sign} {} on item {}: {}",
                m.provider, m.item, m.statement
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reworded_descriptor_reads_as_a_word_diff() {
        let segments = [
            Segment::Same("Reports ".into()),
            Segment::Removed("concerns".into()),
            Segment::Added("risks".into()),
            Segment::Same(" at once.".into()),
        ];
        assert_eq!(words(&segments), "Reports [-concerns-]{+risks+} at once.");
    }
}
