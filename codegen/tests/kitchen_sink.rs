//! Behaviour of generated code, on the crate generated from our own test model
//! (`tests/kitchen-sink/model.json`): builders and nullability, JSON on the wire, enums and unions,
//! redaction of sensitive data, and a call through a recording connector.

use std::sync::{Arc, Mutex};

use kitchen_sink_client::config::{
    ConnectorError, Credentials, HttpConnector, HttpFuture, HttpRequest, HttpResponse,
};
use kitchen_sink_client::error::{ProvideErrorMetadata, RequestId, SdkError};
use kitchen_sink_client::operation::put_thing::{PutThingError, PutThingInput, PutThingOutput};
use kitchen_sink_client::primitives::DateTime;
use kitchen_sink_client::types::{Level, Schedule, Shape, Status, Thing};
use kitchen_sink_client::{Client, Config};

use awsjson_runtime::json::{self, DeserializeError, FromJson};

/// Decodes a JSON value as a response body is decoded: in one pass over its text.
fn from_json<T: FromJson>(value: serde_json::Value) -> Result<T, DeserializeError> {
    json::from_slice(&serde_json::to_vec(&value).unwrap())
}

fn thing() -> Thing {
    Thing::builder()
        .name("gizmo")
        .r#type(Status::InProgress)
        .secrets("hunter2")
        .labels("colour", "blue")
        .kms_key_ids(None::<String>)
        .kms_key_ids("k1".to_string())
        .seen_at(DateTime::from_secs(1_700_000_000).unwrap())
        .level(Level::High)
        .build()
        .unwrap()
}

#[test]
fn builders_check_required_members_and_apply_defaults() {
    let err = Thing::builder().build().unwrap_err();
    assert_eq!(err.to_string(), "Thing: missing required member `name`");
    let t = thing();
    assert_eq!(t.greeting(), "hello", "model @default applied");
    assert_eq!(t.count(), 0);
    assert_eq!(t.kms_key_ids(), &[None, Some("k1".to_string())]);
    // Inputs keep every member optional and check @required in build().
    let err = PutThingInput::builder().build().unwrap_err();
    assert_eq!(err.to_string(), "PutThingInput: missing required member `thing`");
}

#[test]
fn json_encoding_omits_unset_members_and_uses_wire_names() {
    let input = PutThingInput::builder().thing(thing()).build().unwrap();
    let text = json::to_string(&input);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "thing": {
                "name": "gizmo", "type": "in-progress", "KMSKeyIDs": [null, "k1"],
                "labels": {"colour": "blue"}, "secrets": ["hunter2"],
                "seenAt": "2023-11-14T22:13:20Z", "level": 10, "count": 0, "greeting": "hello"
            }
        })
    );
}

