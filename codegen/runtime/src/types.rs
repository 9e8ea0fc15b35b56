//! Value types that generated shapes use for Smithy's non-string simple types: timestamps, blobs
//! and documents.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::OffsetDateTime;

/// How a timestamp is written on the wire (`@timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampFormat {
    /// Seconds since the Unix epoch, with an optional fraction: `1515531081.123`.
    EpochSeconds,
    /// RFC 3339 in UTC: `2018-01-09T20:51:21.123Z`.
    DateTime,
    /// IMF-fixdate (RFC 7231): `Tue, 09 Jan 2018 20:51:21 GMT`.
    HttpDate,
}

/// A point in time, as Smithy timestamps are: UTC, with nanosecond precision.
///
/// A thin wrapper over [`time::OffsetDateTime`] (convert with `From`/`Into`) that adds the wire
/// formats of the protocol and a `Default` (the Unix epoch), so that shapes holding timestamps can
/// derive `Default`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(OffsetDateTime);

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    input: String,
    format: TimestampFormat,
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid {:?} timestamp", self.input, self.format)
    }
}

impl std::error::Error for DateTimeParseError {}

/// A string that is not one of the values an enum knows (`try_parse` of generated enums).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariantError {
    enum_name: &'static str,
    value: String,
}

impl UnknownVariantError {
    /// `value` is not a known value of `enum_name`.
    pub fn new(enum_name: &'static str, value: impl Into<String>) -> Self {
        UnknownVariantError { enum_name, value: value.into() }
    }

    /// The enum's name.
    pub fn enum_name(&self) -> &'static str {
        self.enum_name
    }

    /// The value given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for UnknownVariantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a known value of {}", self.value, self.enum_name)
    }
}

impl std::error::Error for UnknownVariantError {}

impl DateTime {
    /// The Unix epoch.
    pub const UNIX_EPOCH: DateTime = DateTime(OffsetDateTime::UNIX_EPOCH);

    /// Whole seconds since the epoch. Returns `None` when out of the representable range.
    pub fn from_secs(secs: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(secs).ok().map(DateTime)
    }

    /// Fractional seconds since the epoch, rounded to the nanosecond.
    pub fn from_secs_f64(secs: f64) -> Option<Self> {
        if !secs.is_finite() {
            return None;
        }
        let nanos = (secs * 1e9).round();
        if nanos.abs() > i128::MAX as f64 {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(nanos as i128).ok().map(DateTime)
    }

    /// Milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000).ok().map(DateTime)
    }

