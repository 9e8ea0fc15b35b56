//! `endpoint_rules`: the SFN endpoint rule set (`sfn_client::endpoint_rules::RULES`, evaluated by
//! the runtime's rules engine with the generated partition table) over arbitrary parameters, then
//! the request built for the resolved endpoint; and the engine's library functions
//! (`awsjson_runtime::endpoint::functions`) over arbitrary strings.
//!
//! Input: byte 0 picks the mode and the switches (bit 0 FIPS, bit 1 dual-stack, bit 2 region set,
//! bit 3 endpoint set, bit 4 region taken from the partition table, bits 5–6 = 3 for the
//! functions); then NUL-separated strings.
//!
//! Invariants, for the rules (the SFN rule set, read from the model and written out below as
//! [`expected`]): a custom endpoint is returned verbatim unless FIPS or dual-stack is on (an
//! error); without a region, an error; with one, the partition's DNS suffix (or its dual-stack one)
//! after `states.` / `states-fips.` and the region, or an error when the partition lacks the
//! feature. Resolving twice gives the same answer. A resolved URL whose region is a valid host
//! label parses as an `https` URL. Building the request for any resolved endpoint returns `Ok` or
//! `Err`, never panics. For the functions: the properties stated in each function's docs.

use awsjson_runtime::endpoint::functions;
use awsjson_runtime::endpoint::{EndpointParams, PartitionOutputs};
use bytes::Bytes;
use sfn_client::endpoint_rules::{PARTITIONS, RULES};

use crate::Input;

/// The target body.
pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    if (flags >> 5) & 3 == 3 {
        library_functions(&mut input);
    } else {
        rules(flags, &mut input);
    }
}

fn rules(flags: u8, input: &mut Input<'_>) {
    let mut params =
        EndpointParams::new().with_use_fips(flags & 1 != 0).with_use_dual_stack(flags & 2 != 0);
    if flags & 4 != 0 {
        let region = if flags & 16 != 0 {
            // A region of the table (so the listed-region paths are reached), perhaps with a suffix.
            let known: Vec<&str> =
                PARTITIONS.partitions.iter().flat_map(|p| p.regions.iter().map(|r| r.id)).collect();
            let pick = known[usize::from(input.byte()) % known.len()];
            format!("{pick}{}", input.string())
        } else {
            input.string()
        };
        params = params.with_region(region);
    }
    if flags & 8 != 0 {
        params = params.with_endpoint(input.string());
    }

    let resolved = RULES.resolve(&params);
    assert_eq!(resolved, RULES.resolve(&params), "resolution is not deterministic for {params:?}");
    let got = resolved.as_ref().map(|e| e.url.as_str()).map_err(|e| e.message());
    let want = expected(&params);
    assert_eq!(got, want.as_ref().map(String::as_str).map_err(|e| *e), "for {params:?}");

    let Ok(endpoint) = resolved else { return };
    let region = params.region.as_deref().unwrap_or("");
    if params.endpoint.is_none() && functions::is_valid_host_label(region, false) {
        let url = functions::parse_url(&endpoint.url)
            .unwrap_or_else(|| panic!("`{}` is not a URL", endpoint.url));
        assert_eq!(url.scheme, "https");
        assert!(
            endpoint.url.parse::<http::Uri>().is_ok(),
            "`{}` is not an http::Uri",
            endpoint.url
        );
    }
    // The request of a call to this endpoint, with and without a host prefix.
    for (operation, prefix) in [("StartExecution", None), ("StartSyncExecution", Some("sync-"))] {
        let built = awsjson_runtime::protocol::build_request(
            &sfn_client::SERVICE,
            operation,
            prefix,
            &endpoint,
            Bytes::from_static(b"{}"),
            "fuzz",
        );
        if let Err(e) = built {
            assert!(!e.to_string().is_empty());
        }
    }
}

