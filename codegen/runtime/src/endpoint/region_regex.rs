//! The small regular expressions of the partition table's `regionRegex`es
//! (`^(us|eu|ap)\-\w+\-\d+$`), matched without a regex crate.
//!
//! The syntax is the part of regex syntax those patterns use, with the meaning `regex-lite` gives
//! it (the tests compare the two): `^` and `$` (start and end of the text), literal characters,
//! `\` before ASCII punctuation for the character itself, the ASCII classes `\w` (`[0-9A-Za-z_]`),
//! `\d`, `\s` and their negations `\W`, `\D`, `\S`, `.` (any character but `\n`), groups `( | )`
//! of alternatives, and the greedy `*`, `+` and `?` after any of these. Anything else (classes in
//! brackets, counted repetitions, flags) is refused with an error naming the pattern, not guessed
//! at. A pattern matches a text if it matches anywhere in it, as `Regex::is_match`.
//!
//! Matching backtracks; the patterns and the region names are a few dozen characters long.

use std::fmt;

/// A parsed region regex.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRegex {
    alternatives: Vec<Vec<Item>>,
}

/// Why a pattern is not one [`RegionRegex`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRegexError {
    pattern: String,
    problem: String,
}

impl fmt::Display for RegionRegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.pattern, self.problem)
    }
}

impl std::error::Error for RegionRegexError {}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    atom: Atom,
    min: u32,
    /// `None`: unbounded.
    max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
enum Atom {
    Char(char),
    /// `\w` (`true`) or `\W`.
    Word(bool),
    Digit(bool),
    Space(bool),
    /// `.`.
    Any,
    Start,
    End,
    Group(Vec<Vec<Item>>),
}

