//! `types::DateTime` (the runtime's own date code) against the `time` crate, a dev-dependency:
//! many random instants formatted and parsed by both must give the same text and the same values.

use awsjson_runtime::types::{DateTime, TimestampFormat};
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{OffsetDateTime, UtcOffset};

/// `-9999-01-01T00:00:00Z` and `9999-12-31T23:59:59Z`, the ends of the range.
const MIN_SECS: i64 = -377_705_116_800;
const MAX_SECS: i64 = 253_402_300_799;

/// A random instant: anywhere in the range, around the epoch, around leap days, at the ends.
fn instant(rng: &mut fastrand::Rng) -> (i64, u32) {
    let secs = match rng.u8(..6) {
        0 => rng.i64(MIN_SECS..=MAX_SECS),
        1 => rng.i64(-4_000_000_000..4_000_000_000),
        // Near a 29 February of a year divisible by 4 (some are not leap years: 1900, 2100).
        2 => {
            let year = rng.i32(-2499..2500) * 4;
            let feb28 = days_from_time(year, time::Month::February, 28);
            feb28 * 86_400 + rng.i64(-86_400..3 * 86_400)
        }
        3 => MIN_SECS + rng.i64(0..200_000),
        4 => MAX_SECS - rng.i64(0..200_000),
        _ => rng.i64(1_500_000_000..1_900_000_000),
    };
    let nanos = match rng.u8(..4) {
        0 => 0,
        1 => rng.u32(..1000) * 1_000_000,
        2 => rng.u32(..1_000_000_000),
        _ => rng.u32(..10) * 100_000_000,
    };
    (secs, nanos)
}

fn days_from_time(year: i32, month: time::Month, day: u8) -> i64 {
    let date = time::Date::from_calendar_date(year, month, day).unwrap();
    (date.to_julian_day()
        - time::Date::from_calendar_date(1970, time::Month::January, 1).unwrap().to_julian_day())
        as i64
}

/// What the runtime wrote with `time` before it had its own date code (but epoch seconds before
/// 1970 with a fraction as their decimal value: `-1.5`, where it wrote `-2.5`).
fn time_fmt(t: OffsetDateTime, format: TimestampFormat) -> String {
    match format {
        TimestampFormat::EpochSeconds => {
            let millis = t.unix_timestamp_nanos().div_euclid(1_000_000);
            let sign = if millis < 0 { "-" } else { "" };
            let (secs, frac) = (millis.unsigned_abs() / 1000, millis.unsigned_abs() % 1000);
            if frac == 0 {
                format!("{sign}{secs}")
            } else {
                format!("{sign}{secs}.{}", format!("{frac:03}").trim_end_matches('0'))
            }
        }
        TimestampFormat::DateTime => {
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
                format!("{base}.{}Z", format!("{millis:03}").trim_end_matches('0'))
            }
        }
        TimestampFormat::HttpDate => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
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

/// How the runtime parsed with `time`: `None` where `time` fails (or would panic converting an
/// instant outside its range to UTC).
fn time_parse(input: &str, format: TimestampFormat) -> Option<(i64, u32)> {
    let t = match format {
        TimestampFormat::DateTime => OffsetDateTime::parse(input, &Rfc3339).ok()?,
        TimestampFormat::HttpDate => OffsetDateTime::parse(input, &Rfc2822).ok()?,
        TimestampFormat::EpochSeconds => unreachable!("not parsed by `time`"),
    };
    let utc = t.checked_to_offset(UtcOffset::UTC)?;
    Some((utc.unix_timestamp(), utc.nanosecond()))
}

fn ours_parse(input: &str, format: TimestampFormat) -> Option<(i64, u32)> {
    DateTime::parse(input, format).ok().map(|t| (t.secs(), t.subsec_nanos()))
}

#[test]
fn formatting_matches_time_over_random_instants() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_da7e);
    for _ in 0..200_000 {
        let (secs, nanos) = instant(&mut rng);
        let ours = DateTime::from_secs_and_nanos(secs, nanos).expect("in range");
        let theirs =
            OffsetDateTime::from_unix_timestamp(secs).unwrap().replace_nanosecond(nanos).unwrap();
        assert_eq!(DateTime::from(theirs), ours, "{secs}.{nanos:09}");
        assert_eq!(OffsetDateTime::from(ours), theirs, "{secs}.{nanos:09}");
        assert_eq!(ours.as_nanos(), theirs.unix_timestamp_nanos());
        for format in
            [TimestampFormat::EpochSeconds, TimestampFormat::DateTime, TimestampFormat::HttpDate]
        {
            let text = ours.format(format);
            assert_eq!(text, time_fmt(theirs, format), "{secs}.{nanos:09} as {format:?}");
            // What is written reads back (to the millisecond for epoch seconds and date-times,
            // to the second for HTTP dates), by both; RFC 3339 has no years before 0, RFC 2822
            // none before 1900.
            let expected = match format {
                TimestampFormat::HttpDate => (secs, 0),
                _ => (secs, nanos / 1_000_000 * 1_000_000),
            };
            let readable = match format {
                TimestampFormat::EpochSeconds => true,
                TimestampFormat::DateTime => theirs.year() >= 0,
                TimestampFormat::HttpDate => theirs.year() >= 1900,
            };
            if !readable {
                assert!(DateTime::parse(&text, format).is_err(), "{text}");
                continue;
            }
            let back = DateTime::parse(&text, format).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((back.secs(), back.subsec_nanos()), expected, "{text}");
            if format != TimestampFormat::EpochSeconds {
                assert_eq!(time_parse(&text, format), Some(expected), "{text}");
            }
        }
    }
}

