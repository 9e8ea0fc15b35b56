//! JSON encoding and decoding of generated shapes.
//!
//! Generated code implements [`ToJson`] and [`FromJson`] for each structure, union and enum with one
//! line per member; everything else (numbers, strings, timestamps, blobs, documents, collections,
//! `null` handling, error paths) is implemented here once.
//!
//! Decoding is one pass over the body's bytes ([`JsonReader`]): no tree is built, member names
//! are matched as borrowed text, values go straight into their fields. It is tolerant as clients
//! should be: unknown members are skipped, `null` members are treated as absent, and `null`
//! entries of dense lists and maps are dropped. Errors name the member path and what was
//! expected, never the value found.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;

use crate::types::{Blob, DateTime, Document, Number, TimestampFormat};

mod read;

pub use read::{epoch_seconds, JsonReader, ObjectReader, UnionReader, ValueKind, MAX_DEPTH};

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
            TimestampFormat::EpochSeconds => self.buf.push_str(&t.format(format)),
            _ => self.string(&t.format(format)),
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
    pub fn timestamp<T: Timestamps>(
        &mut self,
        name: &str,
        value: Option<&T>,
        format: TimestampFormat,
    ) {
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

/// What kind of problem a [`DeserializeError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The body is not valid JSON: truncated, trailing characters, invalid UTF-8 in a string,
    /// a lone surrogate in a `\u` escape, a raw control character, ...
    Syntax,
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A value of another JSON type than the member's (a string where a number belongs).
    UnexpectedType,
    /// A number outside the range of the member's type.
    OutOfRange,
    /// A value of the right JSON type that is not valid for the member (a malformed timestamp
    /// or base64 text, a union with no or several members set).
    InvalidValue,
    /// Any other problem.
    Other,
}

/// A JSON document did not have the shape the model says: what was expected, and where.
///
/// The message never holds the value found (a response may hold `@sensitive` members).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    /// From the outermost to the innermost (`StartExecutionOutput`, `startDate`).
    path: Vec<PathSegment>,
    kind: ErrorKind,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathSegment {
    Name(String),
    Index(usize),
}

impl DeserializeError {
    /// An error of kind [`ErrorKind::Other`].
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_kind(ErrorKind::Other, message)
    }

    /// An error of the given kind.
    pub fn with_kind(kind: ErrorKind, message: impl Into<String>) -> Self {
        DeserializeError { path: Vec::new(), kind, message: message.into() }
    }

    /// Adds an enclosing member (or shape, or map key) name to the path.
    pub fn within(mut self, name: &str) -> Self {
        self.path.insert(0, PathSegment::Name(name.to_string()));
        self
    }

    /// Adds an enclosing list index to the path.
    pub fn within_index(mut self, index: usize) -> Self {
        self.path.insert(0, PathSegment::Index(index));
        self
    }

    /// Where the problem is, as `Shape.member[3].member`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.path.iter().enumerate() {
            match seg {
                PathSegment::Name(n) if i == 0 => out.push_str(n),
                PathSegment::Name(n) => {
                    out.push('.');
                    out.push_str(n);
                }
                PathSegment::Index(n) => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "[{n}]");
                }
            }
        }
        out
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What is wrong, without the path.
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

/// A value that can be read from JSON in one pass.
pub trait FromJson: Sized {
    /// Reads one value (and everything it holds) from the reader.
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError>;

    /// What a JSON `null` entry of a list or map means: `Some` for sparse (`Option`) entries,
    /// `None` (drop the entry) for dense ones.
    fn from_null() -> Option<Self> {
        None
    }

    /// Reads one value over `self` (generated structures: member by member, in place; a member
    /// the body does not hold keeps its value). The default reads a new value and moves it in.
    #[inline]
    fn read_json_in_place(&mut self, r: &mut JsonReader<'_>) -> Result<(), DeserializeError> {
        *self = Self::read_json(r)?;
        Ok(())
    }

