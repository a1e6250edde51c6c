//! The rich message a bot sends (`send_event` with `type: rich_message`),
//! checked field by field as LiveChat's data structures describe it, per
//! version: the templates (`ecommerce` from v3.6), at most 10 elements of at
//! most 13 buttons, each button's type and the fields that type needs, an
//! image's `url` (`alternative_text` from v3.3), a button's `target` (url
//! buttons, from v3.3).

use crate::error::{Error, Result};
use crate::validate::{describe, object, string_item, Obj};
use crate::version::ApiVersion;
use serde_json::Value;

/// The templates of every version; v3.6 adds `ecommerce`.
pub const TEMPLATES: [&str; 3] = ["cards", "sticker", "quick_replies"];
/// What a button does when the customer clicks it.
pub const BUTTON_TYPES: [&str; 4] = ["message", "url", "phone", "webview"];
/// A `webview` button's height.
pub const WEBVIEW_HEIGHTS: [&str; 3] = ["compact", "full", "tall"];
/// Where a `url` button opens its page (v3.3+).
pub const URL_TARGETS: [&str; 2] = ["new", "current"];
/// The most elements a rich message holds.
pub(crate) const MAX_ELEMENTS: usize = 10;
/// The most buttons an element holds.
pub(crate) const MAX_BUTTONS: usize = 13;

/// The event fields of a rich message besides the common ones.
pub const FIELDS: [&str; 2] = ["template_id", "elements"];

/// Checks a rich message event's own fields (`e` is the event).
pub fn validate(version: ApiVersion, e: &Obj<'_>) -> Result<()> {
    let template = e.req_str("template_id")?;
    let ecommerce = version >= ApiVersion::V3_6;
    if template == "ecommerce" && !ecommerce {
        return Err(since(&format!("{}.template_id \"ecommerce\"", e.path), version, "3.6"));
    }
    if !TEMPLATES.contains(&template) && template != "ecommerce" {
        let allowed = if ecommerce { "cards, sticker, quick_replies, ecommerce" } else { "cards, sticker, quick_replies" };
        return Err(Error::validation(format!(
            "{}.template_id: expected one of {allowed}; got {}",
            e.path,
            describe(&Value::String(template.to_owned()))
        )));
    }
    let count = e.get("elements").and_then(Value::as_array).map_or(0, Vec::len);
    if count > MAX_ELEMENTS {
        return Err(Error::validation(format!("{}.elements: {count} elements; at most {MAX_ELEMENTS}", e.path)));
    }
    // LiveChat's table calls them optional, but a rich message without any shows nothing.
    e.req_array("elements", |item, path| element(version, item, path))
}

fn element(version: ApiVersion, item: &Value, path: &str) -> Result<()> {
    let el = object(item, path)?;
    let mut allowed = vec!["title", "subtitle", "image", "buttons"];
    if version >= ApiVersion::V3_6 {
        allowed.push("ecommerce");
    } else if el.get("ecommerce").is_some() {
        return Err(since(&format!("{path}.ecommerce"), version, "3.6"));
    }
    el.only(&allowed)?;
    el.opt_str("title")?;
    el.opt_str("subtitle")?;
    if let Some(image) = el.opt_object("image")? {
        let mut fields = vec!["url", "name", "content_type", "size", "width", "height"];
        if version >= ApiVersion::V3_3 {
            fields.push("alternative_text");
        } else if image.get("alternative_text").is_some() {
            return Err(since(&format!("{path}.image.alternative_text"), version, "3.3"));
        }
        image.only(&fields)?;
        image.req_str("url")?;
        image.opt_str("name")?;
        image.opt_str("content_type")?;
        image.opt_str("alternative_text")?;
        for key in ["size", "width", "height"] {
            image.opt_int(key, 0, i64::MAX)?;
        }
    }
    let buttons = el.get("buttons").and_then(Value::as_array).map_or(0, Vec::len);
    if buttons > MAX_BUTTONS {
        return Err(Error::validation(format!("{path}.buttons: {buttons} buttons; at most {MAX_BUTTONS}")));
    }
    el.opt_array("buttons", |b, p| button(version, b, p))?;
    if let Some(shop) = el.opt_object("ecommerce")? {
        shop.only(&["view_type", "product_id", "label", "options", "addons"])?;
        shop.req_enum("view_type", &["tags", "swatch", "images", "select"])?;
        shop.req_str("product_id")?;
        shop.opt_str("label")?;
        shop.opt_array("options", |o, p| {
            let option = object(o, p)?;
            option.req_str("option_id")?;
            option.req_str("label").map(|_| ())
        })?;
        shop.opt_array("addons", |a, p| object(a, p)?.req_str("addon_type").map(|_| ()))?;
    }
    Ok(())
}

