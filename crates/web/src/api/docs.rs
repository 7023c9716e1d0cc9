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
    /// What the request body is, and its media types, when it has one.
    body: Option<(String, String)>,
    /// The body's fields, then the fields of each object a field holds a list of.
    body_tables: Vec<FieldTable>,
    responses: Vec<(String, String)>,
}

/// The fields of one JSON object in a request body.
struct FieldTable {
    caption: String,
    /// Name, type, whether required, description.
    rows: Vec<(String, String, bool, String)>,
}

/// The schema a `$ref` names in the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => doc
            .pointer(&format!("/components/schemas/{name}"))
            .unwrap_or(schema),
        None => schema,
    }
}

/// A property's type in words: "string", "integer", "list of objects".
fn type_of(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    match types.first().copied() {
        Some("array") => match schema.get("items") {
            Some(items) => format!("list of {}", plural(&type_of(doc, items))),
            None => "list".into(),
        },
        Some(t) => t.to_owned(),
        None => "any".into(),
    }
}

fn plural(t: &str) -> String {
    match t {
        "object" => "objects".into(),
        "string" => "strings".into(),
        "integer" => "integers".into(),
        other => other.to_owned(),
    }
}

/// The fields of an object schema, and (as further tables) those of the objects its lists hold.
fn field_tables(doc: &Value, schema: &Value, caption: String, out: &mut Vec<FieldTable>) {
    let schema = resolve(doc, schema);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut nested = Vec::new();
    let rows = properties
        .iter()
        .map(|(name, p)| {
            if let Some(items) = p.get("items")
                && resolve(doc, items).get("properties").is_some()
            {
                nested.push((name.clone(), items));
            }
            (
                name.clone(),
                type_of(doc, p),
                required.contains(&name.as_str()),
                text(p, "description"),
            )
        })
        .collect();
    out.push(FieldTable { caption, rows });
    for (name, items) in nested {
        field_tables(doc, items, format!("Each entry of {name}"), out);
    }
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
            let body = op.get("requestBody").map(|b| {
                let types: Vec<&str> = b
                    .get("content")
                    .and_then(Value::as_object)
                    .map(|c| c.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                (text(b, "description"), types.join(" or "))
            });
            let mut body_tables = Vec::new();
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                let caption = format!("Request body of {} {path}", method.to_uppercase());
                field_tables(doc, schema, caption, &mut body_tables);
            }
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
                body,
                body_tables,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_body_is_shown_field_by_field_with_the_objects_its_lists_hold() {
        let doc: Value = serde_json::from_str(&crate::api::openapi_json()).unwrap();
        let ops = operations(&doc);
        let add = ops
            .iter()
            .find(|o| o.method == "POST" && o.path.ends_with("/versions/{version}/items"))
            .unwrap();
        assert_eq!(
            add.body.as_ref().map(|b| b.1.as_str()),
            Some("application/json")
        );
        let captions: Vec<&str> = add.body_tables.iter().map(|t| t.caption.as_str()).collect();
        assert_eq!(
            captions,
            [
                "Request body of POST /api/frameworks/{id}/versions/{version}/items",
                "Each entry of descriptors"
            ]
        );
        let field =
            |t: &FieldTable, name: &str| t.rows.iter().find(|r| r.0 == name).cloned().unwrap();
        let descriptors = field(&add.body_tables[0], "descriptors");
        assert_eq!(
            (descriptors.1.as_str(), descriptors.2),
            ("list of objects", true)
        );
        assert_eq!(field(&add.body_tables[0], "revision").1, "integer");
        let kind = field(&add.body_tables[1], "kind");
        assert_eq!((kind.1.as_str(), kind.2), ("string", false));
        // A file upload has media types and no fields.
        let import = ops
            .iter()
            .find(|o| o.path == "/api/frameworks/import")
            .unwrap();
        assert_eq!(
            import.body.as_ref().map(|b| b.1.as_str()),
            Some("application/json or text/csv")
        );
        assert!(import.body_tables.is_empty());
    }
}
