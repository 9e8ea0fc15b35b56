//! No secret is ever echoed: over full calls of every SFN operation — a success, a failure
//! retried then a success, every modeled error and an unmodeled one as final errors, and
//! malformed responses (each `@sensitive` member of the output given a value of the wrong type,
//! e.g. TestState's `inspectionData.maxConcurrency` as `123456.5`) — no value planted in an
//! `@sensitive` member, no secret key, session token or request signature appears in a TRACE-level
//! log line (every field of every event and span, captured by the subscriber below), or in the
//! `Debug` of an input or output, or in the `Display` / `Debug` of an error and of each of its
//! sources.
//!
//! Which members are sensitive is read from the model (`model/sfn-2016-11-23.json`, see
//! `model/README.md`), not from the generated code: a member the generator forgot to treat as
//! sensitive fails here. Every operation of the model must be in [`sweep_operation`]'s list.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::{Debug, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use awsjson_runtime::client::Handle;
use awsjson_runtime::clock::{AsyncSleep, Sleep};
use awsjson_runtime::config::{Config, TimeoutConfig};
use awsjson_runtime::credentials::Credentials;
use awsjson_runtime::error::{DisplayErrorContext, SdkError};
use awsjson_runtime::json::FromJson;
use awsjson_runtime::operation::Operation;
use awsjson_runtime::retry::RetryConfig;
use awsjson_runtime::test_util::{http_response, CapturingConnector};
use serde_json::{json, Value};
use sfn_client::operation::*;

const SECRET_KEY: &str = "SECRETKEYwJalrXUtnFEMIK7MDENGbPxRfiCY";
const SESSION_TOKEN: &str = "SECRETSESSIONTOKENIQoJb3JpZ2luX2VjEJr";

// ---------------------------------------------------------------------------------------------
// A subscriber that writes every event and span, with all their fields, at every level

static LOG: Mutex<String> = Mutex::new(String::new());

struct CaptureAll {
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for CaptureAll {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {} {}:", span.metadata().target(), span.metadata().name());
        span.record(&mut Fields(&mut line));
        line.push('\n');
        LOG.lock().unwrap().push_str(&line);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = String::from("span record:");
        values.record(&mut Fields(&mut line));
        line.push('\n');
        LOG.lock().unwrap().push_str(&line);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("{} {}:", event.metadata().level(), event.metadata().target());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        LOG.lock().unwrap().push_str(&line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

// ---------------------------------------------------------------------------------------------
// Values from the model, with secrets in the sensitive members

struct Model {
    shapes: serde_json::Map<String, Value>,
}

/// A sensitive member of a value: where it is (a JSON pointer) and its shape type.
#[derive(Debug, Clone)]
struct SensitiveSpot {
    pointer: String,
    kind: String,
}

/// Makes values; numbers its secrets so that each is distinct.
struct Filler<'m> {
    model: &'m Model,
    next: u32,
    /// Every secret planted, as it would be printed.
    secrets: Vec<String>,
}

fn has_sensitive(traits: Option<&Value>) -> bool {
    traits.and_then(|t| t.get("smithy.api#sensitive")).is_some()
}

impl Model {
    fn load() -> Model {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/sfn-2016-11-23.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("{path}: {e} (the model is not committed: see model/README.md to obtain it)")
        });
        let v: Value = serde_json::from_str(&text).expect("the model is JSON");
        Model { shapes: v["shapes"].as_object().expect("shapes").clone() }
    }

    /// The type of shape `id` (`string`, `structure`, ...), prelude shapes included.
    fn kind(&self, id: &str) -> String {
        if let Some(s) = self.shapes.get(id) {
            return s["type"].as_str().unwrap().to_string();
        }
        let name = id.strip_prefix("smithy.api#").unwrap_or_else(|| panic!("unknown shape {id}"));
        name.strip_prefix("Primitive").unwrap_or(name).to_ascii_lowercase()
    }

    fn shape(&self, id: &str) -> Option<&Value> {
        self.shapes.get(id)
    }

