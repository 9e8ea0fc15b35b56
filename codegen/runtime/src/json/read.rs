//! The one-pass JSON reader: a pull parser over the whole body (`&[u8]`) that builds no tree.
//!
//! Generated `FromJson` impls drive it directly: a structure opens an [`ObjectReader`], matches
//! each member name (borrowed from the input: no allocation unless the name has escapes) and
//! reads the member's value straight into its field; unknown members are skipped by a routine
//! that validates them without building anything. Strings without escapes are copied once, from
//! the input into their `String`; numbers and timestamps are read from their text.
//!
//! Every error is a [`DeserializeError`] that names where the problem is and what was expected,
//! never the offending value: response bodies may hold `@sensitive` members.

use std::borrow::Cow;

use super::{DeserializeError, ErrorKind, FromJson, Timestamps};
use crate::types::{DateTime, Document, Number, TimestampFormat};

/// How deeply arrays and objects may nest; one level more fails with [`ErrorKind::TooDeep`].
/// The limit the decoder had when it went through serde_json (whose default recursion limit
/// of 128 lets 127 levels through).
pub const MAX_DEPTH: usize = 127;

/// Reads one JSON value (and what it holds) from the bytes of a body, front to back.
pub struct JsonReader<'a> {
    input: &'a [u8],
    /// The longest prefix of `input` that is valid UTF-8 (checked once, up front): the text of
    /// every string that ends within it is borrowed from it without another check.
    text: &'a str,
    pos: usize,
    depth: usize,
    /// Where strings with escapes are unescaped (kept from one string to the next), before
    /// they are copied into a `String` of their exact length.
    scratch: Vec<u8>,
}

/// Shows where the reader is, never the body (it may hold sensitive members).
impl std::fmt::Debug for JsonReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonReader")
            .field("len", &self.input.len())
            .field("pos", &self.pos)
            .field("depth", &self.depth)
            .finish()
    }
}

/// The kind of the next JSON value, as [`JsonReader::peek_kind`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl ValueKind {
    fn described(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool => "a boolean",
            ValueKind::Number => "a number",
            ValueKind::String => "a string",
            ValueKind::Array => "an array",
            ValueKind::Object => "an object",
        }
    }
}

