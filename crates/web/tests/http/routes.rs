//! Every route the server has, with who may use it, checked against the running server: an
//! anonymous visitor is sent to sign in (or told to, in JSON) on every route that is not
//! public, a support worker is refused every route that needs a permission they lack, and
//! neither changes anything. The inventory is checked against the router's source, so a new
//! route cannot be added without saying who may use it.

use crate::helpers::{FRAMEWORK, NORTH_WORKER, TestApp, get_csrf, location, spawn_app};
use pathway_domain::identity::Email;
use reqwest::{Response, StatusCode};
use std::collections::BTreeSet;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not: the framework browser, its API, operations, sign-in.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// Only someone with a permission a support worker does not have (administration,
    /// framework authoring).
    Permitted,
}
use Access::{Permitted, Public, SignedIn};

/// Method, path as the router declares it, and who may use it.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/", Public),
    ("GET", "/accessibility", Public),
    ("GET", "/privacy", Public),
    ("GET", "/assets/{*path}", Public),
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/metrics", Public),
    ("GET", "/sign-in", Public),
    ("POST", "/sign-in", Public),
    ("POST", "/sign-out", Public),
    ("GET", "/frameworks", Public),
    ("GET", "/frameworks/{id}", Public),
    ("GET", "/frameworks/{id}/domains/{code}", Public),
    ("GET", "/frameworks/{id}/items/{code}", Public),
    ("GET", "/frameworks/{id}/levels/{key}", Public),
    ("GET", "/frameworks/{id}/expectations", Public),
    ("GET", "/frameworks/{id}/changes", Public),
    ("GET", "/api/frameworks", Public),
    ("GET", "/api/frameworks/{id}", Public),
    ("GET", "/api/frameworks/{id}/versions", Public),
    ("GET", "/api/frameworks/{id}/items/{code}", Public),
    ("GET", "/api/frameworks/{id}/levels/{key}", Public),
    ("GET", "/api/frameworks/{id}/expectations", Public),
    ("GET", "/api/frameworks/{id}/export", Public),
    ("GET", "/api/frameworks/{id}/changes", Public),
    ("GET", "/api/openapi.json", Public),
    ("GET", "/api/docs", Public),
    ("GET", "/api/session", Public),
    ("GET", "/ims/case/v1p1/CFDocuments", Public),
    ("GET", "/ims/case/v1p1/CFPackages/{id}", Public),
    ("GET", "/ims/case/v1p1/CFItemAssociations/{id}", Public),
    ("GET", "/ims/case/v1p1/{class}/{id}", Public),
    ("GET", "/account", SignedIn),
    ("GET", "/account/password", SignedIn),
    ("POST", "/account/password", SignedIn),
    ("GET", "/account/name", SignedIn),
    ("POST", "/account/name", SignedIn),
    ("GET", "/account/data", SignedIn),
    ("POST", "/account/sessions", SignedIn),
    ("GET", "/frameworks/import", Permitted),
    ("POST", "/frameworks/import", Permitted),
    ("GET", "/frameworks/{id}/items/{code}/edit", Permitted),
    ("POST", "/frameworks/{id}/items/{code}/edit", Permitted),
    ("POST", "/frameworks/{id}/drafts", Permitted),
    ("GET", "/frameworks/{id}/edit", Permitted),
    ("POST", "/frameworks/{id}/edit", Permitted),
    ("GET", "/frameworks/{id}/domains/{code}/edit", Permitted),
    ("POST", "/frameworks/{id}/domains/{code}/edit", Permitted),
    ("GET", "/frameworks/{id}/new-item", Permitted),
    ("POST", "/frameworks/{id}/new-item", Permitted),
    ("GET", "/frameworks/{id}/items/{code}/remove", Permitted),
    ("POST", "/frameworks/{id}/items/{code}/remove", Permitted),
    ("GET", "/frameworks/{id}/publish", Permitted),
    ("POST", "/frameworks/{id}/publish", Permitted),
    ("GET", "/frameworks/{id}/discard", Permitted),
    ("POST", "/frameworks/{id}/discard", Permitted),
    ("POST", "/api/frameworks/{id}/drafts", Permitted),
    ("GET", "/api/frameworks/{id}/versions/{version}", Public),
    (
        "PATCH",
        "/api/frameworks/{id}/versions/{version}",
        Permitted,
    ),
    (
        "DELETE",
        "/api/frameworks/{id}/versions/{version}",
        Permitted,
    ),
    (
        "POST",
        "/api/frameworks/{id}/versions/{version}/publish",
        Permitted,
    ),
    (
        "PATCH",
        "/api/frameworks/{id}/versions/{version}/domains/{code}",
        Permitted,
    ),
    (
        "POST",
        "/api/frameworks/{id}/versions/{version}/items",
        Permitted,
    ),
    (
        "PUT",
        "/api/frameworks/{id}/versions/{version}/items/{code}",
        Permitted,
    ),
    (
        "DELETE",
        "/api/frameworks/{id}/versions/{version}/items/{code}",
        Permitted,
    ),
    ("GET", "/frameworks/{id}/steward", Permitted),
    ("POST", "/frameworks/{id}/steward", Permitted),
    ("POST", "/api/frameworks/import", Permitted),
    ("GET", "/admin", Permitted),
    ("GET", "/admin/audit", Permitted),
    ("POST", "/admin/audit/verify", Permitted),
    ("GET", "/admin/organisations", Permitted),
    ("GET", "/admin/organisations/new", Permitted),
    ("POST", "/admin/organisations/new", Permitted),
    ("GET", "/admin/organisations/{id}", Permitted),
    ("GET", "/admin/organisations/{id}/edit", Permitted),
    ("POST", "/admin/organisations/{id}/edit", Permitted),
    ("GET", "/admin/users", Permitted),
    ("GET", "/admin/users/new", Permitted),
    ("POST", "/admin/users/new", Permitted),
    ("GET", "/admin/users/{id}", Permitted),
    ("GET", "/admin/users/{id}/edit", Permitted),
    ("POST", "/admin/users/{id}/edit", Permitted),
    ("POST", "/admin/users/{id}/grants", Permitted),
    (
        "GET",
        "/admin/users/{id}/grants/{grant_id}/revoke",
        Permitted,
    ),
    (
        "POST",
        "/admin/users/{id}/grants/{grant_id}/revoke",
        Permitted,
    ),
    ("GET", "/admin/users/{id}/password", Permitted),
    ("POST", "/admin/users/{id}/password", Permitted),
    ("GET", "/admin/users/{id}/disable", Permitted),
    ("POST", "/admin/users/{id}/disable", Permitted),
    ("POST", "/admin/users/{id}/enable", Permitted),
    ("GET", "/admin/users/{id}/data", Permitted),
    ("GET", "/admin/users/{id}/erase", Permitted),
    ("POST", "/admin/users/{id}/erase", Permitted),
];

