//! The model's documentation (a subset of HTML) converted to Markdown for rustdoc.
//!
//! Supported: `p`, `br`, `code`, `pre`, `a href`, `ul`/`ol`/`li`, `b`/`strong`, `i`/`em`, `note`,
//! `important`, `dl`/`dt`/`dd`, and entities. Any other tag (the model writes placeholders such as
//! `arn:<partition>:states`) is kept as literal text. The output never triggers rustdoc: no
//! indented or fenced code that would run as a doctest, no bare URLs, no `[x]` that would be taken
//! for an intra-doc link, no raw `<` that would be taken for HTML.

/// Converts model HTML to Markdown lines (no trailing blank lines).
pub fn html_to_markdown(html: &str) -> Vec<String> {
    let mut r = Renderer::default();
    for token in tokenize(html) {
        r.token(token);
    }
    r.finish()
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(String),
    Open(&'a str, Option<String>),
    Close(&'a str),
}

const KNOWN_TAGS: &[&str] = &[
    "p",
    "br",
    "code",
    "pre",
    "a",
    "ul",
    "ol",
    "li",
    "b",
    "strong",
    "i",
    "em",
    "note",
    "important",
    "dl",
    "dt",
    "dd",
    "div",
    "span",
    "fullname",
    "u",
    "sup",
    "sub",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let tag = after.find('>').map(|gt| &after[..gt]);
        match tag.and_then(parse_tag) {
            Some((closing, name, href))
                if KNOWN_TAGS.contains(&name.to_ascii_lowercase().as_str()) =>
            {
                if !text.is_empty() {
                    tokens.push(Token::Text(std::mem::take(&mut text)));
                }
                let name = KNOWN_TAGS
                    .iter()
                    .find(|t| t.eq_ignore_ascii_case(name))
                    .copied()
                    .unwrap_or("span");
                tokens.push(if closing { Token::Close(name) } else { Token::Open(name, href) });
                rest = &after[tag.map_or(0, str::len) + 1..];
            }
            _ => {
                // Not a tag we know: a literal `<`.
                text.push('<');
                rest = after;
            }
        }
    }
    text.push_str(&decode_entities(rest));
    if !text.is_empty() {
        tokens.push(Token::Text(text));
    }
    tokens
}

/// `(closing, name, href)` of a tag body such as `/p`, `a href="x"` or `br/`.
fn parse_tag(body: &str) -> Option<(bool, &str, Option<String>)> {
    let body = body.trim().trim_end_matches('/').trim_end();
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b.trim_start()),
        None => (false, body),
    };
    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let name = &body[..name_end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let attrs = &body[name_end..];
    let href = attrs.find("href=").map(|i| {
        let v = &attrs[i + 5..];
        let v = v.trim_start();
        let (quote, v) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &v[1..]),
            _ => (None, v),
        };
        let end = match quote {
            Some(q) => v.find(q).unwrap_or(v.len()),
            None => v.find(char::is_whitespace).unwrap_or(v.len()),
        };
        decode_entities(&v[..end])
    });
    Some((closing, name, href))
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let entity = after.find(';').filter(|&i| i <= 10).map(|i| &after[..=i]);
        let decoded = entity.and_then(|e| match e {
            "&lt;" => Some("<".to_string()),
            "&gt;" => Some(">".to_string()),
            "&amp;" => Some("&".to_string()),
            "&quot;" => Some("\"".to_string()),
            "&apos;" | "&#39;" => Some("'".to_string()),
            "&nbsp;" => Some(" ".to_string()),
            _ => e
                .strip_prefix("&#")
                .and_then(|n| n.strip_suffix(';'))
                .and_then(|n| match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                })
                .and_then(char::from_u32)
                .map(String::from),
        });
        match (entity, decoded) {
            (Some(e), Some(d)) => {
                out.push_str(&d);
                rest = &after[e.len()..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Default)]
struct Renderer {
    lines: Vec<String>,
    /// The paragraph being built (inline Markdown, whitespace collapsed).
    current: String,
    /// Open lists: `Some(n)` for ordered lists (next number), `None` for bullets.
    lists: Vec<Option<usize>>,
    /// A list item was opened and its marker not yet written.
    pending_item: bool,
    code_depth: usize,
    pre_depth: usize,
    link: Option<(String, usize)>,
    /// The prefix of block quotes (`note`, `important`).
    quote_depth: usize,
    /// How many lists were open when the outermost block quote opened: the quote is indented
    /// under their item (`  > **Note:** ...`).
    quote_lists: usize,
    /// The last token opened an emphasis (`*`/`**` ends `current`): leading whitespace of the
    /// next text goes before the marker, or Markdown would not read it as emphasis.
    after_open_emphasis: bool,
    /// An emphasis just closed over trailing whitespace: a space is owed before the next text,
    /// unless that text starts with punctuation (`*x*.`, not `*x* .`).
    space_after_emphasis: bool,
}

/// A line with nothing but block-quote markers and whitespace.
fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c == '>' || c.is_whitespace())
}