impl<'a> JsonReader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        let text = match std::str::from_utf8(input) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&input[..e.valid_up_to()]).unwrap_or_default(),
        };
        JsonReader { input, text, pos: 0, depth: 0, scratch: Vec::new() }
    }

    /// The text of `input[start..end]`, a run of a string between ASCII delimiters; an error
    /// when it is not valid UTF-8.
    #[inline]
    fn text(&mut self, start: usize, end: usize) -> Result<&'a str, DeserializeError> {
        let text = self.text;
        match text.get(start..end) {
            Some(s) => Ok(s),
            None => {
                self.pos = text.len().max(start);
                Err(self.syntax("invalid UTF-8 in a string"))
            }
        }
    }

    /// Checks that nothing but whitespace follows the value read.
    pub fn finish(&mut self) -> Result<(), DeserializeError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.syntax("trailing characters after the JSON value")),
        }
    }

    fn syntax(&self, what: &str) -> DeserializeError {
        DeserializeError::with_kind(
            ErrorKind::Syntax,
            format!("invalid JSON at byte {}: {what}", self.pos),
        )
    }

    fn eof(&self) -> DeserializeError {
        DeserializeError::with_kind(ErrorKind::Syntax, "invalid JSON: unexpected end of input")
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.input.get(self.pos).copied()
    }

    #[inline]
    fn peek_value(&mut self) -> Result<u8, DeserializeError> {
        self.peek().ok_or_else(|| self.eof())
    }

    /// The kind of the next value (a syntax error when no value starts here).
    pub fn peek_kind(&mut self) -> Result<ValueKind, DeserializeError> {
        Ok(match self.peek_value()? {
            b'n' => ValueKind::Null,
            b't' | b'f' => ValueKind::Bool,
            b'-' | b'0'..=b'9' => ValueKind::Number,
            b'"' => ValueKind::String,
            b'[' => ValueKind::Array,
            b'{' => ValueKind::Object,
            _ => return Err(self.syntax("expected a value")),
        })
    }

    /// "expected `what`, found `<kind of the next value>`" (or the syntax error at this place).
    pub fn expected(&mut self, what: &str) -> DeserializeError {
        match self.peek_kind() {
            Ok(kind) => DeserializeError::with_kind(
                ErrorKind::UnexpectedType,
                format!("expected {what}, found {}", kind.described()),
            ),
            Err(e) => e,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), DeserializeError> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else if word.starts_with(&self.input[self.pos..]) {
            Err(self.eof())
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    /// Reads a `null` if one is next (and says so); anything else is left unread.
    #[inline]
    pub fn null(&mut self) -> Result<bool, DeserializeError> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads `true` or `false`.
    pub fn bool_value(&mut self) -> Result<bool, DeserializeError> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(self.expected("a boolean")),
        }
    }

    #[inline]
    fn enter(&mut self) -> Result<(), DeserializeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(DeserializeError::with_kind(
                ErrorKind::TooDeep,
                format!("invalid JSON at byte {}: arrays and objects nest deeper than {MAX_DEPTH} levels", self.pos),
            ));
        }
        self.pos += 1;
        Ok(())
    }

    /// Opens an object (`{`); then [`Self::object_step`] for each member.
    fn begin_object(&mut self, what: &str) -> Result<(), DeserializeError> {
        if self.peek() != Some(b'{') {
            return Err(self.expected(what));
        }
        self.enter()
    }

    /// Moves to the next member of the open object: `true` with the reader at the member's name,
    /// `false` at the closing `}` (which is consumed).
    #[inline]
    fn object_step(&mut self, first: &mut bool) -> Result<bool, DeserializeError> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(false);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                self.skip_ws();
            }
            None => return Err(self.eof()),
            Some(_) if !*first => return Err(self.syntax("expected `,` or `}`")),
            Some(_) => {}
        }
        *first = false;
        match self.input.get(self.pos) {
            Some(b'"') => Ok(true),
            None => Err(self.eof()),
            Some(_) => Err(self.syntax("expected a member name")),
        }
    }

    #[inline]
    fn colon(&mut self) -> Result<(), DeserializeError> {
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.eof()),
            Some(_) => Err(self.syntax("expected `:`")),
        }
    }

    /// The next member name when the body is compact there (as the service writes it):
    /// `"name":` (first member) or `,"name":` right at the current position, the name without
    /// escapes. `None` (nothing consumed) in every other case, which [`Self::next_key`] reads.
    #[inline]
    fn compact_key(&mut self, first: &mut bool) -> Option<&'a str> {
        let input = self.input;
        let mut i = self.pos;
        if !*first {
            if input.get(i) != Some(&b',') {
                return None;
            }
            i += 1;
        }
        if input.get(i) != Some(&b'"') {
            return None;
        }
        let start = i + 1;
        let end = skip_plain(input, start);
        if input.get(end) != Some(&b'"') || input.get(end + 1) != Some(&b':') {
            return None;
        }
        let key = self.text.get(start..end)?;
        self.pos = end + 2;
        *first = false;
        Some(key)
    }

    /// The next member name of the open object (its `:` consumed), or `None` at its end.
    #[inline]
    fn next_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>, DeserializeError> {
        if !self.object_step(first)? {
            return Ok(None);
        }
        let key = self.string_at_quote()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Opens an array (`[`); then [`Self::array_step`] before each item.
    fn begin_array(&mut self, what: &str) -> Result<(), DeserializeError> {
        if self.peek() != Some(b'[') {
            return Err(self.expected(what));
        }
        self.enter()
    }

    /// `true` when another item of the open array follows, `false` at its `]` (consumed).
    #[inline]
    fn array_step(&mut self, first: &mut bool) -> Result<bool, DeserializeError> {
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(false);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                if self.peek() == Some(b']') {
                    return Err(self.syntax("expected a value after `,`"));
                }
            }
            None => return Err(self.eof()),
            Some(_) if !*first => return Err(self.syntax("expected `,` or `]`")),
            Some(_) => {}
        }
        *first = false;
        Ok(true)
    }

    /// Opens an object for a generated structure decoder (`shape` names it in errors).
    pub fn object(
        &mut self,
        shape: &'static str,
    ) -> Result<ObjectReader<'_, 'a>, DeserializeError> {
        let root = self.depth == 0;
        // The common case, a `{` right here (the service writes no whitespace) within the
        // depth limit, in a few instructions; everything else (and every error) the general way.
        if self.input.get(self.pos) == Some(&b'{') && self.depth < MAX_DEPTH {
            self.depth += 1;
            self.pos += 1;
            return Ok(ObjectReader { r: self, shape, root, first: true });
        }
        self.object_general(shape, root)
    }

    /// [`Self::object`] after whitespace, at the depth limit, and for errors.
    #[inline(never)]
    fn object_general(
        &mut self,
        shape: &'static str,
        root: bool,
    ) -> Result<ObjectReader<'_, 'a>, DeserializeError> {
        match self.begin_object("an object") {
            Ok(()) => Ok(ObjectReader { r: self, shape, root, first: true }),
            Err(e) => Err(if root { e.within(shape) } else { e }),
        }
    }

    /// Opens an object for a generated union decoder: exactly one member may be set.
    pub fn union<T>(
        &mut self,
        shape: &'static str,
    ) -> Result<UnionReader<'_, 'a, T>, DeserializeError> {
        Ok(UnionReader { o: self.object(shape)?, value: None })
    }

    /// Reads a string; borrowed from the input when it has no escapes.
    pub fn str_value(&mut self) -> Result<Cow<'a, str>, DeserializeError> {
        // A quote right here (no whitespace first) is the common case: no look for whitespace.
        if self.input.get(self.pos) != Some(&b'"') && self.peek() != Some(b'"') {
            return Err(self.expected("a string"));
        }
        self.string_at_quote()
    }

    /// Reads the string whose opening quote is at the current position.
    #[inline]
    fn string_at_quote(&mut self) -> Result<Cow<'a, str>, DeserializeError> {
        let start = self.pos + 1;
        let i = skip_plain(self.input, start);
        match self.input.get(i) {
            Some(b'"') => {
                let s = self.text(start, i)?;
                self.pos = i + 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => self.string_with_escapes(start).map(Cow::Owned),
            None => Err(self.eof()),
            Some(_) => {
                self.pos = i;
                Err(self.syntax("a control character in a string (it must be escaped)"))
            }
        }
    }

    /// A string that starts at `start` and has escapes, unescaped in the scratch buffer, then
    /// copied into a `String` of exactly its length (one allocation, never regrown).
    #[inline(never)]
    fn string_with_escapes(&mut self, start: usize) -> Result<String, DeserializeError> {
        let mut buf = std::mem::take(&mut self.scratch);
        let read = self.unescape(&mut buf, start);
        let string = read.and_then(|len| match std::str::from_utf8(&buf[..len]) {
            Ok(s) => Ok(String::from(s)),
            // Not reached: the string's bytes are in the checked prefix of the input and every
            // escape writes a whole character.
            Err(_) => Err(self.syntax("invalid UTF-8 in a string")),
        });
        self.scratch = buf;
        string
    }

    /// Unescapes the string that starts at `start` into `buf`, up to its closing quote
    /// (consumed), and returns the length written. `buf` is a zero-filled working area, grown
    /// as needed and kept from one string to the next.
    ///
    /// [`unescape_run`] does the work of the common case (plain text and two-byte escapes);
    /// this loop gives it room and reads what stops it: the closing quote, a `\u` escape, the
    /// last bytes of the input, and errors. The plain text before the first escape is copied
    /// by the same loop (a second look at it costs less than a call to `memcpy`: it is short in
    /// the service's strings of JSON documents, `{\"`).
    #[inline]
    fn unescape(&mut self, buf: &mut Vec<u8>, start: usize) -> Result<usize, DeserializeError> {
        let input = self.input;
        let mut i = start;
        let mut out = 0;
        loop {
            if buf.len() < out + 8 {
                grow(buf, out + 8);
            }
            (i, out) = unescape_run(input, i, buf, out);
            if buf.len() < out + 8 {
                // Stopped for room.
                continue;
            }
            // What stopped it; `buf` has room for eight more bytes.
            match input.get(i) {
                Some(b'"') => {
                    self.utf8_before(start, i + 1)?;
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let escaped = input.get(i + 1).map_or(0, |&e| ESCAPED[usize::from(e)]);
                    if escaped != 0 {
                        // Within the last eight bytes of the input.
                        buf[out] = escaped;
                        out += 1;
                        i += 2;
                        continue;
                    }
                    self.utf8_before(start, i)?;
                    self.pos = i;
                    match input.get(i + 1) {
                        Some(b'u') => {
                            i += 2;
                            let c = self.unicode_escape(&mut i)?;
                            out += c.encode_utf8(&mut buf[out..out + 4]).len();
                        }
                        Some(_) => return Err(self.syntax("an invalid escape in a string")),
                        None => return Err(self.eof()),
                    }
                }
                None => {
                    self.utf8_before(start, i)?;
                    return Err(self.eof());
                }
                Some(&b) if b < 0x20 => {
                    self.utf8_before(start, i)?;
                    self.pos = i;
                    return Err(self.syntax("a control character in a string (it must be escaped)"));
                }
                Some(&b) => {
                    // Plain text within the last eight bytes of the input: a byte at a time.
                    buf[out] = b;
                    out += 1;
                    i += 1;
                }
            }
        }
    }

    /// An error when the bytes of a string from `start` up to `end` are not all in the checked
    /// (valid UTF-8) prefix of the input, as [`Self::text`] gives it.
    #[inline]
    fn utf8_before(&mut self, start: usize, end: usize) -> Result<(), DeserializeError> {
        if end <= self.text.len() {
            Ok(())
        } else {
            self.pos = self.text.len().max(start);
            Err(self.syntax("invalid UTF-8 in a string"))
        }
    }

    /// The character of a `\uXXXX` escape (a surrogate pair is two escapes); `i` is just after
    /// the `u`.
    fn unicode_escape(&mut self, i: &mut usize) -> Result<char, DeserializeError> {
        let hi = self.hex4(i)?;
        let code = match hi {
            0xD800..=0xDBFF => {
                if self.input.get(*i) != Some(&b'\\') || self.input.get(*i + 1) != Some(&b'u') {
                    return Err(self.syntax("a lone surrogate in a \\u escape"));
                }
                *i += 2;
                let lo = self.hex4(i)?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(self.syntax("a lone surrogate in a \\u escape"));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.syntax("a lone surrogate in a \\u escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.syntax("an invalid \\u escape"))
    }

    fn hex4(&mut self, i: &mut usize) -> Result<u32, DeserializeError> {
        let digits = self.input.get(*i..*i + 4).ok_or_else(|| self.eof())?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char).to_digit(16).ok_or_else(|| self.syntax("an invalid \\u escape"))?;
            v = v * 16 + n;
        }
        *i += 4;
        Ok(v)
    }

    /// Reads a number and returns its text, checked against the JSON grammar
    /// (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`).
    pub fn number_text(&mut self) -> Result<&'a str, DeserializeError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.expected("a number"));
        }
        let input = self.input;
        let start = self.pos;
        let end = number_end(input, start).map_err(|at| {
            self.pos = at;
            if at >= input.len() {
                self.eof()
            } else {
                self.syntax("an invalid number")
            }
        })?;
        self.pos = end;
        // The grammar is ASCII only: the text is in the checked prefix unless invalid UTF-8
        // came before it.
        match self.text.get(start..end) {
            Some(text) => Ok(text),
            None => std::str::from_utf8(&input[start..end])
                .map_err(|_| self.syntax("an invalid number")),
        }
    }

    /// Reads an integer exactly (to `i64`). Integral numbers written with a fraction or an
    /// exponent (`3.0`, `1e3`) are accepted when exact.
    pub fn i64_value(&mut self) -> Result<i64, DeserializeError> {
        // The common case, a short integer right at the current position (the service writes
        // no whitespace), in one pass and a function with little to save and restore.
        if let Some((n, len)) = small_integer_prefix(&self.input[self.pos.min(self.input.len())..])
        {
            self.pos += len;
            return Ok(n);
        }
        self.i64_value_general()
    }

    /// [`Self::i64_value`] for every other case: whitespace first, long integers, fractions and
    /// exponents, and errors.
    #[inline(never)]
    fn i64_value_general(&mut self) -> Result<i64, DeserializeError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.expected("an integer"));
        }
        if let Some((n, len)) = small_integer_prefix(&self.input[self.pos..]) {
            self.pos += len;
            return Ok(n);
        }
        let text = self.number_text()?;
        if let Some(n) = small_integer(text.as_bytes()) {
            return Ok(n);
        }
        if !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
            return text.parse::<i64>().map_err(|_| out_of_range("i64"));
        }
        let f: f64 = text.parse().map_err(|_| self.syntax("an invalid number"))?;
        if f.fract() == 0.0 && f.abs() < 9.007e15 {
            Ok(f as i64)
        } else if f.fract() == 0.0 {
            Err(out_of_range("i64"))
        } else {
            Err(DeserializeError::with_kind(
                ErrorKind::UnexpectedType,
                "expected an integer, found a number with a fraction",
            ))
        }
    }

    /// Reads a float: a number (correctly rounded), or the strings `NaN`, `Infinity` and
    /// `-Infinity`.
    pub fn f64_value(&mut self) -> Result<f64, DeserializeError> {
        match self.peek() {
            Some(b'"') => match &*self.string_at_quote()? {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(DeserializeError::with_kind(
                    ErrorKind::UnexpectedType,
                    "expected a number, found a string other than NaN, Infinity and -Infinity",
                )),
            },
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number_text()?;
                let f: f64 = text.parse().map_err(|_| self.syntax("an invalid number"))?;
                if f.is_finite() {
                    Ok(f)
                } else {
                    Err(out_of_range("f64"))
                }
            }
            _ => Err(self.expected("a number")),
        }
    }

    /// Reads a timestamp: epoch seconds as a number (any format; `1.700000000123E9` is read
    /// exactly to the nanosecond, without allocating) or a string in `format`.
    pub fn timestamp_value(
        &mut self,
        format: TimestampFormat,
    ) -> Result<DateTime, DeserializeError> {
        // The common case, epoch seconds right at the current position (`1.700000000123E9`,
        // no whitespace, no leading zero), in one pass and a function with little to save.
        let rest = &self.input[self.pos.min(self.input.len())..];
        if matches!(rest.first(), Some(b'1'..=b'9')) {
            if let Some((t, len)) = epoch_seconds_prefix(rest) {
                self.pos += len;
                return Ok(t);
            }
        }
        self.timestamp_value_general(format)
    }

    /// [`Self::timestamp_value`] for every other case: whitespace first, other forms of
    /// numbers, strings, and errors.
    #[inline(never)]
    fn timestamp_value_general(
        &mut self,
        format: TimestampFormat,
    ) -> Result<DateTime, DeserializeError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                // One pass over the digits in the common case; a leading zero (not JSON) and
                // every other form go the general way, which checks the grammar.
                let rest = &self.input[self.pos..];
                let leading_zero = rest.strip_prefix(b"-").unwrap_or(rest).starts_with(b"0");
                if !leading_zero {
                    if let Some((t, len)) = epoch_seconds_prefix(rest) {
                        self.pos += len;
                        return Ok(t);
                    }
                }
                let text = self.number_text()?;
                epoch_seconds(text.as_bytes()).ok_or_else(|| out_of_range("a timestamp"))
            }
            Some(b'"') => {
                let text = self.string_at_quote()?;
                let parsed = match format {
                    TimestampFormat::EpochSeconds => epoch_seconds(text.as_bytes()),
                    f => DateTime::parse(&text, f).ok(),
                };
                parsed.ok_or_else(|| {
                    let name = match format {
                        TimestampFormat::EpochSeconds => "epoch-seconds",
                        TimestampFormat::DateTime => "date-time (RFC 3339)",
                        TimestampFormat::HttpDate => "http-date (IMF-fixdate)",
                    };
                    DeserializeError::with_kind(
                        ErrorKind::InvalidValue,
                        format!("expected a {name} timestamp"),
                    )
                })
            }
            _ => Err(self.expected("a timestamp")),
        }
    }

    /// Skips one value, checking that it is valid JSON, without building anything.
    pub fn skip(&mut self) -> Result<(), DeserializeError> {
        match self.peek_value()? {
            b'{' => {
                self.enter()?;
                let mut first = true;
                while self.object_step(&mut first)? {
                    self.skip_string()?;
                    self.colon()?;
                    self.skip()?;
                }
                Ok(())
            }
            b'[' => {
                self.enter()?;
                let mut first = true;
                while self.array_step(&mut first)? {
                    self.skip()?;
                }
                Ok(())
            }
            b'"' => self.skip_string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number_text().map(drop),
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// Skips a string, checking its escapes and UTF-8, without copying it.
    fn skip_string(&mut self) -> Result<(), DeserializeError> {
        let input = self.input;
        let start = self.pos + 1;
        let mut i = start;
        loop {
            i = skip_plain(input, i);
            match input.get(i) {
                None => return Err(self.eof()),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.pos = i;
                    let esc = *input.get(i + 1).ok_or_else(|| self.eof())?;
                    i += 2;
                    match esc {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            self.unicode_escape(&mut i)?;
                        }
                        _ => return Err(self.syntax("an invalid escape in a string")),
                    }
                }
                Some(&b) if b < 0x20 => {
                    self.pos = i;
                    return Err(self.syntax("a control character in a string (it must be escaped)"));
                }
                Some(_) => i += 1,
            }
        }
        // The string is valid UTF-8 when it ends within the valid prefix of the input.
        self.text(start, i)?;
        self.pos = i + 1;
        Ok(())
    }

    /// Reads any value into a [`Document`].
    pub fn document(&mut self) -> Result<Document, DeserializeError> {
        match self.peek_value()? {
            b'n' => self.literal(b"null").map(|()| Document::Null),
            b't' | b'f' => self.bool_value().map(Document::Bool),
            b'"' => Ok(Document::String(self.string_at_quote()?.into_owned())),
            b'-' | b'0'..=b'9' => {
                let text = self.number_text()?;
                document_number(text).map(Document::Number)
            }
            b'[' => {
                self.enter()?;
                let mut items = Vec::new();
                let mut first = true;
                while self.array_step(&mut first)? {
                    items.push(self.document().map_err(|e| e.within_index(items.len()))?);
                }
                Ok(Document::Array(items))
            }
            b'{' => {
                self.enter()?;
                let mut members = std::collections::HashMap::new();
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    let value = self.document().map_err(|e| e.within(&key))?;
                    members.insert(key.into_owned(), value);
                }
                Ok(Document::Object(members))
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// Reads an array item by item; a `null` item becomes `on_null()`, dropped when that is
    /// `None` (dense lists). Errors name the index.
    pub(crate) fn array_of<T>(
        &mut self,
        on_null: fn() -> Option<T>,
        mut item: impl FnMut(&mut Self) -> Result<T, DeserializeError>,
    ) -> Result<Vec<T>, DeserializeError> {
        self.begin_array("an array")?;
        let mut out = Vec::new();
        let mut first = true;
        let mut index = 0;
        while self.array_step(&mut first)? {
            if self.null()? {
                out.extend(on_null());
            } else {
                out.push(item(self).map_err(|e| e.within_index(index))?);
            }
            index += 1;
        }
        Ok(out)
    }

    /// Reads a list item by item, each with [`FromJson::read_json_into`] (structures are built
    /// in place); `null` items as in [`Self::array_of`]. Errors name the index.
    ///
    /// After the first item, the list is given room for as many items as the rest of the body
    /// would hold if they were as long as the first, and a thirty-second more (a page of a
    /// thousand kilobyte-sized `HistoryEvent`s, or of `ExecutionListItem`s a few bytes apart,
    /// is then never moved by the list's growth); when
    /// the list is full again (the first item was longer than the rest), for as many more as
    /// the rest would hold if they were as long as the items so far on average, and an eighth
    /// more: one more move, not one per doubling. At most one item per 64 bytes of the body
    /// and 16 bytes of room per byte of it, and a list left less than half full is shrunk.
    pub(crate) fn list_of<T: FromJson>(&mut self) -> Result<Vec<T>, DeserializeError> {
        self.begin_array("an array")?;
        let list_start = self.pos;
        let mut out = Vec::new();
        let mut first = true;
        let mut index = 0;
        while self.array_step(&mut first)? {
            let sized = std::mem::size_of::<T>() > 0;
            if sized && index == 1 {
                // The first item's stride (with its comma) against the rest of the body, and
                // a thirty-second more: items of one page differ by a few bytes (a member
                // left out, a shorter enum value), and a first item a little longer than the
                // average would otherwise leave the list a few items short, then moved whole
                // (a realloc copies it) for them.
                let rest = self.input.len() - self.pos;
                let estimate = rest / (self.pos - list_start).max(64) + 1;
                let estimate = estimate + estimate / 32 + 1;
                out.reserve(estimate.min(rest * 16 / std::mem::size_of::<T>()));
            } else if sized && index > 1 && out.len() == out.capacity() {
                let rest = self.input.len() - self.pos;
                let estimate = rest / ((self.pos - list_start) / index).max(64);
                let estimate = estimate + estimate / 8 + 1;
                out.reserve(estimate.min(rest * 16 / std::mem::size_of::<T>()));
            }
            if self.null()? {
                out.extend(T::from_null());
            } else {
                T::read_json_into(self, &mut out).map_err(|e| e.within_index(index))?;
            }
            index += 1;
        }
        if out.capacity() / 2 > out.len() {
            out.shrink_to_fit();
        }
        Ok(out)
    }

    /// Reads an object as a map entry by entry; `null` values as in [`Self::array_of`]. Errors
    /// name the key.
    pub(crate) fn map_of<T>(
        &mut self,
        on_null: fn() -> Option<T>,
        mut item: impl FnMut(&mut Self) -> Result<T, DeserializeError>,
    ) -> Result<std::collections::HashMap<String, T>, DeserializeError> {
        self.begin_object("an object")?;
        let mut out = std::collections::HashMap::new();
        let mut first = true;
        while let Some(key) = self.next_key(&mut first)? {
            if self.null()? {
                if let Some(v) = on_null() {
                    out.insert(key.into_owned(), v);
                }
            } else {
                let v = item(self).map_err(|e| e.within(&key))?;
                out.insert(key.into_owned(), v);
            }
        }
        Ok(out)
    }
}

/// The common case of [`JsonReader::unescape`]: copies the string from `input[i..]` into
/// `area[out..]`, unescaping two-byte escapes (`\"`, `\n`...), and returns where it stopped in
/// both: at a quote, a `\u` or invalid escape, a control character, within the last eight bytes
/// of the input, or when `area` has no room for eight more bytes.
///
/// Each step copies the next eight input bytes as a whole word (the bytes after the end of a
/// run are overwritten next, so a run costs no call to `memcpy`) and stops at the first special
/// byte in it. The service's strings of JSON documents have an escape every few bytes
/// (`{\"orderId\":\"ord-1\"}`), so the work per step is what counts: a function of its own
/// over plain slices keeps everything in registers.
#[inline]
fn unescape_run(input: &[u8], mut i: usize, area: &mut [u8], mut out: usize) -> (usize, usize) {
    // The last positions from which eight bytes can be read and written.
    let (Some(input_last), Some(area_last)) =
        (input.len().checked_sub(8), area.len().checked_sub(8))
    else {
        return (i, out);
    };
    while i <= input_last && out <= area_last {
        let word: [u8; 8] = input[i..i + 8].try_into().unwrap_or([0; 8]);
        area[out..out + 8].copy_from_slice(&word);
        let word = u64::from_le_bytes(word);
        let special = special_bytes(word);
        if special == 0 {
            out += 8;
            i += 8;
            continue;
        }
        let k = special.trailing_zeros() / 8;
        out += k as usize;
        i += k as usize;
        // The special byte itself, from the word (no second look at the input).
        if (word >> (8 * k)) as u8 != b'\\' {
            break;
        }
        let escaped = input.get(i + 1).map_or(0, |&e| ESCAPED[usize::from(e)]);
        if escaped == 0 {
            break;
        }
        area[out] = escaped;
        out += 1;
        i += 2;
    }
    (i, out)
}

/// Grows the unescaping area `buf` to at least `needed` bytes (at least doubling it: strings
/// are unescaped into it one after another, and it is kept). Not inlined: it is rarely called.
#[inline(never)]
fn grow(buf: &mut Vec<u8>, needed: usize) {
    let len = needed.max(buf.len() * 2).max(256);
    buf.resize(len, 0);
}

/// The byte each two-byte escape `\\x` stands for, by `x`; 0 for `u` (read on its own) and for
/// every byte that makes no escape.
const ESCAPED: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 0x08;
    t[b'f' as usize] = 0x0c;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t
};

