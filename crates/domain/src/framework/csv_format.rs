//! A simple CSV form of a framework, for spreadsheets: one row per item.
//!
//! ```text
//! domain,code,title,kind,Entry,Intermediate,Assistant Practitioner
//! Formal knowledge and experience,1.1,Education Requirements,Entry requirement,RQF Level 2…,RQF Level 3…,…
//! ```
//!
//! `domain` holds the domain's title. A domain with the title of one of an existing
//! framework's domains ([`ImportOptions::known_domains`]) keeps that domain's code and
//! description, so a new version's items stay in the domains earlier records cite; other
//! domains are numbered "1", "2"… (skipping codes already taken) in order of first appearance. Each level column holds the item's descriptor at that level: blank for
//! missing, "N/A" for not applicable. Domain descriptions and provider mappings are not
//! carried. Level keys are the slugs of the level titles, unless the levels of an existing
//! framework are given ([`ImportOptions::expected_levels`]).
//!
//! The file must be comma-separated (RFC 4180). A cell that starts with a quote runs, over
//! commas and line breaks, to the next lone quote; a quote that is never closed, or text after
//! a closing quote, is reported at the cell rather than read as rows run together.
//!
//! Bytes in, values out: nothing here touches files.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::ids::{MAX_LEVEL_KEY, unique_slug};
use super::limits::{MAX_ITEM_TITLE_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS, too_long};
use super::{
    Descriptor, Domain, DomainCode, Framework, FrameworkDraft, FrameworkMeta, Item, ItemCode,
    ItemKind, Level, LevelKey, Origins, Problems, slugify,
};

const FIXED: [&str; 4] = ["domain", "code", "title", "kind"];
const BOM: &str = "\u{FEFF}";

/// The framework as CSV, starting with a UTF-8 byte order mark so that spreadsheet programs
/// read it as UTF-8, with CRLF line ends (RFC 4180).
pub fn export(framework: &Framework) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = |record: Vec<&str>| {
        out.write_record(record)
            .expect("writing CSV to memory cannot fail");
    };
    let mut header: Vec<&str> = FIXED.to_vec();
    header.extend(framework.levels().iter().map(|l| l.title.as_str()));
    write(header);
    for item in framework.items() {
        let domain = framework
            .domain(item.domain.as_str())
            .map_or("", |d| d.title.as_str());
        let mut row = vec![domain, item.code.as_str(), &item.title, item.kind.label()];
        row.extend(item.descriptors.iter().map(Descriptor::to_cell));
        let row: Vec<Cow<'_, str>> = row.into_iter().map(inert).collect();
        write(row.iter().map(AsRef::as_ref).collect());
    }
    let bytes = out
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    let text = String::from_utf8(bytes).expect("CSV written from strings is UTF-8");
    format!("{BOM}{text}")
}

/// What a spreadsheet takes a cell starting with to be a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet will show as text: one that would start a formula gets an apostrophe
/// in front, as spreadsheets mark text, so opening an export cannot run what a framework's
/// text says (OWASP's "CSV injection"). [`plain`] takes it off again on import.
fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`inert`], for a cell read from a file.
fn plain(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_owned(),
        _ => cell,
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions<'a> {
    /// Prefixes every problem location.
    pub file_name: &'a str,
    /// Everything about the framework version except its content. The file does not say
    /// who publishes the framework, so `meta.publisher` must be given.
    pub meta: FrameworkMeta,
    /// The levels of the framework this CSV is a new version of: the level columns must be
    /// their titles, in order, and the imported levels keep their keys and descriptions.
    pub expected_levels: Option<&'a [Level]>,
    /// The domains of the framework this CSV is a new version of: a domain with the same
    /// title keeps its code and description.
    pub known_domains: Option<&'a [Domain]>,
}

/// Reads a framework from CSV; reports every problem found, each with its row and column.
/// A publisher must be given in [`ImportOptions::meta`]: the file does not say it.
pub fn import(bytes: &[u8], opts: ImportOptions<'_>) -> Result<Framework, Problems> {
    let ImportOptions {
        file_name,
        meta,
        expected_levels,
        known_domains,
    } = opts;
    let mut problems = Problems::default();
    if meta.publisher.trim().is_empty() {
        problems.push(
            "publisher",
            "no publisher was given for the framework; a CSV file does not say who publishes it, so give the publisher with the file (--publisher on the command line, publisher in the API, Publisher on the import page)",
        );
    }
    let draft = read(
        bytes,
        meta,
        expected_levels,
        known_domains.unwrap_or_default(),
    );
    match draft {
        Err(in_file) => {
            problems.0.extend(in_file.within(file_name).0);
            Err(problems)
        }
        Ok(_) if !problems.is_empty() => Err(problems),
        Ok((draft, origins)) => {
            Framework::new(draft).map_err(|p| p.relocate(&origins).within(file_name))
        }
    }
}

/// One record of the file: its line number and its cells, untrimmed.
struct Row {
    line: u64,
    cells: Vec<String>,
}

