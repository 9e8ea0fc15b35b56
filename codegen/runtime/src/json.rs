//! JSON encoding and decoding of generated shapes.
//!
//! Generated code implements [`ToJson`] and [`FromJson`] for each structure, union and enum with one
//! line per member; everything else (numbers, strings, timestamps, blobs, documents, collections,
//! `null` handling, error paths) is implemented here once.
//!
//! Decoding goes through [`serde_json::Value`] taken by value, so strings move out of the parsed
//! tree instead of being copied. It is tolerant as clients should be: unknown members are ignored,
//! `null` members are treated as absent, and `null` entries of dense lists and maps are dropped.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use serde_json::Map;
pub use serde_json::Value;

use crate::types::{Blob, DateTime, Document, Number, TimestampFormat};

// ---------------------------------------------------------------------------------------------
// Encoding

/// Appends JSON text to a buffer.
#[derive(Debug, Default)]
pub struct JsonWriter {
    buf: String,
}

impl JsonWriter {
    pub fn new() -> Self {
        JsonWriter { buf: String::with_capacity(128) }
    }

    pub fn finish(self) -> String {
        self.buf
    }

    pub fn null(&mut self) {
        self.buf.push_str("null");
    }

    pub fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    pub fn integer(&mut self, n: i64) {
        use std::fmt::Write as _;
        let _ = write!(self.buf, "{n}");
    }

    /// Writes a float; non-finite values are written as the strings `NaN`, `Infinity` and
    /// `-Infinity`, as the Smithy JSON protocols require.
    pub fn float(&mut self, n: f64) {
        use std::fmt::Write as _;
        if n.is_nan() {
            self.string("NaN")
        } else if n.is_infinite() {
            self.string(if n > 0.0 { "Infinity" } else { "-Infinity" })
        } else if n.fract() == 0.0 && n.abs() < 1e15 {
            let _ = write!(self.buf, "{}", n as i64);
        } else {
            let _ = write!(self.buf, "{n}");
        }
    }

    pub fn string(&mut self, s: &str) {
        self.buf.reserve(s.len() + 2);
        self.buf.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.buf.push_str(&s[start..i]);
            if escape.is_empty() {
                use std::fmt::Write as _;
                let _ = write!(self.buf, "\\u{b:04x}");
            } else {
                self.buf.push_str(escape);
            }
            start = i + 1;
        }
        self.buf.push_str(&s[start..]);
        self.buf.push('"');
    }

    pub fn timestamp(&mut self, t: &DateTime, format: TimestampFormat) {
        match format {
            TimestampFormat::EpochSeconds => self.buf.push_str(&t.fmt(format)),
            _ => self.string(&t.fmt(format)),
        }
    }

    /// Starts an object; write members with [`ObjectWriter::member`], then call
    /// [`ObjectWriter::end`].
    pub fn object(&mut self) -> ObjectWriter<'_> {
        self.buf.push('{');
        ObjectWriter { w: self, first: true }
    }

    fn array<'a, T: ToJson + 'a>(&mut self, items: impl IntoIterator<Item = &'a T>) {
        self.buf.push('[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            item.write_json(self);
        }
        self.buf.push(']');
    }
}

/// Writes the members of one JSON object.
pub struct ObjectWriter<'a> {
    w: &'a mut JsonWriter,
    first: bool,
}

impl ObjectWriter<'_> {
    fn key(&mut self, name: &str) -> &mut JsonWriter {
        if !self.first {
            self.w.buf.push(',');
        }
        self.first = false;
        self.w.string(name);
        self.w.buf.push(':');
        self.w
    }

    /// Writes `name: value`, or nothing when the value is absent (`None`).
    pub fn member<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) {
        if !value.is_absent() {
            value.write_json(self.key(name));
        }
    }

    /// Writes a member holding timestamps (one, or collections of them) in a format other than
    /// the protocol default.
    pub fn timestamp<T: Timestamps>(&mut self, name: &str, value: Option<&T>, format: TimestampFormat) {
        if let Some(t) = value {
            t.write_timestamps(self.key(name), format);
        }
    }

    pub fn end(self) {
        self.w.buf.push('}');
    }
}