fn button(version: ApiVersion, item: &Value, path: &str) -> Result<()> {
    let b = object(item, path)?;
    let kind = b.req_enum("type", &BUTTON_TYPES)?;
    let mut allowed = vec!["text", "type", "value", "postback_id", "user_ids"];
    match kind {
        "webview" => allowed.push("webview_height"),
        "url" if version >= ApiVersion::V3_3 => allowed.push("target"),
        "url" if b.get("target").is_some() => return Err(since(&format!("{path}.target"), version, "3.3")),
        _ => {}
    }
    if kind != "webview" && b.get("webview_height").is_some() {
        return Err(Error::validation(format!("{path}.webview_height: only for a \"webview\" button; this one is \"{kind}\"")));
    }
    if kind != "url" && b.get("target").is_some() {
        return Err(Error::validation(format!("{path}.target: only for a \"url\" button; this one is \"{kind}\"")));
    }
    b.only(&allowed)?;
    b.req_str("text")?;
    b.req_str("value")?;
    b.req_str("postback_id")?;
    b.req_array("user_ids", string_item)?;
    if kind == "webview" {
        b.req_enum("webview_height", &WEBVIEW_HEIGHTS)?;
    }
    b.opt_enum("target", &URL_TARGETS)?;
    Ok(())
}

/// `what` is not in `version`; it exists from `from`.
pub(crate) fn since(what: &str, version: ApiVersion, from: &str) -> Error {
    Error::validation(format!("{what}: not in API v{}; it exists from v{from}", version.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(version: ApiVersion, event: Value) -> std::result::Result<(), String> {
        validate(version, &object(&event, "event").unwrap()).map_err(|e| e.message)
    }

    fn reply(text: &str) -> Value {
        json!({"text": text, "type": "message", "value": text, "postback_id": text, "user_ids": []})
    }

    #[test]
    fn quick_replies_and_cards_pass() {
        let quick = json!({"template_id": "quick_replies", "elements": [{"title": "Pick one", "buttons": [reply("Yes"), reply("No")]}]});
        assert_eq!(check(ApiVersion::V3_2, quick.clone()), Ok(()));
        assert_eq!(check(ApiVersion::V3_6, quick), Ok(()));
        let card = json!({"template_id": "cards", "elements": [{
            "title": "Shoes", "subtitle": "Red", "image": {"url": "https://example.com/s.png", "alternative_text": "red shoes"},
            "buttons": [
                {"text": "Open", "type": "url", "value": "https://example.com", "target": "new", "postback_id": "open", "user_ids": []},
                {"text": "Call", "type": "phone", "value": "+100", "postback_id": "call", "user_ids": []},
                {"text": "Size", "type": "webview", "value": "https://example.com/w", "webview_height": "tall", "postback_id": "w", "user_ids": []}
            ]}]});
        assert_eq!(check(ApiVersion::V3_3, card), Ok(()));
    }

    #[test]
    fn each_rule_is_named() {
        let one = |button: Value| json!({"template_id": "cards", "elements": [{"buttons": [button]}]});
        let msg = check(ApiVersion::V3_6, one(json!({"text": "a", "type": "file", "value": "v", "postback_id": "p", "user_ids": []}))).unwrap_err();
        assert!(msg.starts_with("event.elements[0].buttons[0].type: expected one of message"), "{msg}");
        let msg = check(ApiVersion::V3_6, one(json!({"text": "a", "type": "message", "value": "v", "user_ids": []}))).unwrap_err();
        assert!(msg.contains("buttons[0].postback_id"), "{msg}");
        let msg = check(ApiVersion::V3_6, one(json!({"text": "a", "type": "webview", "value": "v", "postback_id": "p", "user_ids": []}))).unwrap_err();
        assert!(msg.contains("webview_height"), "{msg}");
        let msg = check(ApiVersion::V3_6, one(json!({"text": "a", "type": "message", "value": "v", "postback_id": "p", "user_ids": [], "target": "new"}))).unwrap_err();
        assert!(msg.contains("target: only for a \"url\" button"), "{msg}");
        let msg = check(ApiVersion::V3_2, one(json!({"text": "a", "type": "url", "value": "v", "postback_id": "p", "user_ids": [], "target": "new"}))).unwrap_err();
        assert!(msg.ends_with("not in API v3.2; it exists from v3.3"), "{msg}");
        let msg = check(ApiVersion::V3_5, json!({"template_id": "ecommerce"})).unwrap_err();
        assert!(msg.contains("it exists from v3.6"), "{msg}");
        let msg = check(ApiVersion::V3_6, json!({"template_id": "carousel"})).unwrap_err();
        assert!(msg.contains("ecommerce"), "{msg}");
        let many: Vec<Value> = (0..14).map(|i| reply(&i.to_string())).collect();
        let msg = check(ApiVersion::V3_6, json!({"template_id": "quick_replies", "elements": [{"buttons": many}]})).unwrap_err();
        assert!(msg.contains("14 buttons; at most 13"), "{msg}");
        let msg = check(ApiVersion::V3_6, json!({"template_id": "cards", "elements": vec![json!({}); 11]})).unwrap_err();
        assert!(msg.contains("11 elements; at most 10"), "{msg}");
        let msg = check(ApiVersion::V3_6, json!({"template_id": "cards", "elements": [{"image": {"name": "x"}}]})).unwrap_err();
        assert!(msg.contains("image.url"), "{msg}");
    }
}
