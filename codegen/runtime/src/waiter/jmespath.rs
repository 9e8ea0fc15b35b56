//! JMESPath (<https://jmespath.org/specification.html>): the path expressions of Smithy waiters.
//!
//! A parser ([`parse`]) and an evaluator ([`Expr::search`]) over [`Value`], a JSON value of its
//! own. This file uses nothing but `std`: the generator compiles the same file
//! (`#[path]` include) to reject a model's invalid path at generation time, so what the
//! generator accepts is exactly what the runtime parses.
//!
//! Supported: identifiers (raw and quoted), sub-expressions, index and slice expressions, list,
//! object, flatten and filter projections, pipes, `||`, `&&`, `!`, comparisons, `@`, literals
//! (`` `json` `` and `'raw'`), multi-select lists and hashes, and the functions of the
//! specification's built-in library that take no expression reference (`abs`, `avg`, `ceil`,
//! `contains`, `ends_with`, `floor`, `join`, `keys`, `length`, `max`, `merge`, `min`,
//! `not_null`, `reverse`, `sort`, `starts_with`, `sum`, `to_array`, `to_number`, `to_string`,
//! `type`, `values`). Expression references (`&expr`, `sort_by`, `max_by`, `min_by`, `map`) are
//! rejected by the parser. A function given arguments of the wrong type evaluates to `null`
//! (the specification raises an error; for a waiter either way means "no match").

use std::collections::BTreeMap;
use std::fmt;