/// The position of the first byte from `i` on that ends a run of plain string text (a quote,
/// a backslash or a control character), or the end of the input; eight bytes at a time.
///
/// In each eight-byte word (read little-endian: the first byte is the lowest) the bit tricks
/// may flag bytes after the first special one (a borrow runs upward from it), never a plain
/// byte before it: the lowest flag is exactly the first special byte.
#[inline]
fn skip_plain(input: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = input.get(i..i + 8) {
        let special = special_bytes(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = input.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// [`skip_plain`] for a member name, with a cheaper test: it stops at the first byte that is
/// a backslash or below `#` (a quote, a control character, but also a space or `!`, which no
/// member name the service writes holds: the caller then reads the name the general way).
#[inline]
fn skip_name(input: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = input.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Bytes below 0x23, and bytes equal to a backslash; as in `special_bytes`, the lowest
        // flag is exact (a borrow only flags bytes after a flagged one).
        let below = w.wrapping_sub(ONES * 0x23);
        let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let special = (below | backslash) & !w & HIGH;
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = input.get(i) {
        if b < 0x23 || b == b'\\' {
            break;
        }
        i += 1;
    }
    i
}

/// The high bit of every byte of `w` (eight bytes, the first the lowest) that is a quote, a
/// backslash or a control character, and maybe of bytes after the first such one (see
/// [`skip_plain`]): the lowest bit set marks the first special byte exactly.
#[inline]
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    has_zero(w ^ (ONES * u64::from(b'"')))
        | has_zero(w ^ (ONES * u64::from(b'\\')))
        | (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
}

/// The integer at the start of `text` and its length, in one pass, when it is a JSON integer
/// of at most 18 digits that the next byte ends (not a digit, `.`, `e` or `E`); `None` for any
/// other text (then read the general way, which checks the grammar).
#[inline]
fn small_integer_prefix(text: &[u8]) -> Option<(i64, usize)> {
    let negative = text.first() == Some(&b'-');
    let start = usize::from(negative);
    let mut n: i64 = 0;
    let mut i = start;
    while let Some(&d) = text.get(i) {
        if !d.is_ascii_digit() {
            break;
        }
        n = n.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
        i += 1;
    }
    let digits = i - start;
    let leading_zero = digits > 1 && text[start] == b'0';
    if digits == 0 || digits > 18 || leading_zero || matches!(text.get(i), Some(b'.' | b'e' | b'E'))
    {
        return None;
    }
    Some((if negative { -n } else { n }, i))
}

/// An integer of at most 18 digits (an optional `-`, then digits only), or `None` for any other
/// text (then read the general way).
#[inline]
fn small_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some(if negative { -n } else { n })
}

fn out_of_range(what: &str) -> DeserializeError {
    DeserializeError::with_kind(
        ErrorKind::OutOfRange,
        format!("the number is out of the range of {what}"),
    )
}

/// Where the number starting at `start` ends, or the position of the first byte that breaks
/// the grammar.
fn number_end(input: &[u8], start: usize) -> Result<usize, usize> {
    let digit = |i: usize| input.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = start;
    if input.get(i) == Some(&b'-') {
        i += 1;
    }
    match input.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return Err(i),
    }
    if input.get(i) == Some(&b'.') {
        i += 1;
        if !digit(i) {
            return Err(i);
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(input.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(input.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Err(i);
        }
        while digit(i) {
            i += 1;
        }
    }
    Ok(i)
}

/// A document number as serde_json reads one: a non-negative integer that fits `u64`, a
/// negative one that fits `i64`, else a float (`-0` is the float `-0.0`).
fn document_number(text: &str) -> Result<Number, DeserializeError> {
    let integral = !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
    if integral {
        if let Some(digits) = text.strip_prefix('-') {
            if digits.bytes().any(|b| b != b'0') {
                if let Ok(n) = text.parse::<i64>() {
                    return Ok(Number::NegInt(n));
                }
            }
        } else if let Ok(n) = text.parse::<u64>() {
            return Ok(Number::PosInt(n));
        }
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Number::Float(f)),
        _ => Err(out_of_range("f64")),
    }
}

/// Reads epoch seconds written as a decimal number (`1700000000.123`, `1.700000000123E9`,
/// `-1.5`, `17E8`) exactly, truncated to the nanosecond, without allocating. `None` when the
/// text is not such a number or the time is out of range.
pub fn epoch_seconds(text: &[u8]) -> Option<DateTime> {
    match epoch_seconds_short(text) {
        Some(t) => Some(t),
        None => epoch_seconds_any(text),
    }
}

/// The common case of [`epoch_seconds`], in one pass: at most 19 significant digits (the
/// service writes `1.700000000123E9`) and whole nanoseconds that fit a `u64`. `None` for any
/// other text, valid or not: [`epoch_seconds_any`] then decides.
#[inline]
fn epoch_seconds_short(text: &[u8]) -> Option<DateTime> {
    match epoch_seconds_prefix(text) {
        Some((t, len)) if len == text.len() => Some(t),
        _ => None,
    }
}

/// [`epoch_seconds_short`] of the number at the start of `text` (which may go on after it),
/// with the number's length: what a JSON number there would be (it stops where
/// [`number_end`] stops). `None` when it has more digits than the short path takes or is not
/// a number; `Some` also for an integer part with a leading zero, which JSON does not allow
/// (callers reading JSON check that).
#[inline]
fn epoch_seconds_prefix(text: &[u8]) -> Option<(DateTime, usize)> {
    let (negative, rest) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while let Some(&d) = rest.get(i) {
        if !d.is_ascii_digit() {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        i += 1;
    }
    let int_len = i;
    if int_len == 0 {
        return None;
    }
    let mut frac_len = 0usize;
    if rest.get(i) == Some(&b'.') {
        i += 1;
        // Eight digits at a time first (the service writes twelve: `1.700000000123E9`).
        while let Some(v) = rest.get(i..i + 8).and_then(eight_digits) {
            mantissa = mantissa.wrapping_mul(100_000_000).wrapping_add(v);
            i += 8;
            frac_len += 8;
        }
        while let Some(&d) = rest.get(i) {
            if !d.is_ascii_digit() {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            i += 1;
            frac_len += 1;
        }
        if frac_len == 0 {
            return None;
        }
    }
    if int_len + frac_len > 19 {
        return None;
    }
    let mut exponent: i64 = 0;
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match rest.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_start = i;
        while let Some(&d) = rest.get(i) {
            if !d.is_ascii_digit() {
                break;
            }
            exponent = exponent * 10 + i64::from(d - b'0');
            i += 1;
            if i - exp_start > 4 {
                return None;
            }
        }
        if i == exp_start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    let len = i + usize::from(negative);
    // nanoseconds = mantissa × 10^(exponent + 9 − fraction digits), truncated.
    let scale = exponent + 9 - frac_len as i64;
    let nanos = if scale >= 0 {
        mantissa.checked_mul(*POW10.get(usize::try_from(scale).ok()?)?)?
    } else {
        POW10.get(usize::try_from(-scale).ok()?).map_or(0, |p| mantissa / p)
    };
    // Split in u64 (an i128 division is a library call).
    let (secs, subsec) = ((nanos / 1_000_000_000) as i64, (nanos % 1_000_000_000) as u32);
    let t = match (negative, subsec) {
        (false, _) => DateTime::from_secs_and_nanos(secs, subsec),
        (true, 0) => DateTime::from_secs_and_nanos(-secs, 0),
        (true, _) => DateTime::from_secs_and_nanos(-secs - 1, 1_000_000_000 - subsec),
    };
    t.map(|t| (t, len))
}

/// The value of eight decimal digits (`text` is eight bytes, the first the most significant),
/// or `None` when any of them is not a digit; a few word operations instead of eight steps.
#[inline]
fn eight_digits(text: &[u8]) -> Option<u64> {
    let w = u64::from_le_bytes(text.try_into().ok()?);
    // Every byte is 0x30..=0x39: its high nibble is 3, and adding 6 keeps it 3.
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    if w & HIGH_NIBBLES != ZEROS || w.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES != ZEROS {
        return None;
    }
    // Pairs of digits, then groups of four, then all eight (each step: the higher-order
    // group times its weight plus the lower-order one, which sits in the next byte up).
    let w = w - ZEROS;
    let w = (w.wrapping_mul(10) + (w >> 8)) & 0x00FF_00FF_00FF_00FF;
    let w = (w.wrapping_mul(100) + (w >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((w.wrapping_mul(10_000) + (w >> 32)) & 0xFFFF_FFFF)
}

/// 10^0 ..= 10^19, every power of ten a `u64` holds.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut k = 1;
    while k < 20 {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// [`epoch_seconds`] for any number of digits and any exponent.
fn epoch_seconds_any(text: &[u8]) -> Option<DateTime> {
    let (negative, rest) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if int_len == 0 {
        return None;
    }
    let mut i = int_len;
    let mut frac = &rest[0..0];
    if rest.get(i) == Some(&b'.') {
        let n = rest[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        frac = &rest[i + 1..i + 1 + n];
        i += 1 + n;
    }
    let mut exponent: i64 = 0;
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match rest.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let digits = &rest[i..];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for &d in digits {
            // Saturates far beyond any exponent that leaves a representable time.
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000);
        }
        if exp_negative {
            exponent = -exponent;
        }
        i = rest.len();
    }
    if i != rest.len() {
        return None;
    }
    let int = &rest[..int_len];
    let digit = |k: usize| if k < int.len() { int[k] - b'0' } else { frac[k - int.len()] - b'0' };
    let total_digits = int.len() + frac.len();
    // The digits that make whole nanoseconds: those before the decimal point moved by the
    // exponent, plus nine.
    let nano_digits = int.len() as i64 + exponent + 9;
    if nano_digits <= 19 {
        // At most 19 decimal digits (every time up to the year 2286): a u64 holds them.
        let mut nanos: u64 = 0;
        let mut k = 0usize;
        while (k as i64) < nano_digits && k < total_digits {
            nanos = nanos * 10 + u64::from(digit(k));
            k += 1;
        }
        if (k as i64) < nano_digits {
            nanos *= 10u64.pow((nano_digits - k as i64) as u32);
        }
        let nanos = i128::from(nanos);
        return DateTime::from_nanos(if negative { -nanos } else { nanos });
    }
    const LIMIT: u128 = 1_000_000_000_000_000_000_000_000_000_000;
    let mut nanos: u128 = 0;
    let mut k = 0usize;
    while (k as i64) < nano_digits && k < total_digits {
        nanos = nanos * 10 + u128::from(digit(k));
        if nanos > LIMIT {
            return None;
        }
        k += 1;
    }
    if nanos != 0 && (k as i64) < nano_digits {
        let pad = nano_digits - k as i64;
        if pad > 32 {
            return None;
        }
        nanos = nanos.checked_mul(10u128.pow(pad as u32)).filter(|n| *n <= LIMIT)?;
    }
    let nanos = nanos as i128;
    DateTime::from_nanos(if negative { -nanos } else { nanos })
}

/// The members of one JSON object, for a generated structure decoder: `null` members are
/// skipped, errors are given the member's name (and, at the outermost object, the shape's).
#[derive(Debug)]
pub struct ObjectReader<'r, 'a> {
    r: &'r mut JsonReader<'a>,
    shape: &'static str,
    root: bool,
    first: bool,
}

impl<'a> ObjectReader<'_, 'a> {
    /// `e`, met reading member `name`, given the member's name (and the shape's, at the
    /// outermost object). Out of line and not generic: the member readers, one per member type,
    /// then hold only a call for their errors (less code, and less to save on their way in).
    #[cold]
    #[inline(never)]
    fn member_error(&self, e: DeserializeError, name: &str) -> DeserializeError {
        self.wrap(e.within(name))
    }

    fn wrap(&self, e: DeserializeError) -> DeserializeError {
        if self.root {
            e.within(self.shape)
        } else {
            e
        }
    }

    /// The name of the next member whose value is not `null`, or `None` at the end of the
    /// object. The value must then be read ([`Self::member`]) or skipped ([`Self::skip`]).
    ///
    /// The member as the service writes it (compact, the name without escapes, a value that is
    /// not `null`) is read by the few lines here; every other form by
    /// [`Self::next_member_general`]. Not inlined: one copy keeps the generated decoders small
    /// (inlined into each, it saves about 4 % of a history event's decoding instructions).
    #[inline(never)]
    pub fn next_member(&mut self) -> Result<Option<Cow<'a, str>>, DeserializeError> {
        let r = &mut *self.r;
        let input = r.input;
        let mut i = r.pos;
        if !self.first {
            match input.get(i) {
                Some(b',') => i += 1,
                // The end of the object, right after its last value: every object ends so.
                Some(b'}') => {
                    r.pos = i + 1;
                    r.depth -= 1;
                    return Ok(None);
                }
                _ => return self.next_member_general(),
            }
        }
        if input.get(i) != Some(&b'"') {
            return self.next_member_general();
        }
        let start = i + 1;
        let end = skip_name(input, start);
        match (input.get(end), input.get(end + 1), input.get(end + 2)) {
            (Some(b'"'), Some(b':'), Some(b))
                if !matches!(b, b'n' | b' ' | b'\n' | b'\r' | b'\t') =>
            {
                // Two one-sided slicings: each is one boundary check, inlined (the two-sided
                // `get(start..end)` is a call).
                match r.text.get(..end).and_then(|t| t.get(start..)) {
                    Some(key) => {
                        r.pos = end + 2;
                        self.first = false;
                        Ok(Some(Cow::Borrowed(key)))
                    }
                    None => self.next_member_general(),
                }
            }
            _ => self.next_member_general(),
        }
    }

    /// [`Self::next_member`] for any form of member: whitespace, escapes in the name, `null`
    /// values (skipped), the end of the object, and errors.
    #[inline(never)]
    fn next_member_general(&mut self) -> Result<Option<Cow<'a, str>>, DeserializeError> {
        loop {
            if let Some(key) = self.r.compact_key(&mut self.first) {
                match self.r.input.get(self.r.pos) {
                    Some(b'n') => {}
                    Some(b) if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') => {
                        return Ok(Some(Cow::Borrowed(key)))
                    }
                    _ => match self.r.null() {
                        Ok(false) => return Ok(Some(Cow::Borrowed(key))),
                        Ok(true) => continue,
                        Err(e) => return Err(self.wrap(e.within(key))),
                    },
                }
                match self.r.literal(b"null") {
                    Ok(()) => continue,
                    Err(e) => return Err(self.wrap(e.within(key))),
                }
            }
            match self.r.next_key(&mut self.first) {
                Ok(Some(key)) => match self.r.null() {
                    Ok(true) => continue,
                    Ok(false) => return Ok(Some(key)),
                    Err(e) => return Err(self.wrap(e.within(&key))),
                },
                Ok(None) => return Ok(None),
                Err(e) => return Err(self.wrap(e)),
            }
        }
    }

    /// Reads the value of member `name`. Never inlined: one copy per member type (not per member)
    /// keeps the generated decoders small.
    #[inline(never)]
    pub fn member<T: FromJson>(&mut self, name: &str) -> Result<T, DeserializeError> {
        T::read_json(self.r).map_err(|e| self.member_error(e, name))
    }

    /// Reads the value of member `name`, which holds timestamps (one, or collections of them)
    /// in `format`.
    pub fn timestamp<T: Timestamps>(
        &mut self,
        name: &str,
        format: TimestampFormat,
    ) -> Result<T, DeserializeError> {
        T::read_timestamps(self.r, format).map_err(|e| self.member_error(e, name))
    }

    /// Reads the value of member `name` into `slot` (replacing what it held): what a generated
    /// decoder's match arm calls, so that the arm is one call and the decoder has one `?`
    /// for all its members (less code per structure than an assignment and a `?` per arm).
    /// Never inlined, as [`Self::member`].
    #[inline(never)]
    pub fn read_member<T: FromJson>(
        &mut self,
        name: &str,
        slot: &mut T,
    ) -> Result<(), DeserializeError> {
        *slot = T::read_json(self.r).map_err(|e| self.member_error(e, name))?;
        Ok(())
    }

    /// [`Self::read_member`] for a member holding timestamps in `format`.
    pub fn read_timestamp<T: Timestamps>(
        &mut self,
        name: &str,
        format: TimestampFormat,
        slot: &mut T,
    ) -> Result<(), DeserializeError> {
        *slot = T::read_timestamps(self.r, format).map_err(|e| self.member_error(e, name))?;
        Ok(())
    }

    /// Skips the value of a member the decoder does not know.
    pub fn skip(&mut self) -> Result<(), DeserializeError> {
        self.r.skip().map_err(|e| self.wrap(e))
    }

    /// Skips every member (a structure without members).
    pub fn skip_all(mut self) -> Result<(), DeserializeError> {
        while self.next_member()?.is_some() {
            self.skip()?;
        }
        Ok(())
    }
}

/// The members of one JSON object holding a union: exactly one member may be set (`null`
/// members and `__type` are ignored).
#[derive(Debug)]
pub struct UnionReader<'r, 'a, T> {
    o: ObjectReader<'r, 'a>,
    value: Option<T>,
}

impl<'a, T> UnionReader<'_, 'a, T> {
    /// The name of the next member that is set (not `null`, not `__type`), or `None` at the end.
    pub fn next_member(&mut self) -> Result<Option<Cow<'a, str>>, DeserializeError> {
        loop {
            match self.o.next_member()? {
                Some(key) if key == "__type" => self.o.skip()?,
                other => return Ok(other),
            }
        }
    }

    /// Reads the value of member `name`.
    pub fn member<V: FromJson>(&mut self, name: &str) -> Result<V, DeserializeError> {
        self.o.member(name)
    }

    /// Reads the value of member `name`, which holds timestamps in `format`.
    pub fn timestamp<V: Timestamps>(
        &mut self,
        name: &str,
        format: TimestampFormat,
    ) -> Result<V, DeserializeError> {
        self.o.timestamp(name, format)
    }

    /// Skips the value of the member (a `Unit` member, or one this decoder does not know) and
    /// gives `variant`.
    pub fn skip_as(&mut self, variant: T) -> Result<T, DeserializeError> {
        self.o.skip()?;
        Ok(variant)
    }

    /// Records the member read; a second member set is an error.
    pub fn set(&mut self, variant: T) -> Result<(), DeserializeError> {
        if self.value.is_some() {
            return Err(self.o.wrap(DeserializeError::with_kind(
                ErrorKind::InvalidValue,
                "a union needs exactly one member set, found more than one",
            )));
        }
        self.value = Some(variant);
        Ok(())
    }

    /// The union value, once every member is read; none set is an error.
    pub fn finish(self) -> Result<T, DeserializeError> {
        match self.value {
            Some(v) => Ok(v),
            None => Err(self.o.wrap(DeserializeError::with_kind(
                ErrorKind::InvalidValue,
                "a union needs one member set, found none",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Option<(i64, u32)> {
        epoch_seconds(text.as_bytes()).map(|t| (t.secs(), t.subsec_nanos()))
    }

    #[test]
    fn epoch_seconds_are_exact() {
        assert_eq!(ts("1.700000000123E9"), Some((1_700_000_000, 123_000_000)));
        assert_eq!(ts("1700000000.123"), Some((1_700_000_000, 123_000_000)));
        assert_eq!(ts("1.7E9"), Some((1_700_000_000, 0)));
        assert_eq!(ts("1.7e+9"), Some((1_700_000_000, 0)));
        assert_eq!(ts("17000000001230e-4"), Some((1_700_000_000, 123_000_000)));
        assert_eq!(ts("1.700000000123456789E9"), Some((1_700_000_000, 123_456_789)));
        // Digits below the nanosecond are truncated toward zero.
        assert_eq!(ts("1.7000000001234567899E9"), Some((1_700_000_000, 123_456_789)));
        assert_eq!(ts("0.1e1"), Some((1, 0)));
        assert_eq!(ts("1e-9"), Some((0, 1)));
        assert_eq!(ts("1e-10"), Some((0, 0)));
        assert_eq!(ts("1E-400"), Some((0, 0)));
        assert_eq!(ts("0E400"), Some((0, 0)));
        assert_eq!(ts("0"), Some((0, 0)));
        assert_eq!(ts("-1.5"), Some((-2, 500_000_000)));
        assert_eq!(ts("-1.7E9"), Some((-1_700_000_000, 0)));
        assert_eq!(ts("-0.000000001"), Some((-1, 999_999_999)));
        assert_eq!(ts("000123.5"), Some((123, 500_000_000)));
        // Beyond 19 digits of nanoseconds (after 2286): the wide path.
        assert_eq!(ts("1E10"), Some((10_000_000_000, 0)));
        assert_eq!(ts("12345678901.000000001"), Some((12_345_678_901, 1)));
        assert_eq!(ts("-1.2345678901000000001E10"), Some((-12_345_678_902, 999_999_999)));
        // 2^53 + 1 seconds would not survive an f64; it is out of the date range anyway.
        assert_eq!(ts("1E400"), None);
        assert_eq!(ts("123456789012345678901234567890"), None);
        for bad in ["", "-", "1.", ".5", "1e", "1e+", "1.5x", "+1", "1..2", "1e5.5", "NaN"] {
            assert_eq!(ts(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_short_epoch_path_agrees_with_the_general_one() {
        let mut checked = 0;
        for int in ["0", "1", "17", "1700000000", "000123", "9999999999", "18446744073"] {
            for frac in
                ["", ".0", ".5", ".123", ".000000001", ".123456789", ".1234567891", ".99999999999"]
            {
                for exp in
                    ["", "E9", "e+9", "E-3", "e0", "E-9", "E-10", "E-25", "E10", "e2", "E+0012"]
                {
                    for sign in ["", "-"] {
                        let text = format!("{sign}{int}{frac}{exp}");
                        let short = epoch_seconds_short(text.as_bytes());
                        let any = epoch_seconds_any(text.as_bytes());
                        if short.is_some() {
                            checked += 1;
                        }
                        assert!(short.is_none() || short == any, "{text}: {short:?} vs {any:?}");
                        assert_eq!(epoch_seconds(text.as_bytes()), any, "{text}");
                    }
                }
            }
        }
        assert!(checked > 500, "{checked}");
        assert_eq!(
            epoch_seconds_short(b"1.700000000123E9").map(|t| t.to_millis()),
            Some(1_700_000_000_123)
        );
    }

    #[test]
    fn timestamps_read_in_one_pass_as_in_two() {
        for text in [
            "1.700000000123E9",
            "1700000000",
            "1700000000.5",
            "-1.5",
            "1e-9",
            "17E8",
            "1.7e+9",
            "0",
            "0.5E1",
            "-0",
            "01",
            "-01.5",
            "1.",
            "1e",
            "1e+",
            "1.5E99999",
            "12345678901234567890",
            "1E10",
            "18446744073.8E9",
        ] {
            for after in ["", ",", "}", " ", "]", "x"] {
                let body = format!("{text}{after}");
                let one = {
                    let mut r = JsonReader::new(body.as_bytes());
                    r.timestamp_value(TimestampFormat::EpochSeconds)
                        .map(|t| (t, r.pos))
                        .map_err(|e| e.kind())
                };
                let two = {
                    let mut r = JsonReader::new(body.as_bytes());
                    r.number_text()
                        .map_err(|e| e.kind())
                        .and_then(|n| epoch_seconds(n.as_bytes()).ok_or(ErrorKind::OutOfRange))
                        .map(|t| (t, r.pos))
                };
                assert_eq!(one, two, "{body}");
            }
        }
    }

    #[test]
    fn plain_runs_end_exactly_at_the_first_special_byte() {
        let text = b"abcdefgh\"ijklmnopqrstu\\vwxyz\x01ABCDEFGHIJ\"";
        for start in 0..text.len() {
            let expected = (start..text.len())
                .find(|&i| matches!(text[i], b'"' | b'\\' | 0..=0x1f))
                .unwrap_or(text.len());
            assert_eq!(skip_plain(text, start), expected, "from {start}");
        }
        assert_eq!(skip_plain(b"0123456789", 0), 10);
        // A byte above 0x7f next to a special one (where borrows run) is not mistaken for one.
        assert_eq!(skip_plain("\u{e9}\u{e9}\u{e9}\u{e9}x\"".as_bytes(), 0), 9);
        assert_eq!(skip_plain(b"\x1f\xff\xff\xff\xff\xff\xff\xff\xff", 1), 9);
    }

    /// Every special byte (and an escape of every kind) at every offset of the first words of a
    /// string, in plain and in escaped strings: read as the one-byte-at-a-time definition says.
    #[test]
    fn strings_read_exactly_whatever_the_offset_of_their_special_bytes() {
        let escapes: [(&str, &str); 9] = [
            ("\\\"", "\""),
            ("\\\\", "\\"),
            ("\\/", "/"),
            ("\\b", "\u{8}"),
            ("\\f", "\u{c}"),
            ("\\n", "\n"),
            ("\\r", "\r"),
            ("\\t", "\t"),
            ("\\u00e9", "\u{e9}"),
        ];
        for before in 0..20 {
            for after in 0..20 {
                let (a, b) = ("a".repeat(before), "b".repeat(after));
                // No escape: borrowed, whatever the length.
                let body = format!("\"{a}{b}\"");
                let mut r = JsonReader::new(body.as_bytes());
                assert!(
                    matches!(r.str_value().unwrap(), Cow::Borrowed(s) if s == format!("{a}{b}"))
                );
                r.finish().unwrap();
                for (escaped, text) in escapes {
                    // One escape at offset `before`, then a second one (the runs between
                    // escapes of every length).
                    let body = format!("\"{a}{escaped}{b}{escaped}\"");
                    let mut r = JsonReader::new(body.as_bytes());
                    assert_eq!(r.str_value().unwrap(), format!("{a}{text}{b}{text}"), "{body}");
                    r.finish().unwrap();
                    let mut r = JsonReader::new(body.as_bytes());
                    r.skip().unwrap();
                    r.finish().unwrap();
                }
                // A raw control byte (each of them) is an error at its offset, escaped or not.
                for control in [0u8, 1, 0x0a, 0x1f] {
                    for prefix in ["", "\\n"] {
                        let mut body = format!("\"{prefix}{a}").into_bytes();
                        body.push(control);
                        body.extend_from_slice(format!("{b}\"").as_bytes());
                        let e = JsonReader::new(&body).str_value().unwrap_err();
                        assert!(e.to_string().contains("control character"), "{e}");
                        assert!(
                            e.to_string().contains(&format!("byte {}", 1 + prefix.len() + before)),
                            "{e}"
                        );
                        assert!(JsonReader::new(&body).skip().is_err());
                    }
                }
                // 0x20 and 0x7f are plain text.
                let body = format!("\"{a} \u{7f}{b}\\n\"");
                assert_eq!(
                    JsonReader::new(body.as_bytes()).str_value().unwrap(),
                    format!("{a} \u{7f}{b}\n")
                );
            }
        }
    }

    #[test]
    fn non_ascii_and_invalid_utf8_in_strings() {
        for before in 0..12 {
            let a = "a".repeat(before);
            // Two-, three- and four-byte characters next to escapes and quotes.
            let text = format!("{a}\u{e9}\u{20ac}\u{1F600}");
            for body in [format!("\"{text}\""), format!("\"{text}\\\"{text}\"")] {
                let expected = body[1..body.len() - 1].replace("\\\"", "\"");
                assert_eq!(JsonReader::new(body.as_bytes()).str_value().unwrap(), expected);
            }
            // Invalid UTF-8 (a lone continuation byte, a truncated sequence, 0xff) at every
            // offset, in plain and escaped strings, and in a member name.
            for bad in [&b"\x80"[..], b"\xe2\x82", b"\xff"] {
                for escaped in [false, true] {
                    let mut body = b"\"".to_vec();
                    if escaped {
                        body.extend_from_slice(b"\\n");
                    }
                    body.extend_from_slice(a.as_bytes());
                    body.extend_from_slice(bad);
                    body.extend_from_slice(b"z\"");
                    let e = JsonReader::new(&body).str_value().unwrap_err();
                    assert!(e.to_string().contains("invalid UTF-8"), "{e}");
                    assert!(JsonReader::new(&body)
                        .skip()
                        .unwrap_err()
                        .to_string()
                        .contains("invalid UTF-8"));
                    let mut member = b"{".to_vec();
                    member.extend_from_slice(&body);
                    member.extend_from_slice(b":1}");
                    let mut r = JsonReader::new(&member);
                    let mut o = r.object("T").unwrap();
                    assert_eq!(o.next_member().unwrap_err().kind(), ErrorKind::Syntax);
                }
            }
        }
    }

    #[test]
    fn strings_ending_at_the_end_of_the_buffer() {
        for len in 0..20 {
            let a = "a".repeat(len);
            for body in
                [format!("\"{a}"), format!("\"{a}\\"), format!("\"\\n{a}"), format!("\"{a}\\u00")]
            {
                let e = JsonReader::new(body.as_bytes()).str_value().unwrap_err();
                assert!(e.to_string().contains("end of input"), "{body}: {e}");
                assert!(JsonReader::new(body.as_bytes())
                    .skip()
                    .unwrap_err()
                    .to_string()
                    .contains("end of input"));
            }
            // The closing quote as the very last byte.
            let body = format!("\"{a}\\t\"");
            assert_eq!(JsonReader::new(body.as_bytes()).str_value().unwrap(), format!("{a}\t"));
        }
    }

    #[test]
    fn compact_and_spaced_members_read_alike() {
        let compact = br#"{"a":1,"b":null,"c":"x","d\u0041":2,"e":[null],"f":nul}"#;
        let spaced =
            br#"{ "a" : 1 , "b" :null, "c": "x" ,"d\u0041" :2, "e":[ null ] , "f" : nul }"#;
        for body in [&compact[..], &spaced[..]] {
            let mut r = JsonReader::new(body);
            let mut o = r.object("T").unwrap();
            let mut seen = Vec::new();
            let e = loop {
                match o.next_member() {
                    Ok(Some(key)) => {
                        seen.push(key.into_owned());
                        o.skip().unwrap();
                    }
                    Ok(None) => panic!("the last member is malformed"),
                    Err(e) => break e,
                }
            };
            assert_eq!(seen, ["a", "c", "dA", "e"], "{}", String::from_utf8_lossy(body));
            assert_eq!(e.kind(), ErrorKind::Syntax);
            assert_eq!(e.path(), "T.f");
        }
        // A member name that ends the buffer, or lacks its colon.
        for body in [&b"{\"a\""[..], b"{\"a", b"{\"a\" 1}", b"{\"a\":1,\"b\"}"] {
            let mut r = JsonReader::new(body);
            let mut o = r.object("T").unwrap();
            let res = o.next_member().and_then(|_| o.skip()).and_then(|()| o.next_member());
            assert_eq!(
                res.unwrap_err().kind(),
                ErrorKind::Syntax,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn lists_are_presized_from_their_first_item_and_never_left_oversized() {
        let items: Vec<String> = (0..1000).map(|i| format!("{i:0>70}")).collect();
        let body =
            format!("[{}]", items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(","));
        let mut r = JsonReader::new(body.as_bytes());
        let v: Vec<String> = r.list_of().unwrap();
        assert_eq!(v, items);
        // Within a few percent (the margin of a thirty-second), not the 1,024 of doubling.
        assert!((1000..=1040).contains(&v.capacity()), "{}", v.capacity());
        // A short first item and a long rest, or a list followed by other data: the room
        // given is shrunk when mostly unused.
        let body = format!("[[1], null, [2]] {}", " ".repeat(100_000));
        let mut r = JsonReader::new(body.as_bytes());
        let v: Vec<Vec<i32>> = r.list_of().unwrap();
        assert_eq!(v, [vec![1], vec![2]]);
        assert!(v.capacity() < 4, "{}", v.capacity());
        r.finish().unwrap();
    }

    #[test]
    fn a_list_whose_first_item_is_long_grows_once_to_about_its_length() {
        // The first item four times as long as the others: room for a quarter of the list
        // after it, then, once full, for the rest by the average length and an eighth.
        let long = "x".repeat(400);
        let items: Vec<String> =
            std::iter::once(long).chain((1..1000).map(|i| format!("{i:0>98}"))).collect();
        let body =
            format!("[{}]", items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(","));
        let mut r = JsonReader::new(body.as_bytes());
        let v: Vec<String> = r.list_of().unwrap();
        assert_eq!(v, items);
        assert!((1000..=1200).contains(&v.capacity()), "{}", v.capacity());
    }

    /// Long strings with many escapes (the scratch area grows, and is reused by shorter ones),
    /// as serde_json reads them; invalid UTF-8 after an escape is a syntax error.
    #[test]
    fn long_escaped_strings_read_as_serde_json_reads_them() {
        let mut texts = Vec::new();
        for n in [1usize, 7, 8, 9, 100, 1000, 5000, 3] {
            let unit = "{\"k\":\"v\u{e9}\\\n\u{1F600}\"}";
            texts.push(unit.repeat(n));
        }
        let body = serde_json::to_string(&texts).unwrap();
        let mut r = JsonReader::new(body.as_bytes());
        let v: Vec<String> = r.list_of().unwrap();
        assert_eq!(v, texts);
        for bad in [&b"\"a\\nb\xff\""[..], b"\"a\\n\xff\\n\"", b"\"\\u00e9\xc3"] {
            let mut r = JsonReader::new(bad);
            let e = r.str_value().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Syntax);
            assert!(e.to_string().contains("invalid UTF-8"), "{e}");
        }
    }

    #[test]
    fn integers_read_in_one_pass_as_in_two() {
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "42",
            "123456789012345678",
            "-123456789012345678",
            "1234567890123456789",
            "9223372036854775807",
            "9223372036854775808",
            "01",
            "-01",
            "00",
            "1.0",
            "1e3",
            "1E3",
            "-",
            "1.5",
        ] {
            for after in ["", ",", "}", " ", "]", "x", "."] {
                let body = format!("{text}{after}");
                let one = {
                    let mut r = JsonReader::new(body.as_bytes());
                    r.i64_value().map(|n| (n, r.pos)).map_err(|e| e.kind())
                };
                let two = {
                    let mut r = JsonReader::new(body.as_bytes());
                    // The grammar's check, then the value as the standard library reads it.
                    r.number_text().map_err(|e| e.kind()).and_then(|t| match t.parse::<i64>() {
                        Ok(n) => Ok((n, r.pos)),
                        Err(_) => match t.parse::<f64>() {
                            Ok(f) if f.fract() == 0.0 && f.abs() < 9.007e15 => {
                                Ok((f as i64, r.pos))
                            }
                            Ok(f) if f.fract() == 0.0 => Err(ErrorKind::OutOfRange),
                            _ => Err(ErrorKind::UnexpectedType),
                        },
                    })
                };
                assert_eq!(one, two, "{body}");
            }
        }
    }

    #[test]
    fn small_integers_take_the_short_path() {
        assert_eq!(small_integer(b"123456789012345678"), Some(123_456_789_012_345_678));
        assert_eq!(small_integer(b"-42"), Some(-42));
        assert_eq!(small_integer(b"1234567890123456789"), None);
        assert_eq!(small_integer(b"1.5"), None);
        assert_eq!(small_integer(b"-"), None);
        let mut r =
            JsonReader::new(b"[-999999999999999999, 999999999999999999, 9223372036854775807]");
        let v: Vec<i64> = FromJson::read_json(&mut r).unwrap();
        assert_eq!(v, [-999_999_999_999_999_999, 999_999_999_999_999_999, i64::MAX]);
    }

    #[test]
    fn member_names_with_any_byte_are_read_whole() {
        // Bytes the fast name scan stops at (and leaves to the general reader) or passes over,
        // at every offset of the name.
        for before in 0..12 {
            let a = "a".repeat(before);
            for (written, name) in [
                (" ", " "),
                ("!", "!"),
                ("#", "#"),
                ("\\\"", "\""),
                ("\\\\", "\\"),
                ("\u{e9}", "\u{e9}"),
            ] {
                let body = format!("{{\"{a}{written}b\":1,\"{a}{written}\":2}}");
                let mut r = JsonReader::new(body.as_bytes());
                let mut o = r.object("T").unwrap();
                assert_eq!(
                    o.next_member().unwrap().as_deref(),
                    Some(format!("{a}{name}b").as_str())
                );
                o.skip().unwrap();
                assert_eq!(
                    o.next_member().unwrap().as_deref(),
                    Some(format!("{a}{name}").as_str())
                );
                o.skip().unwrap();
                assert_eq!(o.next_member().unwrap(), None, "{body}");
                r.finish().unwrap();
            }
        }
    }

    #[test]
    fn eight_digits_read_as_a_number_or_not_at_all() {
        for n in [0u64, 1, 7, 10, 99_999_999, 12_345_678, 70_000_000, 123, 10_000_000] {
            let text = format!("{n:08}");
            assert_eq!(eight_digits(text.as_bytes()), Some(n), "{text}");
        }
        for text in ["1234567a", "/2345678", "12345:78", "1234 678", "-1234567", "1.345678"] {
            assert_eq!(eight_digits(text.as_bytes()), None, "{text}");
        }
        // Every non-digit byte in every position.
        for pos in 0..8 {
            for b in (0u8..=255).filter(|b| !b.is_ascii_digit()) {
                let mut text = *b"12345678";
                text[pos] = b;
                assert_eq!(eight_digits(&text), None);
            }
        }
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut r = JsonReader::new(br#""plain" "a\"b\u00e9\ud83d\ude00""#);
        assert!(!format!("{r:?}").contains("plain"), "Debug shows no body");
        assert!(matches!(r.str_value().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(r.str_value().unwrap(), "a\"b\u{e9}\u{1F600}");
        r.finish().unwrap();
    }

    #[test]
    fn malformed_strings_are_syntax_errors() {
        for (input, what) in [
            (&b"\"\\ud83d\""[..], "lone surrogate"),
            (b"\"\\ude00x\"", "lone surrogate"),
            (b"\"\\ud83d\\u0041\"", "lone surrogate"),
            (b"\"a\x01\"", "control character"),
            (b"\"\xff\"", "invalid UTF-8"),
            (b"\"\\x\"", "invalid escape"),
            (b"\"\\u12g4\"", "invalid \\u escape"),
            (b"\"abc", "end of input"),
        ] {
            let e = JsonReader::new(input).str_value().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Syntax);
            assert!(e.to_string().contains(what), "{e}");
            let e = JsonReader::new(input).skip().unwrap_err();
            assert!(e.to_string().contains(what), "skip: {e}");
        }
    }

    #[test]
    fn skip_validates_without_building() {
        let mut r =
            JsonReader::new(br#"{"a": [1, -2.5e3, true, false, null, {"b": "c"}], "d": {}} "#);
        r.skip().unwrap();
        r.finish().unwrap();
        for bad in [
            &b"[1,]"[..],
            b"{\"a\":1,}",
            b"[1 2]",
            b"{\"a\" 1}",
            b"{1:2}",
            b"[01]",
            b"[1.]",
            b"[-]",
            b"[tru]",
            b"{\"a\":1",
        ] {
            let mut r = JsonReader::new(bad);
            let res = r.skip().and_then(|()| r.finish());
            assert_eq!(
                res.unwrap_err().kind(),
                ErrorKind::Syntax,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn deep_nesting_is_a_typed_error() {
        let deep = vec![b'['; 100_000];
        assert_eq!(JsonReader::new(&deep).skip().unwrap_err().kind(), ErrorKind::TooDeep);
        assert_eq!(JsonReader::new(&deep).document().unwrap_err().kind(), ErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        JsonReader::new(ok.as_bytes()).document().unwrap();
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            JsonReader::new(too_deep.as_bytes()).document().unwrap_err().kind(),
            ErrorKind::TooDeep
        );
    }

    #[test]
    fn integers_are_exact_and_checked() {
        let mut r = JsonReader::new(
            b"9007199254740993 -9223372036854775808 9223372036854775808 3.0 1e3 1.5",
        );
        assert_eq!(r.i64_value().unwrap(), 9_007_199_254_740_993);
        assert_eq!(r.i64_value().unwrap(), i64::MIN);
        assert_eq!(r.i64_value().unwrap_err().kind(), ErrorKind::OutOfRange);
        assert_eq!(r.i64_value().unwrap(), 3);
        assert_eq!(r.i64_value().unwrap(), 1000);
        assert_eq!(r.i64_value().unwrap_err().kind(), ErrorKind::UnexpectedType);
        assert_eq!(document_number("18446744073709551615").unwrap(), Number::PosInt(u64::MAX));
        assert_eq!(
            document_number("18446744073709551616").unwrap(),
            Number::Float(18446744073709551616.0)
        );
        assert!(
            matches!(document_number("-0").unwrap(), Number::Float(f) if f == 0.0 && f.is_sign_negative())
        );
        assert_eq!(document_number("1e400").unwrap_err().kind(), ErrorKind::OutOfRange);
    }
}
