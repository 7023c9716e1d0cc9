//! Starting a real server on a random port over a fresh SQLite database, and talking to it
//! as a browser or an API client would.

use pathway_store::{Organisation, Store};
use pathway_web::{AppState, Config};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use std::ops::Deref;
use std::path::Path;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::{OnceCell, oneshot};

/// The password of every demo account in these tests.
pub const PASSWORD: &str = "test-password-123";
pub const ADMIN: &str = "admin@pathway.demo";
pub const AUTHOR: &str = "author@pathway.demo";
pub const NORTH_LEAD: &str = "lead@north-trust.pathway.demo";
pub const NORTH_WORKER: &str = "worker@north-trust.pathway.demo";
pub const SOUTH_LEAD: &str = "lead@south-trust.pathway.demo";

pub const FRAMEWORK: &str = "hee-ahp-support-worker-2021";

/// A running server with the shipped framework and the demo organisations and users.
/// Derefs to an anonymous [`Browser`]; [`TestApp::browser`] opens more.
pub struct TestApp {
    pub address: String,
    pub store: Store,
    browser: Browser,
    /// Dropping it stops the server.
    _shutdown: oneshot::Sender<()>,
    /// Dropped last: holds the database file, or the PostgreSQL database.
    _dir: TempDir,
    postgres: Option<PgDatabase>,
}

/// A PostgreSQL database made for one test, dropped when the test's app is.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use sqlx::Connection;
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread with a
        // runtime of its own drops the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// The same app over a new PostgreSQL database with the shipped framework and demo data, for
/// the flows whose storage differs most between the databases. Never skipped: if PostgreSQL
/// is unreachable the test fails.
pub async fn spawn_app_on_postgres() -> TestApp {
    use sqlx::Connection;
    let admin_url = std::env::var("PATHWAY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL is required and is not reachable at {admin_url}: {e}")
        });
    let name = format!("pathway_http_{}", uuid_like());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");
    let database = PgDatabase {
        admin_url: admin_url.clone(),
        name,
        url: url.clone(),
    };
    let store = Store::open(&url).await.expect("open the test database");
    pathway_web::bootstrap::ensure_shipped_framework(&store)
        .await
        .expect("load the shipped framework");
    pathway_web::bootstrap::seed_demo(&store, Some(PASSWORD))
        .await
        .expect("seed the demo data");
    let (address, shutdown) = serve(store.clone(), Config::default()).await;
    TestApp {
        browser: Browser::new(&address),
        address,
        store,
        _shutdown: shutdown,
        _dir: tempfile::tempdir().expect("create a temporary directory"),
        postgres: Some(database),
    }
}

/// A name part no other test run picks.
fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{nanos}", std::process::id())
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Config::default()).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let db = dir.path().join(DB_FILE);
    std::fs::write(&db, seeded_database().await).expect("write the seeded database");
    let store = Store::open(&sqlite_url(&db))
        .await
        .expect("open the test database");
    let (address, shutdown) = serve(store.clone(), config).await;
    TestApp {
        browser: Browser::new(&address),
        address,
        store,
        _shutdown: shutdown,
        _dir: dir,
        postgres: None,
    }
}

/// Starts a server over `store` on a random port; dropping the sender stops it.
async fn serve(store: Store, config: Config) -> (String, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a random port");
    let address = format!(
        "http://{}",
        listener.local_addr().expect("the bound address")
    );
    let (shutdown, stopped) = oneshot::channel::<()>();
    let state = AppState::new(store, config);
    tokio::spawn(async move {
        pathway_web::serve(listener, state, async move {
            let _ = stopped.await;
        })
        .await
        .expect("the server failed");
    });
    (address, shutdown)
}

/// A second app instance serving the same database, as behind a load balancer.
pub struct Instance {
    browser: Browser,
    _shutdown: oneshot::Sender<()>,
}