/// A JSON value, as expressions see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// JMESPath truthiness: `false`, `null`, and empty strings, arrays and objects are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(_) => true,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON text of the value (`to_string`).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                out.push_str(&format!("{}", *n as i64));
            } else if n.is_finite() {
                out.push_str(&format!("{n}"));
            } else {
                out.push_str("null");
            }
        }
        Value::String(s) => write_json_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(x, out);
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Why an expression does not parse: what is wrong, and at which byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `@`: the current node.
    Identity,
    Field(String),
    /// `lhs.rhs`: `rhs` evaluated on the result of `lhs`.
    Sub(Box<Expr>, Box<Expr>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `lhs[*]rhs` (and slices): `rhs` on every item of the array `lhs`, nulls dropped.
    Projection(Box<Expr>, Box<Expr>),
    /// `lhs.*rhs`: `rhs` on every value of the object `lhs`, nulls dropped.
    ValueProjection(Box<Expr>, Box<Expr>),
    /// `lhs[]`: the array `lhs` with nested arrays flattened one level.
    Flatten(Box<Expr>),
    /// `lhs[?cond]rhs`: `rhs` on the items of the array `lhs` for which `cond` is truthy.
    Filter(Box<Expr>, Box<Expr>, Box<Expr>),
    Compare(Comparison, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Pipe(Box<Expr>, Box<Expr>),
    Literal(Value),
    MultiList(Vec<Expr>),
    MultiHash(Vec<(String, Expr)>),
    Function(Function, Vec<Expr>),
}

macro_rules! functions {
    ($($variant:ident $name:literal $min:literal $max:expr,)*) => {
        /// A built-in function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Function { $($variant,)* }

        impl Function {
            fn lookup(name: &str) -> Option<(Function, usize, usize)> {
                match name {
                    $($name => Some((Function::$variant, $min, $max)),)*
                    _ => None,
                }
            }
        }
    };
}

// Name, fewest and most arguments (`usize::MAX`: variadic).
functions! {
    Abs "abs" 1 1,
    Avg "avg" 1 1,
    Ceil "ceil" 1 1,
    Contains "contains" 2 2,
    EndsWith "ends_with" 2 2,
    Floor "floor" 1 1,
    Join "join" 2 2,
    Keys "keys" 1 1,
    Length "length" 1 1,
    Max "max" 1 1,
    Merge "merge" 1 usize::MAX,
    Min "min" 1 1,
    NotNull "not_null" 1 usize::MAX,
    Reverse "reverse" 1 1,
    Sort "sort" 1 1,
    StartsWith "starts_with" 2 2,
    Sum "sum" 1 1,
    ToArray "to_array" 1 1,
    ToNumber "to_number" 1 1,
    ToString "to_string" 1 1,
    Type "type" 1 1,
    Values "values" 1 1,
}

/// Parses a JMESPath expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = lex(text)?;
    let mut p = Parser { tokens, pos: 0 };
    let e = p.expr(0)?;
    match p.peek() {
        Tok::Eof => Ok(e),
        t => Err(p.error(format!("unexpected {}", t.describe()))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An identifier; `true` when it was quoted (a quoted identifier is never a function name).
    Ident(String, bool),
    Number(i64),
    Literal(Value),
    Dot,
    Star,
    Flatten,
    Filter,
    Lbracket,
    Rbracket,
    Lbrace,
    Rbrace,
    Lparen,
    Rparen,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Not,
    At,
    Ampersand,
    Cmp(Comparison),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(s, _) => format!("identifier `{s}`"),
            Tok::Number(n) => format!("number `{n}`"),
            Tok::Literal(_) => "literal".to_string(),
            Tok::Eof => "end of expression".to_string(),
            t => format!("`{}`", t.text()),
        }
    }

    fn text(&self) -> &'static str {
        match self {
            Tok::Dot => ".",
            Tok::Star => "*",
            Tok::Flatten => "[]",
            Tok::Filter => "[?",
            Tok::Lbracket => "[",
            Tok::Rbracket => "]",
            Tok::Lbrace => "{",
            Tok::Rbrace => "}",
            Tok::Lparen => "(",
            Tok::Rparen => ")",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Pipe => "|",
            Tok::Or => "||",
            Tok::And => "&&",
            Tok::Not => "!",
            Tok::At => "@",
            Tok::Ampersand => "&",
            Tok::Cmp(_) => "comparison",
            _ => "token",
        }
    }

    /// Left binding power.
    fn lbp(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::Lbrace => 50,
            Tok::Lbracket => 55,
            Tok::Lparen => 60,
            _ => 0,
        }
    }
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, message: String| ParseError { offset, message };
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let two = |next: u8| bytes.get(i + 1) == Some(&next);
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'.' => Tok::Dot,
            b'*' => Tok::Star,
            b'@' => Tok::At,
            b']' => Tok::Rbracket,
            b'{' => Tok::Lbrace,
            b'}' => Tok::Rbrace,
            b'(' => Tok::Lparen,
            b')' => Tok::Rparen,
            b',' => Tok::Comma,
            b':' => Tok::Colon,
            b'[' if two(b']') => {
                i += 1;
                Tok::Flatten
            }
            b'[' if two(b'?') => {
                i += 1;
                Tok::Filter
            }
            b'[' => Tok::Lbracket,
            b'|' if two(b'|') => {
                i += 1;
                Tok::Or
            }
            b'|' => Tok::Pipe,
            b'&' if two(b'&') => {
                i += 1;
                Tok::And
            }
            b'&' => Tok::Ampersand,
            b'!' if two(b'=') => {
                i += 1;
                Tok::Cmp(Comparison::Ne)
            }
            b'!' => Tok::Not,
            b'=' if two(b'=') => {
                i += 1;
                Tok::Cmp(Comparison::Eq)
            }
            b'<' if two(b'=') => {
                i += 1;
                Tok::Cmp(Comparison::Le)
            }
            b'<' => Tok::Cmp(Comparison::Lt),
            b'>' if two(b'=') => {
                i += 1;
                Tok::Cmp(Comparison::Ge)
            }
            b'>' => Tok::Cmp(Comparison::Gt),
            b'-' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                let n = text[i..j]
                    .parse::<i64>()
                    .map_err(|_| err(i, format!("bad number `{}`", &text[i..j])))?;
                i = j;
                out.push((start, Tok::Number(n)));
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                out.push((start, Tok::Ident(text[i..j].to_string(), false)));
                i = j;
                continue;
            }
            b'"' => {
                let end = closing(bytes, i, b'"')
                    .ok_or_else(|| err(i, "unclosed quoted identifier".into()))?;
                let s = match json_value(&text[i..=end]) {
                    Ok(Value::String(s)) => s,
                    _ => return Err(err(i, "bad quoted identifier".into())),
                };
                i = end + 1;
                out.push((start, Tok::Ident(s, true)));
                continue;
            }
            b'\'' => {
                let end =
                    closing(bytes, i, b'\'').ok_or_else(|| err(i, "unclosed raw string".into()))?;
                let s = text[i + 1..end].replace("\\'", "'");
                i = end + 1;
                out.push((start, Tok::Literal(Value::String(s))));
                continue;
            }
            b'`' => {
                let end =
                    closing(bytes, i, b'`').ok_or_else(|| err(i, "unclosed literal".into()))?;
                let json = text[i + 1..end].replace("\\`", "`");
                let v = json_value(json.trim())
                    .map_err(|m| err(i, format!("bad JSON literal: {m}")))?;
                i = end + 1;
                out.push((start, Tok::Literal(v)));
                continue;
            }
            _ => {
                return Err(err(
                    i,
                    format!("unexpected character `{}`", text[i..].chars().next().unwrap_or('?')),
                ))
            }
        };
        i += 1;
        out.push((start, tok));
    }
    out.push((text.len(), Tok::Eof));
    Ok(out)
}