    /// Nanoseconds since the epoch. Returns `None` when out of the representable range.
    pub fn from_nanos(nanos: i128) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(nanos).ok().map(DateTime)
    }

    /// Whole seconds plus nanoseconds (below one second) since the epoch. Returns `None` when
    /// out of range or when `subsec_nanos` is one second or more.
    pub fn from_secs_and_nanos(secs: i64, subsec_nanos: u32) -> Option<Self> {
        if subsec_nanos >= 1_000_000_000 {
            return None;
        }
        Self::from_nanos(secs as i128 * 1_000_000_000 + subsec_nanos as i128)
    }

    /// Nanoseconds since the epoch.
    pub fn as_nanos(&self) -> i128 {
        self.0.unix_timestamp_nanos()
    }

    /// Milliseconds since the epoch (rounded toward negative infinity). Every representable
    /// date fits.
    pub fn to_millis(&self) -> i64 {
        self.as_nanos().div_euclid(1_000_000) as i64
    }

    /// Whether the time has a fraction of a second.
    pub fn has_subsec_nanos(&self) -> bool {
        self.subsec_nanos() != 0
    }

    /// The current time.
    pub fn now() -> Self {
        DateTime(OffsetDateTime::now_utc())
    }

    /// Whole seconds since the epoch (rounded toward negative infinity).
    pub fn secs(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The nanoseconds past [`DateTime::secs`].
    pub fn subsec_nanos(&self) -> u32 {
        self.0.nanosecond()
    }

    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.0.unix_timestamp_nanos() as f64 / 1e9
    }

    /// The underlying `time` value.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.0
    }

    /// Formats the timestamp as the protocol writes it. Epoch seconds keep up to millisecond
    /// precision and drop a zero fraction (`1515531081`, `1515531081.5`).
    pub fn fmt(&self, format: TimestampFormat) -> String {
        match format {
            TimestampFormat::EpochSeconds => {
                let millis = self.0.unix_timestamp_nanos().div_euclid(1_000_000);
                let (secs, frac) = (millis.div_euclid(1000), millis.rem_euclid(1000));
                if frac == 0 {
                    secs.to_string()
                } else {
                    let f = format!("{frac:03}");
                    format!("{secs}.{}", f.trim_end_matches('0'))
                }
            }
            TimestampFormat::DateTime => {
                let t = self.0;
                let millis = t.millisecond();
                let base = format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    t.year(),
                    t.month() as u8,
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                );
                if millis == 0 {
                    format!("{base}Z")
                } else {
                    let f = format!("{millis:03}");
                    format!("{base}.{}Z", f.trim_end_matches('0'))
                }
            }
            TimestampFormat::HttpDate => {
                let t = self.0;
                const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                const MONTHS: [&str; 12] =
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                format!(
                    "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                    DAYS[t.weekday().number_days_from_monday() as usize],
                    t.day(),
                    MONTHS[t.month() as usize - 1],
                    t.year(),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            }
        }
    }

    /// Parses a timestamp written in `format`. Epoch seconds accept integers, fractions and
    /// exponents (`1.5e9`).
    pub fn parse(input: &str, format: TimestampFormat) -> Result<Self, DateTimeParseError> {
        let err = || DateTimeParseError { input: input.to_string(), format };
        match format {
            TimestampFormat::EpochSeconds => parse_epoch_seconds(input).ok_or_else(err),
            TimestampFormat::DateTime => {
                OffsetDateTime::parse(input, &Rfc3339).map(|t| DateTime(t.to_offset(time::UtcOffset::UTC))).map_err(|_| err())
            }
            TimestampFormat::HttpDate => {
                // RFC 2822 parsing covers IMF-fixdate (`GMT` is an obsolete zone RFC 2822 accepts).
                OffsetDateTime::parse(input, &Rfc2822).map(|t| DateTime(t.to_offset(time::UtcOffset::UTC))).map_err(|_| err())
            }
        }
    }
}

/// Reads `secs[.fraction]` exactly (to the nanosecond); forms with an exponent go through `f64`.
fn parse_epoch_seconds(input: &str) -> Option<DateTime> {
    if input.contains(['e', 'E']) {
        return input.parse::<f64>().ok().and_then(DateTime::from_secs_f64);
    }
    let (whole, frac) = input.split_once('.').unwrap_or((input, ""));
    if frac.is_empty() && input.contains('.') || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let negative = whole.starts_with('-');
    let secs: i64 = whole.parse().ok()?;
    let mut digits = frac.bytes().take(9).map(|b| (b - b'0') as i128).collect::<Vec<_>>();
    digits.resize(9, 0);
    let nanos = digits.into_iter().fold(0i128, |acc, d| acc * 10 + d);
    let total = secs as i128 * 1_000_000_000 + if negative { -nanos } else { nanos };
    OffsetDateTime::from_unix_timestamp_nanos(total).ok().map(DateTime)
}

impl Default for DateTime {
    fn default() -> Self {
        DateTime::UNIX_EPOCH
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fmt(TimestampFormat::DateTime))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fmt(TimestampFormat::DateTime))
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(t: OffsetDateTime) -> Self {
        DateTime(t.to_offset(time::UtcOffset::UTC))
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(t: DateTime) -> Self {
        t.0
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        DateTime(OffsetDateTime::from(t))
    }
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> Self {
        let nanos = t.0.unix_timestamp_nanos();
        if nanos >= 0 {
            SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos as u64)
        } else {
            SystemTime::UNIX_EPOCH - Duration::from_nanos(nanos.unsigned_abs() as u64)
        }
    }
}

/// Opaque binary data, base64-encoded on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob(Vec<u8>);

impl Blob {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }

    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Blob(v.to_vec())
    }
}

impl From<&str> for Blob {
    fn from(v: &str) -> Self {
        Blob(v.as_bytes().to_vec())
    }
}

/// A number held by a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    pub fn to_f64(self) -> f64 {
        match self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(n) => n,
        }
    }
}

/// Untyped, JSON-like data (Smithy `document`).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Document {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Document>),
    Object(HashMap<String, Document>),
}