impl Deref for Instance {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

const DB_FILE: &str = "pathway.db";

fn sqlite_url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

/// A database with the shipped framework and the demo data, seeded once per test process
/// and written out for each test: seeding hashes ten passwords with argon2, slow in debug
/// builds. Kept in memory, so nothing outlives the process.
async fn seeded_database() -> &'static [u8] {
    static TEMPLATE: OnceCell<Vec<u8>> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().expect("create a temporary directory");
            let store = Store::open(&sqlite_url(&dir.path().join("seeding.db")))
                .await
                .expect("create the template database");
            pathway_web::bootstrap::ensure_shipped_framework(&store)
                .await
                .expect("load the shipped framework");
            pathway_web::bootstrap::seed_demo(&store, Some(PASSWORD))
                .await
                .expect("seed the demo data");
            // A consistent, self-contained copy (VACUUM INTO): no write-ahead log beside it.
            let copy = dir.path().join(DB_FILE);
            store
                .backup_sqlite(&copy)
                .await
                .expect("copy the template database");
            store.close().await;
            std::fs::read(&copy).expect("read the template database")
        })
        .await
}

impl TestApp {
    /// Another server process over the same database, with its own memory.
    pub async fn another_instance(&self) -> Instance {
        let store = Store::open(&self.database_url())
            .await
            .expect("open the shared database");
        let (address, shutdown) = serve(store, Config::default()).await;
        Instance {
            browser: Browser::new(&address),
            _shutdown: shutdown,
        }
    }

    /// The database URL, for tests that reach past Pathway as someone with database access.
    pub fn database_url(&self) -> String {
        match &self.postgres {
            Some(db) => db.url.clone(),
            None => sqlite_url(&self._dir.path().join(DB_FILE)),
        }
    }

    /// Another visitor with its own cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// Another visitor, signed in with the demo password.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        browser.sign_in(email, PASSWORD).await;
        browser
    }

    /// A client that keeps no cookies and follows no redirects, for checking cookies by hand.
    pub fn bare_client(&self) -> Client {
        Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("build an HTTP client")
    }

    pub async fn org(&self, name: &str) -> Organisation {
        self.store
            .org_by_name(name)
            .await
            .expect("look up an organisation")
            .unwrap_or_else(|| panic!("no organisation called {name}"))
    }

    pub async fn org_count(&self) -> usize {
        self.store
            .orgs_in_scope(None)
            .await
            .expect("list organisations")
            .len()
    }

    /// How many entries the audit log holds: unchanged when nothing was written.
    pub async fn audit_entries(&self) -> i64 {
        self.store
            .audit_page(0, 1)
            .await
            .expect("read the audit log")
            .total
    }
}

impl Deref for TestApp {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// One visitor: a client that keeps cookies and does not follow redirects, so tests see them.
pub struct Browser {
    pub client: Client,
    pub address: String,
}

impl Browser {
    fn new(address: &str) -> Self {
        Self {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .expect("build an HTTP client"),
            address: address.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("send a GET request")
    }

    /// Status and body of a GET.
    pub async fn get_page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("read the body"))
    }

    /// Status and JSON body of a GET.
    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status();
        (status, json_body(response).await)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("send a form")
    }

    /// A JSON POST as a script would send it: the CSRF token, if any, in `X-CSRF-Token`.
    pub async fn post_json(&self, path: &str, body: String, csrf_token: Option<&str>) -> Response {
        self.post_body(path, "application/json", body, csrf_token)
            .await
    }

    /// A request of any method with a JSON body (none when `body` is `None`), as a script
    /// sends it: the CSRF token, if any, in `X-CSRF-Token`.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        csrf_token: Option<&str>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(token) = csrf_token {
            request = request.header("x-csrf-token", token);
        }
        request.send().await.expect("send a request")
    }

    /// A POST of `body` as `content_type`, the CSRF token, if any, in `X-CSRF-Token`.
    pub async fn post_body(
        &self,
        path: &str,
        content_type: &str,
        body: String,
        csrf_token: Option<&str>,
    ) -> Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(token) = csrf_token {
            request = request.header("x-csrf-token", token);
        }
        request.send().await.expect("send JSON")
    }

    /// Sends a multipart form with one file, as a browser sends a file upload.
    pub async fn post_upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        file: &str,
    ) -> Response {
        let boundary = "pathway-test-boundary";
        let mut body = String::new();
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ));
        self.client
            .post(self.url(path))
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("send the form")
    }

    /// The token this visitor's forms carry, read from a page as a browser would.
    pub async fn csrf_token(&self) -> String {
        let (status, html) = self.get_page("/sign-in").await;
        assert_eq!(status, StatusCode::OK, "GET /sign-in: {html}");
        get_csrf(&html)
    }

    /// Signs in through the form and checks it worked: 303 to `/`.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self.submit_sign_in(email, password).await;
        let status = response.status();
        let to = location(&response);
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, "/"),
            "signing in as {email} failed: {}",
            response.text().await.unwrap_or_default()
        );
    }

    /// Fills in the sign-in form (with the token from the page) and submits it.
    pub async fn submit_sign_in(&self, email: &str, password: &str) -> Response {
        self.submit_sign_in_via(email, password, None).await
    }

    /// Signs in through a proxy that says the request came from `forwarded_for`.
    pub async fn submit_sign_in_via(
        &self,
        email: &str,
        password: &str,
        forwarded_for: Option<&str>,
    ) -> Response {
        let token = self.csrf_token().await;
        let mut request = self.client.post(self.url("/sign-in")).form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ]);
        if let Some(address) = forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        request.send().await.expect("send the sign-in form")
    }
}