/// A value that can be written as JSON.
pub trait ToJson {
    fn write_json(&self, w: &mut JsonWriter);

    /// Whether the value is left out of its enclosing object (only `None` is).
    fn is_absent(&self) -> bool {
        false
    }
}

/// Encodes a value (an operation input) as a JSON document.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut w = JsonWriter::new();
    value.write_json(&mut w);
    w.finish()
}

impl ToJson for str {
    fn write_json(&self, w: &mut JsonWriter) {
        w.string(self)
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut JsonWriter) {
        w.string(self)
    }
}

impl ToJson for bool {
    fn write_json(&self, w: &mut JsonWriter) {
        w.bool(*self)
    }
}

macro_rules! int_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, w: &mut JsonWriter) {
                w.integer(*self as i64)
            }
        }
    )*};
}
int_to_json!(i8, i16, i32, i64);

impl ToJson for f32 {
    fn write_json(&self, w: &mut JsonWriter) {
        if self.is_finite() {
            // Through the shortest decimal form of the f32, not of its f64 widening.
            let v: f64 = self.to_string().parse().unwrap_or(*self as f64);
            w.float(v)
        } else {
            w.float(*self as f64)
        }
    }
}

impl ToJson for f64 {
    fn write_json(&self, w: &mut JsonWriter) {
        w.float(*self)
    }
}

impl ToJson for DateTime {
    fn write_json(&self, w: &mut JsonWriter) {
        w.timestamp(self, TimestampFormat::EpochSeconds)
    }
}

impl ToJson for Blob {
    fn write_json(&self, w: &mut JsonWriter) {
        w.string(&base64::engine::general_purpose::STANDARD.encode(self.as_ref()))
    }
}

impl ToJson for Document {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Document::Null => w.null(),
            Document::Bool(b) => w.bool(*b),
            Document::Number(Number::PosInt(n)) => {
                use std::fmt::Write as _;
                let _ = write!(w.buf, "{n}");
            }
            Document::Number(Number::NegInt(n)) => w.integer(*n),
            Document::Number(Number::Float(n)) => w.float(*n),
            Document::String(s) => w.string(s),
            Document::Array(a) => w.array(a),
            Document::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                let mut obj = w.object();
                for k in keys {
                    obj.member(k, &o[k]);
                }
                obj.end();
            }
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Some(v) => v.write_json(w),
            None => w.null(),
        }
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        (**self).write_json(w)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self)
    }
}

impl<T: ToJson> ToJson for HashMap<String, T> {
    fn write_json(&self, w: &mut JsonWriter) {
        // Sorted keys: requests are reproducible byte for byte.
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort();
        let mut obj = w.object();
        for k in keys {
            let v = &self[k];
            if v.is_absent() {
                obj.key(k).null();
            } else {
                v.write_json(obj.key(k));
            }
        }
        obj.end();
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// A JSON document did not have the shape the model says: what was expected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    /// Members from the outermost to the innermost (`StartExecutionOutput`, `startDate`).
    path: Vec<String>,
    message: String,
}

impl DeserializeError {
    pub fn new(message: impl Into<String>) -> Self {
        DeserializeError { path: Vec::new(), message: message.into() }
    }

    fn expected(what: &str, found: &Value) -> Self {
        let found = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        DeserializeError::new(format!("expected {what}, found {found}"))
    }

    /// Adds an enclosing member (or shape) name to the path.
    pub fn within(mut self, name: &str) -> Self {
        self.path.insert(0, name.to_string());
        self
    }

    /// Where the problem is, as `Shape.member.member`.
    pub fn path(&self) -> String {
        self.path.join(".")
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for DeserializeError {}

/// A value that can be read from a parsed JSON tree.
pub trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, DeserializeError>;

    /// What a JSON `null` entry of a list or map means: `Some` for sparse (`Option`) entries,
    /// `None` (drop the entry) for dense ones.
    fn from_null() -> Option<Self> {
        None
    }
}

/// Parses a response body into `T`. An empty body reads as `{}`.
pub fn from_slice<T: FromJson>(body: &[u8]) -> Result<T, DeserializeError> {
    let value = parse(body)?;
    T::from_json(value)
}

/// Parses bytes into a JSON tree (an empty or all-whitespace body reads as `{}`).
pub fn parse(body: &[u8]) -> Result<Value, DeserializeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| DeserializeError::new(format!("invalid JSON: {e}")))
}

