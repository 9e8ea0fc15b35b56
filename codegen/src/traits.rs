//! The traits the generator understands, read from raw JSON into typed form.
//!
//! Every trait the generator acts on has its id here and a typed reader that rejects malformed
//! values with an error naming the shape. Traits not listed are kept as raw JSON and ignored.

use serde_json::Value;

use crate::error::Error;
use crate::model::{ShapeId, Traits};

pub const DOCUMENTATION: &str = "smithy.api#documentation";
pub const REQUIRED: &str = "smithy.api#required";
pub const DEFAULT: &str = "smithy.api#default";
pub const CLIENT_OPTIONAL: &str = "smithy.api#clientOptional";
pub const INPUT: &str = "smithy.api#input";
pub const OUTPUT: &str = "smithy.api#output";
pub const ERROR: &str = "smithy.api#error";
pub const HTTP_ERROR: &str = "smithy.api#httpError";
pub const RETRYABLE: &str = "smithy.api#retryable";
pub const SENSITIVE: &str = "smithy.api#sensitive";
pub const ENUM_VALUE: &str = "smithy.api#enumValue";
pub const ENUM: &str = "smithy.api#enum";
pub const LENGTH: &str = "smithy.api#length";
pub const RANGE: &str = "smithy.api#range";
pub const PATTERN: &str = "smithy.api#pattern";
pub const PAGINATED: &str = "smithy.api#paginated";
pub const ENDPOINT: &str = "smithy.api#endpoint";
pub const REQUEST_COMPRESSION: &str = "smithy.api#requestCompression";
pub const HOST_LABEL: &str = "smithy.api#hostLabel";
pub const IDEMPOTENCY_TOKEN: &str = "smithy.api#idempotencyToken";
pub const TIMESTAMP_FORMAT: &str = "smithy.api#timestampFormat";
pub const SPARSE: &str = "smithy.api#sparse";
pub const DEPRECATED: &str = "smithy.api#deprecated";
pub const STREAMING: &str = "smithy.api#streaming";
pub const MIXIN: &str = "smithy.api#mixin";
pub const TITLE: &str = "smithy.api#title";
pub const CLIENT_DISCOVERED_ENDPOINT: &str = "aws.api#clientDiscoveredEndpoint";
pub const AWS_SERVICE: &str = "aws.api#service";
pub const SIGV4: &str = "aws.auth#sigv4";
pub const AUTH: &str = "smithy.api#auth";
pub const OPTIONAL_AUTH: &str = "smithy.api#optionalAuth";
pub const AWS_JSON_1_0: &str = "aws.protocols#awsJson1_0";
pub const AWS_JSON_1_1: &str = "aws.protocols#awsJson1_1";
/// The service keeps awsQuery error codes (`x-amzn-query-error`) over awsJson.
pub const AWS_QUERY_COMPATIBLE: &str = "aws.protocols#awsQueryCompatible";
pub const ENDPOINT_RULE_SET: &str = "smithy.rules#endpointRuleSet";
pub const ENDPOINT_TESTS: &str = "smithy.rules#endpointTests";
pub const CONTEXT_PARAM: &str = "smithy.rules#contextParam";
pub const STATIC_CONTEXT_PARAMS: &str = "smithy.rules#staticContextParams";
pub const OPERATION_CONTEXT_PARAMS: &str = "smithy.rules#operationContextParams";
pub const SMOKE_TESTS: &str = "smithy.test#smokeTests";
pub const HTTP_REQUEST_TESTS: &str = "smithy.test#httpRequestTests";
pub const HTTP_RESPONSE_TESTS: &str = "smithy.test#httpResponseTests";

/// Which side of the exchange an `@error` blames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

/// `@timestampFormat` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// `@length` or `@range` bounds (numbers kept as f64: the model writes them as JSON numbers).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// `@paginated`, as written on an operation (or inherited from the service: see [`Paginated::merge`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

impl Paginated {
    /// Operation-level values override the service-level ones, field by field.
    pub fn merge(service: Option<&Paginated>, operation: &Paginated) -> Paginated {
        let s = service.cloned().unwrap_or_default();
        Paginated {
            input_token: operation.input_token.clone().or(s.input_token),
            output_token: operation.output_token.clone().or(s.output_token),
            items: operation.items.clone().or(s.items),
            page_size: operation.page_size.clone().or(s.page_size),
        }
    }
}

/// A Smithy 1.0 `@enum` entry on a string shape.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDefinition {
    pub value: String,
    pub name: Option<String>,
    pub documentation: Option<String>,
}

/// Typed access to the traits of one shape or member. `at` names it in errors.
pub struct TraitReader<'a> {
    pub traits: &'a Traits,
    pub at: &'a ShapeId,
}

impl<'a> TraitReader<'a> {
    pub fn new(traits: &'a Traits, at: &'a ShapeId) -> Self {
        TraitReader { traits, at }
    }

    fn bad(&self, trait_id: &str, expected: &str) -> Error {
        Error::shape(self.at, format!("trait `{trait_id}` is malformed: expected {expected}"))
    }

    pub fn has(&self, trait_id: &str) -> bool {
        self.traits.contains_key(trait_id)
    }

