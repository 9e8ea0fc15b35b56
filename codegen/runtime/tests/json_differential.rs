//! Differential test of the runtime's JSON reader against serde_json (with `float_roundtrip`,
//! which rounds floats correctly, as `str::parse::<f64>` does).
//!
//! Many documents are generated from a seeded `fastrand` generator — random values, escapes
//! (surrogate pairs, lone surrogates), raw unicode, integers beyond 2^53 and 2^64, `-0`, floats in
//! exponent form, deep nesting around the depth limit, random whitespace — then mutated
//! (truncated, bytes replaced, inserted or removed). Each is read by `JsonReader::document` and
//! by `serde_json::from_slice::<Value>`: both must give the same value, or both fail.

use std::collections::HashMap;

use awsjson_runtime::json::{ErrorKind, JsonReader, MAX_DEPTH};
use awsjson_runtime::types::{Document, Number};
use serde_json::Value;

fn ours(input: &[u8]) -> Result<Document, awsjson_runtime::json::DeserializeError> {
    let mut r = JsonReader::new(input);
    let d = r.document()?;
    r.finish()?;
    Ok(d)
}

fn to_document(v: Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().expect("a float"))
        }),
        Value::String(s) => Document::String(s),
        Value::Array(a) => Document::Array(a.into_iter().map(to_document).collect()),
        Value::Object(o) => Document::Object(
            o.into_iter().map(|(k, v)| (k, to_document(v))).collect::<HashMap<_, _>>(),
        ),
    }
}