/// Takes a JSON object apart for a generated structure or union decoder.
pub fn object(value: Value, shape: &str) -> Result<Map<String, Value>, DeserializeError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(DeserializeError::expected("an object", &other).within(shape)),
    }
}

/// Decodes one member value, naming the member in any error.
pub fn member<T: FromJson>(value: Value, name: &str) -> Result<T, DeserializeError> {
    T::from_json(value).map_err(|e| e.within(name))
}

/// Decodes one member holding timestamps (one, or collections of them) written in a format other
/// than the protocol default.
pub fn timestamp_member<T: Timestamps>(value: Value, name: &str, format: TimestampFormat) -> Result<T, DeserializeError> {
    T::read_timestamps(value, format).map_err(|e| e.within(name))
}

/// A timestamp, or a list, map or sparse entry holding timestamps at any depth, encoded in a
/// format given at run time (`@timestampFormat` on a member or on the timestamp shape).
/// Collections follow the rules of [`FromJson`]: `null` entries of dense collections are dropped,
/// sparse ones (`Option`) keep them.
pub trait Timestamps: Sized {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat);
    fn read_timestamps(value: Value, format: TimestampFormat) -> Result<Self, DeserializeError>;
    /// What a `null` entry of a collection becomes (`None`: it is dropped).
    fn timestamps_from_null() -> Option<Self> {
        None
    }
}

impl Timestamps for DateTime {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        w.timestamp(self, format)
    }

    fn read_timestamps(value: Value, format: TimestampFormat) -> Result<Self, DeserializeError> {
        read_timestamp(value, format)
    }
}

impl<T: Timestamps> Timestamps for Option<T> {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        match self {
            Some(v) => v.write_timestamps(w, format),
            None => w.null(),
        }
    }

    fn read_timestamps(value: Value, format: TimestampFormat) -> Result<Self, DeserializeError> {
        match value {
            Value::Null => Ok(None),
            v => T::read_timestamps(v, format).map(Some),
        }
    }

    fn timestamps_from_null() -> Option<Self> {
        Some(None)
    }
}

impl<T: Timestamps> Timestamps for Vec<T> {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        w.buf.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                w.buf.push(',');
            }
            item.write_timestamps(w, format);
        }
        w.buf.push(']');
    }

    fn read_timestamps(value: Value, format: TimestampFormat) -> Result<Self, DeserializeError> {
        read_array(value, T::timestamps_from_null, |v| T::read_timestamps(v, format))
    }
}

impl<T: Timestamps> Timestamps for HashMap<String, T> {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        // Sorted keys, as for every map.
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort();
        let mut obj = w.object();
        for k in keys {
            self[k].write_timestamps(obj.key(k), format);
        }
        obj.end();
    }

    fn read_timestamps(value: Value, format: TimestampFormat) -> Result<Self, DeserializeError> {
        read_map(value, T::timestamps_from_null, |v| T::read_timestamps(v, format))
    }
}

fn read_timestamp(value: Value, format: TimestampFormat) -> Result<DateTime, DeserializeError> {
    match (&value, format) {
        (Value::Number(n), _) => DateTime::parse(&n.to_string(), TimestampFormat::EpochSeconds)
            .map_err(|_| DeserializeError::new(format!("timestamp {n} is out of range"))),
        (Value::String(s), TimestampFormat::EpochSeconds) => {
            DateTime::parse(s, TimestampFormat::EpochSeconds).map_err(|e| DeserializeError::new(e.to_string()))
        }
        (Value::String(s), f) => DateTime::parse(s, f).map_err(|e| DeserializeError::new(e.to_string())),
        _ => Err(DeserializeError::expected("a timestamp", &value)),
    }
}

/// Decodes a structure: calls `member` for each non-null member of the object with the value
/// being built; errors are prefixed with the shape name.
pub fn read_object<T>(
    value: Value,
    shape: &str,
    init: T,
    mut member: impl FnMut(&mut T, &str, Value) -> Result<(), DeserializeError>,
) -> Result<T, DeserializeError> {
    let mut out = init;
    read_members(value, shape, &mut |key, value| member(&mut out, key, value))?;
    Ok(out)
}