#[test]
fn decoding_tolerates_unknown_members_nulls_and_unknown_enum_values() {
    let out = from_json::<PutThingOutput>(serde_json::json!({
        "id": "t-1", "createdAt": 1.7e9, "note": null, "surprise": {"new": true}
    }))
    .unwrap();
    assert_eq!(out.id(), "t-1");
    assert_eq!(out.created_at().secs(), 1_700_000_000);
    assert_eq!(out.version(), 1, "missing defaulted member takes its @default");
    assert_eq!(out.note(), None, "@clientOptional member stays optional");

    let t = from_json::<Thing>(serde_json::json!({"name": "x", "type": "brand-new", "level": 7}))
        .unwrap();
    assert_eq!(t.r#type(), Some(&Status::Unknown("brand-new".into())));
    assert_eq!(t.r#type().unwrap().as_str(), "brand-new");
    assert_eq!(t.level(), Some(Level::Unknown(7)));
    assert_eq!(Status::values(), &["active", "in-progress", "2.0"]);
    assert_eq!(Status::from("2.0"), Status::V2);

    let err = from_json::<Thing>(serde_json::json!({"name": 5})).unwrap_err();
    assert_eq!(err.to_string(), "at `Thing.name`: expected a string, found a number");
}

#[test]
fn unions_decode_known_unknown_and_unit_members() {
    assert_eq!(
        from_json::<Shape>(serde_json::json!({"label": "x"})).unwrap(),
        Shape::Label("x".into())
    );
    assert_eq!(from_json::<Shape>(serde_json::json!({"empty": {}})).unwrap(), Shape::Empty);
    assert!(from_json::<Shape>(serde_json::json!({"hexagon": 6})).unwrap().is_unknown());
    assert!(from_json::<Shape>(serde_json::json!({"label": "x", "empty": {}})).is_err());
    assert_eq!(json::to_string(&Shape::Empty), r#"{"empty":{}}"#);
}

#[test]
fn debug_redacts_sensitive_members() {
    let input = PutThingInput::builder().thing(thing()).secret("s3cr3t").build().unwrap();
    let debug = format!("{input:?}");
    assert!(!debug.contains("hunter2") && !debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("*** Sensitive Data Redacted ***"), "{debug}");
    assert!(debug.contains("gizmo"), "non-sensitive data is still shown: {debug}");
    let builder_debug = format!("{:?}", PutThingInput::builder().secret("s3cr3t"));
    assert!(!builder_debug.contains("s3cr3t"), "{builder_debug}");
}

/// Records requests and answers each with the next canned response.
#[derive(Debug, Clone, Default)]
struct Recorder {
    requests: Arc<Mutex<Vec<HttpRequest>>>,
    responses: Arc<Mutex<Vec<(u16, &'static str)>>>,
}

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest, _max: usize) -> HttpFuture {
        self.requests.lock().unwrap().push(request);
        let (status, body) = self.responses.lock().unwrap().remove(0);
        let response: Result<HttpResponse, ConnectorError> = Ok(http::Response::builder()
            .status(status)
            .header("x-amzn-RequestId", "req-1")
            .body(bytes::Bytes::from_static(body.as_bytes()))
            .unwrap());
        Box::pin(async move { response })
    }
}

fn client(recorder: &Recorder) -> Client {
    Client::from_conf(
        Config::builder()
            .region("us-west-2")
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .endpoint_url("http://127.0.0.1:1")
            .http_connector(recorder.clone())
            .build(),
    )
}

#[tokio::test]
async fn a_call_sends_aws_json_and_decodes_the_output() {
    let recorder = Recorder::default();
    recorder.responses.lock().unwrap().push((200, r#"{"id":"t-9","createdAt":1700000000.5}"#));
    let out = client(&recorder).put_thing().thing(thing()).send().await.unwrap();
    assert_eq!(out.id(), "t-9");
    assert_eq!(out.created_at().subsec_nanos(), 500_000_000);

    let requests = recorder.requests.lock().unwrap();
    let req = &requests[0];
    assert_eq!(req.method(), "POST");
    assert_eq!(req.uri().path(), "/");
    assert_eq!(req.headers()["x-amz-target"], "KitchenSink.PutThing");
    assert_eq!(req.headers()["content-type"], "application/x-amz-json-1.0");
    let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    let token = body["clientToken"].as_str().expect("idempotency token filled in");
    assert_eq!(token.len(), 36, "a UUID: {token}");
    assert!(req.headers()["authorization"]
        .to_str()
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
}

#[tokio::test]
async fn missing_required_member_fails_before_sending() {
    let recorder = Recorder::default();
    let err = client(&recorder).put_thing().send().await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(recorder.requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn modeled_errors_decode_into_their_variant() {
    let recorder = Recorder::default();
    recorder.responses.lock().unwrap().push((
        400,
        r#"{"__type":"example.kitchen#NotFound","Message":"no such thing","resourceName":"gizmo"}"#,
    ));
    let err = client(&recorder).put_thing().thing(thing()).send().await.unwrap_err();
    let service_err = err.into_service_error();
    match &service_err {
        PutThingError::NotFound(e) => {
            assert_eq!(e.resource_name(), Some("gizmo"));
            assert_eq!(e.message(), Some("no such thing"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(service_err.code(), Some("NotFound"));
    assert_eq!(service_err.request_id(), Some("req-1"));
    assert_eq!(service_err.to_string(), "NotFound: no such thing");
}

/// A generated error reads its message member from every spelling the runtime's error metadata
/// reads (one list, `ERROR_MESSAGE_KEYS`), and only from those.
#[test]
fn error_message_member_reads_every_spelling_of_the_runtime() {
    use kitchen_sink_client::types::error::NotFound;
    assert_eq!(
        awsjson_runtime::protocol::ERROR_MESSAGE_KEYS,
        ["message", "Message", "errorMessage"]
    );
    for key in awsjson_runtime::protocol::ERROR_MESSAGE_KEYS {
        let e: NotFound =
            from_json(serde_json::json!({ key: "gone", "resourceName": "gizmo" })).unwrap();
        assert_eq!(e.message(), Some("gone"), "{key}");
        assert_eq!(e.resource_name(), Some("gizmo"));
    }
    let e: NotFound = from_json(serde_json::json!({ "MESSAGE": "gone", "msg": "gone" })).unwrap();
    assert_eq!(e.message(), None);
}

/// The paginator generated for `ListThings` (optional items list, page size from `@range`d
/// integer): pages follow the tokens, a page without items counts as empty, and a repeated token
/// ends the stream with an error instead of a loop.
#[tokio::test]
async fn paginator_follows_tokens_and_stops_on_a_repeated_one() {
    let recorder = Recorder::default();
    recorder.responses.lock().unwrap().extend([
        (200, r#"{"things":[{"name":"a"},{"name":"b"}],"nextToken":"t1"}"#),
        (200, r#"{"nextToken":"t2"}"#),
        (200, r#"{"things":[{"name":"c"}]}"#),
    ]);
    let things = client(&recorder)
        .list_things()
        .into_paginator()
        .page_size(2)
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = things.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    let bodies: Vec<serde_json::Value> = recorder
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(r.body()).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({"maxResults": 2}),
            serde_json::json!({"maxResults": 2, "nextToken": "t1"}),
            serde_json::json!({"maxResults": 2, "nextToken": "t2"})
        ]
    );

    let recorder = Recorder::default();
    recorder
        .responses
        .lock()
        .unwrap()
        .extend([(200, r#"{"nextToken":"same"}"#), (200, r#"{"nextToken":"same"}"#)]);
    let mut pages = client(&recorder).list_things().into_paginator().send();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok(), "the page itself is delivered");
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(err.to_string().contains("`same` a second time"), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(recorder.requests.lock().unwrap().len(), 2);
}

/// The paginator generated for `ScanShapes`: a map token (as DynamoDB's `ExclusiveStartKey`) is
/// sent back as the next input token, map items stream as `(key, value)` pairs, and a map token
/// equal to one seen before (same entries, in any order) ends the stream with an error.
#[tokio::test]
async fn map_token_paginator_follows_keys_and_stops_on_an_equal_one() {
    let recorder = Recorder::default();
    recorder.responses.lock().unwrap().extend([
        (200, r#"{"byName":{"a":{"label":"A"}},"lastKey":{"k":{"label":"a"},"n":{"circle":{"radius":1}}}}"#),
        (200, r#"{"byName":{"b":{"label":"B"}},"lastKey":{}}"#),
    ]);
    let mut items = client(&recorder)
        .scan_shapes()
        .into_paginator()
        .page_size(1)
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    items.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        items,
        [("a".to_string(), Shape::Label("A".into())), ("b".to_string(), Shape::Label("B".into()))]
    );
    let bodies: Vec<serde_json::Value> = recorder
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(r.body()).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({"limit": 1}),
            serde_json::json!({"limit": 1, "startKey": {"k": {"label": "a"}, "n": {"circle": {"radius": 1}}}}),
        ],
        "an empty map token ends the stream as an absent one does"
    );

    let recorder = Recorder::default();
    recorder.responses.lock().unwrap().extend([
        (200, r#"{"lastKey":{"k":{"label":"a"},"n":{"empty":{}}}}"#),
        (200, r#"{"lastKey":{"n":{"empty":{}},"k":{"label":"a"}}}"#),
    ]);
    let mut pages = client(&recorder).scan_shapes().into_paginator().send();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok(), "the page itself is delivered");
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(err.to_string().contains("`{map with the keys k, n}` a second time"), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(recorder.requests.lock().unwrap().len(), 2);
}

/// Timestamps inside lists and maps use the format of the collection member or of the timestamp
/// shape, at any depth (list of date-time, map of such lists, sparse list of http-date); without
/// one, epoch seconds.
#[test]
fn timestamps_inside_collections_keep_their_format() {
    let t = |secs| DateTime::from_secs(secs).unwrap();
    let wire = serde_json::json!({
        "runs": ["2023-11-14T22:13:20Z", null, "1970-01-01T00:00:01Z"],
        "deadlines": {"q1": ["2024-01-01T00:00:00Z"]},
        "maybe": ["Tue, 14 Nov 2023 22:13:20 GMT", null],
        "epochs": [1700000000, 1.5]
    });
    let schedule = from_json::<Schedule>(wire).unwrap();
    assert_eq!(
        schedule.runs(),
        &[t(1_700_000_000), t(1)],
        "a null entry of a dense list is dropped"
    );
    assert_eq!(schedule.deadlines().unwrap()["q1"], [t(1_704_067_200)]);
    assert_eq!(schedule.maybe(), &[Some(t(1_700_000_000)), None]);
    assert_eq!(schedule.epochs()[0], t(1_700_000_000));
    assert_eq!(schedule.epochs()[1].subsec_nanos(), 500_000_000);

    let text = json::to_string(&schedule);
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        back,
        serde_json::json!({
            "runs": ["2023-11-14T22:13:20Z", "1970-01-01T00:00:01Z"],
            "deadlines": {"q1": ["2024-01-01T00:00:00Z"]},
            "maybe": ["Tue, 14 Nov 2023 22:13:20 GMT", null],
            "epochs": [1700000000, 1.5]
        })
    );
    let err =
        from_json::<Schedule>(serde_json::json!({"deadlines": {"q1": ["yesterday"]}})).unwrap_err();
    assert!(err.to_string().contains("deadlines.q1[0]"), "{err}");
}

/// Members named like the methods the generator makes (`builder`, `send`, `meta`, `validate`,
/// `as_input`, `name` beside `setName`, ...) get the `_value` suffix of naming.rs; on the wire
/// they keep their model names.
#[tokio::test]
async fn members_named_like_generated_methods_are_renamed_and_keep_their_wire_names() {
    use kitchen_sink_client::types::AwkwardNames;
    let recorder = Recorder::default();
    let missing = client(&recorder).awkward().name("n").send().await.unwrap_err();
    assert!(
        format!("{missing:?}").contains("send"),
        "the required member `send` is named: {missing:?}"
    );
    assert!(recorder.requests.lock().unwrap().is_empty());

    recorder.responses.lock().unwrap().push((
        200,
        r#"{"requestId":"modeled","meta":"m","nested":{"builder":"b","new":3,"setName":"s"}}"#,
    ));
    let nested = AwkwardNames::builder()
        .builder_value("nb")
        .new_value(7)
        .name("nn")
        .set_name_value("nsn")
        .build();
    let call = client(&recorder)
        .awkward()
        .send_value("s")
        .builder_value("b")
        .build_value("x")
        .send_with_value("w")
        .customize_value("c")
        .as_input_value("a")
        .validate_value(true)
        .meta_value("m")
        .name("n")
        .set_name_value("sn")
        .get_name_value("gn")
        .nested(nested);
    assert_eq!(call.as_input().get_set_name_value().as_deref(), Some("sn"));
    assert_eq!(call.as_input().get_name().as_deref(), Some("n"));
    let out = call.send().await.unwrap();
    assert_eq!(out.request_id_value(), Some("modeled"), "the modeled member");
    assert_eq!(out.request_id(), Some("req-1"), "the response's request id (RequestId)");
    assert_eq!(out.meta_value(), Some("m"));
    let nested = out.nested().unwrap();
    assert_eq!(
        (nested.builder_value(), nested.new_value(), nested.set_name_value()),
        (Some("b"), Some(3), Some("s"))
    );

    let requests = recorder.requests.lock().unwrap();
    let body: serde_json::Value = serde_json::from_slice(requests[0].body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "send": "s", "builder": "b", "build": "x", "sendWith": "w", "customize": "c", "asInput": "a",
            "validate": true, "meta": "m", "name": "n", "setName": "sn", "getName": "gn",
            "nested": {"builder": "nb", "new": 7, "name": "nn", "setName": "nsn"}
        })
    );
}