/// Same value, with floats compared bit for bit (so `-0.0` and `0.0` differ).
fn same(a: &Document, b: &Document) -> bool {
    match (a, b) {
        (Document::Number(Number::Float(x)), Document::Number(Number::Float(y))) => {
            x.to_bits() == y.to_bits()
        }
        (Document::Array(x), Document::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Document::Object(x), Document::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn check(input: &[u8]) {
    let a = ours(input);
    let b = serde_json::from_slice::<Value>(input).map(to_document);
    match (&a, &b) {
        (Ok(x), Ok(y)) if same(x, y) => {}
        (Err(_), Err(_)) => {}
        _ => panic!(
            "the readers disagree on {:?}:\n ours: {a:?}\n serde_json: {b:?}",
            String::from_utf8_lossy(input)
        ),
    }
}

fn ws(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    if rng.u8(..4) == 0 {
        for _ in 0..rng.usize(1..4) {
            out.push([b' ', b'\n', b'\t', b'\r'][rng.usize(..4)]);
        }
    }
}

fn string(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    out.push(b'"');
    for _ in 0..rng.usize(..12) {
        match rng.u8(..20) {
            0 => out.extend_from_slice(br#"\""#),
            1 => out.extend_from_slice(br"\\"),
            2 => out.extend_from_slice(br"\/"),
            3 => {
                out.extend_from_slice([&br"\n"[..], br"\t", br"\r", br"\b", br"\f"][rng.usize(..5)])
            }
            4 => out.extend_from_slice(format!("\\u{:04x}", rng.u32(..0xD800)).as_bytes()),
            5 => {
                // A surrogate pair, written in either case.
                let c = rng.u32(0x10000..0x110000) - 0x10000;
                let (hi, lo) = (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
                let text = if rng.bool() {
                    format!("\\u{hi:04X}\\u{lo:04X}")
                } else {
                    format!("\\u{hi:04x}\\u{lo:04x}")
                };
                out.extend_from_slice(text.as_bytes());
            }
            6 => out.extend_from_slice("é€😀中".as_bytes()),
            7 if rng.u8(..8) == 0 => {
                out.extend_from_slice(format!("\\u{:04x}", rng.u32(0xD800..0xE000)).as_bytes())
            }
            _ => {
                // Printable ASCII; a raw quote or backslash would change the string's shape (the
                // generator writes valid strings, the mutations break them).
                let b = rng.u8(b' '..=b'~');
                out.push(if b == b'"' || b == b'\\' { b'x' } else { b });
            }
        }
    }
    out.push(b'"');
}

fn number(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    let text = match rng.u8(..14) {
        0 => rng.i64(..).to_string(),
        1 => rng.u64(..).to_string(),
        2 => format!("{}{}", rng.u64(..), rng.u64(..)),
        3 => format!("-{}{}", rng.u64(..), rng.u32(..)),
        4 => "-0".to_string(),
        5 => format!("{}", 9_007_199_254_740_992u64 + rng.u64(..1000)),
        6 => format!("{}.{}", rng.i32(..), rng.u32(..)),
        7 => format!("{}.{}e{}", rng.u8(1..10), rng.u64(..), rng.i16(-330..330)),
        8 => format!("{}E+{}", rng.u32(..), rng.u8(..30)),
        9 => format!("1.{:012}E9", rng.u64(..1_000_000_000_000)),
        10 => format!("{}", rng.f64() * 10f64.powi(rng.i32(-20..20))),
        11 => format!("0.{}{}{}", rng.u64(..), rng.u64(..), rng.u64(..)),
        12 => format!("{}e-{}", rng.u8(..10), rng.u16(300..400)),
        _ => rng.u8(..10).to_string(),
    };
    out.extend_from_slice(text.as_bytes());
}

fn value(rng: &mut fastrand::Rng, depth: usize, out: &mut Vec<u8>) {
    ws(rng, out);
    let kind = if depth > 6 { rng.u8(..4) } else { rng.u8(..7) };
    match kind {
        0 => out.extend_from_slice([&b"null"[..], b"true", b"false"][rng.usize(..3)]),
        1 | 2 => number(rng, out),
        3 => string(rng, out),
        4 => {
            out.push(b'[');
            for i in 0..rng.usize(..5) {
                if i > 0 {
                    out.push(b',');
                }
                value(rng, depth + 1, out);
            }
            ws(rng, out);
            out.push(b']');
        }
        _ => {
            out.push(b'{');
            for i in 0..rng.usize(..5) {
                if i > 0 {
                    out.push(b',');
                }
                ws(rng, out);
                if rng.u8(..6) == 0 {
                    // Duplicate names: the last one wins in both.
                    out.extend_from_slice(b"\"dup\"");
                } else {
                    string(rng, out);
                }
                ws(rng, out);
                out.push(b':');
                value(rng, depth + 1, out);
            }
            ws(rng, out);
            out.push(b'}');
        }
    }
    ws(rng, out);
}

fn mutate(rng: &mut fastrand::Rng, doc: &[u8]) -> Vec<u8> {
    let mut out = doc.to_vec();
    const BYTES: &[u8] = b"\"\\{}[],:0-.eE+ nt\x00\x01\x1f\x7f\xff\xc3\xa9\xed\xa0";
    for _ in 0..rng.usize(1..3) {
        if out.is_empty() {
            break;
        }
        let at = rng.usize(..out.len());
        match rng.u8(..4) {
            0 => out.truncate(at),
            1 => out[at] = BYTES[rng.usize(..BYTES.len())],
            2 => out.insert(at, BYTES[rng.usize(..BYTES.len())]),
            _ => {
                out.remove(at);
            }
        }
    }
    out
}

#[test]
fn generated_and_mutated_documents_read_as_serde_json_reads_them() {
    let mut rng = fastrand::Rng::with_seed(0x5EED_0011);
    let mut agreed_ok = 0;
    for _ in 0..30_000 {
        let mut doc = Vec::new();
        value(&mut rng, 0, &mut doc);
        check(&doc);
        if ours(&doc).is_ok() {
            agreed_ok += 1;
        }
        for _ in 0..3 {
            check(&mutate(&mut rng, &doc));
        }
    }
    // The generator mostly writes valid documents: the comparison is not only of errors.
    assert!(agreed_ok > 25_000, "{agreed_ok}");
}

#[test]
fn nesting_around_the_limit_reads_as_serde_json_reads_it() {
    for depth in MAX_DEPTH - 3..MAX_DEPTH + 3 {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            check(text.as_bytes());
        }
    }
    let deep = vec![b'['; 100_000];
    assert_eq!(ours(&deep).unwrap_err().kind(), ErrorKind::TooDeep);
    check(&deep);
}

#[test]
fn tricky_numbers_and_strings() {
    for text in [
        "0",
        "-0",
        "-0.0",
        "0e0",
        "1E400",
        "-1e400",
        "1e-400",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "9007199254740993",
        "2.2250738585072014e-308",
        "4.9e-324",
        "1.7976931348623157e308",
        "0.30000000000000004",
        "123456789012345678901234567890e-10",
        "01",
        "1.",
        ".1",
        "+1",
        "1e",
        "1e+",
        "--1",
        "0x10",
        "1_000",
        "Infinity",
        "NaN",
        r#""\ud83d\ude00""#,
        r#""\uD83D""#,
        r#""\uDE00""#,
        r#""\ud83d\u0041""#,
        r#""\u00""#,
        "\"\x1f\"",
        "\"\x7f\"",
        "\"\u{e9}\"",
        "\"\\u0000\"",
        r#""\'""#,
        "[1,]",
        "{\"a\":1,}",
        "[,1]",
        "{,}",
        "",
        " ",
        "nul",
        "true false",
    ] {
        check(text.as_bytes());
    }
    check(b"\"\xc3\"");
    check(b"\"\xed\xa0\x80\"");
    check(b"\"\xf4\x90\x80\x80\"");
}