#[test]
fn rfc3339_parsing_matches_time() {
    let mut rng = fastrand::Rng::with_seed(3339);
    let mut accepted = 0;
    for _ in 0..200_000 {
        let (secs, nanos) = instant(&mut rng);
        let t =
            OffsetDateTime::from_unix_timestamp(secs).unwrap().replace_nanosecond(nanos).unwrap();
        if !(0..=9999).contains(&t.year()) {
            continue;
        }
        // Any offset, any number of fraction digits, `T`/`t`/space, `Z`/`z`.
        let offset =
            UtcOffset::from_whole_seconds(rng.i32(-23 * 3600..23 * 3600) / 60 * 60).unwrap();
        let Some(local) = t.checked_to_offset(offset) else { continue };
        if !(0..=9999).contains(&local.year()) {
            continue;
        }
        let sep = ['T', 't', ' '][rng.usize(..3)];
        let digits = rng.usize(..13);
        let frac = if digits == 0 {
            String::new()
        } else {
            let all = format!("{:09}{}", local.nanosecond(), "7".repeat(3));
            format!(".{}", &all[..digits])
        };
        let zone = if offset.is_utc() && rng.bool() {
            ["Z", "z"][rng.usize(..2)].to_string()
        } else {
            let (h, m, _) = offset.as_hms();
            format!("{}{:02}:{:02}", if offset.is_negative() { '-' } else { '+' }, h.abs(), m.abs())
        };
        let text = format!(
            "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{frac}{zone}",
            local.year(),
            local.month() as u8,
            local.day(),
            local.hour(),
            local.minute(),
            local.second()
        );
        let ours = ours_parse(&text, TimestampFormat::DateTime);
        assert_eq!(ours, time_parse(&text, TimestampFormat::DateTime), "{text}");
        accepted += usize::from(ours.is_some());
    }
    assert!(accepted > 100_000, "{accepted}");
}