/// Reads the file into a draft; the framework's own rules are checked by the caller.
fn read(
    bytes: &[u8],
    meta: FrameworkMeta,
    expected_levels: Option<&[Level]>,
    known_domains: &[Domain],
) -> Result<(FrameworkDraft, Origins), Problems> {
    let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    let mut problems = Problems::default();
    let rows = records(bytes, &mut problems);
    if let Some(quote) = bad_quote(bytes) {
        // The reader ran rows together: nothing after the cell can be trusted.
        let name = rows
            .first()
            .filter(|header| header.line < quote.line)
            .and_then(|header| header.cells.get(quote.column))
            .map(|name| format!(" ({})", name.trim()))
            .unwrap_or_default();
        let message = if quote.text_after {
            "the cell starts with a quote (\"), and the quote that ends it is followed by more text, so a quote is missing or one too many: a cell that starts with a quote runs on, over commas and lines, to the next quote. Check the quotes in this cell and the rows after it; a quote inside a quoted cell is written twice (\"\")"
        } else {
            "the cell starts with a quote (\") that is never closed, so the rest of the file was read as part of this one cell; add the closing quote at the end of the cell, or remove the opening one (a quote inside a quoted cell is written twice: \"\")"
        };
        return Err(Problems::one(
            format!("row {}, column {}{name}", quote.line, quote.column + 1),
            message,
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let rows = without_trailing_empty_columns(rows);
    let blank = |r: &Row| r.cells.iter().all(|c| c.trim().is_empty());
    if rows.iter().all(blank) {
        return Err(Problems::one(
            "row 1",
            format!(
                "the file is empty; the first row must be the header {}, then one column per level",
                FIXED.join(", ")
            ),
        ));
    }

    let Some((header, rows)) = rows.split_first() else {
        return Err(Problems::one("row 1", "the file is empty"));
    };
    let header_cells: Vec<&str> = header.cells.iter().map(|c| c.trim()).collect();
    if header_cells.len() < FIXED.len() {
        let joined = header_cells.concat();
        let separator = if joined.contains(';') {
            Some("semicolons")
        } else if joined.contains('\t') {
            Some("tabs")
        } else {
            None
        };
        if let Some(separator) = separator {
            return Err(Problems::one(
                "row 1",
                format!(
                    "the columns are separated by {separator}, but the file must be comma-separated; save it as \"CSV UTF-8 (comma delimited)\" and import it again"
                ),
            ));
        }
    }
    let levels = read_header(&header_cells, expected_levels, &mut problems);
    if header_cells.len() < FIXED.len()
        || FIXED
            .iter()
            .zip(&header_cells)
            .any(|(want, got)| !want.eq_ignore_ascii_case(got))
    {
        // Without the fixed columns the rows cannot be read.
        return Err(problems);
    }
    let columns = header_cells.join(", ");

    let rows: Vec<&Row> = rows.iter().filter(|r| !blank(r)).collect();
    if rows.is_empty() {
        problems.push(
            "row 2",
            "the file has a header but no items; add one row per item below the header",
        );
    }

    let mut domains: Vec<Domain> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut origins = Origins {
        levels: (0..levels.len())
            .map(|l| {
                let c = FIXED.len() + l;
                let name = header_cells.get(c).copied().unwrap_or_default();
                format!("row 1, column {} ({name})", c + 1)
            })
            .collect(),
        level_titles: levels.iter().map(|l| l.title.clone()).collect(),
        ..Origins::default()
    };
    let mut first_row: HashMap<String, u64> = HashMap::new();
    let mut too_long_domains: HashSet<&str> = HashSet::new();
    for row in rows {
        let line = row.line;
        if row.cells.len() != header_cells.len() {
            // A quote in the wrong place can join rows into one cell: say where to look.
            let joined = row
                .cells
                .iter()
                .position(|c| c.contains('\n'))
                .map(|c| {
                    format!(
                        "; column {} holds line breaks, so check the quotes around it: a cell that starts with a quote runs on, over commas and lines, to the next quote",
                        c + 1
                    )
                })
                .unwrap_or_default();
            problems.push(
                format!("row {line}"),
                format!(
                    "{} columns, expected {} ({columns}){joined}",
                    row.cells.len(),
                    header_cells.len()
                ),
            );
            continue;
        }
        let cell = |c: usize| row.cells[c].trim();
        let at = |c: usize| format!("row {line}, column {} ({})", c + 1, FIXED[c]);

        let domain_title = cell(0);
        if domain_title.is_empty() {
            problems.push(
                at(0),
                "the domain is empty; enter the title of the item's domain",
            );
        }
        let code = match ItemCode::parse(cell(1)) {
            _ if cell(1).is_empty() => {
                problems.push(at(1), "the code is empty; enter the item's code, e.g. 2.1");
                None
            }
            Ok(code) => {
                if let Some(first) = first_row.get(code.as_str()) {
                    problems.push(
                        at(1),
                        format!(
                            "item code \"{code}\" appears more than once (also at row {first}); give each item its own code"
                        ),
                    );
                } else {
                    first_row.insert(code.as_str().to_owned(), line);
                }
                Some(code)
            }
            Err(e) => {
                problems.push(at(1), e);
                None
            }
        };
        let title = cell(2);
        if title.is_empty() {
            problems.push(at(2), "the title is empty; enter the item's title");
        }
        let long = too_long(
            "the title",
            title,
            MAX_ITEM_TITLE_CHARS,
            "Shorten it, and put the detail in the level columns",
        );
        if let Some(long) = long {
            problems.push(at(2), long);
        }
        for (c, raw) in row.cells.iter().enumerate().skip(FIXED.len()) {
            if let Some(long) = too_long("the descriptor", raw.trim(), MAX_TEXT_CHARS, "Shorten it")
            {
                problems.push(
                    format!("row {line}, column {} ({})", c + 1, header_cells[c]),
                    long,
                );
            }
        }
        let kind = if cell(3).is_empty() {
            Some(ItemKind::Competency)
        } else {
            let kind = ItemKind::parse(cell(3));
            if kind.is_none() {
                problems.push(
                    at(3),
                    format!(
                        "\"{}\" is not a kind of item; accepted kinds are Competency, Capability, Entry requirement, Entry and Requirement",
                        cell(3)
                    ),
                );
            }
            kind
        };

        let (Some(code), Some(kind)) = (code, kind) else {
            continue;
        };
        if domain_title.is_empty() {
            continue;
        }
        let domain = match domains.iter().find(|d| d.title == domain_title) {
            Some(d) => d.code.clone(),
            None => {
                let domain = match known_domains.iter().find(|d| d.title == domain_title) {
                    Some(known) => known.clone(),
                    None => {
                        let long = too_long(
                            "the domain's title",
                            domain_title,
                            MAX_NAME_CHARS,
                            "Shorten it",
                        );
                        if let Some(long) = long {
                            // Once, at the domain's first row.
                            if too_long_domains.insert(domain_title) {
                                problems.push(at(0), long);
                            }
                            continue;
                        }
                        let taken = |c: &str| {
                            known_domains
                                .iter()
                                .chain(&domains)
                                .any(|d| d.code.as_str() == c)
                        };
                        let Some(code) = (1..)
                            .map(|n: usize| n.to_string())
                            .find(|c| !taken(c))
                            .and_then(|c| DomainCode::parse(&c).ok())
                        else {
                            continue;
                        };
                        Domain {
                            code,
                            title: domain_title.to_owned(),
                            description: String::new(),
                        }
                    }
                };
                let code = domain.code.clone();
                domains.push(domain);
                origins
                    .domains
                    .push(format!("row {line}, column 1 (domain)"));
                code
            }
        };
        origins.items.push(format!("row {line}"));
        items.push(Item {
            code,
            domain,
            title: title.to_owned(),
            kind,
            descriptors: row.cells[FIXED.len()..]
                .iter()
                .map(|c| Descriptor::from_cell(c))
                .collect(),
        });
    }

    problems.into_result()?;
    let draft = FrameworkDraft {
        meta,
        levels,
        domains,
        items,
        provider_mappings: Vec::new(),
    };
    Ok((draft, origins))
}

/// A quoted cell the reader cannot have read as meant: the row it is in (as a spreadsheet
/// numbers rows), its column (from 0) and what is wrong.
struct BadQuote {
    line: u64,
    column: usize,
    /// The cell's closing quote is followed by more text; otherwise nothing closes it.
    text_after: bool,
}

/// Finds the first quoted cell that is never closed, or whose closing quote has text after
/// it, reading quotes as the CSV reader does: a quote opens a quoted cell only as the cell's
/// first character, `""` inside it is one quote, and the next lone quote closes it. The reader
/// gives no error for either: it takes the rest of the file as the cell, or joins the text
/// after the quote to it, and rows run together.
fn bad_quote(bytes: &[u8]) -> Option<BadQuote> {
    let mut row = 1;
    let mut column = 0;
    let mut cell_start = true;
    let mut open: Option<BadQuote> = None;
    let mut closed: Option<BadQuote> = None;
    let mut bytes = bytes.iter().peekable();
    while let Some(&b) = bytes.next() {
        if let Some(quote) = open.take() {
            match b {
                b'"' if bytes.peek() == Some(&&b'"') => {
                    bytes.next();
                    open = Some(quote);
                }
                b'"' => closed = Some(quote),
                _ => open = Some(quote),
            }
            continue;
        }
        if let Some(quote) = closed.take()
            && !matches!(b, b',' | b'\r' | b'\n')
        {
            return Some(BadQuote {
                text_after: true,
                ..quote
            });
        }
        match b {
            b'"' if cell_start => {
                open = Some(BadQuote {
                    line: row,
                    column,
                    text_after: false,
                });
                cell_start = false;
            }
            b',' => {
                column += 1;
                cell_start = true;
            }
            // A row ends at CR LF, LF or a lone CR (old Mac files), as the reader takes it.
            b'\r' | b'\n' => {
                if b == b'\r' && bytes.peek() == Some(&&b'\n') {
                    bytes.next();
                }
                row += 1;
                column = 0;
                cell_start = true;
            }
            _ => cell_start = false,
        }
    }
    open
}

/// The byte offset at which each row starts, counting rows as a spreadsheet shows them: a
/// line break inside a quoted cell does not start a row, and CR LF, LF and a lone CR each end
/// one. The reader's own line count counts line breaks, so it drifts after a multi-line cell
/// and never moves in a file that ends its lines with CR alone.
fn row_starts(bytes: &[u8]) -> Vec<u64> {
    let mut starts = vec![0];
    let mut quoted = false;
    let mut cell_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else {
            match b {
                b'"' if cell_start => {
                    quoted = true;
                    cell_start = false;
                }
                b',' => cell_start = true,
                b'\r' | b'\n' => {
                    if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u64 + 1);
                    cell_start = true;
                }
                _ => cell_start = false,
            }
        }
        i += 1;
    }
    starts
}

/// The rows without the empty columns a spreadsheet saves after the last one with a heading
/// (a column once formatted or typed in and cleared): empty in the header and in every row.
fn without_trailing_empty_columns(mut rows: Vec<Row>) -> Vec<Row> {
    let Some(header) = rows.first() else {
        return rows;
    };
    let headed = header
        .cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    let all_empty_after = rows
        .iter()
        .all(|r| r.cells.iter().skip(headed).all(|c| c.trim().is_empty()));
    if all_empty_after {
        for row in &mut rows {
            row.cells.truncate(headed);
        }
    }
    rows
}

/// Every record with its row number; cells that are not UTF-8 are reported.
fn records(bytes: &[u8], problems: &mut Problems) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let starts = row_starts(bytes);
    // The 1-based row a record starting at this byte is in. The reader places a record after
    // blank lines at the first of them, so those are stepped over.
    let row_at = |byte: u64| {
        let skipped = bytes
            .iter()
            .skip(byte as usize)
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        starts.partition_point(|&s| s <= byte + skipped as u64) as u64
    };
    let mut rows = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for record in reader.byte_records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(rows.len() as u64 + 1, |p| row_at(p.byte()));
                problems.push(
                    format!("row {line}"),
                    format!("the row cannot be read: {e}"),
                );
                break;
            }
        };
        let line = record
            .position()
            .map_or(rows.len() as u64 + 1, |p| row_at(p.byte()));
        let mut cells = Vec::with_capacity(record.len());
        for (c, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => cells.push(plain(text.to_owned())),
                Err(_) => {
                    let name = if rows.is_empty() {
                        format!("\"{}\"", String::from_utf8_lossy(raw).trim())
                    } else {
                        header.get(c).cloned().unwrap_or_default()
                    };
                    problems.push(
                        format!("row {line}, column {} ({name})", c + 1),
                        "the text is not UTF-8; save the file as \"CSV UTF-8\" and import it again",
                    );
                    cells.push(String::from_utf8_lossy(raw).into_owned());
                }
            }
        }
        if rows.is_empty() {
            header = cells.iter().map(|c| c.trim().to_owned()).collect();
        }
        rows.push(Row { line, cells });
    }
    rows
}