impl Renderer {
    fn token(&mut self, token: Token<'_>) {
        let after_open = std::mem::take(&mut self.after_open_emphasis);
        let space_owed = std::mem::take(&mut self.space_after_emphasis);
        match token {
            Token::Text(t) => self.text(&t, after_open, space_owed),
            Token::Open(tag, href) => {
                if space_owed && matches!(tag, "code" | "a" | "b" | "strong" | "i" | "em") {
                    self.current.push(' ');
                }
                self.open(tag, href)
            }
            Token::Close(tag) => {
                if space_owed && matches!(tag, "b" | "strong" | "i" | "em") {
                    // Nested emphasis closing over the same whitespace: still owed after it.
                    self.current.push(' ');
                }
                self.close(tag)
            }
        }
    }

    fn text(&mut self, t: &str, after_open_emphasis: bool, space_owed: bool) {
        if self.pre_depth > 0 {
            self.current.push_str(t);
            return;
        }
        let mut t = t;
        if after_open_emphasis && t.starts_with(char::is_whitespace) {
            // `<i> text</i>`: the space goes before the marker (`* text*` is no emphasis).
            let marker_len = self.current.len() - self.current.trim_end_matches('*').len();
            let marker = self.current.split_off(self.current.len() - marker_len);
            if !self.current.is_empty() && !self.current.ends_with(' ') {
                self.current.push(' ');
            }
            self.current.push_str(&marker);
            t = t.trim_start();
        }
        if space_owed
            && !t.starts_with(['.', ',', ';', ':', '!', '?', ')'])
            && !self.current.ends_with(' ')
        {
            self.current.push(' ');
        }
        let mut collapsed = String::with_capacity(t.len());
        for (i, word) in t.split_whitespace().enumerate() {
            if i > 0 {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        let leading = t.starts_with(char::is_whitespace);
        let trailing = t.ends_with(char::is_whitespace) && !collapsed.is_empty();
        if leading && !self.current.is_empty() && !self.current.ends_with(' ') {
            self.current.push(' ');
        }
        if self.code_depth > 0 {
            self.current.push_str(&collapsed.replace('`', "'"));
        } else {
            self.current.push_str(&escape_markdown(&collapsed));
        }
        if trailing {
            self.current.push(' ');
        }
    }

    fn open(&mut self, tag: &str, href: Option<String>) {
        match tag {
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.flush(),
            "br" => self.flush(),
            "code" => {
                if self.code_depth == 0 && self.pre_depth == 0 {
                    self.current.push('`');
                }
                self.code_depth += 1;
            }
            "pre" => {
                self.flush();
                self.pre_depth += 1;
            }
            "a" => {
                if let Some(href) = href.filter(|h| !h.is_empty() && self.code_depth == 0) {
                    self.current.push('[');
                    self.link = Some((href, self.current.len()));
                }
            }
            "b" | "strong" => {
                self.current.push_str("**");
                self.after_open_emphasis = true;
            }
            "i" | "em" => {
                self.current.push('*');
                self.after_open_emphasis = true;
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.push(if tag == "ol" { Some(1) } else { None });
            }
            "li" => {
                self.flush();
                self.pending_item = true;
            }
            "note" | "important" => {
                self.flush();
                self.blank_line();
                if self.quote_depth == 0 {
                    self.quote_lists = self.lists.len();
                }
                self.quote_depth += 1;
                self.current.push_str(if tag == "note" { "**Note:** " } else { "**Important:** " });
            }
            "dl" => self.flush(),
            "dt" => {
                self.flush();
                self.current.push_str("**");
            }
            "dd" => self.flush(),
            _ => {}
        }
    }

    fn close(&mut self, tag: &str) {
        match tag {
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dd" | "li" => self.flush(),
            "code" => {
                self.code_depth = self.code_depth.saturating_sub(1);
                if self.code_depth == 0 && self.pre_depth == 0 {
                    if self.current.ends_with('`') {
                        // An empty code span: drop it.
                        self.current.pop();
                    } else {
                        let trimmed = self.current.trim_end().len();
                        self.current.truncate(trimmed);
                        self.current.push('`');
                    }
                }
            }
            "pre" => {
                self.forget_link_start();
                let body = std::mem::take(&mut self.current);
                self.pre_depth = self.pre_depth.saturating_sub(1);
                self.blank_line();
                let prefix = self.prefix();
                self.lines.push(format!("{prefix}```text"));
                let lines: Vec<&str> = body.lines().collect();
                let indent = lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start().len())
                    .min()
                    .unwrap_or(0);
                let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
                let end = lines.iter().rposition(|l| !l.trim().is_empty()).map_or(start, |e| e + 1);
                for l in &lines[start..end] {
                    let l = l.get(indent..).unwrap_or("").trim_end();
                    self.lines.push(format!("{prefix}{}", l.replace("```", "'''")));
                }
                self.lines.push(format!("{prefix}```"));
                self.lines.push(String::new());
            }
            "a" => {
                if let Some((href, start)) = self.link.take() {
                    if !self.current.is_char_boundary(start) {
                        // A block ended inside the link (`<a>…</p>…</a>`) and took its `[` and
                        // text with it: the URL is all that is left to write.
                        self.current.push_str(&format!("<{href}>"));
                        return;
                    }
                    let text = self.current[start..].trim().to_string();
                    self.current.truncate(start);
                    if text.is_empty() {
                        self.current.pop();
                        self.current.push_str(&format!("<{href}>"));
                    } else {
                        self.current.push_str(&format!("{text}]({href})"));
                    }
                }
            }
            "b" | "strong" => self.close_emphasis("**"),
            "i" | "em" => self.close_emphasis("*"),
            "ul" | "ol" => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank_line();
                }
            }
            "note" | "important" => {
                self.flush();
                // The quote ends with a blank line outside it, not an empty `>` line.
                while self.lines.last().is_some_and(|l| is_blank(l)) {
                    self.lines.pop();
                }
                self.quote_depth = self.quote_depth.saturating_sub(1);
                if self.quote_depth == 0 {
                    self.quote_lists = 0;
                }
                self.lines.push(self.prefix().trim_end().to_string());
            }
            "dt" => {
                let trimmed = self.current.trim_end().len();
                self.current.truncate(trimmed);
                self.current.push_str("**");
                self.flush();
            }
            _ => {}
        }
    }

    /// Closes `**`/`*`, keeping the marker next to the text (Markdown needs `**x**`, not `**x **`).
    fn close_emphasis(&mut self, marker: &str) {
        let had_space = self.current.ends_with(' ');
        let trimmed = self.current.trim_end().len();
        self.current.truncate(trimmed);
        if self.current.ends_with(marker) {
            // Empty emphasis: drop the opening marker.
            self.current.truncate(self.current.len() - marker.len());
        } else {
            self.current.push_str(marker);
        }
        self.space_after_emphasis = had_space;
    }

    /// The start of every line: the list indentation of an open block quote, and its markers.
    fn prefix(&self) -> String {
        if self.quote_depth == 0 {
            return String::new();
        }
        format!("{}{}", "  ".repeat(self.quote_lists), "> ".repeat(self.quote_depth))
    }

    /// The lists open inside the innermost block quote (all open lists when there is none).
    fn inner_lists(&self) -> usize {
        if self.quote_depth == 0 {
            self.lists.len()
        } else {
            self.lists.len().saturating_sub(self.quote_lists)
        }
    }

    fn blank_line(&mut self) {
        let prefix = self.prefix();
        let blank = prefix.trim_end().to_string();
        if self.lines.last().is_some_and(|l| !is_blank(l)) {
            self.lines.push(blank);
        }
    }

    /// Ends the current paragraph or list item.
    /// The text of `current` is about to move to `lines`: an open link's start no longer points
    /// into it (`</a>` then writes the URL alone).
    fn forget_link_start(&mut self) {
        if let Some((_, start)) = &mut self.link {
            *start = usize::MAX;
        }
    }

    fn flush(&mut self) {
        self.forget_link_start();
        let text = self.current.trim().to_string();
        self.current.clear();
        if text.is_empty() || text == "**Note:**" || text == "**Important:**" {
            if !text.is_empty() {
                self.current = format!("{text} ");
            }
            return;
        }
        let quote = self.prefix();
        let lists = self.inner_lists();
        if self.pending_item && lists > 0 {
            let depth = lists - 1;
            let marker = match self.lists.last_mut() {
                Some(Some(n)) => {
                    let m = format!("{n}.");
                    *n += 1;
                    m
                }
                _ => "-".to_string(),
            };
            self.pending_item = false;
            self.lines.push(format!("{quote}{}{marker} {text}", "  ".repeat(depth)));
        } else if lists > 0 {
            // A second paragraph of a list item: a continuation line, at the column of the
            // innermost item's text (nested items are indented two columns a level).
            let depth = lists;
            let marker_width = match self.lists.last() {
                // The item's number was taken: it is one less than the next.
                Some(Some(n)) => n.saturating_sub(1).max(1).to_string().len() + 2,
                _ => 2,
            };
            let indent = 2 * (depth - 1) + marker_width;
            // After a nested item (deeper than this text), a blank line first: without it the
            // text would continue the nested item.
            let after_nested = self.lines.last().is_some_and(|l| {
                let l = l.strip_prefix(quote.as_str()).unwrap_or(l);
                l.len() - l.trim_start().len() > indent
                    || (l.len() - l.trim_start().len() >= indent
                        && l.trim_start().starts_with("- "))
            });
            if after_nested {
                self.lines.push(quote.trim_end().to_string());
            }
            self.lines.push(format!("{quote}{}{text}", " ".repeat(indent)));
        } else {
            self.blank_line();
            self.lines.push(format!("{quote}{text}"));
            self.lines.push(quote.trim_end().to_string());
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.flush();
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len());
        for line in self.lines {
            let blank = is_blank(&line);
            if blank && out.last().is_none_or(|l: &String| is_blank(l)) {
                continue;
            }
            out.push(if blank { line.trim_end().to_string() } else { line });
        }
        while out.last().is_some_and(|l| is_blank(l)) {
            out.pop();
        }
        out
    }
}

