//! Long lists shown a page at a time, with NHS.UK numbered pagination.

use crate::error::AppError;
use crate::views::url_encode;
use pathway_store::{Listing, StoreError};
use std::future::Future;

/// Rows on one page of an administration list.
pub const PAGE_SIZE: i64 = 50;

/// One link in the numbered pagination, or a gap.
#[derive(Debug, PartialEq, Eq)]
pub struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
    pub ellipsis: bool,
}

/// The page shown of a list: which rows, and the links to the others.
#[derive(Debug)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: i64,
    /// Row numbers shown, counting from 1 (both 0 when there are none).
    pub first: i64,
    pub last: i64,
    pub links: Vec<PageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// Beyond any list Pathway holds; keeps `(page - 1) * PAGE_SIZE` far from overflowing.
const MAX_PAGE: i64 = 1_000_000;

/// The page asked for; anything that is not a page number means the first, and a number past
/// any list is read as the last page there could be.
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .map_or(1, |p| p.min(MAX_PAGE))
}

pub fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// The address of page `n` of a list at `path`, keeping its search.
fn page_href(path: &str, search: &str, n: i64) -> String {
    // A path may hold a query of its own (`/admin/audit?user=9`).
    let then = if path.contains('?') { '&' } else { '?' };
    if search.is_empty() {
        format!("{path}{then}page={n}")
    } else {
        format!("{path}{then}q={}&page={n}", url_encode(search))
    }
}

/// Pages to link: the first, the last, and the current one with its neighbours, with gaps
/// marked. Nothing when everything fits on one page.
fn page_links(path: &str, search: &str, current: i64, last: i64) -> Vec<PageLink> {
    if last <= 1 {
        return Vec::new();
    }
    let mut links: Vec<PageLink> = Vec::new();
    for n in 1..=last {
        if n == 1 || n == last || (n - current).abs() <= 1 {
            if links.last().is_some_and(|l| l.number < n - 1) {
                links.push(PageLink {
                    number: 0,
                    href: String::new(),
                    current: false,
                    ellipsis: true,
                });
            }
            links.push(PageLink {
                number: n,
                href: page_href(path, search, n),
                current: n == current,
                ellipsis: false,
            });
        }
    }
    links
}

/// Loads page `requested` of a list at `path` with `fetch(offset, limit)`, which answers
/// the rows and how many there are in all; a page past the end shows the last one.
pub async fn load<T, F, Fut>(
    path: &str,
    search: &str,
    requested: i64,
    mut fetch: F,
) -> Result<Paged<T>, AppError>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<Listing<T>, StoreError>>,
{
    let mut page = requested.max(1);
    let mut found = fetch((page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let pages = page_count(found.total);
    if page > pages {
        page = pages;
        found = fetch((page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    }
    let Listing { rows, total } = found;
    let shown = rows.len() as i64;
    let first = if shown == 0 {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    Ok(Paged {
        rows,
        total,
        page,
        first,
        last: if shown == 0 { 0 } else { first + shown - 1 },
        links: page_links(path, search, page, page_count(total)),
        previous: (page > 1).then(|| page_href(path, search, page - 1)),
        next: (page < page_count(total)).then(|| page_href(path, search, page + 1)),
    })
}

impl<T> Paged<T> {
    /// The same page with its rows turned into what the template shows.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            first: self.first,
            last: self.last,
            links: self.links,
            previous: self.previous,
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(links: &[PageLink]) -> String {
        links
            .iter()
            .map(|l| match (l.ellipsis, l.current) {
                (true, _) => "…".to_owned(),
                (false, true) => format!("[{}]", l.number),
                (false, false) => l.number.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pagination_shows_the_ends_and_the_neighbourhood() {
        let links = |current, last| shown(&page_links("/x", "", current, last));
        assert!(page_links("/x", "", 1, 1).is_empty());
        assert_eq!(links(1, 3), "[1] 2 3");
        assert_eq!(links(5, 10), "1 … 4 [5] 6 … 10");
        assert_eq!(links(1, 10), "[1] 2 … 10");
        assert_eq!(links(10, 10), "1 … 9 [10]");
        assert_eq!(links(3, 10), "1 2 [3] 4 … 10");
    }

    #[test]
    fn page_links_keep_the_search() {
        assert_eq!(page_href("/admin/users", "", 2), "/admin/users?page=2");
        assert_eq!(
            page_href("/admin/users", "ann smith&co", 3),
            "/admin/users?q=ann%20smith%26co&page=3"
        );
    }

    #[test]
    fn page_numbers_are_forgiving() {
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("-2")), 1);
        assert_eq!(page_number(Some("two")), 1);
        assert_eq!(page_number(None), 1);
        // A number no list reaches cannot overflow the offset it becomes.
        assert_eq!(page_number(Some("9223372036854775807")), MAX_PAGE);
        assert!((MAX_PAGE - 1).checked_mul(PAGE_SIZE).is_some());
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
    }

    #[tokio::test]
    async fn a_page_past_the_end_shows_the_last() {
        let rows: Vec<i64> = (1..=120).collect();
        let paged = load("/x", "", 9, |offset, limit| {
            let rows = rows.clone();
            async move {
                let page = rows
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .copied()
                    .collect();
                Ok(Listing {
                    rows: page,
                    total: 120,
                })
            }
        })
        .await
        .unwrap();
        assert_eq!((paged.page, paged.first, paged.last), (3, 101, 120));
        assert_eq!(paged.previous.as_deref(), Some("/x?page=2"));
        assert_eq!(paged.next, None);
    }
}
