//! Reading and writing the two cookies Pathway uses. Both are HttpOnly and SameSite=Lax;
//! Secure when the request came over TLS.

use axum::http::{HeaderMap, header};
use std::collections::HashMap;

pub fn parse(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

pub trait Jar {
    fn value(&self, name: &str) -> Option<&str>;
}

impl Jar for HashMap<String, String> {
    fn value(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

pub fn set(name: &str, value: &str, secure: bool, max_age_seconds: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_seconds {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", secure, Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_parsed_and_written_with_safe_attributes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; pathway_session=xyz; empty="),
        );
        let jar = parse(&h);
        assert_eq!(Jar::value(&jar, "pathway_session"), Some("xyz"));
        assert_eq!(Jar::value(&jar, "empty"), None);
        assert_eq!(
            set("s", "v", true, None),
            "s=v; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(clear("s", false).contains("Max-Age=0"));
    }
}