    /// The operations of the service, by name.
    fn operations(&self) -> BTreeMap<String, &Value> {
        let (_, service) =
            self.shapes.iter().find(|(_, s)| s["type"] == "service").expect("a service shape");
        let mut ops = BTreeMap::new();
        for op in service["operations"].as_array().expect("operations") {
            let id = op["target"].as_str().unwrap();
            ops.insert(id.split('#').nth(1).unwrap().to_string(), &self.shapes[id]);
        }
        assert!(
            service.get("resources").is_none(),
            "the service has resources: collect their operations too"
        );
        ops
    }
}

impl Filler<'_> {
    fn secret_string(&mut self) -> String {
        self.next += 1;
        let s = format!("SECRET{:04}Q", self.next);
        self.secrets.push(s.clone());
        s
    }

    /// A value of shape `id` with every member set; members under a sensitive one (or of a
    /// sensitive shape) get secrets, recorded in `spots` with their JSON pointer.
    fn fill(
        &mut self,
        id: &str,
        sensitive: bool,
        pointer: &str,
        spots: &mut Vec<SensitiveSpot>,
        depth: usize,
    ) -> Value {
        let shape = self.model.shape(id);
        let sensitive = sensitive || has_sensitive(shape.and_then(|s| s.get("traits")));
        let kind = self.model.kind(id);
        if sensitive {
            spots.push(SensitiveSpot { pointer: pointer.to_string(), kind: kind.clone() });
        }
        match kind.as_str() {
            "string" if sensitive => Value::from(self.secret_string()),
            "string" => Value::from("plain"),
            "enum" => {
                let members = shape.unwrap()["members"].as_object().unwrap();
                let (_, first) = members.iter().next().unwrap();
                first["traits"]["smithy.api#enumValue"].clone()
            }
            "integer" | "long" if sensitive => {
                self.next += 1;
                let n = 918_273_000 + u64::from(self.next);
                self.secrets.push(n.to_string());
                Value::from(n)
            }
            "integer" | "long" | "short" | "byte" => Value::from(1),
            "float" | "double" if sensitive => {
                self.next += 1;
                let n = 271_828.25 + f64::from(self.next);
                self.secrets.push(n.to_string());
                Value::from(n)
            }
            "float" | "double" => Value::from(1.5),
            "boolean" => Value::from(true),
            "timestamp" => Value::from(1_767_225_600),
            "blob" => Value::from("cGxhaW4="),
            "list" => {
                let member = &shape.unwrap()["member"];
                let s = sensitive || has_sensitive(member.get("traits"));
                let target = member["target"].as_str().unwrap();
                if depth > 6 {
                    return json!([]);
                }
                json!([self.fill(target, s, &format!("{pointer}/0"), spots, depth + 1)])
            }
            "map" => {
                let value = &shape.unwrap()["value"];
                let s = sensitive || has_sensitive(value.get("traits"));
                let target = value["target"].as_str().unwrap();
                let v = self.fill(target, s, &format!("{pointer}/key"), spots, depth + 1);
                json!({ "key": v })
            }
            "structure" => {
                let mut out = serde_json::Map::new();
                if depth > 6 {
                    return Value::Object(out);
                }
                for (name, member) in
                    shape.map(|s| s["members"].as_object().unwrap().clone()).unwrap_or_default()
                {
                    let s = sensitive || has_sensitive(member.get("traits"));
                    let target = member["target"].as_str().unwrap();
                    let v = self.fill(target, s, &format!("{pointer}/{name}"), spots, depth + 1);
                    out.insert(name, v);
                }
                Value::Object(out)
            }
            other => panic!("shape {id}: no value for type {other}"),
        }
    }

    /// A value of the wrong type for a member of type `kind`, itself a secret.
    fn wrong(&mut self, kind: &str) -> Value {
        self.next += 1;
        match kind {
            // The example: a fraction where an integer is expected.
            "integer" | "long" | "string" | "structure" | "map" | "list" | "enum" => {
                let n = 123_456.5 + f64::from(self.next);
                self.secrets.push(n.to_string());
                Value::from(n)
            }
            _ => Value::from(self.secret_string()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calls

/// The backoff between retries: none.
#[derive(Debug)]
struct NoBackoff;

impl AsyncSleep for NoBackoff {
    fn sleep(&self, _: Duration) -> Sleep {
        Sleep::new(async {})
    }
}

/// Everything a scenario printed and logged, and the signatures of its requests.
struct Sweep {
    /// (scenario, what was printed or logged)
    printed: Vec<(String, String)>,
    signatures: Vec<String>,
    scenarios: usize,
}

fn json_response(status: u16, body: &Value) -> awsjson_runtime::http::HttpResponse {
    http_response(
        status,
        &[("content-type", "application/x-amz-json-1.0"), ("x-amzn-requestid", "rid-1")],
        &body.to_string(),
    )
}

/// Prints an error the ways a program may: Display, Debug, the chain of sources, the context.
fn print_error(e: &(dyn std::error::Error + 'static), out: &mut String) {
    let _ = write!(out, "{e}\n{e:?}\n{}\n", DisplayErrorContext(e));
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(out, "{s}\n{s:?}\n");
        source = s.source();
    }
}

impl Sweep {
    /// Calls `O` with `input` against the scripted `responses`, printing what comes back.
    async fn call<O>(
        &mut self,
        scenario: String,
        input: &Value,
        responses: Vec<awsjson_runtime::http::HttpResponse>,
    ) where
        O: Operation,
        O::Input: FromJson + Debug,
        O::Output: Debug,
        O::Error: std::error::Error + 'static,
    {
        let attempts = responses.len() as u32;
        let script = Arc::new(Mutex::new(VecDeque::from(responses)));
        let connector = CapturingConnector::respond_with(move || {
            script.lock().unwrap().pop_front().expect("a scripted response for every attempt")
        });
        let config = Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new(
                "AKIDEXAMPLE",
                SECRET_KEY,
                Some(SESSION_TOKEN.into()),
                None,
                "test",
            ))
            .http_connector(connector.clone())
            .retry_config(RetryConfig::standard().with_max_attempts(attempts))
            .retry_sleep(NoBackoff)
            .timeout_config(TimeoutConfig::disabled())
            .build();
        let handle = Handle::new(config, &sfn_client::SERVICE);
        let typed = awsjson_runtime::json::from_slice::<O::Input>(input.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{scenario}: the input does not decode: {e}"));
        let mut out = format!("{typed:?}\n");
        match handle.call::<O>(typed).await {
            Ok(output) => {
                let _ = writeln!(out, "{output:?}");
            }
            Err(e) => {
                print_error(&e, &mut out);
                if let SdkError::ServiceError(se) = &e {
                    print_error(se.err(), &mut out);
                    let _ = writeln!(out, "{:?}", se.raw());
                }
            }
        }
        let requests = connector.requests();
        assert_eq!(requests.len(), attempts as usize, "{scenario}: attempts");
        for r in &requests {
            let _ = writeln!(out, "{r:?}");
            let auth = r.header("authorization").expect("signed");
            self.signatures.push(auth.rsplit("Signature=").next().unwrap().to_string());
        }
        out.push_str(&std::mem::take(&mut *LOG.lock().unwrap()));
        self.printed.push((scenario, out));
        self.scenarios += 1;
    }
}

/// Every scenario of operation `O`, named `name` in `model`.
async fn sweep<O>(sweep: &mut Sweep, filler: &mut Filler<'_>, name: &str, op: &Value)
where
    O: Operation,
    O::Input: FromJson + Debug,
    O::Output: Debug,
    O::Error: std::error::Error + 'static,
{
    let input = match op.get("input") {
        Some(i) => filler.fill(i["target"].as_str().unwrap(), false, "", &mut Vec::new(), 0),
        None => json!({}),
    };
    let mut output_spots = Vec::new();
    let output = match op.get("output") {
        Some(o) => filler.fill(o["target"].as_str().unwrap(), false, "", &mut output_spots, 0),
        None => json!({}),
    };
    let ok = || json_response(200, &output);
    sweep.call::<O>(format!("{name}: success"), &input, vec![ok()]).await;
    let throttled = json!({"__type": "ThrottlingException", "message": "Rate exceeded"});
    sweep
        .call::<O>(
            format!("{name}: retried"),
            &input,
            vec![json_response(500, &json!({})), json_response(400, &throttled), ok()],
        )
        .await;
    for error in op.get("errors").and_then(Value::as_array).into_iter().flatten() {
        let id = error["target"].as_str().unwrap();
        let mut body = filler.fill(id, false, "", &mut Vec::new(), 0);
        body["__type"] = Value::from(id);
        sweep
            .call::<O>(format!("{name}: error {id}"), &input, vec![json_response(400, &body)])
            .await;
    }
    // An unmodeled error's message may be shown (it is planted as a secret only to be replaced
    // by a marker below); the rest of its body may not.
    let message = filler.secret_string();
    let planted = filler.secrets.pop().unwrap();
    let unmodeled =
        json!({"__type": "SomethingElse", "message": message, "detail": filler.secret_string()});
    sweep
        .call::<O>(format!("{name}: unmodeled error"), &input, vec![json_response(400, &unmodeled)])
        .await;
    let (_, printed) = sweep.printed.last_mut().unwrap();
    *printed = printed.replace(&planted, "<message>");
    for spot in &output_spots {
        let mut bad = output.clone();
        *bad.pointer_mut(&spot.pointer).unwrap() = filler.wrong(&spot.kind);
        sweep
            .call::<O>(
                format!("{name}: malformed {}", spot.pointer),
                &input,
                vec![json_response(200, &bad)],
            )
            .await;
    }
}

macro_rules! operations {
    ($($module:ident :: $op:ident,)*) => {
        /// The operation of the model named `name`; `false` when it is not in the list.
        async fn sweep_operation(name: &str, s: &mut Sweep, filler: &mut Filler<'_>, op: &Value) -> bool {
            match name {
                $(stringify!($op) => sweep::<$module::$op>(s, filler, name, op).await,)*
                _ => return false,
            }
            true
        }
    };
}

sfn_client::for_each_operation!(operations);

#[tokio::test]
async fn no_sensitive_value_credential_or_signature_is_echoed() {
    tracing::subscriber::set_global_default(CaptureAll { next_id: AtomicU64::new(0) })
        .expect("the only subscriber");
    let model = Model::load();
    let mut filler = Filler { model: &model, next: 0, secrets: Vec::new() };
    let mut s = Sweep { printed: Vec::new(), signatures: Vec::new(), scenarios: 0 };
    let operations = model.operations();
    let mut missing = Vec::new();
    for (name, op) in &operations {
        if !sweep_operation(name, &mut s, &mut filler, op).await {
            missing.push(name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "operations of the model not swept (add them to `operations!`): {missing:?}"
    );
    let generated: Vec<&str> = sfn_client::test_util::OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(generated, operations.keys().map(String::as_str).collect::<Vec<_>>());

    let mut secrets = filler.secrets.clone();
    secrets.extend(["SECRET".to_string(), SECRET_KEY.to_string(), SESSION_TOKEN.to_string()]);
    secrets.extend(s.signatures.iter().cloned());
    let mut leaks = Vec::new();
    for (scenario, printed) in &s.printed {
        for secret in &secrets {
            if let Some(at) = printed.find(secret.as_str()) {
                let start = printed[..at].char_indices().rev().nth(120).map_or(0, |(i, _)| i);
                let end = (at + secret.len() + 80).min(printed.len());
                let end = (end..=printed.len()).find(|&i| printed.is_char_boundary(i)).unwrap();
                leaks.push(format!("{scenario}: `{secret}` in …{}…", &printed[start..end]));
                break;
            }
        }
    }
    let logged: usize = s.printed.iter().map(|(_, p)| p.matches("DEBUG ").count()).sum();
    println!(
        "{} operations, {} scenarios, {} secrets planted, {} signatures, {logged} DEBUG lines, {} bytes printed and logged",
        operations.len(),
        s.scenarios,
        filler.secrets.len(),
        s.signatures.len(),
        s.printed.iter().map(|(_, p)| p.len()).sum::<usize>()
    );
    // The capture works: calls log at DEBUG (at least "response received" for each attempt).
    assert!(logged >= s.signatures.len(), "only {logged} DEBUG lines captured");
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
}
