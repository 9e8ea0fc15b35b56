//! Value types that generated shapes use for Smithy's non-string simple types: timestamps, blobs
//! and documents.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

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

/// A point in time, as Smithy timestamps are: UTC, with nanosecond precision, from year -9999
/// to year 9999 (the range of `time::OffsetDateTime`, so that both convert losslessly).
///
/// Whole seconds since the Unix epoch plus the nanoseconds past them, with the wire formats of
/// the protocol and a `Default` (the Unix epoch), so that shapes holding timestamps can derive
/// `Default`. With the runtime's `time` feature (forwarded by generated crates) it converts from
/// and into `time::OffsetDateTime` with `From`/`Into`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Seconds since the epoch, rounded toward negative infinity.
    secs: i64,
    /// Nanoseconds past `secs`, below one second.
    nanos: u32,
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    input: String,
    format: TimestampFormat,
}

impl DateTimeParseError {
    /// The format the input was read as.
    pub fn format(&self) -> TimestampFormat {
        self.format
    }
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

/// `-9999-01-01T00:00:00Z`, the first representable second.
const MIN_SECS: i64 = -377_705_116_800;
/// `9999-12-31T23:59:59Z`, the last representable second.
const MAX_SECS: i64 = 253_402_300_799;
const NANOS_PER_SEC: i128 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1–12, `day` 1–31).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Years start in March, so that the leap day is the last day of a year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month =
        if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The calendar fields of an instant in UTC.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 = Monday.
    weekday: usize,
}

impl Civil {
    fn of(secs: i64) -> Civil {
        let days = secs.div_euclid(SECS_PER_DAY);
        let of_day = secs.rem_euclid(SECS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday (3 days after a Monday).
        let weekday = (days + 3).rem_euclid(7) as usize;
        Civil {
            year,
            month,
            day,
            hour: of_day / 3600,
            minute: of_day / 60 % 60,
            second: of_day % 60,
            weekday,
        }
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl DateTime {
    /// The Unix epoch.
    pub const UNIX_EPOCH: DateTime = DateTime { secs: 0, nanos: 0 };

    /// Whole seconds since the epoch. Returns `None` when out of the representable range.
    pub fn from_secs(secs: i64) -> Option<Self> {
        (MIN_SECS..=MAX_SECS).contains(&secs).then_some(DateTime { secs, nanos: 0 })
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
        Self::from_nanos(nanos as i128)
    }

    /// Milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Option<Self> {
        Self::from_nanos(i128::from(millis) * 1_000_000)
    }

    /// Nanoseconds since the epoch. Returns `None` when out of the representable range.
    pub fn from_nanos(nanos: i128) -> Option<Self> {
        let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SEC)).ok()?;
        let subsec = nanos.rem_euclid(NANOS_PER_SEC) as u32;
        Self::from_secs(secs).map(|t| DateTime { nanos: subsec, ..t })
    }

    /// Whole seconds plus nanoseconds (below one second) since the epoch. Returns `None` when
    /// out of range or when `subsec_nanos` is one second or more.
    pub fn from_secs_and_nanos(secs: i64, subsec_nanos: u32) -> Option<Self> {
        if subsec_nanos >= 1_000_000_000 {
            return None;
        }
        Self::from_secs(secs).map(|t| DateTime { nanos: subsec_nanos, ..t })
    }

    /// Nanoseconds since the epoch.
    pub fn as_nanos(&self) -> i128 {
        i128::from(self.secs) * NANOS_PER_SEC + i128::from(self.nanos)
    }

    /// Milliseconds since the epoch (rounded toward negative infinity). Every representable
    /// date fits.
    pub fn to_millis(&self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// Whether the time has a fraction of a second.
    pub fn has_subsec_nanos(&self) -> bool {
        self.nanos != 0
    }

    /// The current time.
    pub fn now() -> Self {
        DateTime::from(SystemTime::now())
    }

    /// Whole seconds since the epoch (rounded toward negative infinity).
    pub fn secs(&self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`DateTime::secs`].
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.as_nanos() as f64 / 1e9
    }