/// The index of the `quote` closing the one at `open` (a backslash escapes the next byte).
fn closing(bytes: &[u8], open: usize, quote: u8) -> Option<usize> {
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b if b == quote => return Some(j),
            _ => j += 1,
        }
    }
    None
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].1
    }

    fn peek2(&self) -> &Tok {
        self.tokens.get(self.pos + 1).map_or(&Tok::Eof, |t| &t.1)
    }

    fn next(&mut self) -> Tok {
        let t = self.tokens[self.pos].1.clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn error(&self, message: String) -> ParseError {
        ParseError { offset: self.tokens[self.pos].0, message }
    }

    fn expect(&mut self, want: Tok) -> Result<(), ParseError> {
        if *self.peek() == want {
            self.next();
            Ok(())
        } else {
            Err(self.error(format!("expected `{}`, found {}", want.text(), self.peek().describe())))
        }
    }

    fn expr(&mut self, rbp: u8) -> Result<Expr, ParseError> {
        let mut left = self.nud()?;
        while rbp < self.peek().lbp() {
            left = self.led(left)?;
        }
        Ok(left)
    }

    fn nud(&mut self) -> Result<Expr, ParseError> {
        let offset = self.tokens[self.pos].0;
        match self.next() {
            Tok::At => Ok(Expr::Identity),
            Tok::Ident(name, quoted) => {
                if !quoted && *self.peek() == Tok::Lparen {
                    self.function(name, offset)
                } else {
                    Ok(Expr::Field(name))
                }
            }
            Tok::Literal(v) => Ok(Expr::Literal(v)),
            Tok::Star => {
                let rhs = self.projection_rhs(Tok::Star.lbp())?;
                Ok(Expr::ValueProjection(Box::new(Expr::Identity), Box::new(rhs)))
            }
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.lbp())?;
                Ok(Expr::Projection(
                    Box::new(Expr::Flatten(Box::new(Expr::Identity))),
                    Box::new(rhs),
                ))
            }
            Tok::Filter => self.filter(Expr::Identity),
            Tok::Lbracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index_or_slice(Expr::Identity),
                Tok::Star if *self.peek2() == Tok::Rbracket => {
                    self.next();
                    self.next();
                    let rhs = self.projection_rhs(Tok::Star.lbp())?;
                    Ok(Expr::Projection(Box::new(Expr::Identity), Box::new(rhs)))
                }
                _ => self.multi_list(),
            },
            Tok::Lbrace => self.multi_hash(),
            Tok::Not => Ok(Expr::Not(Box::new(self.expr(Tok::Not.lbp())?))),
            Tok::Lparen => {
                let e = self.expr(0)?;
                self.expect(Tok::Rparen)?;
                Ok(e)
            }
            Tok::Ampersand => Err(ParseError {
                offset,
                message: "expression references (`&`) are not supported".into(),
            }),
            t => Err(ParseError { offset, message: format!("unexpected {}", t.describe()) }),
        }
    }

    fn led(&mut self, left: Expr) -> Result<Expr, ParseError> {
        match self.next() {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.next();
                    let rhs = self.projection_rhs(Tok::Star.lbp())?;
                    return Ok(Expr::ValueProjection(Box::new(left), Box::new(rhs)));
                }
                let rhs = self.dot_rhs(Tok::Dot.lbp())?;
                Ok(Expr::Sub(Box::new(left), Box::new(rhs)))
            }
            Tok::Lbracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index_or_slice(left),
                Tok::Star if *self.peek2() == Tok::Rbracket => {
                    self.next();
                    self.next();
                    let rhs = self.projection_rhs(Tok::Star.lbp())?;
                    Ok(Expr::Projection(Box::new(left), Box::new(rhs)))
                }
                t => Err(self
                    .error(format!("expected an index, a slice or `*`, found {}", t.describe()))),
            },
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.lbp())?;
                Ok(Expr::Projection(Box::new(Expr::Flatten(Box::new(left))), Box::new(rhs)))
            }
            Tok::Filter => self.filter(left),
            Tok::Pipe => Ok(Expr::Pipe(Box::new(left), Box::new(self.expr(Tok::Pipe.lbp())?))),
            Tok::Or => Ok(Expr::Or(Box::new(left), Box::new(self.expr(Tok::Or.lbp())?))),
            Tok::And => Ok(Expr::And(Box::new(left), Box::new(self.expr(Tok::And.lbp())?))),
            Tok::Cmp(c) => Ok(Expr::Compare(c, Box::new(left), Box::new(self.expr(5)?))),
            t => Err(self.error(format!("unexpected {}", t.describe()))),
        }
    }

    /// What follows a projection: applied to each projected item.
    fn projection_rhs(&mut self, bp: u8) -> Result<Expr, ParseError> {
        match self.peek() {
            t if t.lbp() < 10 => Ok(Expr::Identity),
            Tok::Dot => {
                self.next();
                self.dot_rhs(bp)
            }
            Tok::Lbracket | Tok::Filter => self.expr(bp),
            t => Err(self.error(format!("unexpected {} after a projection", t.describe()))),
        }
    }

    /// What may follow a `.`: an identifier, a function call, a multi-select or `*`.
    fn dot_rhs(&mut self, bp: u8) -> Result<Expr, ParseError> {
        match self.peek() {
            Tok::Lbracket => {
                self.next();
                self.multi_list()
            }
            Tok::Lbrace => {
                self.next();
                self.multi_hash()
            }
            Tok::Ident(..) | Tok::Star => self.expr(bp),
            t => {
                Err(self.error(format!("expected an identifier after `.`, found {}", t.describe())))
            }
        }
    }

    /// After `[`: `n]`, or a slice `start:stop:step]`.
    fn index_or_slice(&mut self, left: Expr) -> Result<Expr, ParseError> {
        let mut parts: [Option<i64>; 3] = [None; 3];
        let mut part = 0;
        loop {
            match self.next() {
                Tok::Number(n) if parts[part].is_none() => parts[part] = Some(n),
                Tok::Colon if part < 2 => part += 1,
                Tok::Rbracket => break,
                t => {
                    return Err(
                        self.error(format!("unexpected {} in an index or slice", t.describe()))
                    )
                }
            }
        }
        if part == 0 {
            let Some(n) = parts[0] else { return Err(self.error("empty index".into())) };
            return Ok(sub(left, Expr::Index(n)));
        }
        if parts[2] == Some(0) {
            return Err(self.error("a slice step cannot be 0".into()));
        }
        let rhs = self.projection_rhs(Tok::Star.lbp())?;
        let slice = sub(left, Expr::Slice(parts[0], parts[1], parts[2]));
        Ok(Expr::Projection(Box::new(slice), Box::new(rhs)))
    }

    fn filter(&mut self, left: Expr) -> Result<Expr, ParseError> {
        let cond = self.expr(0)?;
        self.expect(Tok::Rbracket)?;
        let rhs = self.projection_rhs(Tok::Filter.lbp())?;
        Ok(Expr::Filter(Box::new(left), Box::new(cond), Box::new(rhs)))
    }

    fn multi_list(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.expr(0)?];
        while *self.peek() == Tok::Comma {
            self.next();
            items.push(self.expr(0)?);
        }
        self.expect(Tok::Rbracket)?;
        Ok(Expr::MultiList(items))
    }

    fn multi_hash(&mut self) -> Result<Expr, ParseError> {
        let mut items = Vec::new();
        loop {
            let key = match self.next() {
                Tok::Ident(k, _) => k,
                t => return Err(self.error(format!("expected a key, found {}", t.describe()))),
            };
            self.expect(Tok::Colon)?;
            items.push((key, self.expr(0)?));
            match self.next() {
                Tok::Comma => {}
                Tok::Rbrace => return Ok(Expr::MultiHash(items)),
                t => {
                    return Err(self.error(format!("expected `,` or `}}`, found {}", t.describe())))
                }
            }
        }
    }

    fn function(&mut self, name: String, offset: usize) -> Result<Expr, ParseError> {
        let Some((f, min, max)) = Function::lookup(&name) else {
            return Err(ParseError {
                offset,
                message: format!("unknown or unsupported function `{name}`"),
            });
        };
        self.expect(Tok::Lparen)?;
        let mut args = Vec::new();
        if *self.peek() != Tok::Rparen {
            args.push(self.expr(0)?);
            while *self.peek() == Tok::Comma {
                self.next();
                args.push(self.expr(0)?);
            }
        }
        self.expect(Tok::Rparen)?;
        if args.len() < min || args.len() > max {
            return Err(ParseError {
                offset,
                message: format!(
                    "`{name}` takes {} arguments, given {}",
                    arity(min, max),
                    args.len()
                ),
            });
        }
        Ok(Expr::Function(f, args))
    }
}

