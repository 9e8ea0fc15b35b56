//! The library functions of the Smithy rules engine, as plain Rust functions.
//!
//! The evaluator in [`crate::endpoint::rules`] calls these; the fuzz targets check them on their
//! own (feature `fuzzing` makes the module public; it is no API). Each returns `None` (or
//! `false`) where the specification says the function yields an empty optional.

use std::net::{Ipv4Addr, Ipv6Addr};

/// `substring(input, start, stop, reverse)`: the characters `start..stop` of an ASCII string,
/// counted from the end when `reverse` is set. `None` for a non-ASCII input or a range that is
/// empty or out of bounds.
pub fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<String> {
    if !input.is_ascii() || start < 0 || stop < 0 || start >= stop {
        return None;
    }
    let (start, stop) = (usize::try_from(start).ok()?, usize::try_from(stop).ok()?);
    let len = input.len();
    if stop > len {
        return None;
    }
    let range = if reverse { len - stop..len - start } else { start..stop };
    Some(input[range].to_string())
}

/// `isValidHostLabel(value, allowSubDomains)`: whether `value` is one DNS host label (1 to 63
/// ASCII letters, digits and hyphens, not starting with a hyphen) or, when sub-domains are allowed,
/// a dot-separated sequence of such labels.
pub fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        value.split('.').all(is_one_host_label)
    } else {
        is_one_host_label(value)
    }
}

fn is_one_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_alphanumeric() => {
            bytes.len() <= 63 && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// The parts of a URL, as `parseURL` returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`, lower case.
    pub scheme: String,
    /// Host and optional port (and user information, if any), as written.
    pub authority: String,
    /// The path as written: empty or starting with `/`.
    pub path: String,
    /// The path with a leading and a trailing `/` (just `/` for an empty path).
    pub normalized_path: String,
    /// Whether the host is an IPv4 address or a bracketed IPv6 address.
    pub is_ip: bool,
}

/// `parseURL(value)`: splits an `http`/`https` URL. `None` for another scheme, a missing host, a
/// query string or a fragment (the specification rejects URLs with a query).
pub fn parse_url(value: &str) -> Option<Url> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains('?') || rest.contains('#') || rest.chars().any(|c| c.is_whitespace()) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        inside.parse::<Ipv6Addr>().ok()?;
        (&host_port[..inside.len() + 2], after.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || port.parse::<u16>().is_err() {
            return None;
        }
    } else if host_port.len() > host.len() {
        // Something other than `:port` follows a bracketed address.
        return None;
    }
    let is_ip = host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok();
    let mut normalized_path = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized_path.push('/');
    }
    normalized_path.push_str(path);
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme,
        authority: authority.to_string(),
        path: path.to_string(),
        normalized_path,
        is_ip,
    })
}

/// `uriEncode(value)`: RFC 3986 percent-encoding of every byte outside the unreserved set
/// (`A-Z a-z 0-9 - . _ ~`), with upper-case hex digits.
pub fn uri_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
    out
}

/// An ARN, as `aws.parseArn` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account_id: String,
    /// The resource part split on `:` and `/`.
    pub resource_id: Vec<String>,
}