#[test]
fn rfc2822_parsing_matches_time() {
    let mut rng = fastrand::Rng::with_seed(2822);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut accepted = 0;
    for _ in 0..100_000 {
        let secs = rng.i64(-2_208_988_800..MAX_SECS - 86_400 * 2);
        let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
        let zones = [
            "GMT", "gmt", "UT", "EST", "edt", "CST", "CDT", "MST", "MDT", "PST", "PDT", "+0000",
            "-0130", "+2359", "Z", "A",
        ];
        let zone = zones[rng.usize(..zones.len())];
        let case = |s: &str, rng: &mut fastrand::Rng| {
            if rng.bool() {
                s.to_string()
            } else {
                s.to_uppercase()
            }
        };
        let weekday = match rng.u8(..4) {
            0 => String::new(),
            // Sometimes the wrong day.
            1 => format!("{}, ", DAYS[rng.usize(..7)]),
            _ => format!(
                "{}, ",
                case(DAYS[t.weekday().number_days_from_monday() as usize], &mut rng)
            ),
        };
        let day = if rng.bool() { format!("{:02}", t.day()) } else { t.day().to_string() };
        let year = if rng.u8(..5) == 0 {
            format!("{:02}", t.year() % 100)
        } else {
            format!("{:04}", t.year())
        };
        let seconds = if rng.u8(..4) == 0 { String::new() } else { format!(":{:02}", t.second()) };
        let space = [" ", "  ", "\t", " (comment) "][rng.usize(..4)];
        let text = format!(
            "{weekday}{day}{space}{}{space}{year} {:02}:{:02}{seconds} {zone}",
            case(MONTHS[t.month() as usize - 1], &mut rng),
            t.hour(),
            t.minute()
        );
        let ours = ours_parse(&text, TimestampFormat::HttpDate);
        assert_eq!(ours, time_parse(&text, TimestampFormat::HttpDate), "{text:?}");
        accepted += usize::from(ours.is_some());
    }
    assert!(accepted > 30_000, "{accepted}");
}