    /// `(year, month, day, hour, minute, second)` in UTC (SigV4's `X-Amz-Date`).
    pub(crate) fn civil_utc(&self) -> (i64, u32, u32, u32, u32, u32) {
        let c = Civil::of(self.secs);
        (c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// The value as a `time::OffsetDateTime` in UTC (feature `time`).
    #[cfg(feature = "time")]
    pub fn to_offset_date_time(self) -> time::OffsetDateTime {
        self.into()
    }

    /// Formats the timestamp as the protocol writes it. Epoch seconds and date-times keep up to
    /// millisecond precision (the instant floored to the millisecond) and drop a zero fraction
    /// (`1515531081`, `1515531081.5`, `-1.5`, `2018-01-09T20:51:21.5Z`).
    pub fn format(&self, format: TimestampFormat) -> String {
        let mut out = String::with_capacity(32);
        self.write(format, &mut out);
        out
    }

    /// Appends the timestamp as [`DateTime::format`] writes it.
    fn write(&self, format: TimestampFormat, out: &mut String) {
        use fmt::Write as _;
        let millis = self.nanos / 1_000_000;
        // Writing to a `String` does not fail.
        let _ = match format {
            TimestampFormat::EpochSeconds => {
                // The decimal value of the instant floored to the millisecond: `-1.5` is 1.5 s
                // before the epoch (secs -2, nanos 500,000,000).
                let total = self.to_millis();
                if total < 0 {
                    out.push('-');
                }
                let _ = write!(out, "{}", total.unsigned_abs() / 1000);
                write_millis(out, (total.unsigned_abs() % 1000) as u32);
                Ok(())
            }
            TimestampFormat::DateTime => {
                let c = Civil::of(self.secs);
                let _ = write!(
                    out,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    c.year, c.month, c.day, c.hour, c.minute, c.second
                );
                write_millis(out, millis);
                out.write_char('Z')
            }
            TimestampFormat::HttpDate => {
                let c = Civil::of(self.secs);
                write!(
                    out,
                    "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                    WEEKDAYS[c.weekday],
                    c.day,
                    MONTHS[c.month as usize - 1],
                    c.year,
                    c.hour,
                    c.minute,
                    c.second
                )
            }
        };
    }

    /// Parses a timestamp written in `format`. Epoch seconds accept integers, fractions and
    /// exponents (`1.5e9`); date-times are RFC 3339 with any offset (`Z`, `z`, `+01:00`) and
    /// any number of fraction digits (nanoseconds kept); HTTP dates are RFC 2822 dates, of which
    /// IMF-fixdate is one (`GMT` is an obsolete zone RFC 2822 accepts).
    pub fn parse(input: &str, format: TimestampFormat) -> Result<Self, DateTimeParseError> {
        let parsed = match format {
            TimestampFormat::EpochSeconds => parse_epoch_seconds(input),
            TimestampFormat::DateTime => parse_rfc3339(input.as_bytes()),
            TimestampFormat::HttpDate => parse_rfc2822(input.as_bytes()),
        };
        parsed.ok_or_else(|| DateTimeParseError { input: input.to_string(), format })
    }

    /// The instant of a civil date and time at an offset from UTC, checked against the calendar
    /// (`second` 60 is a leap second: kept as the last nanosecond of the minute before, and only
    /// where a leap second may be, at the end of a UTC month).
    fn from_civil(
        (year, month, day): (i64, u32, u32),
        (hour, minute, second, nanos): (u32, u32, u32, u32),
        offset_secs: i64,
    ) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 || nanos >= 1_000_000_000 {
            return None;
        }
        let leap = second == 60;
        let (second, nanos) = if leap { (59, 999_999_999) } else { (second, nanos) };
        let local = days_from_civil(year, month, day) * SECS_PER_DAY
            + i64::from(hour * 3600 + minute * 60 + second);
        let t = Self::from_secs_and_nanos(local - offset_secs, nanos)?;
        if leap {
            let c = Civil::of(t.secs);
            if (c.hour, c.minute, c.second) != (23, 59, 59)
                || c.day != days_in_month(c.year, c.month)
            {
                return None;
            }
        }
        Some(t)
    }
}

/// Appends `.` and the milliseconds without trailing zeros, or nothing when they are zero.
fn write_millis(out: &mut String, millis: u32) {
    if millis == 0 {
        return;
    }
    let digits = [millis / 100, millis / 10 % 10, millis % 10];
    let len = if digits[2] != 0 {
        3
    } else if digits[1] != 0 {
        2
    } else {
        1
    };
    out.push('.');
    for d in &digits[..len] {
        out.push(char::from(b'0' + *d as u8));
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
    let mut nanos = 0i128;
    for i in 0..9 {
        nanos = nanos * 10 + frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
    }
    DateTime::from_nanos(i128::from(secs) * NANOS_PER_SEC + if negative { -nanos } else { nanos })
}

/// A cursor over the bytes of a timestamp being parsed.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.0 = &self.0[1..];
        }
        hit
    }

    fn digit(&mut self) -> Option<u32> {
        match self.peek() {
            Some(b @ b'0'..=b'9') => {
                self.0 = &self.0[1..];
                Some(u32::from(b - b'0'))
            }
            _ => None,
        }
    }

    /// Exactly `n` digits; nothing is consumed when there are fewer.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let bytes = self.0.get(..n).filter(|b| b.iter().all(u8::is_ascii_digit))?;
        self.0 = &self.0[n..];
        Some(bytes.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
    }

    /// Three letters out of `names`, in any case; returns the index.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let word = self.0.get(..3)?;
        let i = names.iter().position(|n| n.as_bytes().eq_ignore_ascii_case(word))?;
        self.0 = &self.0[3..];
        Some(i)
    }

    /// RFC 2822 folding white space and comments (`CFWS`); whether any was read.
    fn cfws(&mut self) -> bool {
        self.white_space(true)
    }

    /// Folding white space, and comments if `comments`; whether any was read.
    fn white_space(&mut self, comments: bool) -> bool {
        let start = self.0.len();
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.0 = &self.0[1..],
                Some(b'\r')
                    if self.0.get(1) == Some(&b'\n')
                        && matches!(self.0.get(2), Some(b' ' | b'\t')) =>
                {
                    self.0 = &self.0[2..]
                }
                Some(b'(') if comments => {
                    if !self.comment() {
                        return false;
                    }
                }
                _ => return self.0.len() != start,
            }
        }
    }

    /// A comment, with nested comments and quoted pairs (nesting is bounded).
    fn comment(&mut self) -> bool {
        let mut depth = 0u32;
        while let Some(b) = self.bump() {
            match b {
                b'(' if depth < 32 => depth += 1,
                b'(' => return false,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                // A quoted pair: the next byte is taken as it is.
                b'\\' if self.bump().is_none() => return false,
                _ => {}
            }
        }
        false
    }
}