#[test]
fn the_inventory_lists_every_route_the_router_declares() {
    let declared = declared_routes();
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        listed.len(),
        ROUTES.len(),
        "a route is listed twice in ROUTES"
    );
    let unlisted: Vec<_> = declared.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&declared).collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "routes declared but not in ROUTES (say who may use them): {unlisted:?}; in ROUTES but no longer declared: {gone:?}"
    );
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in_by_every_route_that_is_not_public() {
    let app = spawn_app().await;
    let audited = app.audit_entries().await;
    let visitor = app.browser();
    let token = visitor.csrf_token().await;
    let ids = Ids::of(&app).await;
    for &(method, template, access) in ROUTES {
        let path = ids.fill(template);
        let response = send(&visitor, method, &path, &token).await;
        let status = response.status();
        if access == Public {
            assert!(
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    && !location(&response).starts_with("/sign-in"),
                "{method} {path} is public but refused an anonymous visitor: {status}"
            );
        } else if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            let body: serde_json::Value = response.json().await.expect("a JSON error");
            assert_eq!(body["error"]["code"], "unauthenticated", "{method} {path}");
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path}");
            assert!(
                location(&response).starts_with("/sign-in"),
                "{method} {path} sent the visitor to {}",
                location(&response)
            );
        }
    }
    // Signing out and in are the only public changes; neither was made.
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
}

#[tokio::test]
async fn a_support_worker_is_refused_every_route_that_needs_a_permission() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (_, page) = worker.get_page("/account").await;
    let token = get_csrf(&page);
    let audited = app.audit_entries().await;
    let ids = Ids::of(&app).await;
    for &(method, template, access) in ROUTES {
        if access != Permitted {
            continue;
        }
        let path = ids.fill(template);
        let response = send(&worker, method, &path, &token).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{method} {path} was not refused to a support worker"
        );
    }
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
}

/// Real ids to put in paths, so a refusal is the route's and not a missing record's.
struct Ids {
    case_document: String,
    user: i64,
    grant: i64,
    org: i64,
}