/// `aws.parseArn(value)`: `arn:partition:service:region:account-id:resource`. `None` unless the
/// prefix is `arn` and partition, service and resource are non-empty (region and account id may be
/// empty).
pub fn parse_arn(value: &str) -> Option<Arn> {
    let mut parts = value.splitn(6, ':');
    let (prefix, partition, service, region, account_id, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_string(),
        service: service.to_string(),
        region: region.to_string(),
        account_id: account_id.to_string(),
        resource_id: resource.split([':', '/']).map(str::to_string).collect(),
    })
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: whether a bucket name can be used as a
/// host label: 3 to 63 characters, lower-case letters, digits and hyphens (and dots between valid
/// labels when sub-domains are allowed), starting and ending with a letter or digit, and not
/// formatted as an IP address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let bytes = value.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'.')
        && bytes.last().is_some_and(|b| b.is_ascii_alphanumeric())
        && is_valid_host_label(value, allow_sub_domains)
        && value.parse::<Ipv4Addr>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_table() {
        let cases: &[(&str, i64, i64, bool, Option<&str>)] = &[
            ("abcdefg", 0, 4, false, Some("abcd")),
            ("abcdefg", 0, 4, true, Some("defg")),
            ("abcdefg", 1, 7, false, Some("bcdefg")),
            ("abcdefg", 1, 7, true, Some("abcdef")),
            ("abcdefg", 0, 7, false, Some("abcdefg")),
            ("abcdefg", 0, 8, false, None),
            ("abcdefg", 4, 4, false, None),
            ("abcdefg", 5, 2, false, None),
            ("abcdefg", -1, 2, false, None),
            ("", 0, 1, false, None),
            ("abc\u{e9}fg", 0, 3, false, None),
            ("\u{1F600}abcdef", 0, 4, false, None),
        ];
        for &(input, start, stop, reverse, expected) in cases {
            assert_eq!(
                substring(input, start, stop, reverse).as_deref(),
                expected,
                "substring({input:?}, {start}, {stop}, {reverse})"
            );
        }
    }

    #[test]
    fn host_label_table() {
        let long = "a".repeat(63);
        let too_long = "a".repeat(64);
        let cases: &[(&str, bool, bool)] = &[
            ("us-east-1", false, true),
            ("a", false, true),
            ("0abc", false, true),
            (&long, false, true),
            (&too_long, false, false),
            ("", false, false),
            ("-abc", false, false),
            ("ab_c", false, false),
            ("a.b", false, false),
            ("a.b", true, true),
            ("a.b.c-d", true, true),
            ("a..b", true, false),
            ("a.", true, false),
            (".a", true, false),
            ("a.-b", true, false),
            ("abc d", true, false),
        ];
        for &(value, sub, expected) in cases {
            assert_eq!(
                is_valid_host_label(value, sub),
                expected,
                "isValidHostLabel({value:?}, {sub})"
            );
        }
    }

    fn url(
        scheme: &str,
        authority: &str,
        path: &str,
        normalized: &str,
        is_ip: bool,
    ) -> Option<Url> {
        Some(Url {
            scheme: scheme.into(),
            authority: authority.into(),
            path: path.into(),
            normalized_path: normalized.into(),
            is_ip,
        })
    }

    #[test]
    fn parse_url_table() {
        let cases = [
            ("https://example.com", url("https", "example.com", "", "/", false)),
            ("http://example.com:8080", url("http", "example.com:8080", "", "/", false)),
            ("https://example.com/", url("https", "example.com", "/", "/", false)),
            ("https://example.com/a/b", url("https", "example.com", "/a/b", "/a/b/", false)),
            ("https://example.com/a/b/", url("https", "example.com", "/a/b/", "/a/b/", false)),
            ("http://127.0.0.1:4566/x", url("http", "127.0.0.1:4566", "/x", "/x/", true)),
            ("https://[::1]:443", url("https", "[::1]:443", "", "/", true)),
            ("https://[fe80::1]", url("https", "[fe80::1]", "", "/", true)),
            ("HTTPS://Example.com", url("https", "Example.com", "", "/", false)),
            ("https://user@host", url("https", "user@host", "", "/", false)),
            ("https://999.0.0.1", url("https", "999.0.0.1", "", "/", false)),
            ("https://example.com?x=1", None),
            ("https://example.com/a?x=1", None),
            ("https://example.com#frag", None),
            ("ftp://example.com", None),
            ("example.com", None),
            ("https://", None),
            ("https://:80", None),
            ("https://host:notaport", None),
            ("https://host:", None),
            ("https://[::1", None),
            ("https://[nope]", None),
            ("https://[::1]x", None),
            ("https://exa mple.com", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_url(input), expected, "parseURL({input:?})");
        }
    }

    #[test]
    fn uri_encode_table() {
        let cases = [
            ("abc", "abc"),
            ("a-b_c.d~e", "a-b_c.d~e"),
            ("a b", "a%20b"),
            ("a/b:c", "a%2Fb%3Ac"),
            ("?&=+#%", "%3F%26%3D%2B%23%25"),
            ("\u{e9}", "%C3%A9"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(uri_encode(input), expected, "uriEncode({input:?})");
        }
    }

    #[test]
    fn parse_arn_table() {
        let arn = |p: &str, s: &str, r: &str, a: &str, res: &[&str]| {
            Some(Arn {
                partition: p.into(),
                service: s.into(),
                region: r.into(),
                account_id: a.into(),
                resource_id: res.iter().map(|x| x.to_string()).collect(),
            })
        };
        let cases = [
            (
                "arn:aws:states:us-east-1:123456789012:stateMachine:hello",
                arn("aws", "states", "us-east-1", "123456789012", &["stateMachine", "hello"]),
            ),
            ("arn:aws:s3:::bucket/key/part", arn("aws", "s3", "", "", &["bucket", "key", "part"])),
            ("arn:aws-cn:iam::123:role/a:b", arn("aws-cn", "iam", "", "123", &["role", "a", "b"])),
            ("arn:aws:sns:us-west-2:1:topic", arn("aws", "sns", "us-west-2", "1", &["topic"])),
            ("arn:aws:s3:::", None),
            ("arn::s3:::bucket", None),
            ("arn:aws::::bucket", None),
            ("nra:aws:s3:::bucket", None),
            ("arn:aws:s3", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_arn(input), expected, "aws.parseArn({input:?})");
        }
    }

    #[test]
    fn virtual_hostable_bucket_table() {
        let cases = [
            ("my-bucket", false, true),
            ("abc", false, true),
            ("ab", false, false),
            ("a".repeat(63).leak() as &str, false, true),
            ("a".repeat(64).leak() as &str, false, false),
            ("My-Bucket", false, false),
            ("my_bucket", false, false),
            ("-bucket", false, false),
            ("bucket-", false, false),
            ("my.bucket", false, false),
            ("my.bucket", true, true),
            ("my..bucket", true, false),
            ("my.-bucket", true, false),
            ("192.168.1.1", true, false),
            ("192.168.1.1a", true, true),
        ];
        for (value, sub, expected) in cases {
            assert_eq!(
                is_virtual_hostable_s3_bucket(value, sub),
                expected,
                "aws.isVirtualHostableS3Bucket({value:?}, {sub})"
            );
        }
    }
}