/// RFC 3339 `date-time`: `YYYY-MM-DD`, one separator byte (`T`, `t`, a space...), `hh:mm:ss`,
/// an optional fraction of any length (digits past nanoseconds dropped), `Z`/`z` or `±hh:mm`.
fn parse_rfc3339(input: &[u8]) -> Option<DateTime> {
    let mut c = Cursor(input);
    let year = c.digits(4)?;
    c.eat(b'-').then_some(())?;
    let month = c.digits(2)?;
    c.eat(b'-').then_some(())?;
    let day = c.digits(2)?;
    c.bump()?;
    let hour = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let second = c.digits(2)?;
    let mut nanos = 0;
    if c.eat(b'.') {
        let mut scale = 100_000_000;
        nanos = c.digit()? * scale;
        while let Some(d) = c.digit() {
            scale /= 10;
            nanos += d * scale;
        }
    }
    let offset = if c.eat(b'Z') || c.eat(b'z') {
        0
    } else {
        let sign = match c.bump()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours = c.digits(2)?;
        c.eat(b':').then_some(())?;
        let minutes = c.digits(2)?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        sign * i64::from(hours * 3600 + minutes * 60)
    };
    if !c.0.is_empty() {
        return None;
    }
    DateTime::from_civil((i64::from(year), month, day), (hour, minute, second, nanos), offset)
}

/// RFC 2822 `date-time` (IMF-fixdate is one): `[Day,] D Mon YYYY hh:mm[:ss] zone`, where the zone
/// is `±hhmm`, `GMT`, `UT` or a North American zone (`EST`, `PDT`...), names in any case,
/// two-digit years of the obsolete syntax read as 1950–2049, comments allowed between tokens.
fn parse_rfc2822(input: &[u8]) -> Option<DateTime> {
    let mut c = Cursor(input);
    c.cfws();
    // The weekday is not checked against the date (as `time`, which this replaces, did not).
    if c.name(&WEEKDAYS).is_some() {
        c.eat(b',').then_some(())?;
        c.cfws();
    }
    let mut day = c.digit()?;
    if let Some(d) = c.digit() {
        day = day * 10 + d;
    }
    c.cfws().then_some(())?;
    let month = c.name(&MONTHS)? as u32 + 1;
    c.cfws().then_some(())?;
    // After a four-digit year only white space may follow; after two, comments too.
    let high = c.digits(2)?;
    let (year, two_digits) = match c.digits(2) {
        Some(low) if high * 100 + low >= 1900 => (i64::from(high * 100 + low), false),
        Some(_) => return None,
        None if high < 50 => (i64::from(high) + 2000, true),
        None => (i64::from(high) + 1900, true),
    };
    c.white_space(two_digits).then_some(())?;
    let hour = c.digits(2)?;
    c.cfws();
    c.eat(b':').then_some(())?;
    c.cfws();
    let minute = c.digits(2)?;
    let mut second = 0;
    let before_seconds = c.0;
    c.cfws();
    if c.eat(b':') {
        c.cfws();
        second = c.digits(2)?;
    } else {
        c.0 = before_seconds;
    }
    c.cfws().then_some(())?;
    let offset = match c.0 {
        [b'+' | b'-', ..] => {
            let sign = if c.bump() == Some(b'-') { -1 } else { 1 };
            let hours = c.digits(2)?;
            let minutes = c.digits(2)?;
            if hours > 25 || minutes > 59 {
                return None;
            }
            sign * i64::from(hours * 3600 + minutes * 60)
        }
        // Zone names of fewer than three characters are only read at the very end (as `time`
        // did): `UT`, or a military zone letter, whose offsets RFC 2822 says to take as UTC.
        [a, b] if [*a, *b].eq_ignore_ascii_case(b"ut") => {
            c.0 = &[];
            0
        }
        [a, ..] if c.0.len() < 3 && a.is_ascii_alphabetic() && !a.eq_ignore_ascii_case(&b'j') => {
            c.0 = &c.0[1..];
            0
        }
        _ => {
            const ZONES: [(&str, i64); 9] = [
                ("gmt", 0),
                ("est", -5),
                ("edt", -4),
                ("cst", -6),
                ("cdt", -5),
                ("mst", -7),
                ("mdt", -6),
                ("pst", -8),
                ("pdt", -7),
            ];
            let word = c.0.get(..3)?;
            let &(_, hours) =
                ZONES.iter().find(|(z, _)| z.as_bytes().eq_ignore_ascii_case(word))?;
            c.0 = &c.0[3..];
            hours * 3600
        }
    };
    c.cfws();
    if !c.0.is_empty() {
        return None;
    }
    DateTime::from_civil((year, month, day), (hour, minute, second, 0), offset)
}