impl Ids {
    async fn of(app: &TestApp) -> Self {
        let email = Email::parse("lead@south-trust.pathway.demo").expect("an email");
        let user = app
            .store
            .user_by_email(&email)
            .await
            .expect("query")
            .expect("the demo has the South lead");
        let grant = app.store.grants(user.id).await.expect("grants")[0].id;
        let org = app.org("South Trust").await.id;
        let (_, documents) = app.get_json("/ims/case/v1p1/CFDocuments").await;
        let case_document = documents["CFDocuments"][0]["identifier"]
            .as_str()
            .expect("the CASE API lists the shipped framework")
            .to_owned();
        Self {
            case_document,
            user: user.id,
            grant,
            org,
        }
    }

    fn fill(&self, template: &str) -> String {
        let id = if template.starts_with("/admin/users/") {
            self.user.to_string()
        } else if template.starts_with("/admin/organisations/") {
            self.org.to_string()
        } else if template.starts_with("/ims/") {
            self.case_document.clone()
        } else {
            FRAMEWORK.to_owned()
        };
        template
            .replace("{id}", &id)
            .replace("{grant_id}", &self.grant.to_string())
            .replace("{code}", "3.9")
            .replace("{version}", "2021")
            .replace("{key}", "intermediate")
            .replace("{class}", "CFDocuments")
            .replace("{*path}", "pathway.css")
    }
}

async fn send(
    browser: &crate::helpers::Browser,
    method: &str,
    path: &str,
    token: &str,
) -> Response {
    match method {
        "GET" => browser.get(path).await,
        "POST" if path.starts_with("/api/") => {
            browser.post_json(path, "{}".into(), Some(token)).await
        }
        "POST" => browser.post_form(path, &[("csrf_token", token)]).await,
        "PUT" | "PATCH" | "DELETE" => {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
            browser
                .send_json(method, path, Some(serde_json::json!({})), Some(token))
                .await
        }
        other => panic!("no test request for method {other}"),
    }
}

/// The routes the web crate's source declares, read from its `.route(…)` calls, with the
/// path constants they use resolved.
fn declared_routes() -> BTreeSet<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rust_files(&src, &mut files);
    let mut constants = std::collections::HashMap::new();
    let mut calls = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        for line in text.lines() {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            if let Some(rest) = line.strip_prefix("const ")
                && let Some((name, value)) = rest.split_once(": &str = \"")
            {
                let value = value.trim_end_matches("\";");
                constants.insert((file.clone(), name.to_owned()), value.to_owned());
                constants.insert((Default::default(), name.to_owned()), value.to_owned());
            }
        }
        let mut rest = text.as_str();
        while let Some(start) = rest.find(".route(") {
            let args = &rest[start + ".route(".len()..];
            let end = closing_paren(args);
            calls.push((file.clone(), args[..end].to_owned()));
            rest = &args[end..];
        }
    }
    let resolve = |file: &std::path::PathBuf, name: &str| {
        constants
            .get(&(file.clone(), name.to_owned()))
            .or_else(|| constants.get(&(Default::default(), name.to_owned())))
            .unwrap_or_else(|| panic!("no path constant {name} in {}", file.display()))
            .clone()
    };
    let mut routes = BTreeSet::new();
    for (file, args) in calls {
        let (first, handlers) = split_first_argument(&args);
        let first = first.trim();
        let path = if let Some(literal) = first.strip_prefix('"') {
            literal.trim_end_matches('"').to_owned()
        } else if let Some(format) = first
            .strip_prefix("&format!(\"")
            .and_then(|f| f.strip_suffix("\")"))
        {
            let mut path = format.replace("{{", "\u{1}").replace("}}", "\u{2}");
            while let Some(open) = path.find('{') {
                let close = open + path[open..].find('}').expect("a closing brace");
                let value = resolve(&file, &path[open + 1..close]);
                path.replace_range(open..=close, &value);
            }
            path.replace('\u{1}', "{").replace('\u{2}', "}")
        } else {
            resolve(&file, first.split("::").last().unwrap_or(first))
        };
        for method in ["get", "post", "put", "patch", "delete"] {
            let called = handlers.match_indices(method).any(|(i, _)| {
                handlers[i + method.len()..].starts_with('(')
                    && !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if called {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The index of the `)` that closes a call whose arguments start `text`.
fn closing_paren(text: &str) -> usize {
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' | '{' | '[' if !in_string => depth += 1,
            ')' | '}' | ']' if !in_string && depth > 0 => depth -= 1,
            ')' if !in_string => return i,
            _ => {}
        }
    }
    panic!("a .route( call is not closed")
}

/// A call's first argument and the rest, split at the first comma outside brackets.
fn split_first_argument(args: &str) -> (&str, &str) {
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in args.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' | '{' | '[' if !in_string => depth += 1,
            ')' | '}' | ']' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => return (&args[..i], &args[i + 1..]),
            _ => {}
        }
    }
    (args, "")
}