fn arity(min: usize, max: usize) -> String {
    if min == max {
        min.to_string()
    } else if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("{min} to {max}")
    }
}

fn sub(left: Expr, right: Expr) -> Expr {
    match left {
        Expr::Identity => right,
        left => Expr::Sub(Box::new(left), Box::new(right)),
    }
}

impl Expr {
    /// Evaluates the expression on `value`.
    pub fn search(&self, value: &Value) -> Value {
        match self {
            Expr::Identity => value.clone(),
            Expr::Field(name) => match value {
                Value::Object(o) => o.get(name).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            Expr::Sub(l, r) => r.search(&l.search(value)),
            Expr::Index(i) => match value {
                Value::Array(a) => {
                    let i = if *i < 0 { a.len() as i64 + *i } else { *i };
                    usize::try_from(i).ok().and_then(|i| a.get(i)).cloned().unwrap_or(Value::Null)
                }
                _ => Value::Null,
            },
            Expr::Slice(start, stop, step) => match value {
                Value::Array(a) => Value::Array(slice(a, *start, *stop, step.unwrap_or(1))),
                _ => Value::Null,
            },
            Expr::Projection(l, r) => match l.search(value) {
                Value::Array(a) => project(a.iter(), r),
                _ => Value::Null,
            },
            Expr::ValueProjection(l, r) => match l.search(value) {
                Value::Object(o) => project(o.values(), r),
                _ => Value::Null,
            },
            Expr::Flatten(l) => match l.search(value) {
                Value::Array(a) => {
                    let mut out = Vec::with_capacity(a.len());
                    for x in a {
                        match x {
                            Value::Array(inner) => out.extend(inner),
                            x => out.push(x),
                        }
                    }
                    Value::Array(out)
                }
                _ => Value::Null,
            },
            Expr::Filter(l, cond, r) => match l.search(value) {
                Value::Array(a) => project(a.iter().filter(|x| cond.search(x).is_truthy()), r),
                _ => Value::Null,
            },
            Expr::Compare(c, l, r) => compare(*c, &l.search(value), &r.search(value)),
            Expr::And(l, r) => {
                let l = l.search(value);
                if l.is_truthy() {
                    r.search(value)
                } else {
                    l
                }
            }
            Expr::Or(l, r) => {
                let l = l.search(value);
                if l.is_truthy() {
                    l
                } else {
                    r.search(value)
                }
            }
            Expr::Not(e) => Value::Bool(!e.search(value).is_truthy()),
            Expr::Pipe(l, r) => r.search(&l.search(value)),
            Expr::Literal(v) => v.clone(),
            Expr::MultiList(items) => match value {
                Value::Null => Value::Null,
                _ => Value::Array(items.iter().map(|e| e.search(value)).collect()),
            },
            Expr::MultiHash(items) => match value {
                Value::Null => Value::Null,
                _ => {
                    // Inserted one by one rather than collected: `BTreeMap::from_iter` sorts its
                    // input first, a stable sort compiled for this element type alone. A later
                    // duplicate key wins either way.
                    let mut o = BTreeMap::new();
                    for (k, e) in items {
                        o.insert(k.clone(), e.search(value));
                    }
                    Value::Object(o)
                }
            },
            Expr::Function(f, args) => {
                let args: Vec<Value> = args.iter().map(|e| e.search(value)).collect();
                call(*f, args)
            }
        }
    }
}

fn project<'a>(items: impl Iterator<Item = &'a Value>, rhs: &Expr) -> Value {
    Value::Array(items.map(|x| rhs.search(x)).filter(|x| *x != Value::Null).collect())
}