/// What the SFN rule set answers (URL or error message), written out by hand from the model.
pub fn expected(params: &EndpointParams) -> Result<String, &'static str> {
    if let Some(endpoint) = &params.endpoint {
        return if params.use_fips {
            Err("Invalid Configuration: FIPS and custom endpoint are not supported")
        } else if params.use_dual_stack {
            Err("Invalid Configuration: Dualstack and custom endpoint are not supported")
        } else {
            Ok(endpoint.clone())
        };
    }
    let Some(region) = &params.region else {
        return Err("Invalid Configuration: Missing Region");
    };
    let p: PartitionOutputs = PARTITIONS
        .resolve(region)
        .expect("the generated partition table has valid regexes")
        .expect("the generated partition table has an aws partition");
    match (params.use_fips, params.use_dual_stack) {
        (true, true) if p.supports_fips && p.supports_dual_stack => {
            Ok(format!("https://states-fips.{region}.{}", p.dual_stack_dns_suffix))
        }
        (true, true) => {
            Err("FIPS and DualStack are enabled, but this partition does not support one or both")
        }
        (true, false) if !p.supports_fips => {
            Err("FIPS is enabled but this partition does not support FIPS")
        }
        (true, false) if region == "us-gov-west-1" => {
            Ok("https://states.us-gov-west-1.amazonaws.com".to_string())
        }
        (true, false) => Ok(format!("https://states-fips.{region}.{}", p.dns_suffix)),
        (false, true) if p.supports_dual_stack => {
            Ok(format!("https://states.{region}.{}", p.dual_stack_dns_suffix))
        }
        (false, true) => Err("DualStack is enabled but this partition does not support DualStack"),
        (false, false) => Ok(format!("https://states.{region}.{}", p.dns_suffix)),
    }
}

fn library_functions(input: &mut Input<'_>) {
    let selector = input.byte();
    let value = input.string();
    let (start, stop) = (i64::from(input.byte() as i8), i64::from(input.byte() as i8));
    let flag = selector & 0x80 != 0;

    if let Some(s) = functions::substring(&value, start, stop, flag) {
        assert!(value.is_ascii() && 0 <= start && start < stop);
        assert_eq!(s.len() as i64, stop - start);
        assert!(value.contains(&s));
    }

    if functions::is_valid_host_label(&value, flag) {
        for label in value.split('.') {
            assert!((1..=63).contains(&label.len()), "label `{label}` of `{value}`");
            assert!(label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            assert!(!label.starts_with('-'));
        }
        assert!(flag || !value.contains('.'));
    }

    if let Some(url) = functions::parse_url(&value) {
        assert!(url.scheme == "http" || url.scheme == "https");
        assert!(!url.authority.is_empty(), "`{value}`");
        assert!(url.normalized_path.starts_with('/') && url.normalized_path.ends_with('/'));
        assert!(url.path.is_empty() || url.path.starts_with('/'));
        assert!(value.ends_with(&format!("{}{}", url.authority, url.path)));
        assert!(!value.contains('?') && !value.contains('#'));
    }

    let encoded = functions::uri_encode(&value);
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
    assert_eq!(percent_decode(&encoded), value.as_bytes(), "uri_encode(`{value}`) = `{encoded}`");

    if let Some(arn) = functions::parse_arn(&value) {
        let head =
            format!("arn:{}:{}:{}:{}:", arn.partition, arn.service, arn.region, arn.account_id);
        let resource = value
            .strip_prefix(&head)
            .unwrap_or_else(|| panic!("`{value}` does not start with `{head}`"));
        assert!(!resource.is_empty() && !arn.partition.is_empty() && !arn.service.is_empty());
        assert_eq!(arn.resource_id.join(""), resource.replace([':', '/'], ""));
    }

    if functions::is_virtual_hostable_s3_bucket(&value, flag) {
        assert!((3..=63).contains(&value.len()));
        assert!(functions::is_valid_host_label(&value, flag));
        assert!(!value.bytes().any(|b| b.is_ascii_uppercase()));
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("two hex digits after %");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits after %"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}
