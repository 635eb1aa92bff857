//! Turns validation paths into file positions.
//!
//! Validation reports semantic problems by a path into the document (`timeline[3].fault.version`,
//! built from [`Seg`]s); [`locate`] maps such a path to the 1-based line and column where the
//! offending value starts, so errors can read `file.ron:12:17`.
//!
//! This is a small, tolerant scanner over RON text, not a validating parser: the text has already
//! been accepted by the `ron` crate, so the scanner only records where each value starts and how
//! values nest (a span tree), and stops gracefully — keeping what it has built so far — on
//! anything it does not understand.

/// One step of a path into a RON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A named field of a struct (or of a struct-like enum variant): `name: value`.
    Field(String),
    /// An element of a list `[...]` or a positional element of a tuple / tuple-like variant `Name(a, b)`;
    /// in a map, the value of the entry at that position (which tells repeated keys apart).
    Index(usize),
    /// The value stored under a string (or identifier/number) key of a map `{ "key": value }`.
    Key(String),
}

/// Returns the 1-based (line, column) where the value at `path` starts, or, if the full path
/// cannot be found (e.g. the field was omitted and took its default), the position of the deepest
/// ancestor on the path that exists. Returns None only if the text cannot be scanned at all.
/// Columns count Unicode scalar values (chars), not bytes, like the `ron` crate's error positions.
#[must_use]
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut scanner = Scanner { s: text, i: 0, depth: 0, ok: true };
    scanner.skip_ws();
    scanner.skip_attributes();
    let root = scanner.value()?;
    let mut node = &root;
    for seg in path {
        match node.step(seg) {
            Some(next) => node = next,
            None => break,
        }
    }
    Some(line_col(text, node.start))
}

/// Scanning stops (keeping what it has) at deeper nesting; the real parser limits it far lower.
const MAX_DEPTH: usize = 256;

/// A value in the span tree: where it starts (byte offset) and what it contains.
struct Node {
    start: usize,
    kind: Kind,
}

enum Kind {
    /// Strings and chars (unescaped content), numbers, booleans and bare identifiers (source text).
    Leaf(String),
    /// `Name(...)` or `(...)`: struct, tuple, unit, or a variant of those shapes. Each element
    /// carries its field name if written as `name: value`.
    Paren {
        name: Option<String>,
        items: Vec<(Option<String>, Node)>,
    },
    List(Vec<Node>),
    /// Entries keyed by the unescaped string, or by the source text of any other key.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Follows one path step; `Some(x)` is transparent, and a one-element tuple-like variant
    /// lets a step that does not match it through to its sole element.
    fn step(&self, seg: &Seg) -> Option<&Node> {
        let sole = match &self.kind {
            Kind::Paren { items, .. } if items.len() == 1 && items[0].0.is_none() => Some(&items[0].1),
            _ => None,
        };
        if matches!(&self.kind, Kind::Paren { name: Some(n), .. } if n == "Some") {
            if let Some(found) = sole.and_then(|inner| inner.step(seg)) {
                return Some(found);
            }
            return self.child(seg);
        }
        self.child(seg).or_else(|| sole.and_then(|inner| inner.step(seg)))
    }