/// The loop of [`read_object`], compiled once rather than once per structure.
fn read_members(
    value: Value,
    shape: &str,
    member: &mut dyn FnMut(&str, Value) -> Result<(), DeserializeError>,
) -> Result<(), DeserializeError> {
    for (key, value) in object(value, shape)? {
        if value.is_null() {
            continue;
        }
        member(&key, value).map_err(|e| e.within(shape))?;
    }
    Ok(())
}

/// Decodes a union: exactly one member must be set (`null` members and `__type` are ignored).
/// `variant` maps the member name and value to the union value (unknown names to its `Unknown`).
pub fn read_union<T>(
    value: Value,
    shape: &str,
    variant: impl FnOnce(&str, Value) -> Result<T, DeserializeError>,
) -> Result<T, DeserializeError> {
    let mut set: Vec<(String, Value)> = object(value, shape)?
        .into_iter()
        .filter(|(k, v)| !v.is_null() && k != "__type")
        .collect();
    match set.len() {
        1 => {
            let (key, value) = set.pop().expect("one member");
            variant(&key, value).map_err(|e| e.within(shape))
        }
        0 => Err(DeserializeError::new("a union needs one member set, found none").within(shape)),
        n => {
            let names: Vec<&str> = set.iter().map(|(k, _)| k.as_str()).collect();
            Err(DeserializeError::new(format!("a union needs exactly one member set, found {n}: {}", names.join(", ")))
                .within(shape))
        }
    }
}

/// The value of a `smithy.api#Unit` union member: written as `{}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unit;

impl ToJson for Unit {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object().end()
    }
}

/// A blob from base64 text written by the generator (a model `@default`, which Smithy writes in
/// base64); invalid text gives an empty blob.
pub fn blob_literal(base64_text: &str) -> Blob {
    base64::engine::general_purpose::STANDARD.decode(base64_text).map(Blob::new).unwrap_or_default()
}

/// A document from JSON text written by the generator (a model `@default`); invalid text gives
/// `Null`.
pub fn document_literal(text: &str) -> Document {
    serde_json::from_str::<Value>(text).map(Document::from).unwrap_or_default()
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(DeserializeError::expected("a string", &other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(DeserializeError::expected("a boolean", &other)),
        }
    }
}

macro_rules! int_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: Value) -> Result<Self, DeserializeError> {
                let n = match &value {
                    Value::Number(n) => n.as_i64().or_else(|| {
                        // Integral floats (`3.0`, `1e3`) are integers written loosely.
                        n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.007e15).map(|f| f as i64)
                    }),
                    _ => return Err(DeserializeError::expected("an integer", &value)),
                };
                n.and_then(|n| <$t>::try_from(n).ok()).ok_or_else(|| {
                    DeserializeError::new(format!(
                        "{value} is not an integer in the range of {}",
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}
int_from_json!(i8, i16, i32, i64);

fn float_from_json(value: Value) -> Result<f64, DeserializeError> {
    match &value {
        Value::Number(n) => n.as_f64().ok_or_else(|| DeserializeError::new("number out of range")),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(DeserializeError::expected("a number", &value)),
        },
        _ => Err(DeserializeError::expected("a number", &value)),
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        float_from_json(value)
    }
}

impl FromJson for f32 {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        float_from_json(value).map(|f| f as f32)
    }
}

impl FromJson for DateTime {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        read_timestamp(value, TimestampFormat::EpochSeconds)
    }
}

impl FromJson for Blob {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        match value {
            Value::String(s) => base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map(Blob::new)
                .map_err(|e| DeserializeError::new(format!("invalid base64: {e}"))),
            other => Err(DeserializeError::expected("a base64 string", &other)),
        }
    }
}

impl FromJson for Document {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        Ok(Document::from(value))
    }

    fn from_null() -> Option<Self> {
        Some(Document::Null)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }

    fn from_null() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        T::from_json(value).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        read_array(value, T::from_null, T::from_json)
    }
}