#[test]
fn malformed_and_edge_inputs_match_time() {
    let cases = [
        "2018-01-09T20:51:21Z",
        "2018-01-09T20:51:21.Z",
        "2018-01-09T20:51:21.1234567891234Z",
        "2018-01-09T20:51:21+24:00",
        "2018-01-09T20:51:21+01:60",
        "2018-01-09T20:51:21+0100",
        "2018-01-09T20:51:21",
        "2018-01-09T20:51:21Zx",
        "2018-02-29T00:00:00Z",
        "2016-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2018-13-01T00:00:00Z",
        "2018-00-01T00:00:00Z",
        "2018-01-00T00:00:00Z",
        "2018-01-32T00:00:00Z",
        "2018-01-09T24:00:00Z",
        "2018-01-09T23:60:00Z",
        "2016-12-31T23:59:60Z",
        "2016-12-31T23:59:60.5Z",
        "2017-01-01T00:59:60+01:00",
        "2016-12-30T23:59:60Z",
        "2016-06-30T23:59:60Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:59:59-00:01",
        "0000-01-01T00:00:00+00:01",
        "+2018-01-09T20:51:21Z",
        "18-01-09T20:51:21Z",
        "2018-1-09T20:51:21Z",
        "2018-01-09T20:51:2Z",
        "2018-01-09T20:51:21-00:00",
        "",
        "2018-01-09",
        "2018-01-09\u{e9}20:51:21Z",
    ];
    for text in cases {
        assert_eq!(
            ours_parse(text, TimestampFormat::DateTime),
            time_parse(text, TimestampFormat::DateTime),
            "{text:?}"
        );
    }
    let cases = [
        "Tue, 09 Jan 2018 20:51:21 GMT",
        "Tue, 9 Jan 2018 20:51:21 GMT",
        "tue, 09 jan 2018 20:51:21 gmt",
        "Wed, 09 Jan 2018 20:51:21 GMT",
        "09 Jan 2018 20:51:21 GMT",
        "09 Jan 2018 20:51 GMT",
        "09 Jan 18 20:51:21 GMT",
        "09 Jan 49 20:51:21 GMT",
        "09 Jan 50 20:51:21 GMT",
        "09 Jan 1899 20:51:21 GMT",
        "09 Jan 201 20:51:21 GMT",
        "Tue, 09 Jan 2018 20:51:21 UTC",
        "Tue, 09 Jan 2018 20:51:21 UT",
        "Tue, 09 Jan 2018 20:51:21 +0100",
        "Tue, 09 Jan 2018 20:51:21 -2500",
        "Tue, 09 Jan 2018 20:51:21 +2600",
        "Tue, 09 Jan 2018 20:51:21 +0160",
        "Tue, 09 Jan 2018 20:51:21 +0100 ",
        "Tue, 09 Jan 2018 20:51:21 +0100 (CET)",
        "Tue, 09 Jan 2018 20:51:21 GMT ",
        "Tue, 09 Jan 2018 20:51:21 UT ",
        "Tue, 09 Jan 2018 20:51:21 A ",
        "Tue, 09 Jan 2018 20:51:21 Ab",
        "Tue, 09 Jan 2018 20:51:21 GMT (Greenwich)",
        "Tue, 09 Jan 2018 20:51:21 +2500",
        "Tue, 09 Jan 2018 (x) 20:51:21 GMT",
        "Tue, 09 Jan 18 (x) 20:51:21 GMT",
        "Tue, 09 Jan 2018 20:51:21 J",
        "Tue, 09 Jan 2018 20:51:21 z",
        "Tue, 09 Jan 2018 20:51:21",
        " Tue, 09 Jan 2018 20:51:21 GMT",
        "(x) Tue, 09 Jan 2018 20:51:21 GMT",
        "Tue,09 Jan 2018 20:51:21 GMT",
        "Tue , 09 Jan 2018 20:51:21 GMT",
        "Tue, 09 Jan 2018 20 : 51 : 21 GMT",
        "Tue, 09 Jan 2018 20:51:60 GMT",
        "Sun, 31 Dec 2016 23:59:60 GMT",
        "Thu, 29 Feb 2018 20:51:21 GMT",
        "Tue, 09 Jan 2018 20:51:21 GMT\r\n",
        "Tue, 09 Jan\r\n 2018 20:51:21 GMT",
        "Tue, 009 Jan 2018 20:51:21 GMT",
        "Tue, 09 January 2018 20:51:21 GMT",
        "",
    ];
    for text in cases {
        assert_eq!(
            ours_parse(text, TimestampFormat::HttpDate),
            time_parse(text, TimestampFormat::HttpDate),
            "{text:?}"
        );
    }
    // Where `time` is wrong, on purpose: it reads `-0030` as 30 minutes *east* of UTC.
    assert_eq!(
        ours_parse("09 Jan 2018 20:51:21 -0030", TimestampFormat::HttpDate),
        Some((1_515_531_081 + 1800, 0))
    );
}

#[test]
fn errors_name_the_format() {
    let e = DateTime::parse("2018-01-09", TimestampFormat::DateTime).unwrap_err();
    assert_eq!(e.to_string(), "`2018-01-09` is not a valid DateTime timestamp");
    assert_eq!(e.format(), TimestampFormat::DateTime);
    let e = DateTime::parse("soon", TimestampFormat::HttpDate).unwrap_err();
    assert_eq!(e.to_string(), "`soon` is not a valid HttpDate timestamp");
    // Out of the range: an error, never a panic.
    assert!(DateTime::parse("9999-12-31T23:59:59-00:01", TimestampFormat::DateTime).is_err());
    assert!(DateTime::parse("1e300", TimestampFormat::EpochSeconds).is_err());
    assert_eq!(DateTime::from_secs(MAX_SECS + 1), None);
    assert_eq!(DateTime::from_secs(MIN_SECS - 1), None);
    assert!(DateTime::from_secs(MIN_SECS).is_some() && DateTime::from_secs(MAX_SECS).is_some());
}