/// The form token in a page: `name="csrf_token" value="..."`.
pub fn get_csrf(html: &str) -> String {
    hidden_value(html, "csrf_token")
}

/// The value of the first form field named `name` on the page (a hidden field's, say).
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("the page has no {name} field:\n{html}"))
        + marker.len();
    let end = html[start..]
        .find('"')
        .unwrap_or_else(|| panic!("the {name} value ends with a quote"));
    html[start..start + end].to_owned()
}

pub async fn json_body(response: Response) -> serde_json::Value {
    let text = response.text().await.expect("read the body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The whole `Set-Cookie` header that sets `name`, if any.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value a `Set-Cookie` header sets.
pub fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// A cookie's attributes, e.g. `["Path=/", "HttpOnly", "SameSite=Lax"]`.
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_owned())
        .collect()
}

/// What a person reads on a page: tags removed, entities decoded, spaces collapsed.
pub fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    collapse_spaces(&decode_entities(&out))
}

/// The page's text without every `<name>` element, e.g. without the `<details>` an item's
/// word diff is folded into: what a reader sees before opening anything.
pub fn text_without(html: &str, name: &str) -> String {
    let close = format!("</{name}>");
    let mut kept = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = find_tag(rest, name) {
        kept.push_str(&rest[..start]);
        rest = rest[start..]
            .find(&close)
            .map_or("", |end| &rest[start + end + close.len()..]);
    }
    kept.push_str(rest);
    page_text(&kept)
}

/// The text inside every `<name>` element, e.g. the words an `<ins>` marks as added.
pub fn marked(html: &str, name: &str) -> Vec<String> {
    let close = format!("</{name}>");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = find_tag(rest, name) {
        let element = &rest[start..];
        let Some(end) = element.find(&close) else {
            break;
        };
        found.push(page_text(&element[..end]));
        rest = &element[end + close.len()..];
    }
    found
}

/// Where the first `<name>` or `<name ...>` opening tag starts.
pub fn find_tag(html: &str, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let at = from + i;
        match html[at + open.len()..].chars().next() {
            Some('>' | ' ' | '\n' | '\t') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

pub fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Every string anywhere in a JSON value.
pub fn json_strings(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().flat_map(json_strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(json_strings).collect(),
        _ => Vec::new(),
    }
}

/// The shipped framework, read from the file the server loads.
pub fn shipped() -> pathway_domain::framework::Framework {
    pathway_web::bootstrap::shipped_framework().expect("the shipped framework parses")
}

/// Asserts a response is the API's one error shape with this status and code; returns the body.
pub async fn assert_api_error(
    response: Response,
    status: StatusCode,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = json_body(response).await;
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type:?}, body {body}"
    );
    assert_eq!(body["error"]["status"], status.as_u16(), "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "the error has no message: {body}"
    );
    body
}

/// Wrong passwords for `email` sent all at once, each from its own address (so only the
/// per-account limit applies); the status of each answer.
pub async fn burst_of_wrong_guesses(app: &TestApp, email: &'static str, n: u8) -> Vec<StatusCode> {
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..n {
        let browser = app.browser();
        let address = format!("198.51.100.{i}");
        burst.spawn(async move {
            browser
                .submit_sign_in_via(email, "a wrong guess at it", Some(&address))
                .await
                .status()
        });
    }
    burst.join_all().await
}