    /// The direct child addressed by `seg`, if this node has one.
    fn child(&self, seg: &Seg) -> Option<&Node> {
        match (&self.kind, seg) {
            (Kind::Paren { items, .. }, Seg::Field(f)) => {
                items.iter().find(|(name, _)| name.as_deref() == Some(f.as_str())).map(|(_, v)| v)
            }
            (Kind::Paren { items, .. }, Seg::Index(i)) => {
                items.iter().filter(|(name, _)| name.is_none()).nth(*i).map(|(_, v)| v)
            }
            (Kind::List(items), Seg::Index(i)) => items.get(*i),
            (Kind::Map(entries), Seg::Index(i)) => entries.get(*i).map(|(_, v)| v),
            (Kind::Map(entries), Seg::Key(k) | Seg::Field(k)) => {
                entries.iter().find(|(key, _)| key == k).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

/// 1-based line and char-counted column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a string, char, raw string (`r"…"`, `r#"…"#`) or byte string (`b"…"`, `br"…"`) starts `rest`.
fn starts_literal(rest: &str) -> bool {
    let body = rest.strip_prefix('b').unwrap_or(rest);
    body.starts_with(['"', '\'']) || body.strip_prefix('r').is_some_and(|r| r.trim_start_matches('#').starts_with('"'))
}

struct Scanner<'a> {
    s: &'a str,
    /// Byte offset; always on a char boundary.
    i: usize,
    depth: usize,
    /// Cleared on anything unexpected; loops stop and keep what they have built.
    ok: bool,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += c.len_utf8();
        }
        hit
    }

    /// Skips whitespace, `// line` and `/* nested /* block */ */` comments.
    fn skip_ws(&mut self) {
        loop {
            let rest = self.rest();
            if rest.starts_with("//") {
                self.i += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                let mut level = 0usize;
                while !self.rest().is_empty() {
                    if self.rest().starts_with("/*") {
                        level += 1;
                        self.i += 2;
                    } else if self.rest().starts_with("*/") {
                        level -= 1;
                        self.i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        self.bump();
                    }
                }
            } else if self.peek().is_some_and(char::is_whitespace) {
                self.bump();
            } else {
                return;
            }
        }
    }

    /// Skips `#![enable(...)]`-style inner attributes at the top of the file.
    fn skip_attributes(&mut self) {
        while self.rest().starts_with("#!") {
            self.i += 2;
            let mut level = 0usize;
            while let Some(c) = self.bump() {
                match c {
                    '[' => level += 1,
                    ']' => {
                        level = level.saturating_sub(1);
                        if level == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            self.skip_ws();
        }
    }

    /// Scans one value; None if no value starts here (the scan is then marked failed).
    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.i;
        let c = self.peek().filter(|_| self.depth < MAX_DEPTH);
        let kind = match c {
            Some('(') => self.paren(None),
            Some('[') => {
                let mut items = Vec::new();
                self.seq(']', |sc| {
                    items.push(sc.value()?);
                    Some(())
                });
                Kind::List(items)
            }
            Some('{') => self.map(),
            Some(_) if starts_literal(self.rest()) => Kind::Leaf(self.literal()),
            Some(c) if c.is_ascii_digit() || matches!(c, '+' | '-' | '.') => Kind::Leaf(self.number()),
            Some(c) if is_ident_start(c) => {
                let name = self.ident();
                self.skip_ws();
                if self.peek() == Some('(') { self.paren(Some(name)) } else { Kind::Leaf(name) }
            }
            _ => {
                self.ok = false;
                return None;
            }
        };
        Some(Node { start, kind })
    }

    /// Scans comma-separated items up to `close` (the opening bracket is the current char).
    fn seq(&mut self, close: char, mut item: impl FnMut(&mut Self) -> Option<()>) {
        self.bump();
        self.depth += 1;
        while self.ok {
            self.skip_ws();
            if self.eat(close) {
                break;
            }
            if item(self).is_none() {
                self.ok = false;
                break;
            }
            self.skip_ws();
            if !self.eat(',') {
                if !self.eat(close) {
                    self.ok = false;
                }
                break;
            }
        }
        self.depth -= 1;
    }

    fn paren(&mut self, name: Option<String>) -> Kind {
        let mut items = Vec::new();
        self.seq(')', |sc| {
            let field = sc.field_name();
            items.push((field, sc.value()?));
            Some(())
        });
        Kind::Paren { name, items }
    }

    /// Consumes `ident :` if it comes next (a named field); otherwise consumes nothing.
    fn field_name(&mut self) -> Option<String> {
        let save = self.i;
        if self.peek().is_some_and(is_ident_start) && !starts_literal(self.rest()) {
            let name = self.ident();
            self.skip_ws();
            if self.eat(':') {
                return Some(name);
            }
        }
        self.i = save;
        None
    }

    fn map(&mut self) -> Kind {
        let mut entries = Vec::new();
        self.seq('}', |sc| {
            let key = sc.value()?;
            let name = match key.kind {
                Kind::Leaf(text) => text,
                _ => sc.s[key.start..sc.i].trim_end().to_string(),
            };
            sc.skip_ws();
            if !sc.eat(':') {
                return None;
            }
            entries.push((name, sc.value()?));
            Some(())
        });
        Kind::Map(entries)
    }

    /// An identifier, with a raw-identifier `r#` prefix dropped.
    fn ident(&mut self) -> String {
        let rest = self.rest();
        if rest.starts_with("r#") && rest[2..].starts_with(is_ident_start) {
            self.i += 2;
        }
        let rest = self.rest();
        let len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        self.i += len;
        rest[..len].to_string()
    }

    /// Source text of a number (sign, digits, `_`, `.`, exponent, `0x`/`0b`/`0o`, `inf`, suffixes).
    fn number(&mut self) -> String {
        let start = self.i;
        let bytes = self.s.as_bytes();
        if matches!(bytes.get(self.i), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let radix = matches!(bytes.get(self.i..self.i + 2), Some(b"0x" | b"0X" | b"0b" | b"0o"));
        while let Some(&b) = bytes.get(self.i) {
            let exponent_sign = matches!(b, b'+' | b'-') && !radix && matches!(bytes[self.i - 1], b'e' | b'E');
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                self.i += 1;
            } else {
                break;
            }
        }
        self.s[start..self.i].to_string()
    }

    /// The unescaped content of the string, char, raw string or byte string starting here (see
    /// [`starts_literal`]). An unterminated literal runs to the end of the text.
    fn literal(&mut self) -> String {
        self.eat('b');
        if !self.eat('r') {
            return self.quoted();
        }
        let hashes = self.rest().bytes().take_while(|&b| b == b'#').count();
        self.i += hashes + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        let rest = self.rest();
        let Some(end) = rest.find(&close) else {
            self.i = self.s.len();
            self.ok = false;
            return rest.to_string();
        };
        self.i += end + close.len();
        rest[..end].to_string()
    }

    /// A `"string"` or `'c'` with backslash escapes decoded.
    fn quoted(&mut self) -> String {
        let quote = self.bump();
        let mut out = String::new();
        while let Some(c) = self.bump() {
            if Some(c) == quote {
                return out;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let decoded = match self.bump() {
                Some('n') => Some('\n'),
                Some('t') => Some('\t'),
                Some('r') => Some('\r'),
                Some('0') => Some('\0'),
                Some('x') => self.hex(2),
                Some('u') if self.eat('{') => {
                    let c = self.hex(6);
                    self.eat('}');
                    c
                }
                Some('u') => self.hex(4),
                other => other,
            };
            out.extend(decoded);
        }
        self.ok = false;
        out
    }

    /// Up to `max` hex digits as a char.
    fn hex(&mut self, max: usize) -> Option<char> {
        let rest = self.rest();
        let len = rest.bytes().take(max).take_while(u8::is_ascii_hexdigit).count();
        self.i += len;
        u32::from_str_radix(&rest[..len], 16).ok().and_then(char::from_u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(spec: &str) -> Vec<Seg> {
        // Tiny test-only path syntax: `a.b[2]["k"]`.
        let mut out = Vec::new();
        for part in spec.split('.').filter(|p| !p.is_empty()) {
            let (name, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            if !name.is_empty() {
                out.push(Seg::Field(name.to_string()));
            }
            for idx in rest.split('[').filter(|s| !s.is_empty()) {
                let idx = idx.trim_end_matches(']');
                match idx.strip_prefix('"') {
                    Some(key) => out.push(Seg::Key(key.trim_end_matches('"').to_string())),
                    None => out.push(Seg::Index(idx.parse().unwrap())),
                }
            }
        }
        out
    }

    fn at(text: &str, spec: &str) -> Option<(usize, usize)> {
        locate(text, &path(spec))
    }

    const DOC: &str = r#"// a comment
#![enable(implicit_some)]
Scenario(
    id: "x",
    services: {
        "api": (instances: 4, endpoints: [
            (name: "checkout", plan: [Cpu(Exp("12ms")), Call("payments", optional: true)]),
        ]),
    },
    timeline: [
        (at: "2m", fault: BadDeploy(service: "apu", version: "v42")),
        /* block /* nested */ comment */
        (when: Some(NoStatusUpdateBy("10m")), message: (from: "VP", text: "r\"x\" é ünïcode", sev: 2)),
    ],
)
"#;

    #[test]
    fn finds_values_in_a_realistic_document() {
        assert_eq!(at(DOC, ""), Some((3, 1)));
        assert_eq!(at(DOC, "id"), Some((4, 9)));
        assert_eq!(at(DOC, "timeline[0].fault.service"), Some((11, 46)));
        assert_eq!(at(DOC, "timeline[0].fault.version"), Some((11, 62)));
        assert_eq!(at(DOC, r#"services["api"].instances"#), Some((6, 28)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[1]"#), Some((7, 57)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[1][0]"#), Some((7, 62)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[1].optional"#), Some((7, 84)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[0]"#), Some((7, 39)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[0][0]"#), Some((7, 43)));
        assert_eq!(at(DOC, r#"services["api"].endpoints[0].plan[0][0][0]"#), Some((7, 47)));
    }

    #[test]
    fn a_map_entry_can_be_found_by_position_when_its_key_is_repeated() {
        let text = "(m: {\n  \"a\": 1,\n  \"a\": 2,\n})";
        assert_eq!(at(text, r#"m["a"]"#), Some((2, 8)));
        assert_eq!(at(text, "m[0]"), Some((2, 8)));
        assert_eq!(at(text, "m[1]"), Some((3, 8)));
        assert_eq!(at(text, "m[2]"), Some((1, 5)));
    }

    #[test]
    fn some_is_transparent() {
        assert_eq!(at(DOC, "timeline[1].when"), Some((13, 16)));
        assert_eq!(at(DOC, "timeline[1].when[0]"), Some((13, 38)));
    }

    #[test]
    fn missing_steps_fall_back_to_the_deepest_ancestor() {
        assert_eq!(at(DOC, "timeline[0].fault.severity"), Some((11, 27)));
        assert_eq!(at(DOC, "timeline[0].fault.severity.deeper[3]"), Some((11, 27)));
        assert_eq!(at(DOC, "timeline[7].at"), Some((10, 15)));
        assert_eq!(at(DOC, r#"services["db"]"#), Some((5, 15)));
        assert_eq!(at(DOC, "nope"), Some((3, 1)));
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        // `é ünïcode` puts three two-byte chars before `sev` on the same line.
        let (line, col) = at(DOC, "timeline[1].message.sev").unwrap();
        assert_eq!((line, col), (13, 100));
        let line_text = DOC.lines().nth(line - 1).unwrap();
        assert_eq!(line_text.chars().nth(col - 1), Some('2'));
        assert_eq!(line_text.find("2)),").unwrap() + 1, col + 3);
        assert_eq!(at(DOC, "timeline[1].message.text"), Some((13, 75)));
    }

    const TRICKY: &str = r##"(
    raw: r#"has "quotes", (parens), ] and // not a comment"#,
    chars: ['(', '\'', ']', '"'],
    nums: [-1, +2.5e-3, 0x1E, 1_000, 1e+3, -inf],
    map: { name: 1, 7: (2, 3), "k\"q": Some(r"x"), "\u{e9}t\u00e9": 'é', },
    // a ( comment with [ brackets
    unit: (),
    r#type: Tuple((), "a", /* ) */ "b"),
    limit: Some((max: 3)),
    bytes: [b"x(", br#"y"#, b'z'],
)"##;

    #[test]
    fn handles_tricky_lexemes() {
        assert_eq!(at(TRICKY, "chars[3]"), Some((3, 29)));
        assert_eq!(at(TRICKY, "nums[1]"), Some((4, 16)));
        assert_eq!(at(TRICKY, "nums[4]"), Some((4, 38)));
        assert_eq!(at(TRICKY, "nums[5]"), Some((4, 44)));
        assert_eq!(at(TRICKY, r#"map["name"]"#), Some((5, 18)));
        assert_eq!(at(TRICKY, r#"map["7"][1]"#), Some((5, 28)));
        assert_eq!(locate(TRICKY, &[Seg::Field("map".into()), Seg::Key("k\"q".into())]), Some((5, 40)));
        assert_eq!(locate(TRICKY, &[Seg::Field("map".into()), Seg::Key("été".into())]), Some((5, 69)));
        assert_eq!(at(TRICKY, "unit"), Some((7, 11)));
        assert_eq!(at(TRICKY, "type[2]"), Some((8, 36)));
        assert_eq!(at(TRICKY, "limit"), Some((9, 12)));
        assert_eq!(at(TRICKY, "limit.max"), Some((9, 23)));
        assert_eq!(at(TRICKY, "bytes[2]"), Some((10, 29)));
    }

    #[test]
    fn tolerates_odd_input() {
        assert_eq!(at("", ""), None);
        assert_eq!(at("  // only a comment\n", "a"), None);
        assert_eq!(at("(\r\n  a: 1,\r\n  b: [1, 2])", "b[1]"), Some((3, 10)));
        // Truncated text keeps what was scanned before the break.
        assert_eq!(at("(a: [1, 2", "a[1]"), Some((1, 9)));
        assert_eq!(at("(a: [1, 2", "a[5]"), Some((1, 5)));
        assert_eq!(at("(a: @)", "a"), Some((1, 1)));
        let deep = "[".repeat(10_000);
        assert_eq!(at(&deep, "[0][0]"), Some((1, 3)));
    }
}