    /// Reads one value as the next item of a list. The default reads it and pushes it;
    /// generated structures build it in place, in the list's buffer, with [`push_in_place`]
    /// (a large structure is then never moved).
    #[inline]
    fn read_json_into(
        r: &mut JsonReader<'_>,
        items: &mut Vec<Self>,
    ) -> Result<(), DeserializeError> {
        items.push(Self::read_json(r)?);
        Ok(())
    }
}

/// [`FromJson::read_json_into`] for a structure: its default value is pushed, then read in
/// place ([`FromJson::read_json_in_place`]).
#[inline]
pub fn push_in_place<T: FromJson + Default>(
    r: &mut JsonReader<'_>,
    items: &mut Vec<T>,
) -> Result<(), DeserializeError> {
    // Written straight into the list's buffer (`push` would build it on the stack and copy it).
    items.resize_with(items.len() + 1, T::default);
    match items.last_mut() {
        Some(item) => item.read_json_in_place(r),
        None => Ok(()),
    }
}

/// Decodes a response body into `T` in one pass. An empty or all-whitespace body reads as `{}`;
/// anything after the value but whitespace is an error.
pub fn from_slice<T: FromJson>(body: &[u8]) -> Result<T, DeserializeError> {
    let mut r = body_reader(body);
    let value = T::read_json(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// The reader of a response body for [`from_slice`] (not generic: compiled once, not once per
/// decoded type).
#[inline(never)]
fn body_reader(body: &[u8]) -> JsonReader<'_> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    JsonReader::new(body)
}

/// A timestamp, or a list, map or sparse entry holding timestamps at any depth, encoded in a
/// format given at run time (`@timestampFormat` on a member or on the timestamp shape).
/// Collections follow the rules of [`FromJson`]: `null` entries of dense collections are dropped,
/// sparse ones (`Option`) keep them.
pub trait Timestamps: Sized {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat);
    fn read_timestamps(
        r: &mut JsonReader<'_>,
        format: TimestampFormat,
    ) -> Result<Self, DeserializeError>;
    /// What a `null` entry of a collection becomes (`None`: it is dropped).
    fn timestamps_from_null() -> Option<Self> {
        None
    }
}

impl Timestamps for DateTime {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        w.timestamp(self, format)
    }

    fn read_timestamps(
        r: &mut JsonReader<'_>,
        format: TimestampFormat,
    ) -> Result<Self, DeserializeError> {
        r.timestamp_value(format)
    }
}

impl<T: Timestamps> Timestamps for Option<T> {
    fn write_timestamps(&self, w: &mut JsonWriter, format: TimestampFormat) {
        match self {
            Some(v) => v.write_timestamps(w, format),
            None => w.null(),
        }
    }

    fn read_timestamps(
        r: &mut JsonReader<'_>,
        format: TimestampFormat,
    ) -> Result<Self, DeserializeError> {
        if r.null()? {
            Ok(None)
        } else {
            T::read_timestamps(r, format).map(Some)
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

    fn read_timestamps(
        r: &mut JsonReader<'_>,
        format: TimestampFormat,
    ) -> Result<Self, DeserializeError> {
        r.array_of(T::timestamps_from_null, |r| T::read_timestamps(r, format))
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

    fn read_timestamps(
        r: &mut JsonReader<'_>,
        format: TimestampFormat,
    ) -> Result<Self, DeserializeError> {
        r.map_of(T::timestamps_from_null, |r| T::read_timestamps(r, format))
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
    let mut r = JsonReader::new(text.as_bytes());
    r.document().and_then(|d| r.finish().map(|()| d)).unwrap_or_default()
}

impl FromJson for String {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.str_value().map(std::borrow::Cow::into_owned)
    }
}

impl FromJson for bool {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.bool_value()
    }
}

macro_rules! int_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
                let n = r.i64_value().map_err(|e| {
                    if e.kind() == ErrorKind::OutOfRange {
                        DeserializeError::with_kind(ErrorKind::OutOfRange, concat!("the integer is out of the range of ", stringify!($t)))
                    } else {
                        e
                    }
                })?;
                <$t>::try_from(n).map_err(|_| {
                    DeserializeError::with_kind(ErrorKind::OutOfRange, concat!("the integer is out of the range of ", stringify!($t)))
                })
            }
        }
    )*};
}
int_from_json!(i8, i16, i32, i64);