    pub fn string(&self, trait_id: &str) -> Result<Option<&'a str>, Error> {
        match self.traits.get(trait_id) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.bad(trait_id, "a string")),
        }
    }

    pub fn documentation(&self) -> Result<Option<&'a str>, Error> {
        self.string(DOCUMENTATION)
    }

    pub fn default_value(&self) -> Option<&'a Value> {
        self.traits.get(DEFAULT)
    }

    pub fn error(&self) -> Result<Option<ErrorFault>, Error> {
        match self.string(ERROR)? {
            None => Ok(None),
            Some("client") => Ok(Some(ErrorFault::Client)),
            Some("server") => Ok(Some(ErrorFault::Server)),
            Some(_) => Err(self.bad(ERROR, "\"client\" or \"server\"")),
        }
    }

    pub fn http_error(&self) -> Result<Option<u16>, Error> {
        match self.traits.get(HTTP_ERROR) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|c| (100..600).contains(c))
                .map(|c| Some(c as u16))
                .ok_or_else(|| self.bad(HTTP_ERROR, "an HTTP status code")),
        }
    }

    /// `Some(throttling)` when `@retryable` is present.
    pub fn retryable(&self) -> Result<Option<bool>, Error> {
        match self.traits.get(RETRYABLE) {
            None => Ok(None),
            Some(Value::Object(o)) => match o.get("throttling") {
                None => Ok(Some(false)),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(self.bad(RETRYABLE, "a boolean `throttling`")),
            },
            Some(_) => Err(self.bad(RETRYABLE, "an object")),
        }
    }

    pub fn bounds(&self, trait_id: &str) -> Result<Option<Bounds>, Error> {
        match self.traits.get(trait_id) {
            None => Ok(None),
            Some(Value::Object(o)) => {
                let num = |k: &str| -> Result<Option<f64>, Error> {
                    match o.get(k) {
                        None => Ok(None),
                        Some(v) => v
                            .as_f64()
                            .map(Some)
                            .ok_or_else(|| self.bad(trait_id, "numeric `min`/`max`")),
                    }
                };
                Ok(Some(Bounds { min: num("min")?, max: num("max")? }))
            }
            Some(_) => Err(self.bad(trait_id, "an object with `min`/`max`")),
        }
    }

    pub fn paginated(&self) -> Result<Option<Paginated>, Error> {
        match self.traits.get(PAGINATED) {
            None => Ok(None),
            Some(Value::Object(o)) => {
                let s = |k: &str| -> Result<Option<String>, Error> {
                    match o.get(k) {
                        None => Ok(None),
                        Some(Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err(self.bad(PAGINATED, "string member names")),
                    }
                };
                Ok(Some(Paginated {
                    input_token: s("inputToken")?,
                    output_token: s("outputToken")?,
                    items: s("items")?,
                    page_size: s("pageSize")?,
                }))
            }
            Some(_) => Err(self.bad(PAGINATED, "an object")),
        }
    }

    pub fn host_prefix(&self) -> Result<Option<&'a str>, Error> {
        match self.traits.get(ENDPOINT) {
            None => Ok(None),
            Some(v) => v
                .get("hostPrefix")
                .and_then(Value::as_str)
                .map(Some)
                .ok_or_else(|| self.bad(ENDPOINT, "an object with a string `hostPrefix`")),
        }
    }

    pub fn timestamp_format(&self) -> Result<Option<TimestampFormat>, Error> {
        match self.string(TIMESTAMP_FORMAT)? {
            None => Ok(None),
            Some("epoch-seconds") => Ok(Some(TimestampFormat::EpochSeconds)),
            Some("date-time") => Ok(Some(TimestampFormat::DateTime)),
            Some("http-date") => Ok(Some(TimestampFormat::HttpDate)),
            Some(_) => Err(self.bad(TIMESTAMP_FORMAT, "epoch-seconds, date-time or http-date")),
        }
    }

    /// The deprecation message (empty when the trait has none) when `@deprecated` is present.
    pub fn deprecated(&self) -> Option<String> {
        let v = self.traits.get(DEPRECATED)?;
        let message = v.get("message").and_then(Value::as_str).unwrap_or("");
        let since = v.get("since").and_then(Value::as_str);
        Some(match since {
            Some(since) if message.is_empty() => format!("since {since}"),
            Some(since) => format!("{message} (since {since})"),
            None => message.to_string(),
        })
    }

    /// `@enumValue` of a string enum member.
    pub fn enum_value_string(&self) -> Result<Option<&'a str>, Error> {
        self.string(ENUM_VALUE)
    }

    /// `@enumValue` of an intEnum member.
    pub fn enum_value_int(&self) -> Result<Option<i64>, Error> {
        match self.traits.get(ENUM_VALUE) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| self.bad(ENUM_VALUE, "an integer")),
        }
    }

    /// The Smithy 1.0 `@enum` trait of a string shape.
    pub fn enum_definitions(&self) -> Result<Option<Vec<EnumDefinition>>, Error> {
        let Some(v) = self.traits.get(ENUM) else { return Ok(None) };
        let list = v.as_array().ok_or_else(|| self.bad(ENUM, "a list"))?;
        list.iter()
            .map(|d| {
                let value = d
                    .get("value")
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.bad(ENUM, "entries with a string `value`"))?;
                Ok(EnumDefinition {
                    value: value.to_string(),
                    name: d.get("name").and_then(Value::as_str).map(str::to_string),
                    documentation: d
                        .get("documentation")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}
