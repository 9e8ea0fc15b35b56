//! The runtime's region regex matcher (`endpoint::region_regex`) against `regex-lite` on the
//! real partition table (the one generated into `sfn_client::endpoint_rules` from
//! `partitions.json`): same answers for every listed region, their one-character mutations and
//! many random region-like names, and the same partition for each.

use awsjson_runtime::endpoint::region_regex::RegionRegex;
use sfn_client::endpoint_rules::PARTITIONS;

/// Region-like names: the listed ones, each with one character changed, dropped or added, and
/// random names made of region words.
fn inputs() -> Vec<String> {
    let mut rng = fastrand::Rng::with_seed(0x9e610);
    let listed: Vec<&str> =
        PARTITIONS.partitions.iter().flat_map(|p| p.regions.iter().map(|r| r.id)).collect();
    assert!(listed.len() > 30, "the partition table lists {} regions", listed.len());
    let alphabet: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ .é\n".chars().collect();
    let mut out: Vec<String> = listed.iter().map(|r| r.to_string()).collect();
    for region in &listed {
        let chars: Vec<char> = region.chars().collect();
        for i in 0..=chars.len() {
            let c = alphabet[rng.usize(..alphabet.len())];
            let mut inserted = chars.clone();
            inserted.insert(i, c);
            out.push(inserted.into_iter().collect());
            if i < chars.len() {
                let mut changed = chars.clone();
                changed[i] = c;
                out.push(changed.into_iter().collect());
                let mut dropped = chars.clone();
                dropped.remove(i);
                out.push(dropped.into_iter().collect());
            }
        }
    }
    let words = [
        "us",
        "eu",
        "ap",
        "sa",
        "ca",
        "me",
        "af",
        "il",
        "mx",
        "cn",
        "gov",
        "iso",
        "isob",
        "isoe",
        "isof",
        "eusc",
        "de",
        "east",
        "west",
        "north",
        "southeast",
        "central",
        "1",
        "2",
        "12",
        "-",
        "-",
        "-",
        "_",
        "x",
        "é",
        " ",
        "",
    ];
    for _ in 0..20_000 {
        let n = rng.usize(1..8);
        out.push((0..n).map(|_| words[rng.usize(..words.len())]).collect());
    }
    // Names of the shape the patterns look for, with a random prefix, word and number.
    let prefixes = [
        "us", "eu", "ap", "mx", "cn", "us-gov", "us-iso", "us-isob", "eu-isoe", "us-isof",
        "eusc-de", "eusc-fr", "xx",
    ];
    for _ in 0..5_000 {
        let prefix = prefixes[rng.usize(..prefixes.len())];
        let word = ["east", "west", "central", "north_2", "é", ""][rng.usize(..6)];
        let number = ["1", "12", "", "x"][rng.usize(..4)];
        out.push(format!("{prefix}-{word}-{number}"));
    }
    out
}

#[test]
fn region_regexes_match_as_regex_lite_does() {
    let inputs = inputs();
    let mut matched = 0;
    for partition in PARTITIONS.partitions {
        let pattern = partition.region_regex;
        let theirs = regex_lite::Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let ours = RegionRegex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
        for input in &inputs {
            let expected = theirs.is_match(input);
            assert_eq!(ours.is_match(input), expected, "{pattern} on {input:?}");
            matched += usize::from(expected);
        }
    }
    // Both answers occur, often.
    assert!(
        matched > 2_000 && matched < inputs.len() * PARTITIONS.partitions.len() / 2,
        "{matched}"
    );
}

#[test]
fn every_name_resolves_to_the_partition_regex_lite_picks() {
    let compiled: Vec<regex_lite::Regex> = PARTITIONS
        .partitions
        .iter()
        .map(|p| regex_lite::Regex::new(p.region_regex).unwrap())
        .collect();
    for input in inputs() {
        let expected = PARTITIONS
            .partitions
            .iter()
            .find(|p| p.regions.iter().any(|r| r.id == input))
            .or_else(|| {
                PARTITIONS
                    .partitions
                    .iter()
                    .zip(&compiled)
                    .find(|(_, re)| re.is_match(&input))
                    .map(|(p, _)| p)
            })
            .or_else(|| PARTITIONS.partitions.iter().find(|p| p.id == "aws"))
            .map(|p| p.outputs.name);
        let ours = PARTITIONS.resolve(&input).unwrap().map(|o| o.name);
        assert_eq!(ours, expected, "{input:?}");
    }
}