impl RegionRegex {
    /// Reads `pattern`.
    pub fn new(pattern: &str) -> Result<Self, RegionRegexError> {
        let mut chars = pattern.chars().peekable();
        let fail = |problem: &str| RegionRegexError {
            pattern: pattern.to_string(),
            problem: problem.to_string(),
        };
        let alternatives = parse_alternatives(&mut chars, 0).map_err(fail)?;
        if chars.next().is_some() {
            return Err(fail("unopened group: `)` without `(`"));
        }
        Ok(RegionRegex { alternatives })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        (0..=text.len()).any(|start| {
            self.alternatives.iter().any(|alt| sequence(alt, &text, start, &mut |_| true))
        })
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Alternatives up to the end of the pattern or (inside a group) to the group's `)`.
fn parse_alternatives(chars: &mut Chars<'_>, depth: usize) -> Result<Vec<Vec<Item>>, &'static str> {
    if depth > 16 {
        return Err("groups nested too deeply");
    }
    let mut alternatives = vec![Vec::new()];
    loop {
        let atom = match chars.peek().copied() {
            None => return Ok(alternatives),
            Some(')') if depth > 0 => return Ok(alternatives),
            Some(')') => return Err("unopened group: `)` without `(`"),
            Some('|') => {
                chars.next();
                alternatives.push(Vec::new());
                continue;
            }
            Some(c) => {
                chars.next();
                match c {
                    '^' => Atom::Start,
                    '$' => Atom::End,
                    '.' => Atom::Any,
                    '(' => {
                        if chars.peek() == Some(&'?') {
                            return Err("group flags and non-capturing groups are not supported");
                        }
                        let group = parse_alternatives(chars, depth + 1)?;
                        if chars.next() != Some(')') {
                            return Err("unclosed group: `(` without `)`");
                        }
                        Atom::Group(group)
                    }
                    '\\' => match chars.next() {
                        Some('w') => Atom::Word(true),
                        Some('W') => Atom::Word(false),
                        Some('d') => Atom::Digit(true),
                        Some('D') => Atom::Digit(false),
                        Some('s') => Atom::Space(true),
                        Some('S') => Atom::Space(false),
                        Some(p) if p.is_ascii_punctuation() => Atom::Char(p),
                        Some(_) => return Err("this escape is not supported"),
                        None => return Err("a trailing `\\`"),
                    },
                    '[' | ']' | '{' | '}' => {
                        return Err("character classes and counted repetitions are not supported")
                    }
                    '*' | '+' | '?' => return Err("a repetition operator with nothing to repeat"),
                    c => Atom::Char(c),
                }
            }
        };
        let (min, max) = match chars.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            _ => (1, Some(1)),
        };
        if (min, max) != (1, Some(1)) {
            chars.next();
            if matches!(chars.peek(), Some('*' | '+' | '?' | '{')) {
                return Err("lazy, possessive and repeated repetitions are not supported");
            }
        }
        if let Some(current) = alternatives.last_mut() {
            current.push(Item { atom, min, max });
        }
    }
}

/// Matches `items` at `pos`, then whatever `then` accepts of the rest.
fn sequence(
    items: &[Item],
    text: &[char],
    pos: usize,
    then: &mut dyn FnMut(usize) -> bool,
) -> bool {
    match items.split_first() {
        None => then(pos),
        Some((first, rest)) => repeat(first, 0, text, pos, &mut |p| sequence(rest, text, p, then)),
    }
}

/// Matches `item` (already matched `count` times) greedily at `pos`.
fn repeat(
    item: &Item,
    count: u32,
    text: &[char],
    pos: usize,
    then: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if item.max.is_none_or(|max| count < max) {
        // A repetition that matches nothing is not tried again (it would never end).
        let more = atom(&item.atom, text, pos, &mut |p| {
            (p != pos || count < item.min) && repeat(item, count + 1, text, p, then)
        });
        if more {
            return true;
        }
    }
    count >= item.min && then(pos)
}

fn atom(atom: &Atom, text: &[char], pos: usize, then: &mut dyn FnMut(usize) -> bool) -> bool {
    let next = text.get(pos).copied();
    let one = |test: &dyn Fn(char) -> bool| next.is_some_and(test);
    let matched = match atom {
        Atom::Start => return pos == 0 && then(pos),
        Atom::End => return pos == text.len() && then(pos),
        Atom::Group(alternatives) => {
            return alternatives.iter().any(|alt| sequence(alt, text, pos, then))
        }
        Atom::Char(c) => one(&|n| n == *c),
        Atom::Word(yes) => one(&|n| (n.is_ascii_alphanumeric() || n == '_') == *yes),
        Atom::Digit(yes) => one(&|n| n.is_ascii_digit() == *yes),
        Atom::Space(yes) => {
            one(&|n| matches!(n, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') == *yes)
        }
        Atom::Any => one(&|n| n != '\n'),
    };
    matched && then(pos + 1)
}

#[cfg(test)]
mod tests {
    use super::RegionRegex;

    fn matches(pattern: &str, text: &str) -> bool {
        RegionRegex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn the_partition_patterns() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        assert!(matches(aws, "us-east-1"));
        assert!(matches(aws, "mx-central-12"));
        assert!(!matches(aws, "us-gov-west-1"));
        assert!(!matches(aws, "cn-north-1"));
        assert!(!matches(aws, "us-east-"));
        assert!(!matches(aws, "us-east-1x"));
        assert!(!matches(aws, "xus-east-1"));
        assert!(matches(r"^eusc\-(de)\-\w+\-\d+$", "eusc-de-east-1"));
        assert!(!matches(r"^eusc\-(de)\-\w+\-\d+$", "eusc-fr-east-1"));
    }

    #[test]
    fn other_syntax() {
        assert!(matches("b+", "abbbc"));
        assert!(!matches("^b+$", "abbbc"));
        assert!(matches("^a(b|bc)d$", "abcd"));
        assert!(matches("^a(b|bc)?d$", "ad"));
        assert!(matches("^(a*)*$", "aaaa"));
        assert!(!matches("^(a*)*$", "aaab"));
        assert!(matches("^.\\.x$", "é.x"));
        assert!(matches("^\\W\\D\\S$", "-a-"));
        assert!(matches("", "anything"));
        assert!(matches("^$", ""));
        assert!(matches("^(|a)$", ""));
    }

    #[test]
    fn unsupported_syntax_is_an_error_naming_the_pattern() {
        for p in [r"^(unclosed", r"a)", "[a-z]+", "a{2}", "(?i)a", "*a", "a+?", r"\p{L}", "\\"] {
            let e = RegionRegex::new(p).unwrap_err();
            assert!(e.to_string().starts_with(&format!("`{p}`: ")), "{e}");
        }
    }
}