impl FromJson for f64 {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.f64_value()
    }
}

impl FromJson for f32 {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.f64_value().map(|f| f as f32)
    }
}

impl FromJson for DateTime {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.timestamp_value(TimestampFormat::EpochSeconds)
    }
}

impl FromJson for Blob {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        let text = r.str_value().map_err(|e| match e.kind() {
            ErrorKind::UnexpectedType => r.expected("a base64 string"),
            _ => e,
        })?;
        base64::engine::general_purpose::STANDARD.decode(text.as_bytes()).map(Blob::new).map_err(
            |_| DeserializeError::with_kind(ErrorKind::InvalidValue, "expected base64 text"),
        )
    }
}

impl FromJson for Document {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.document()
    }

    fn from_null() -> Option<Self> {
        Some(Document::Null)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        if r.null()? {
            Ok(None)
        } else {
            T::read_json(r).map(Some)
        }
    }

    fn from_null() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        T::read_json(r).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.list_of::<T>()
    }
}

impl<T: FromJson> FromJson for HashMap<String, T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
        r.map_of(T::from_null, T::read_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A structure decoder as the generator writes them.
    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        name: String,
        count: Option<i32>,
        secret: Option<String>,
        inner: Option<Box<Thing>>,
        items: Option<Vec<Thing>>,
        at: Option<DateTime>,
    }

    impl FromJson for Thing {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
            let mut out = Self::default();
            FromJson::read_json_in_place(&mut out, r)?;
            Ok(out)
        }

        fn read_json_in_place(&mut self, r: &mut JsonReader<'_>) -> Result<(), DeserializeError> {
            let mut o = r.object("Thing")?;
            while let Some(key) = o.next_member()? {
                match &*key {
                    "name" => o.read_member("name", &mut self.name),
                    "count" => o.read_member("count", &mut self.count),
                    "secret" => o.read_member("secret", &mut self.secret),
                    "inner" => o.read_member("inner", &mut self.inner),
                    "items" => o.read_member("items", &mut self.items),
                    "at" => o.read_timestamp("at", TimestampFormat::DateTime, &mut self.at),
                    _ => o.skip(),
                }?;
            }
            Ok(())
        }

        fn read_json_into(
            r: &mut JsonReader<'_>,
            items: &mut Vec<Self>,
        ) -> Result<(), DeserializeError> {
            push_in_place(r, items)
        }
    }

    #[derive(Debug, PartialEq, Default)]
    enum Choice {
        A(i32),
        B,
        #[default]
        Unknown,
    }

    impl FromJson for Choice {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, DeserializeError> {
            let mut u = r.union("Choice")?;
            while let Some(key) = u.next_member()? {
                let v = match &*key {
                    "a" => Choice::A(u.member("a")?),
                    "b" => u.skip_as(Choice::B)?,
                    _ => u.skip_as(Choice::Unknown)?,
                };
                u.set(v)?;
            }
            u.finish()
        }
    }

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
    fn unknown_members_and_nulls_are_tolerated() {
        let body = br#"{"name": "n", "count": null, "extra": {"deep": [1, {"x": null}], "s": "\u00e9"}, "inner": {"name": "i", "more": [true]}, "items": [{"name": "a"}, null, {"name": "b"}], "secret": null}"#;
        let t: Thing = from_slice(body).unwrap();
        assert_eq!(t.name, "n");
        assert_eq!(t.count, None);
        assert_eq!(t.inner.unwrap().name, "i");
        let names: Vec<_> = t.items.unwrap().into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(from_slice::<Thing>(b"").unwrap(), Thing::default());
        assert_eq!(from_slice::<Thing>(b" \n\t ").unwrap(), Thing::default());
    }

    #[test]
    fn structures_are_read_in_place() {
        // Over an existing value: members the body holds are replaced, the others kept.
        let mut t = Thing { name: "kept".into(), count: Some(1), ..Thing::default() };
        t.read_json_in_place(&mut JsonReader::new(
            br#"{"count": 2, "secret": null, "other": [1]}"#,
        ))
        .unwrap();
        assert_eq!((t.name.as_str(), t.count, t.secret), ("kept", Some(2), None));
        // List items go through `read_json_into` (pushed default, read in place), nulls dropped,
        // errors still name the index.
        let items: Vec<Thing> =
            from_slice(br#"[{"name": "a"}, null, {"name": "b", "count": 3}]"#).unwrap();
        assert_eq!(
            items,
            vec![
                Thing { name: "a".into(), ..Thing::default() },
                Thing { name: "b".into(), count: Some(3), ..Thing::default() }
            ]
        );
        let mut pushed = vec![Thing::default()];
        Thing::read_json_into(&mut JsonReader::new(br#"{"name": "c"}"#), &mut pushed).unwrap();
        assert_eq!(pushed.len(), 2);
        assert_eq!(pushed[1].name, "c");
        let e = from_slice::<Vec<Thing>>(br#"[{"name": "a"}, {"count": "x"}]"#).unwrap_err();
        assert_eq!(e.to_string(), "at `[1].count`: expected an integer, found a string");
    }

    #[test]
    fn errors_name_the_path_and_never_the_value() {
        let e = from_slice::<Thing>(
            br#"{"items": [{"name": "a"}, {"name": "b"}, null, {"inner": {"count": "x"}}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at `Thing.items[3].inner.count`: expected an integer, found a string"
        );
        assert_eq!(e.kind(), ErrorKind::UnexpectedType);
        let e = from_slice::<Thing>(br#"{"count": 3000000000}"#).unwrap_err();
        assert_eq!(e.to_string(), "at `Thing.count`: the integer is out of the range of i32");
        assert_eq!(e.kind(), ErrorKind::OutOfRange);
        // A malformed value of a sensitive member is not echoed, whatever is wrong with it.
        for body in [
            &br#"{"secret": 12345678}"#[..],
            br#"{"secret": "hunter2-secret-\x01"}"#,
            br#"{"secret": "hunter2-secret-\q"}"#,
            br#"{"secret": "hunter2-secret-"#,
            br#"{"at": "hunter2-secret-"}"#,
            br#"{"count": 99999999999999999999999}"#,
        ] {
            let e = from_slice::<Thing>(body).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(
                !text.contains("hunter2") && !text.contains("12345678") && !text.contains("9999"),
                "{text}"
            );
        }
        let e = from_slice::<Thing>(br#"{"name": "a"} x"#).unwrap_err();
        assert!(e.to_string().contains("trailing characters"), "{e}");
        assert_eq!(e.kind(), ErrorKind::Syntax);
        let e = from_slice::<Thing>(br#"{"name": "a""#).unwrap_err();
        assert_eq!(e.to_string(), "at `Thing`: invalid JSON: unexpected end of input");
        assert_eq!(
            from_slice::<Thing>(b"[]").unwrap_err().to_string(),
            "at `Thing`: expected an object, found an array"
        );
    }

    #[test]
    fn deep_nesting_in_a_member_is_a_typed_error() {
        let mut body = b"{\"extra\": ".to_vec();
        body.extend(std::iter::repeat_n(b'[', 100_000));
        let e = from_slice::<Thing>(&body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TooDeep);
        let mut body = String::new();
        for _ in 0..200 {
            body.push_str("{\"inner\": ");
        }
        assert_eq!(from_slice::<Thing>(body.as_bytes()).unwrap_err().kind(), ErrorKind::TooDeep);
    }

    #[test]
    fn unions_need_exactly_one_member() {
        assert_eq!(
            from_slice::<Choice>(br#"{"a": 1, "__type": "x", "b": null}"#).unwrap(),
            Choice::A(1)
        );
        assert_eq!(from_slice::<Choice>(br#"{"b": {}}"#).unwrap(), Choice::B);
        assert_eq!(from_slice::<Choice>(br#"{"newer": [1]}"#).unwrap(), Choice::Unknown);
        let e = from_slice::<Choice>(br#"{"a": 1, "b": {}}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "at `Choice`: a union needs exactly one member set, found more than one"
        );
        let e = from_slice::<Choice>(br#"{"__type": "x"}"#).unwrap_err();
        assert_eq!(e.to_string(), "at `Choice`: a union needs one member set, found none");
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
        let dense: HashMap<String, i32> = from_slice(br#"{"x": null, "y": 2}"#).unwrap();
        assert_eq!(dense.len(), 1);
        let docs: Vec<Document> = from_slice(br#"[null, 1]"#).unwrap();
        assert_eq!(docs, vec![Document::Null, Document::from(1)]);
        let e = from_slice::<HashMap<String, Vec<i32>>>(br#"{"k": [1, true]}"#).unwrap_err();
        assert_eq!(e.to_string(), "at `k[1]`: expected an integer, found a boolean");
    }

    #[test]
    fn numbers_and_timestamps() {
        assert_eq!(from_slice::<i32>(b"3.0").unwrap(), 3);
        assert_eq!(from_slice::<i64>(b"9007199254740993").unwrap(), 9_007_199_254_740_993);
        assert_eq!(from_slice::<i64>(b"-9223372036854775808").unwrap(), i64::MIN);
        assert!(from_slice::<i8>(b"300").unwrap_err().to_string().contains("range of i8"));
        assert!(from_slice::<i32>(b"1.5").is_err());
        assert_eq!(from_slice::<f64>(b"0.1").unwrap(), 0.1);
        assert_eq!(from_slice::<f64>(b"1.7976931348623157e308").unwrap(), f64::MAX);
        assert!(from_slice::<f64>(br#""NaN""#).unwrap().is_nan());
        assert_eq!(from_slice::<f64>(br#""-Infinity""#).unwrap(), f64::NEG_INFINITY);
        assert_eq!(from_slice::<f64>(b"1e999").unwrap_err().kind(), ErrorKind::OutOfRange);
        let t = from_slice::<DateTime>(b"1.5e9").unwrap();
        assert_eq!(t.secs(), 1_500_000_000);
        let t = from_slice::<DateTime>(b"1515531081.25").unwrap();
        assert_eq!(t.subsec_nanos(), 250_000_000);
        assert_eq!(to_string(&t), "1515531081.25");
        let t = from_slice::<DateTime>(b"1.700000000123E9").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_700_000_000, 123_000_000));
        let t = from_slice::<DateTime>(br#""1515531081.5""#).unwrap();
        assert_eq!(t.subsec_nanos(), 500_000_000);
        let t: Thing = from_slice(br#"{"at": "2018-01-09T20:51:21.5Z"}"#).unwrap();
        assert_eq!(t.at.unwrap().secs(), 1515531081);
        let e = from_slice::<Thing>(br#"{"at": "yesterday"}"#).unwrap_err();
        assert_eq!(e.to_string(), "at `Thing.at`: expected a date-time (RFC 3339) timestamp");
    }

    #[test]
    fn blobs_are_base64() {
        let b = Blob::new(b"hello".to_vec());
        assert_eq!(to_string(&b), "\"aGVsbG8=\"");
        assert_eq!(from_slice::<Blob>(br#""aGVsbG8=""#).unwrap(), b);
        assert_eq!(
            from_slice::<Blob>(br#""a$$$""#).unwrap_err().to_string(),
            "expected base64 text"
        );
        assert_eq!(
            from_slice::<Blob>(b"1").unwrap_err().to_string(),
            "expected a base64 string, found a number"
        );
    }

    #[test]
    fn documents_read_directly() {
        let d = document_literal(r#"{"a": [1, -2, 2.5, "x\n", true, null], "b": {}}"#);
        let Document::Object(o) = d else { panic!("an object") };
        assert_eq!(
            o["a"],
            Document::Array(vec![
                Document::from(1),
                Document::from(-2),
                Document::from(2.5),
                Document::from("x\n"),
                Document::Bool(true),
                Document::Null
            ])
        );
        assert_eq!(document_literal("{"), Document::Null);
        assert_eq!(document_literal("1 2"), Document::Null);
    }
}