/// Checks the header row and returns the levels its level columns name.
fn read_header(header: &[&str], expected: Option<&[Level]>, problems: &mut Problems) -> Vec<Level> {
    let fixed = FIXED.join(", ");
    for (c, want) in FIXED.iter().enumerate() {
        match header.get(c) {
            Some(got) if want.eq_ignore_ascii_case(got) => {}
            Some(got) => problems.push(
                format!("row 1, column {} (\"{got}\")", c + 1),
                format!(
                    "expected \"{want}\"; the header must start with {fixed}, then one column per level"
                ),
            ),
            None => {
                problems.push(
                    "row 1",
                    format!(
                        "the header has {} columns; it must start with {fixed}, then one column per level",
                        header.len()
                    ),
                );
                return Vec::new();
            }
        }
    }
    let titles = &header[FIXED.len()..];
    if titles.is_empty() {
        problems.push(
            "row 1",
            "there are no level columns; add one column per level after \"kind\", headed with the level's title",
        );
        return Vec::new();
    }
    let at = |i: usize| format!("row 1, column {} (\"{}\")", FIXED.len() + i + 1, titles[i]);

    if let Some(expected) = expected {
        let names = expected
            .iter()
            .map(|l| l.title.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        for (i, title) in titles.iter().enumerate() {
            let same = |l: &Level| l.title.trim().eq_ignore_ascii_case(title);
            if expected.get(i).is_some_and(same) {
                continue;
            }
            let message = if expected.iter().any(same) {
                format!(
                    "expected {} here; the level columns must be {names}, in that order",
                    expected
                        .get(i)
                        .map_or("no more level columns".to_owned(), |l| format!(
                            "\"{}\"",
                            l.title
                        ))
                )
            } else {
                format!("\"{title}\" is not a level of this framework (its levels are {names})")
            };
            problems.push(at(i), message);
        }
        for missing in expected.iter().skip(titles.len()) {
            problems.push(
                "row 1",
                format!(
                    "the level column \"{}\" is missing; the level columns must be {names}, in that order",
                    missing.title
                ),
            );
        }
        return expected.to_vec();
    }

    let mut levels = Vec::new();
    // Two columns are the same level when their titles are, in any script; different titles
    // that slug alike get keys of their own.
    let mut first_column: HashMap<String, usize> = HashMap::new();
    let mut keys = HashSet::new();
    for (i, title) in titles.iter().enumerate() {
        if title.is_empty() {
            problems.push(
                at(i),
                "the level column has no title; head it with the level's title, or delete the column",
            );
            continue;
        }
        // "Band 5" and "band-5" are one level written two ways.
        let same_title: String = title
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if let Some(first) = first_column.get(&same_title) {
            problems.push(
                at(i),
                format!(
                    "the level \"{title}\" appears more than once (also column {first}); give each level one column"
                ),
            );
            continue;
        }
        first_column.insert(same_title, FIXED.len() + i + 1);
        let key = unique_slug(&slugify(title), MAX_LEVEL_KEY, &mut keys);
        match LevelKey::parse(&key) {
            Ok(key) => levels.push(Level {
                key,
                title: (*title).to_owned(),
                description: None,
            }),
            Err(e) => problems.push(at(i), format!("{e}; use a shorter level title")),
        }
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{ProviderMapping, VersionStatus};

    fn meta() -> FrameworkMeta {
        FrameworkMeta {
            id: "sample-framework".parse().unwrap(),
            title: "Sample framework".into(),
            publisher: "Sample Trust".into(),
            version: "1".into(),
            status: VersionStatus::Draft,
            description: String::new(),
            level_placement: Default::default(),
            case_identifier: None,
            case_identifiers: Default::default(),
            case_extras: Default::default(),
        }
    }

    fn level(key: &str, title: &str) -> Level {
        Level {
            key: key.parse().unwrap(),
            title: title.into(),
            description: None,
        }
    }

    fn levels() -> Vec<Level> {
        vec![
            level("entry", "Entry"),
            level("intermediate", "Intermediate"),
            level("assistant-practitioner", "Assistant Practitioner"),
        ]
    }

    fn text(s: &str) -> Descriptor {
        Descriptor::Text(s.into())
    }

    fn small() -> Framework {
        let item = |code: &str, domain: &str, title: &str, kind, descriptors| Item {
            code: code.parse().unwrap(),
            domain: domain.parse().unwrap(),
            title: title.into(),
            kind,
            descriptors,
        };
        Framework::new(FrameworkDraft {
            meta: meta(),
            levels: levels(),
            domains: vec![
                Domain {
                    code: "1".parse().unwrap(),
                    title: "Formal knowledge".into(),
                    description: "Not carried by CSV".into(),
                },
                Domain {
                    code: "2".parse().unwrap(),
                    title: "Supporting service users, families".into(),
                    description: String::new(),
                },
            ],
            items: vec![
                item(
                    "1.1",
                    "1",
                    "Education requirements",
                    ItemKind::EntryRequirement,
                    vec![text("Level 2"), text("Level 3"), text("Level 4")],
                ),
                item(
                    "2.1",
                    "2",
                    "Person-centred care",
                    ItemKind::Competency,
                    vec![
                        Descriptor::NotApplicable,
                        text("Says \"hello\", then\nlistens"),
                        Descriptor::Missing,
                    ],
                ),
            ],
            provider_mappings: vec![ProviderMapping {
                provider: "ExR".into(),
                item: "2.1".parse().unwrap(),
                statement: "Not carried by CSV".into(),
            }],
        })
        .unwrap()
    }

    fn import_with(csv: &str, expected: Option<&[Level]>) -> Result<Framework, Vec<String>> {
        import(
            csv.as_bytes(),
            ImportOptions {
                file_name: "file.csv",
                meta: meta(),
                expected_levels: expected,
                known_domains: None,
            },
        )
        .map_err(|p| p.iter().map(ToString::to_string).collect())
    }

    fn errors(csv: &str) -> Vec<String> {
        import_with(csv, None).unwrap_err()
    }

    #[test]
    fn level_titles_in_any_script_and_of_any_length_are_levels_of_their_own() {
        let long = "Practitioner working at an advanced level across several services";
        let csv = format!("domain,code,title,kind,入门,中级,{long}\nOne,1.1,A,competency,a,b,c\n");
        let f = import_with(&csv, None).unwrap();
        let keys: Vec<&str> = f.levels().iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys[..2], ["level", "level-2"]);
        assert!(
            keys[2].len() <= 60 && long.to_lowercase().starts_with(&keys[2].replace('-', " ")),
            "{keys:?}"
        );
        let titles: Vec<&str> = f.levels().iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["入门", "中级", long]);
        // The same title twice is one level given two columns.
        let csv = "domain,code,title,kind,入门,入门\nOne,1.1,A,competency,a,b\n";
        assert_eq!(
            errors(csv),
            [
                "file.csv: row 1, column 6 (\"入门\"): the level \"入门\" appears more than once (also column 5); give each level one column"
            ]
        );
    }

    #[test]
    fn an_export_cannot_run_formulas_and_reads_back_as_it_was() {
        let mut d = crate::framework::tests::sample();
        d.items[0].title = "=HYPERLINK(\"http://example.com\", \"click\")".into();
        d.items[0].descriptors[0] = text("-Leads the team");
        d.items[0].descriptors[1] = text("'quoted' as written");
        let f = Framework::new(d).unwrap();
        let csv = export(&f);
        assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
        assert!(csv.contains(",'-Leads the team,"), "{csv}");
        assert!(csv.contains(",'quoted' as written"), "{csv}");
        let back = import_with(&csv, Some(f.levels())).unwrap();
        assert_eq!(back.items()[0].title, f.items()[0].title);
        assert_eq!(back.items()[0].descriptors, f.items()[0].descriptors);
    }

    #[test]
    fn empty_columns_a_spreadsheet_saves_after_the_last_are_ignored() {
        let csv = "domain,code,title,kind,Entry,,\r\nOne,1.1,A,competency,a,,\r\nOne,1.2,B,competency,b\r\n";
        let f = import_with(csv, None).unwrap();
        assert_eq!(f.levels().len(), 1);
        assert_eq!(f.items().len(), 2);
        // Text past the last heading is not ignored: it is in a column no one named.
        let csv = "domain,code,title,kind,Entry,\nOne,1.1,A,competency,a,stray\n";
        assert_eq!(
            errors(csv),
            [
                "file.csv: row 1, column 6 (\"\"): the level column has no title; head it with the level's title, or delete the column"
            ]
        );
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // A two-line cell is one row, and a file whose lines end with CR alone still has rows.
        for end in ["\n", "\r\n", "\r"] {
            let csv = format!(
                "domain,code,title,kind,Entry{end}One,1.1,\"Two{end}lines\",competency,a{end}{end}One,1.1,B,competency,b{end}"
            );
            assert_eq!(
                errors(&csv),
                [
                    "file.csv: row 4, column 2 (code): item code \"1.1\" appears more than once (also at row 2); give each item its own code"
                ],
                "line end {end:?}"
            );
        }
    }

    #[test]
    fn framework_rules_name_the_row() {
        // Checked by the framework, not the reader: reported at the item's row and column.
        let csv = "domain,code,title,kind,Entry\nOne,1.1,A,competency,a\nOne,1.2,B,competency,\"b\u{0}\"\n";
        assert_eq!(
            errors(csv),
            [
                "file.csv: row 3 (item 1.2), descriptor at level \"Entry\": the text holds the control character U+0000, which cannot be shown or stored; remove it (the file may be damaged or not text)"
            ]
        );
    }

    const HEADER: &str = "domain,code,title,kind,Entry,Intermediate,Assistant Practitioner\n";

    #[test]
    fn export_writes_one_row_per_item() {
        assert_eq!(
            export(&small()),
            "\u{FEFF}domain,code,title,kind,Entry,Intermediate,Assistant Practitioner\r\n\
             Formal knowledge,1.1,Education requirements,Entry requirement,Level 2,Level 3,Level 4\r\n\
             \"Supporting service users, families\",2.1,Person-centred care,Competency,N/A,\"Says \"\"hello\"\", then\nlistens\",\r\n"
        );
    }

    #[test]
    fn export_then_import_gives_the_same_levels_items_and_domain_titles() {
        let f = small();
        let back = import_with(&export(&f), None).unwrap();
        assert_eq!(back.levels(), f.levels());
        assert_eq!(back.items(), f.items());
        let titles = |f: &Framework| -> Vec<(String, String)> {
            f.domains()
                .iter()
                .map(|d| (d.code.to_string(), d.title.clone()))
                .collect()
        };
        assert_eq!(titles(&back), titles(&f));
        assert!(back.domains().iter().all(|d| d.description.is_empty()));
        assert!(back.provider_mappings().is_empty());
        assert_eq!(back.meta, meta());
    }

    #[test]
    fn expected_levels_keep_their_keys_and_descriptions() {
        let expected = vec![
            Level {
                key: "band-2".parse().unwrap(),
                title: "Entry".into(),
                description: Some("Agenda for Change band 2".into()),
            },
            level("band-3", "Intermediate"),
            level("band-4", "Assistant Practitioner"),
        ];
        let f = import_with(
            &format!("{HEADER}One,1.1,Title,competency,a,b,c\n"),
            Some(&expected),
        )
        .unwrap();
        assert_eq!(f.levels(), expected.as_slice());
        // Titles match without regard to case or surrounding spaces.
        let header = "domain,code,title,kind, entry ,INTERMEDIATE,Assistant practitioner\n";
        assert!(
            import_with(
                &format!("{header}One,1.1,Title,competency,a,b,c\n"),
                Some(&expected)
            )
            .is_ok()
        );
    }

    #[test]
    fn spreadsheet_habits_are_accepted() {
        let csv = "\u{FEFF}Domain, Code ,TITLE,Kind,Entry,Band 5 (senior)\n\
                   \n\
                   One, 4.4. , Effective communication ,entry,  x  ,n/a\n\
                   One,4.5,Listening,,,not applicable\n\
                   ,,,,,\n\
                   Two,5.1,Capable,capability,\"multi\nline\",\n\
                   Two,5.2,Last,Entry requirement,y,z\n";
        let f = import_with(csv, None).unwrap();
        let levels: Vec<(&str, &str)> = f
            .levels()
            .iter()
            .map(|l| (l.key.as_str(), l.title.as_str()))
            .collect();
        assert_eq!(
            levels,
            [("entry", "Entry"), ("band-5-senior", "Band 5 (senior)")]
        );
        let items: Vec<(&str, &str, &str, ItemKind)> = f
            .items()
            .iter()
            .map(|i| (i.code.as_str(), i.domain.as_str(), i.title.as_str(), i.kind))
            .collect();
        assert_eq!(
            items,
            [
                (
                    "4.4",
                    "1",
                    "Effective communication",
                    ItemKind::EntryRequirement
                ),
                ("4.5", "1", "Listening", ItemKind::Competency),
                ("5.1", "2", "Capable", ItemKind::Competency),
                ("5.2", "2", "Last", ItemKind::EntryRequirement),
            ]
        );
        assert_eq!(
            f.items()[0].descriptors,
            [text("x"), Descriptor::NotApplicable]
        );
        assert_eq!(
            f.items()[1].descriptors,
            [Descriptor::Missing, Descriptor::NotApplicable]
        );
        assert_eq!(
            f.items()[2].descriptors,
            [text("multi\nline"), Descriptor::Missing]
        );
    }

    #[test]
    fn a_multi_line_cell_is_one_row() {
        let csv =
            format!("{HEADER}One,1.1,A,competency,\"two\nlines\",b,c\nOne,1.2,,competency,a,b,c\n");
        assert_eq!(
            errors(&csv),
            ["file.csv: row 3, column 3 (title): the title is empty; enter the item's title"]
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_reported_with_its_cell() {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend(b"One,1.1,Caf\xE9,competency,a,b,c\nOne,1.2,Fine,competency,a,\xA3 5,c\n");
        let found: Vec<String> = import(
            &bytes,
            ImportOptions {
                file_name: "file.csv",
                meta: meta(),
                expected_levels: None,
                known_domains: None,
            },
        )
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            found,
            [
                "file.csv: row 2, column 3 (title): the text is not UTF-8; save the file as \"CSV UTF-8\" and import it again",
                "file.csv: row 3, column 6 (Intermediate): the text is not UTF-8; save the file as \"CSV UTF-8\" and import it again",
            ]
        );
    }

    #[test]
    fn an_empty_file_is_reported() {
        let expected = [
            "file.csv: row 1: the file is empty; the first row must be the header domain, code, title, kind, then one column per level",
        ];
        assert_eq!(errors(""), expected);
        assert_eq!(errors("\u{FEFF}"), expected);
        assert_eq!(errors("\n\n"), expected);
        assert_eq!(errors(",,,\n"), expected);
        assert_eq!(
            errors(HEADER),
            [
                "file.csv: row 2: the file has a header but no items; add one row per item below the header"
            ]
        );
    }

    #[test]
    fn missing_or_renamed_fixed_columns_are_reported() {
        assert_eq!(
            errors("domain,item code,title,type,Entry\nOne,1.1,A,competency,a\n"),
            [
                "file.csv: row 1, column 2 (\"item code\"): expected \"code\"; the header must start with domain, code, title, kind, then one column per level",
                "file.csv: row 1, column 4 (\"type\"): expected \"kind\"; the header must start with domain, code, title, kind, then one column per level",
            ]
        );
        assert_eq!(
            errors("domain,code,title\n"),
            [
                "file.csv: row 1: the header has 3 columns; it must start with domain, code, title, kind, then one column per level"
            ]
        );
        assert_eq!(
            errors("domain,code,title,kind\nOne,1.1,A,competency\n"),
            [
                "file.csv: row 1: there are no level columns; add one column per level after \"kind\", headed with the level's title"
            ]
        );
    }

    #[test]
    fn level_columns_need_distinct_titles() {
        assert_eq!(
            errors("domain,code,title,kind,Entry,,Band 5,band-5\n"),
            [
                "file.csv: row 1, column 6 (\"\"): the level column has no title; head it with the level's title, or delete the column",
                "file.csv: row 1, column 8 (\"band-5\"): the level \"band-5\" appears more than once (also column 7); give each level one column",
                "file.csv: row 2: the file has a header but no items; add one row per item below the header",
            ]
        );
    }

    #[test]
    fn level_columns_must_be_the_levels_of_the_framework() {
        let expected = levels();
        let found = import_with(
            "domain,code,title,kind,Entry,Band 4,Assistant Practitioner\nOne,1.1,A,competency,a,b,c\n",
            Some(&expected),
        )
        .unwrap_err();
        assert_eq!(
            found,
            [
                "file.csv: row 1, column 6 (\"Band 4\"): \"Band 4\" is not a level of this framework (its levels are Entry, Intermediate, Assistant Practitioner)"
            ]
        );
        let found = import_with(
            "domain,code,title,kind,Intermediate,Entry\nOne,1.1,A,competency,a,b\n",
            Some(&expected),
        )
        .unwrap_err();
        assert_eq!(
            found,
            [
                "file.csv: row 1, column 5 (\"Intermediate\"): expected \"Entry\" here; the level columns must be Entry, Intermediate, Assistant Practitioner, in that order",
                "file.csv: row 1, column 6 (\"Entry\"): expected \"Intermediate\" here; the level columns must be Entry, Intermediate, Assistant Practitioner, in that order",
                "file.csv: row 1: the level column \"Assistant Practitioner\" is missing; the level columns must be Entry, Intermediate, Assistant Practitioner, in that order",
            ]
        );
        let found = import_with(
            "domain,code,title,kind,Entry,Intermediate,Assistant Practitioner,Entry\nOne,1.1,A,competency,a,b,c,d\n",
            Some(&expected),
        )
        .unwrap_err();
        assert_eq!(
            found,
            [
                "file.csv: row 1, column 8 (\"Entry\"): expected no more level columns here; the level columns must be Entry, Intermediate, Assistant Practitioner, in that order"
            ]
        );
    }

    #[test]
    fn a_row_with_the_wrong_number_of_columns_is_reported() {
        let csv = format!(
            "{HEADER}One,1.1,A,competency,a,b,c\nOne,1.2,B,competency,a,b,c\nOne,1.3,C,competency,a,b,c\n\
             One,1.4,D,competency,a,b,c\nOne,1.5,E,competency,a,b,c\nOne,1.6,F,competency,a,b\n\
             One,1.7,G,competency,a,b,c,d\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 7: 6 columns, expected 7 (domain, code, title, kind, Entry, Intermediate, Assistant Practitioner)",
                "file.csv: row 8: 8 columns, expected 7 (domain, code, title, kind, Entry, Intermediate, Assistant Practitioner)",
            ]
        );
    }

    #[test]
    fn cell_problems_are_reported_for_every_row() {
        let csv = format!(
            "{HEADER}\
             One,2.1,A,competency,a,b,c\n\
             One,,B,competency,a,b,c\n\
             One,2/2,C,competency,a,b,c\n\
             ,2.3,D,competency,a,b,c\n\
             One,2.4, ,competency,a,b,c\n\
             One,2.5,E,skill,a,b,c\n\
             One,2.1.,F,competency,a,b,c\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 3, column 2 (code): the code is empty; enter the item's code, e.g. 2.1",
                "file.csv: row 4, column 2 (code): item code \"2/2\" holds \"/\", which a code may not; a code may hold only letters, digits, single spaces between them, and . - _ ( ) [ ] : + '",
                "file.csv: row 5, column 1 (domain): the domain is empty; enter the title of the item's domain",
                "file.csv: row 6, column 3 (title): the title is empty; enter the item's title",
                "file.csv: row 7, column 4 (kind): \"skill\" is not a kind of item; accepted kinds are Competency, Capability, Entry requirement, Entry and Requirement",
                "file.csv: row 8, column 2 (code): item code \"2.1\" appears more than once (also at row 2); give each item its own code",
            ]
        );
    }

    #[test]
    fn a_quoted_cell_that_is_never_closed_is_named() {
        let header = "domain,code,title,kind,Entry\n";
        let csv = format!(
            "{header}One,1.1,\"A,competency,a\nOne,1.2,B,competency,b\nOne,1.3,C,competency,c\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 2, column 3 (title): the cell starts with a quote (\") that is never closed, so the rest of the file was read as part of this one cell; add the closing quote at the end of the cell, or remove the opening one (a quote inside a quoted cell is written twice: \"\")"
            ]
        );
        // After a closed multi-line cell and escaped quotes, rows are counted as a spreadsheet
        // shows them: the two-line cell is in one row.
        let csv = format!(
            "{header}One,1.1,\"Two\nlines, \"\"quoted\"\"\",competency,a\r\nOne,1.2,B,competency,\"b\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 3, column 5 (Entry): the cell starts with a quote (\") that is never closed, so the rest of the file was read as part of this one cell; add the closing quote at the end of the cell, or remove the opening one (a quote inside a quoted cell is written twice: \"\")"
            ]
        );
        // A quote that does not start a cell is text, as the reader takes it.
        let f = import_with(
            &format!("{header}One,1.1,The 6\" ruler,competency,a\n"),
            None,
        )
        .unwrap();
        assert_eq!(f.items()[0].title, "The 6\" ruler");
        // In the header, there is no column name to give.
        assert_eq!(
            errors("domain,code,\"title,kind\n")[0]
                .split(": ")
                .nth(1)
                .unwrap(),
            "row 1, column 3"
        );
    }

    #[test]
    fn a_quote_that_joins_rows_is_pointed_at() {
        // The stray quote before "A" closes at the quote before "B", a row down, and "B" and
        // the rest of that row join the cell. Read as it is, row 3 would vanish.
        let csv = format!(
            "{HEADER}One,1.1,\"A,competency,a,b,c\nOne,1.2,\"B\",competency,a,b,c\nOne,1.3,C,competency,a,b,c\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 2, column 3 (title): the cell starts with a quote (\"), and the quote that ends it is followed by more text, so a quote is missing or one too many: a cell that starts with a quote runs on, over commas and lines, to the next quote. Check the quotes in this cell and the rows after it; a quote inside a quoted cell is written twice (\"\")"
            ]
        );
        // Well-formed quotes around line breaks, with a column missing: the count names the
        // cell that spans lines.
        let csv = format!("{HEADER}One,1.1,\"A\nB\",competency,a,b\n");
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 2: 6 columns, expected 7 (domain, code, title, kind, Entry, Intermediate, Assistant Practitioner); column 3 holds line breaks, so check the quotes around it: a cell that starts with a quote runs on, over commas and lines, to the next quote"
            ]
        );
    }

    #[test]
    fn a_file_separated_by_semicolons_or_tabs_gets_one_message() {
        for (csv, separator) in [
            (
                "domain;code;title;kind;Entry\nOne;1.1;A;competency;a\n",
                "semicolons",
            ),
            (
                "\u{FEFF}domain\tcode\ttitle\tkind\tEntry\nOne\t1.1\tA\tcompetency\ta\n",
                "tabs",
            ),
            ("domain;code;title, with a comma;kind;Entry\n", "semicolons"),
        ] {
            assert_eq!(
                errors(csv),
                [format!(
                    "file.csv: row 1: the columns are separated by {separator}, but the file must be comma-separated; save it as \"CSV UTF-8 (comma delimited)\" and import it again"
                )]
            );
        }
    }

    #[test]
    fn a_publisher_must_be_given() {
        let found = import(
            format!("{HEADER}One,1.1,A,competency,a,b,c\nOne,1.2,,competency,a,b,c\n").as_bytes(),
            ImportOptions {
                file_name: "file.csv",
                meta: FrameworkMeta {
                    publisher: " ".into(),
                    ..meta()
                },
                expected_levels: None,
                known_domains: None,
            },
        )
        .unwrap_err();
        let found: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "publisher: no publisher was given for the framework; a CSV file does not say who publishes it, so give the publisher with the file (--publisher on the command line, publisher in the API, Publisher on the import page)",
                "file.csv: row 3, column 3 (title): the title is empty; enter the item's title",
            ],
            "the file's own problems are reported too"
        );
    }

    #[test]
    fn cells_longer_than_their_limits_are_reported_at_the_cell() {
        let title = "t".repeat(1_001);
        let descriptor = "d".repeat(10_001);
        let domain = "n".repeat(301);
        let csv = format!(
            "{HEADER}One,1.1,{title},competency,a,{descriptor},c\n\
             {domain},2.1,B,competency,a,b,c\n\
             {domain},2.2,C,competency,a,b,c\n"
        );
        assert_eq!(
            errors(&csv),
            [
                "file.csv: row 2, column 3 (title): the title is 1,001 characters long; the limit is 1,000. Shorten it, and put the detail in the level columns",
                "file.csv: row 2, column 6 (Intermediate): the descriptor is 10,001 characters long; the limit is 10,000. Shorten it",
                "file.csv: row 3, column 1 (domain): the domain's title is 301 characters long; the limit is 300. Shorten it",
            ]
        );
    }

    #[test]
    fn framework_rules_are_checked_after_reading_and_named_with_the_file() {
        let found = import(
            format!("{HEADER}One,1.1,A,competency,a,b,c\n").as_bytes(),
            ImportOptions {
                file_name: "file.csv",
                meta: FrameworkMeta {
                    title: " ".into(),
                    ..meta()
                },
                expected_levels: None,
                known_domains: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            found.to_string(),
            "file.csv: title: the framework has no title"
        );
    }
}