/// Escapes text so that Markdown and rustdoc read it literally: brackets (intra-doc links), angle
/// brackets (HTML), a leading `#` (headings); bare URLs are wrapped in `<>`.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(pos) = word.find("https://").or_else(|| word.find("http://")) {
            let (before, url) = word.split_at(pos);
            let end = url.trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']).len();
            out.push_str(&escape_plain(before));
            out.push('<');
            out.push_str(&url[..end]);
            out.push('>');
            out.push_str(&escape_plain(&url[end..]));
        } else {
            out.push_str(&escape_plain(word));
        }
    }
    out
}

fn escape_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '[' | ']' | '<' | '>' | '`' | '|' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        html_to_markdown(html).join("\n")
    }

    #[test]
    fn paragraphs_code_and_links() {
        assert_eq!(
            md("<p>Starts a <i>state machine</i> execution.</p>\n  <p>See <a href=\"https://docs.aws.amazon.com/x\">the guide</a> and <code>name</code>.</p>"),
            "Starts a *state machine* execution.\n\nSee [the guide](https://docs.aws.amazon.com/x) and `name`."
        );
    }

    #[test]
    fn continuation_lines_are_indented_to_their_items_text() {
        // Athena's DataCatalog parameters: a second paragraph in a nested item.
        assert_eq!(
            md("<ul><li><p>outer</p><p>more</p><ul><li><p>inner</p><p>still inner</p></li></ul></li></ul>"),
            "- outer\n  more\n  - inner\n    still inner"
        );
        assert_eq!(md("<ol><li><p>first</p><p>more</p></li></ol>"), "1. first\n   more");
        // Timestream's RejectedRecordsException: the outer item goes on after its nested list.
        assert_eq!(
            md("<ul><li><p>outer</p><ul><li>inner</li></ul><p>after</p></li></ul>"),
            "- outer\n  - inner\n\n  after"
        );
    }

    #[test]
    fn lists_notes_and_definitions() {
        assert_eq!(
            md("<ul><li><p>one</p></li><li>two <b>bold</b></li></ul><note><p>Careful.</p></note>"),
            "- one\n- two **bold**\n\n> **Note:** Careful."
        );
        assert_eq!(md("<dl><dt>Term</dt><dd><p>Meaning.</p></dd></dl>"), "**Term**\n\nMeaning.");
    }

    #[test]
    fn unknown_tags_and_special_text_are_literal() {
        assert_eq!(
            md("<p><code>arn:<partition>:states:<region></code> and [x] a&lt;b https://example.com.</p>"),
            "`arn:<partition>:states:<region>` and \\[x\\] a\\<b <https://example.com>."
        );
    }

    /// Found by the `generator` fuzz target: a block ending inside a link panicked (the link's
    /// start was past the text left, or inside a character).
    #[test]
    fn links_across_blocks_never_panic() {
        assert_eq!(
            md("<p>Hello <a href=\"https://x\">link text</p></a> after"),
            "Hello [link text\n\n<https://x> after"
        );
        assert_eq!(
            md("<p>xx<a href=\"u\">yyyyyyyy</p><p>\u{e9}</a></p>"),
            "xx[yyyyyyyy\n\n\u{e9}<u>"
        );
        assert_eq!(
            md("<a href=\"https://x\">abc<li>\u{e9}\u{e9}</li></a>"),
            "[abc\n\n\u{e9}\u{e9}\n\n<https://x>"
        );
    }

    #[test]
    fn pre_becomes_a_text_block_never_a_doctest() {
        assert_eq!(md("<pre>\n  {\n    \"a\": 1\n  }\n</pre>"), "```text\n{\n  \"a\": 1\n}\n```");
        // Deep indentation in the source never becomes an indented code block.
        assert_eq!(md("<p>\n            indented text\n        </p>"), "indented text");
    }

    /// Issue 13: a `<note>` inside a list item stays inside the item (indented under it), instead
    /// of a `>   **Note:**` line at column 0 that ends the list (`StartExecution`'s docs).
    #[test]
    fn a_note_inside_a_list_item_stays_in_the_item() {
        assert_eq!(
            md("<ul><li><p>First.</p><p><code>arn:x</code></p><note><p>Careful.</p></note></li><li><p>Second.</p></li></ul>"),
            "- First.\n  `arn:x`\n\n  > **Note:** Careful.\n\n- Second."
        );
        // A note ends with a blank line, never an empty `>` line.
        assert_eq!(
            md("<note><p>One.</p><p>Two.</p></note><p>After.</p>"),
            "> **Note:** One.\n>\n> Two.\n\nAfter."
        );
    }

    /// Issue 13: whitespace just inside `<i>`/`<b>` moves outside the markers: the crate docs read
    /// `see the *[Step Functions Developer Guide](…)*.`, not `see the * [..](…)* .` (which is
    /// no emphasis, and a bullet when it starts a line).
    #[test]
    fn whitespace_inside_emphasis_moves_outside_the_markers() {
        assert_eq!(
            md("<p>see the <i>\n  <a href=\"https://x\">Developer Guide</a>\n  </i>.</p>"),
            "see the *[Developer Guide](https://x)*."
        );
        assert_eq!(
            md("<p>a<b> bold </b>word and <i>it </i><code>c</code></p>"),
            "a **bold** word and *it* `c`"
        );
        assert_eq!(md("<p><i> x</i></p>"), "*x*");
    }
}
