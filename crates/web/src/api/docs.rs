//! `/api/docs`: the OpenAPI document rendered as an NHS.UK page, with no third-party scripts.

use crate::auth::Visitor;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::response::Response;
use serde_json::Value;

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    ctx: PageCtx,
    description: String,
    operations: Vec<Operation>,
}

struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    parameters: Vec<(String, String, bool, String)>,
    responses: Vec<(String, String)>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                text(p, "name"),
                                text(p, "in"),
                                p.get("required").and_then(Value::as_bool).unwrap_or(false),
                                text(p, "description"),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(code, r)| (code.clone(), text(r, "description")))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Operation {
                anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                parameters,
                responses,
            });
        }
    }
    out
}

pub async fn page(visitor: Visitor) -> Response {
    let doc: Value = serde_json::from_str(&super::openapi_json()).unwrap_or(Value::Null);
    render(&DocsPage {
        ctx: PageCtx::new(&visitor, "API documentation", "api"),
        description: doc
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        operations: operations(&doc),
    })
}