impl Default for DateTime {
    fn default() -> Self {
        DateTime::UNIX_EPOCH
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(TimestampFormat::DateTime))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(TimestampFormat::DateTime))
    }
}

#[cfg(feature = "time")]
impl From<time::OffsetDateTime> for DateTime {
    fn from(t: time::OffsetDateTime) -> Self {
        // Every `OffsetDateTime` of the default `time` range is representable.
        DateTime { secs: t.unix_timestamp(), nanos: t.nanosecond() }
    }
}

#[cfg(feature = "time")]
impl From<DateTime> for time::OffsetDateTime {
    fn from(t: DateTime) -> Self {
        // In range by construction.
        time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

/// Times outside the representable range are clamped to its ends.
impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        let nanos = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
            Err(before) => i128::try_from(before.duration().as_nanos()).map_or(i128::MIN, |n| -n),
        };
        let max = i128::from(MAX_SECS) * NANOS_PER_SEC + (NANOS_PER_SEC - 1);
        let min = i128::from(MIN_SECS) * NANOS_PER_SEC;
        DateTime::from_nanos(nanos.clamp(min, max)).unwrap_or_default()
    }
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> Self {
        let nanos = t.as_nanos();
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
        assert_eq!(t.format(TimestampFormat::EpochSeconds), "1515531081.123");
        assert_eq!(
            DateTime::from_secs(1515531081).unwrap().format(TimestampFormat::EpochSeconds),
            "1515531081"
        );
        assert_eq!(
            DateTime::parse("1.515531081E9", TimestampFormat::EpochSeconds).unwrap().secs(),
            1515531081
        );
        assert!(DateTime::parse("soon", TimestampFormat::EpochSeconds).is_err());
    }

    #[test]
    fn date_time_and_http_date() {
        let t = DateTime::from_secs(1515531081).unwrap();
        assert_eq!(t.format(TimestampFormat::DateTime), "2018-01-09T20:51:21Z");
        assert_eq!(t.format(TimestampFormat::HttpDate), "Tue, 09 Jan 2018 20:51:21 GMT");
        assert_eq!(DateTime::parse("2018-01-09T20:51:21Z", TimestampFormat::DateTime).unwrap(), t);
        assert_eq!(
            DateTime::parse("2018-01-09T21:51:21+01:00", TimestampFormat::DateTime).unwrap(),
            t
        );
        assert_eq!(
            DateTime::parse("Tue, 09 Jan 2018 20:51:21 GMT", TimestampFormat::HttpDate).unwrap(),
            t
        );
        let frac = DateTime::from_secs_f64(1515531081.5).unwrap();
        assert_eq!(frac.format(TimestampFormat::DateTime), "2018-01-09T20:51:21.5Z");
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
        assert_eq!(
            DateTime::from_millis(t.to_millis()).unwrap().as_nanos(),
            1_515_531_081_123_000_000
        );
        assert_eq!(DateTime::from_secs_and_nanos(1_515_531_081, 123_456_789), Some(t));
        assert_eq!(DateTime::from_secs_and_nanos(0, 1_000_000_000), None);
        // Before the epoch, milliseconds round toward negative infinity, as `secs` does.
        let before = DateTime::from_nanos(-1).unwrap();
        assert_eq!((before.secs(), before.to_millis()), (-1, -1));
        assert!(!DateTime::from_secs(5).unwrap().has_subsec_nanos());
        assert_eq!(DateTime::from_nanos(i128::MAX), None);
    }
}