impl Document {
    /// The member `key` of an object (`None` for a missing member or another kind of document).
    pub fn get(&self, key: &str) -> Option<&Document> {
        match self {
            Document::Object(o) => o.get(key),
            _ => None,
        }
    }

    /// The items of an array document.
    pub fn as_array(&self) -> Option<&[Document]> {
        match self {
            Document::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The text of a string document.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a non-negative integer document.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Document::Number(Number::PosInt(n)) => Some(*n),
            _ => None,
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Document::Null)
    }
}

impl From<&str> for Document {
    fn from(s: &str) -> Self {
        Document::String(s.to_string())
    }
}

impl From<String> for Document {
    fn from(s: String) -> Self {
        Document::String(s)
    }
}

impl From<bool> for Document {
    fn from(b: bool) -> Self {
        Document::Bool(b)
    }
}

impl From<i64> for Document {
    fn from(n: i64) -> Self {
        Document::Number(if n >= 0 { Number::PosInt(n as u64) } else { Number::NegInt(n) })
    }
}

impl From<f64> for Document {
    fn from(n: f64) -> Self {
        Document::Number(Number::Float(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_round_trip() {
        let t = DateTime::parse("1515531081.123", TimestampFormat::EpochSeconds).unwrap();
        assert_eq!(t.secs(), 1515531081);
        assert_eq!(t.subsec_nanos(), 123_000_000);
        assert_eq!(t.fmt(TimestampFormat::EpochSeconds), "1515531081.123");
        assert_eq!(DateTime::from_secs(1515531081).unwrap().fmt(TimestampFormat::EpochSeconds), "1515531081");
        assert_eq!(DateTime::parse("1.515531081E9", TimestampFormat::EpochSeconds).unwrap().secs(), 1515531081);
        assert!(DateTime::parse("soon", TimestampFormat::EpochSeconds).is_err());
    }

    #[test]
    fn date_time_and_http_date() {
        let t = DateTime::from_secs(1515531081).unwrap();
        assert_eq!(t.fmt(TimestampFormat::DateTime), "2018-01-09T20:51:21Z");
        assert_eq!(t.fmt(TimestampFormat::HttpDate), "Tue, 09 Jan 2018 20:51:21 GMT");
        assert_eq!(DateTime::parse("2018-01-09T20:51:21Z", TimestampFormat::DateTime).unwrap(), t);
        assert_eq!(DateTime::parse("2018-01-09T21:51:21+01:00", TimestampFormat::DateTime).unwrap(), t);
        assert_eq!(DateTime::parse("Tue, 09 Jan 2018 20:51:21 GMT", TimestampFormat::HttpDate).unwrap(), t);
        let frac = DateTime::from_secs_f64(1515531081.5).unwrap();
        assert_eq!(frac.fmt(TimestampFormat::DateTime), "2018-01-09T20:51:21.5Z");
    }

    #[test]
    fn system_time_conversion() {
        let t = DateTime::from_millis(-1500).unwrap();
        let st: SystemTime = t.into();
        assert_eq!(DateTime::from(st), t);
        assert_eq!(DateTime::default(), DateTime::UNIX_EPOCH);
    }

    #[test]
    fn nanos_and_millis_as_aws_smithy_types_names_them() {
        let t = DateTime::from_nanos(1_515_531_081_123_456_789).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_515_531_081, 123_456_789));
        assert_eq!(t.as_nanos(), 1_515_531_081_123_456_789);
        assert_eq!(t.to_millis(), 1_515_531_081_123);
        assert!(t.has_subsec_nanos());
        assert_eq!(DateTime::from_millis(t.to_millis()).unwrap().as_nanos(), 1_515_531_081_123_000_000);
        assert_eq!(DateTime::from_secs_and_nanos(1_515_531_081, 123_456_789), Some(t));
        assert_eq!(DateTime::from_secs_and_nanos(0, 1_000_000_000), None);
        // Before the epoch, milliseconds round toward negative infinity, as `secs` does.
        let before = DateTime::from_nanos(-1).unwrap();
        assert_eq!((before.secs(), before.to_millis()), (-1, -1));
        assert!(!DateTime::from_secs(5).unwrap().has_subsec_nanos());
        assert_eq!(DateTime::from_nanos(i128::MAX), None);
    }
}