/// Reads a JSON array item by item; a `null` item becomes `on_null()`, dropped when that is `None`
/// (dense lists). Errors name the index.
fn read_array<T>(
    value: Value,
    on_null: fn() -> Option<T>,
    mut item: impl FnMut(Value) -> Result<T, DeserializeError>,
) -> Result<Vec<T>, DeserializeError> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                if v.is_null() {
                    out.extend(on_null());
                } else {
                    out.push(item(v).map_err(|e| e.within(&i.to_string()))?);
                }
            }
            Ok(out)
        }
        other => Err(DeserializeError::expected("an array", &other)),
    }
}

/// Reads a JSON object as a map entry by entry; `null` values as in [`read_array`]. Errors name
/// the key.
fn read_map<T>(
    value: Value,
    on_null: fn() -> Option<T>,
    mut item: impl FnMut(Value) -> Result<T, DeserializeError>,
) -> Result<HashMap<String, T>, DeserializeError> {
    match value {
        Value::Object(entries) => {
            let mut out = HashMap::with_capacity(entries.len());
            for (k, v) in entries {
                if v.is_null() {
                    if let Some(x) = on_null() {
                        out.insert(k, x);
                    }
                } else {
                    let x = item(v).map_err(|e| e.within(&k))?;
                    out.insert(k, x);
                }
            }
            Ok(out)
        }
        other => Err(DeserializeError::expected("an object", &other)),
    }
}

impl<T: FromJson> FromJson for HashMap<String, T> {
    fn from_json(value: Value) -> Result<Self, DeserializeError> {
        read_map(value, T::from_null, T::from_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_strings_and_skips_absent_members() {
        let mut w = JsonWriter::new();
        let mut o = w.object();
        o.member("a", &Some("x\"y\\z\n\u{1}é".to_string()));
        o.member("b", &None::<String>);
        o.member("c", &Some(vec![1i32, 2]));
        o.member("d", &Some(1.5f64));
        o.member("e", &Some(f64::NAN));
        o.end();
        assert_eq!(w.finish(), r#"{"a":"x\"y\\z\n\u0001é","c":[1,2],"d":1.5,"e":"NaN"}"#);
    }

    #[test]
    fn sparse_and_dense_collections() {
        let dense: Vec<String> = from_slice(br#"["a", null, "b"]"#).unwrap();
        assert_eq!(dense, vec!["a", "b"]);
        let sparse: Vec<Option<String>> = from_slice(br#"["a", null]"#).unwrap();
        assert_eq!(sparse, vec![Some("a".to_string()), None]);
        let map: HashMap<String, Option<i32>> = from_slice(br#"{"x": null, "y": 2}"#).unwrap();
        assert_eq!(map.get("x"), Some(&None));
        assert_eq!(to_string(&map), r#"{"x":null,"y":2}"#);
    }

    #[test]
    fn numbers_and_timestamps() {
        assert_eq!(i32::from_json(serde_json::json!(3.0)).unwrap(), 3);
        assert!(i8::from_json(serde_json::json!(300)).unwrap_err().to_string().contains("range of i8"));
        assert!(i32::from_json(serde_json::json!(1.5)).is_err());
        let t = DateTime::from_json(serde_json::json!(1.5e9)).unwrap();
        assert_eq!(t.secs(), 1_500_000_000);
        let t = DateTime::from_json(serde_json::json!(1515531081.25)).unwrap();
        assert_eq!(t.subsec_nanos(), 250_000_000);
        assert_eq!(to_string(&t), "1515531081.25");
    }

    #[test]
    fn errors_name_the_path() {
        let e = member::<Vec<i32>>(serde_json::json!([1, "x"]), "counts").unwrap_err().within("Shape");
        assert_eq!(e.to_string(), "at `Shape.counts.1`: expected an integer, found a string");
        assert_eq!(parse(b"").unwrap(), serde_json::json!({}));
        assert!(parse(b"{\"a\":").unwrap_err().to_string().starts_with("invalid JSON"));
    }

    #[test]
    fn blobs_are_base64() {
        let b = Blob::new(b"hello".to_vec());
        assert_eq!(to_string(&b), "\"aGVsbG8=\"");
        assert_eq!(Blob::from_json(serde_json::json!("aGVsbG8=")).unwrap(), b);
    }
}