fn slice(a: &[Value], start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<Value> {
    let len = a.len() as i64;
    let clamp = |i: i64, lo: i64, hi: i64| {
        let i = if i < 0 { i + len } else { i };
        i.clamp(lo, hi)
    };
    let mut out = Vec::new();
    if step > 0 {
        let mut i = start.map_or(0, |s| clamp(s, 0, len));
        let stop = stop.map_or(len, |s| clamp(s, 0, len));
        while i < stop {
            out.push(a[i as usize].clone());
            i += step;
        }
    } else {
        let mut i = start.map_or(len - 1, |s| clamp(s, -1, len - 1));
        let stop = stop.map_or(-1, |s| clamp(s, -1, len - 1));
        while i > stop {
            out.push(a[i as usize].clone());
            i += step;
        }
    }
    out
}

fn compare(c: Comparison, l: &Value, r: &Value) -> Value {
    match c {
        Comparison::Eq => Value::Bool(l == r),
        Comparison::Ne => Value::Bool(l != r),
        _ => match (l, r) {
            (Value::Number(a), Value::Number(b)) => Value::Bool(match c {
                Comparison::Lt => a < b,
                Comparison::Le => a <= b,
                Comparison::Gt => a > b,
                _ => a >= b,
            }),
            _ => Value::Null,
        },
    }
}

fn numbers(a: &[Value]) -> Option<Vec<f64>> {
    a.iter().map(|x| if let Value::Number(n) = x { Some(*n) } else { None }).collect()
}

fn call(f: Function, mut args: Vec<Value>) -> Value {
    use Value::*;
    let first = std::mem::take(&mut args[0]);
    match (f, first) {
        (Function::Abs, Number(n)) => Number(n.abs()),
        (Function::Ceil, Number(n)) => Number(n.ceil()),
        (Function::Floor, Number(n)) => Number(n.floor()),
        (Function::Avg, Array(a)) if !a.is_empty() => match numbers(&a) {
            Some(n) => Number(n.iter().sum::<f64>() / n.len() as f64),
            None => Null,
        },
        (Function::Sum, Array(a)) => numbers(&a).map_or(Null, |n| Number(n.iter().sum())),
        (Function::Contains, Array(a)) => Bool(a.contains(&args[1])),
        (Function::Contains, String(s)) => match &args[1] {
            String(sub) => Bool(s.contains(sub.as_str())),
            _ => Bool(false),
        },
        (Function::StartsWith, String(s)) => match &args[1] {
            String(p) => Bool(s.starts_with(p.as_str())),
            _ => Null,
        },
        (Function::EndsWith, String(s)) => match &args[1] {
            String(p) => Bool(s.ends_with(p.as_str())),
            _ => Null,
        },
        (Function::Join, String(sep)) => match &args[1] {
            Array(a) => {
                let parts: Option<Vec<&str>> = a
                    .iter()
                    .map(|x| if let String(s) = x { Some(s.as_str()) } else { None })
                    .collect();
                parts.map_or(Null, |p| String(p.join(&sep)))
            }
            _ => Null,
        },
        (Function::Keys, Object(o)) => Array(o.into_keys().map(String).collect()),
        (Function::Values, Object(o)) => Array(o.into_values().collect()),
        (Function::Length, String(s)) => Number(s.chars().count() as f64),
        (Function::Length, Array(a)) => Number(a.len() as f64),
        (Function::Length, Object(o)) => Number(o.len() as f64),
        (Function::Max | Function::Min, Array(a)) => extreme(a, f == Function::Max),
        (Function::Merge, Object(mut o)) => {
            for x in args.into_iter().skip(1) {
                match x {
                    Object(more) => o.extend(more),
                    _ => return Null,
                }
            }
            Object(o)
        }
        (Function::NotNull, first) => std::iter::once(first)
            .chain(args.into_iter().skip(1))
            .find(|x| *x != Null)
            .unwrap_or(Null),
        (Function::Reverse, Array(mut a)) => {
            a.reverse();
            Array(a)
        }
        (Function::Reverse, String(s)) => String(s.chars().rev().collect()),
        (Function::Sort, Array(a)) => {
            if let Some(mut n) = numbers(&a) {
                n.sort_by(f64::total_cmp);
                Array(n.into_iter().map(Number).collect())
            } else {
                let s: Option<Vec<std::string::String>> =
                    a.into_iter().map(|x| if let String(s) = x { Some(s) } else { None }).collect();
                s.map_or(Null, |mut s| {
                    s.sort();
                    Array(s.into_iter().map(String).collect())
                })
            }
        }
        (Function::ToArray, Array(a)) => Array(a),
        (Function::ToArray, x) => Array(vec![x]),
        (Function::ToNumber, Number(n)) => Number(n),
        (Function::ToNumber, String(s)) => s.trim().parse::<f64>().map_or(Null, Number),
        (Function::ToString, String(s)) => String(s),
        (Function::ToString, x) => String(x.to_json()),
        (Function::Type, x) => String(x.type_name().to_string()),
        _ => Null,
    }
}

fn extreme(a: Vec<Value>, max: bool) -> Value {
    if let Some(n) = numbers(&a) {
        let pick = n.into_iter().reduce(|x, y| if (y > x) == max { y } else { x });
        return pick.map_or(Value::Null, Value::Number);
    }
    let s: Option<Vec<String>> =
        a.into_iter().map(|x| if let Value::String(s) = x { Some(s) } else { None }).collect();
    s.and_then(|s| s.into_iter().reduce(|x, y| if (y > x) == max { y } else { x }))
        .map_or(Value::Null, Value::String)
}

/// Parses JSON text (the literals of expressions).
pub fn json_value(text: &str) -> Result<Value, String> {
    let mut r = JsonText { b: text.as_bytes(), i: 0 };
    let v = r.value(0)?;
    r.ws();
    if r.i != r.b.len() {
        return Err(format!("trailing characters at {}", r.i));
    }
    Ok(v)
}

struct JsonText<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonText<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > 64 {
            return Err("nested too deeply".into());
        }
        self.ws();
        let rest = &self.b[self.i..];
        let word = |w: &str| rest.starts_with(w.as_bytes());
        match rest.first() {
            None => Err("unexpected end".into()),
            Some(b'n') if word("null") => {
                self.i += 4;
                Ok(Value::Null)
            }
            Some(b't') if word("true") => {
                self.i += 4;
                Ok(Value::Bool(true))
            }
            Some(b'f') if word("false") => {
                self.i += 5;
                Ok(Value::Bool(false))
            }
            Some(b'"') => self.string().map(Value::String),
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                if self.eat(b']') {
                    return Ok(Value::Array(a));
                }
                loop {
                    a.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Ok(Value::Array(a));
                    }
                    if !self.eat(b',') {
                        return Err(format!("expected `,` or `]` at {}", self.i));
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut o = BTreeMap::new();
                if self.eat(b'}') {
                    return Ok(Value::Object(o));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    if !self.eat(b':') {
                        return Err(format!("expected `:` at {}", self.i));
                    }
                    o.insert(k, self.value(depth + 1)?);
                    if self.eat(b'}') {
                        return Ok(Value::Object(o));
                    }
                    if !self.eat(b',') {
                        return Err(format!("expected `,` or `}}` at {}", self.i));
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while self.i < self.b.len()
                    && matches!(self.b[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("");
                t.parse::<f64>().map(Value::Number).map_err(|_| format!("bad number `{t}`"))
            }
            Some(_) => Err(format!("unexpected character at {}", self.i)),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.b.get(self.i) != Some(&b'"') {
            return Err(format!("expected a string at {}", self.i));
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.i) else { return Err("unclosed string".into()) };
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| "invalid UTF-8".to_string()),
                b'\\' => {
                    let Some(&e) = self.b.get(self.i) else { return Err("unclosed string".into()) };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or("bad \\u escape")?
                        }
                        _ => return Err("bad escape".into()),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.b.get(self.i..self.i + 4).ok_or("short \\u escape")?;
        self.i += 4;
        u32::from_str_radix(std::str::from_utf8(h).map_err(|_| "bad \\u escape")?, 16)
            .map_err(|_| "bad \\u escape".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str, json: &str) -> Value {
        parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}")).search(&json_value(json).unwrap())
    }

    fn j(json: &str) -> Value {
        json_value(json).unwrap()
    }

    #[test]
    fn fields_indexes_and_projections() {
        let doc = r#"{"a": {"b": [{"c": 1, "d": "x"}, {"c": 2}, {"d": "y"}]}, "e": [[1, 2], 3, [4]],
                      "o": {"k1": {"v": 1}, "k2": {"v": 2}}, "s": "text", "with space": true}"#;
        assert_eq!(eval("a.b[0].c", doc), j("1"));
        assert_eq!(eval("a.b[-1].d", doc), j(r#""y""#));
        assert_eq!(eval("a.b[5]", doc), Value::Null);
        assert_eq!(eval("a.b[*].c", doc), j("[1, 2]"));
        assert_eq!(eval("a.b[].d", doc), j(r#"["x", "y"]"#));
        assert_eq!(eval("e[]", doc), j("[1, 2, 3, 4]"));
        assert_eq!(eval("o.*.v", doc), j("[1, 2]"));
        assert_eq!(eval("a.b[1:].c", doc), j("[2]"));
        assert_eq!(eval("a.b[::-1].c", doc), j("[2, 1]"));
        assert_eq!(eval("\"with space\"", doc), j("true"));
        assert_eq!(eval("a.b[*].c | [0]", doc), j("1"));
        assert_eq!(eval("missing.b[*].c", doc), Value::Null);
        assert_eq!(eval("s.b", doc), Value::Null);
        assert_eq!(eval("a.b[?c > `1`].c", doc), j("[2]"));
        assert_eq!(eval("a.b[?d == 'x'] | length(@)", doc), j("1"));
        assert_eq!(eval("[s, a.b[0].c]", doc), j(r#"["text", 1]"#));
        assert_eq!(eval("{x: s, y: a.b[0].c}", doc), j(r#"{"x": "text", "y": 1}"#));
        assert_eq!(eval("@.s", doc), j(r#""text""#));
    }

    #[test]
    fn logic_and_comparisons() {
        let doc = r#"{"n": 3, "m": 3, "t": true, "f": false, "e": [], "s": "a"}"#;
        assert_eq!(eval("n == m", doc), j("true"));
        assert_eq!(eval("n != m", doc), j("false"));
        assert_eq!(eval("n < `4` && n >= `3`", doc), j("true"));
        assert_eq!(eval("s < `4`", doc), Value::Null);
        assert_eq!(eval("f || s", doc), j(r#""a""#));
        assert_eq!(eval("e && t", doc), j("[]"));
        assert_eq!(eval("!e", doc), j("true"));
        assert_eq!(eval("!(t && n == `3`)", doc), j("false"));
        assert_eq!(eval("`{\"a\": [1, 2.5]}`.a[1]", doc), j("2.5"));
    }

    #[test]
    fn functions() {
        let doc = r#"{"l": [3, 1, 2], "s": ["b", "a"], "o": {"x": 1, "y": 2}, "t": "hello"}"#;
        assert_eq!(eval("length(l)", doc), j("3"));
        assert_eq!(eval("length(t)", doc), j("5"));
        assert_eq!(eval("length(o)", doc), j("2"));
        assert_eq!(eval("length(`1`)", doc), Value::Null);
        assert_eq!(eval("contains(l, `2`)", doc), j("true"));
        assert_eq!(eval("contains(t, 'ell')", doc), j("true"));
        assert_eq!(eval("starts_with(t, 'he')", doc), j("true"));
        assert_eq!(eval("ends_with(t, 'x')", doc), j("false"));
        assert_eq!(eval("sort(l)", doc), j("[1, 2, 3]"));
        assert_eq!(eval("sort(s)", doc), j(r#"["a", "b"]"#));
        assert_eq!(eval("max(l)", doc), j("3"));
        assert_eq!(eval("min(s)", doc), j(r#""a""#));
        assert_eq!(eval("sum(l)", doc), j("6"));
        assert_eq!(eval("avg(l)", doc), j("2"));
        assert_eq!(eval("keys(o)", doc), j(r#"["x", "y"]"#));
        assert_eq!(eval("values(o)", doc), j("[1, 2]"));
        assert_eq!(eval("join('-', s)", doc), j(r#""b-a""#));
        assert_eq!(eval("not_null(missing, t)", doc), j(r#""hello""#));
        assert_eq!(eval("type(o)", doc), j(r#""object""#));
        assert_eq!(eval("to_string(l)", doc), j(r#""[3,1,2]""#));
        assert_eq!(eval("to_number('4')", doc), j("4"));
        assert_eq!(eval("reverse(t)", doc), j(r#""olleh""#));
        assert_eq!(eval("merge(o, `{\"z\": 3}`)", doc), j(r#"{"x": 1, "y": 2, "z": 3}"#));
        assert_eq!(eval("abs(`-2`)", doc), j("2"));
        assert_eq!(eval("to_array(t)", doc), j(r#"["hello"]"#));
    }

    #[test]
    fn the_ecs_services_stable_path() {
        let path = "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`";
        let stable =
            r#"{"services": [{"deployments": [{}], "runningCount": 2, "desiredCount": 2}]}"#;
        let rolling = r#"{"services": [{"deployments": [{}, {}], "runningCount": 2, "desiredCount": 2},
                                       {"deployments": [{}], "runningCount": 2, "desiredCount": 2}]}"#;
        assert_eq!(eval(path, stable), j("true"));
        assert_eq!(eval(path, rolling), j("false"));
    }

    #[test]
    fn errors_name_the_problem() {
        for (expr, want) in [
            ("a.", "expected an identifier after `.`"),
            ("a[", "expected an index"),
            ("foo(a)", "unknown or unsupported function `foo`"),
            ("sort_by(a, &b)", "unsupported function `sort_by`"),
            ("length(a, b)", "`length` takes 1 arguments, given 2"),
            ("a[?b", "expected `]`"),
            ("`{bad`", "bad JSON literal"),
            ("a b", "unexpected identifier `b`"),
            ("a[::0]", "step cannot be 0"),
            ("#", "unexpected character"),
        ] {
            let err = parse(expr).expect_err(expr);
            assert!(err.message.contains(want), "{expr}: {err}");
        }
    }
}
