//! Line numbers found in one pass over a text: where each line starts, the line of each key
//! assignment, and the line of each quoted string. A manifest with many entries names every
//! entry's line from these indexes instead of reading its text again per entry, so the time
//! to read it grows with its size, not with its size times its entries. Each index answers
//! exactly what the plain scans here would ([`key_line`], [`line_of`]). Also a TOML text read
//! by lines ([`TomlItems`]), for lock files too large to parse whole in time, and the lines
//! that hold the places one search over a whole text found ([`lines_at`]).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

/// Where each line of a text starts, turning byte offsets into 1-based line numbers.
#[derive(Debug, Clone)]
pub struct Starts {
    starts: Vec<usize>,
}

impl Starts {
    /// The line starts of `text`: its beginning and every offset after a `\n`.
    pub fn new(text: &str) -> Starts {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(index, _)| index + 1),
        );
        Starts { starts }
    }

    /// The 1-based line of byte `offset`: one more than the `\n` before it.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset)
    }
}

/// Modulus of the polynomial hashes below (a Mersenne prime).
const MODULUS: u64 = (1 << 61) - 1;

/// A hash base chosen at random per run, so no text can be made to collide on purpose; a
/// collision would only cost a plain scan, never a wrong answer.
fn random_base() -> u64 {
    RandomState::new().hash_one(0u8) % (MODULUS - 512) + 256
}

fn multiply(a: u64, b: u64) -> u64 {
    let product = (a as u128).wrapping_mul(b as u128);
    let folded = (product as u64 & MODULUS) + (product >> 61) as u64;
    if folded >= MODULUS {
        folded - MODULUS
    } else {
        folded
    }
}

fn step(hash: u64, byte: u8, base: u64) -> u64 {
    let next = multiply(hash, base) + byte as u64 + 1;
    if next >= MODULUS {
        next - MODULUS
    } else {
        next
    }
}

fn hash(bytes: &[u8], base: u64) -> u64 {
    bytes.iter().fold(0, |hash, byte| step(hash, *byte, base))
}

/// Hashes keys that are already hashes (a length and a polynomial hash with a random base).
#[derive(Debug, Default, Clone, Copy)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(*byte as u64);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(29) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

type ByHash<V> = HashMap<(usize, u64), V, BuildHasherDefault<Mixed>>;

/// Whether the character starting at byte `at` of `line` is whitespace as `str::trim_start`
/// sees it (`None`: `at` is inside a character).
fn whitespace_at(line: &str, at: usize) -> Option<bool> {
    let byte = line.as_bytes()[at];
    if byte < 0x80 {
        Some(matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    } else if byte < 0xc0 {
        None
    } else {
        line[at..].chars().next().map(char::is_whitespace)
    }
}

/// The lines of `text` as [`str::lines`] gives them (ended by `\n` or `\r\n`, the last one's
/// ending optional), found with a vectorized search: lock files and sources are read line by
/// line, and the standard iterator's search for each line ending took much of that time.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    inclusive(text).map(|line| match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    })
}

/// The lines of `text` with their endings, as `text.split_inclusive('\n')` gives them.
pub fn inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |at| at + 1);
        let (line, next) = rest.split_at(end);
        rest = next;
        Some(line)
    })
}

/// The line of `text` that byte `at` is on, without its ending as [`lines`] gives it, with the
/// offset where it starts.
pub fn line_around(text: &str, at: usize) -> (usize, &str) {
    let (start, end) = line_bounds(text, at);
    let line = &text[start..end];
    match end < text.len() {
        true => (start, line.strip_suffix('\r').unwrap_or(line)),
        false => (start, line),
    }
}

/// Where the line of `text` that byte `at` is on starts, and where it ends (its `\n`, or the end
/// of the text).
fn line_bounds(text: &str, at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |n| at + n);
    (start, end)
}

/// The 1-based number of the line of `text` that byte `offset` is on.
pub fn number_at(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count() + 1
}

/// The lines of `text` (whose first line is `first`) holding the byte offsets `places`, which
/// rise: in order, each once, trimmed, with their numbers.
pub fn lines_at(
    text: &str,
    first: usize,
    places: impl Iterator<Item = usize>,
) -> impl Iterator<Item = (&str, usize)> {
    let mut counted = (0, first);
    let mut next_line = 0;
    places.filter_map(move |at| {
        if at < next_line {
            return None;
        }
        let (start, end) = line_bounds(text, at);
        let newlines = memchr::memchr_iter(b'\n', &text.as_bytes()[counted.0..start]).count();
        counted = (start, counted.1 + newlines);
        next_line = end + 1;
        Some((text[start..end].trim(), counted.1))
    })
}

/// The 1-based number of the first line for which `matches` holds.
pub fn line_of(text: &str, matches: impl Fn(&str) -> bool) -> Option<usize> {
    lines(text).position(matches).map(|i| i + 1)
}

/// The line of the first `key =` or `"key":` assignment in a TOML or JSON text. A reader
/// asking for many keys of one text builds a [`KeyLines`] instead.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    line_of(text, |line| assigns(line, key))
}

/// Whether `line` assigns `key`: `key =`, `key:`, `"key" =` or `"key":` after indentation.
pub fn assigns(line: &str, key: &str) -> bool {
    let line = line.trim_start();
    let rest = line.strip_prefix(key).or_else(|| {
        line.strip_prefix('"')
            .and_then(|quoted| quoted.strip_prefix(key))
            .and_then(|quoted| quoted.strip_prefix('"'))
    });
    rest.is_some_and(|rest| {
        let rest = rest.trim_start();
        rest.starts_with('=') || rest.starts_with(':')
    })
}

/// The first line assigning each key of a TOML or JSON text, built in one pass: every prefix
/// of a line that [`assigns`] would accept is recorded by its length and hash.
#[derive(Debug)]
pub struct KeyLines<'a> {
    text: &'a str,
    base: u64,
    /// Built on the first question.
    first: OnceCell<ByHash<(usize, &'a str)>>,
}

impl<'a> KeyLines<'a> {
    /// An index of `text`, built when first asked.
    pub fn new(text: &'a str) -> KeyLines<'a> {
        KeyLines {
            text,
            base: random_base(),
            first: OnceCell::new(),
        }
    }

    fn build(text: &'a str, base: u64) -> ByHash<(usize, &'a str)> {
        let mut first = ByHash::default();
        let mut assigning: Vec<bool> = Vec::new();
        for (index, whole) in text.lines().enumerate() {
            let line = whole.trim_start();
            let bytes = line.as_bytes();
            let Some(last) = line.rfind(['=', ':']) else {
                continue;
            };
            assigning.clear();
            assigning.resize(last + 2, false);
            let mut next = false;
            let mut at = last + 1;
            while at > 0 {
                at -= 1;
                match whitespace_at(line, at) {
                    None => continue,
                    Some(true) => {}
                    Some(false) => next = bytes[at] == b'=' || bytes[at] == b':',
                }
                assigning[at] = next;
            }
            let mut plain = 0;
            let mut quoted = 0;
            let starts_quoted = bytes.first() == Some(&b'"');
            // `"key"` counts only where the line does not start with `key` itself, which for
            // a key ending at a quote means within the line's opening run of quotes.
            let opening = bytes.iter().take_while(|byte| **byte == b'"').count();
            for at in 0..=last {
                let byte = bytes[at];
                if assigning[at] {
                    first.entry((at, plain)).or_insert((index + 1, whole));
                }
                plain = step(plain, byte, base);
                if starts_quoted && at > 0 {
                    if byte == b'"' && assigning[at + 1] && at >= opening {
                        first.entry((at - 1, quoted)).or_insert((index + 1, whole));
                    }
                    quoted = step(quoted, byte, base);
                }
            }
        }
        first
    }

    /// The line of the first assignment of `key`, as [`key_line`] finds it.
    pub fn line(&self, key: &str) -> Option<usize> {
        let first = self
            .first
            .get_or_init(|| KeyLines::build(self.text, self.base));
        let (line, text) = *first.get(&(key.len(), hash(key.as_bytes(), self.base)))?;
        if assigns(text, key) {
            Some(line)
        } else {
            key_line(self.text, key)
        }
    }
}

/// The first line holding each double-quoted string of a text (`"name"`, quotes included),
/// as [`line_of`] with `contains` finds it.
#[derive(Debug)]
pub struct QuotedLines<'a> {
    text: &'a str,
    base: u64,
    /// The text between two consecutive quotes of a line, by length and hash -> the first
    /// such line's index and that text.
    between: ByHash<(usize, &'a str)>,
    /// For strings holding quotes of their own, built on first use.
    spans: RefCell<Option<Spans<'a>>>,
}

/// Hashes of every quote-to-quote span crossing a given number of quotes.
#[derive(Debug)]
struct Spans<'a> {
    lines: Vec<&'a str>,
    /// Every `"` of the text: (its line's index, its byte offset in the text).
    quotes: Vec<(usize, usize)>,
    prefix: Vec<u64>,
    powers: Vec<u64>,
    by_inner: HashMap<usize, ByHash<usize>>,
}

impl<'a> QuotedLines<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> QuotedLines<'a> {
        let base = random_base();
        let mut between = ByHash::default();
        let bytes = text.as_bytes();
        let mut line = 0;
        let mut previous = None;
        let mut hash = 0;
        for at in 0..bytes.len() {
            match bytes[at] {
                b'\n' => {
                    line += 1;
                    previous = None;
                }
                b'"' => {
                    if let Some(start) = previous {
                        let inside = &text[start + 1..at];
                        between
                            .entry((inside.len(), hash))
                            .or_insert((line, inside));
                    }
                    previous = Some(at);
                    hash = 0;
                }
                byte => hash = step(hash, byte, base),
            }
        }
        QuotedLines {
            text,
            base,
            between,
            spans: RefCell::new(None),
        }
    }

    /// The 1-based number of the first line containing `"value"`.
    pub fn line(&self, value: &str) -> Option<usize> {
        let scan = || line_of(self.text, |line| line.contains(&format!("\"{value}\"")));
        let inner = value.bytes().filter(|byte| *byte == b'"').count();
        if inner == 0 {
            let (index, inside) = self
                .between
                .get(&(value.len(), hash(value.as_bytes(), self.base)))?;
            return if *inside == value {
                Some(index + 1)
            } else {
                scan()
            };
        }
        let (index, line) = self.span_line(value, inner)?;
        if line.contains(&format!("\"{value}\"")) {
            Some(index + 1)
        } else {
            scan()
        }
    }

    fn span_line(&self, value: &str, inner: usize) -> Option<(usize, &'a str)> {
        let mut spans = self.spans.borrow_mut();
        let base = self.base;
        let text = self.text;
        let spans = spans.get_or_insert_with(|| {
            let mut lines = Vec::new();
            let mut quotes = Vec::new();
            for (index, line) in text.lines().enumerate() {
                lines.push(line);
                let offset = line.as_ptr() as usize - text.as_ptr() as usize;
                quotes.extend(line.match_indices('"').map(|(at, _)| (index, offset + at)));
            }
            let mut prefix = vec![0];
            let mut powers = vec![1];
            for byte in text.bytes() {
                prefix.push(step(*prefix.last().expect("non-empty"), byte, base));
                powers.push(multiply(*powers.last().expect("non-empty"), base));
            }
            Spans {
                lines,
                quotes,
                prefix,
                powers,
                by_inner: HashMap::new(),
            }
        });
        let Spans {
            lines,
            quotes,
            prefix,
            powers,
            by_inner,
        } = spans;
        let first = by_inner.entry(inner).or_insert_with(|| {
            let mut first = ByHash::default();
            for (at, &(line, start)) in quotes.iter().enumerate() {
                let Some(&(end_line, end)) = quotes.get(at + inner + 1) else {
                    break;
                };
                if end_line != line {
                    continue;
                }
                let end = end + 1;
                let hash = (prefix[end] + MODULUS - multiply(prefix[start], powers[end - start]))
                    % MODULUS;
                first.entry((end - start, hash)).or_insert(line);
            }
            first
        });
        let quoted = format!("\"{value}\"");
        let index = *first.get(&(quoted.len(), hash(quoted.as_bytes(), base)))?;
        Some((index, lines[index]))
    }
}

/// One item of a TOML text read by lines ([`TomlItems`]); `line` is 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TomlItem<'a> {
    /// A `[table]` header, or `[[table]]` (`array`), with its name as written, trimmed.
    Table {
        name: &'a str,
        array: bool,
        line: usize,
    },
    /// A `key = value` pair: the key without its quotes when quoted, else as written (a dotted
    /// key stays whole); the value's text, spanning lines where an array or inline table does,
    /// without a trailing comment.
    Pair {
        key: &'a str,
        value: &'a str,
        /// The pair as written, from the start of its line to the end of its value.
        written: &'a str,
        line: usize,
    },
    /// A line that is neither: no `=`, a header with more after it, or a value whose brackets
    /// or strings do not close. Reading goes on at the next line.
    Unread { line: usize },
}

/// The items of a TOML text in one pass, without building the document: the lock readers take
/// a lock file too large to parse whole this way. It reads TOML as the lock tools write it, a
/// header or a pair per line, arrays and inline tables spanning lines; strings and comments
/// are skipped wherever they are, so a bracket, `#` or `=` inside a string never misleads it.
/// It does not check that the text is valid TOML.
#[derive(Debug, Clone)]
pub struct TomlItems<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    /// Set once a value has not closed: from then on a value must close on its own line, so
    /// no stretch of the text is searched for a closing bracket more than once.
    one_line: bool,
}

impl<'a> TomlItems<'a> {
    /// The items of `text`, from its first line.
    pub fn new(text: &'a str) -> TomlItems<'a> {
        TomlItems {
            text,
            at: 0,
            line: 0,
            one_line: false,
        }
    }
}

impl<'a> Iterator for TomlItems<'a> {
    type Item = TomlItem<'a>;

    fn next(&mut self) -> Option<TomlItem<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        while self.at < bytes.len() {
            let start = self.at;
            self.line += 1;
            let line = self.line;
            let mut at = start;
            while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\r') {
                at += 1;
            }
            if at == bytes.len() {
                self.at = at;
                return None;
            }
            match bytes[at] {
                b'\n' => {
                    self.at = at + 1;
                    continue;
                }
                b'#' => {
                    self.at = line_end(bytes, at) + 1;
                    continue;
                }
                b'[' => {
                    let end = line_end(bytes, at);
                    self.at = end + 1;
                    return Some(toml_header(toml_trim(&text[at..end]), line));
                }
                _ => {}
            }
            let mut lines = 0;
            let Some((key, value_start)) = toml_key(text, at) else {
                self.at = line_end(bytes, at) + 1;
                return Some(TomlItem::Unread { line });
            };
            let Some((last, next)) = value_end(bytes, value_start, &mut lines, self.one_line)
            else {
                self.one_line = true;
                self.at = line_end(bytes, at) + 1;
                return Some(TomlItem::Unread { line });
            };
            self.at = next;
            self.line += lines;
            return Some(TomlItem::Pair {
                key,
                value: toml_trim(&text[value_start..last]),
                written: &text[start..last],
                line,
            });
        }
        None
    }
}

/// The key of the pair starting at `at` and where its value starts (just after the `=`); None
/// when the line has no `=`.
fn toml_key(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if matches!(bytes.get(at), Some(b'"' | b'\'')) {
        let mut lines = 0;
        if let Some(close) = string_end(bytes, at, &mut lines, true)
            && lines == 0
        {
            let mut after = close;
            while after < bytes.len() && matches!(bytes[after], b' ' | b'\t') {
                after += 1;
            }
            let key = &text[at + 1..close - 1];
            if bytes.get(after) == Some(&b'=') && !key.contains('\\') {
                return Some((key, after + 1));
            }
        }
    }
    let end = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr2(b'=', b'\n', rest))
        .map_or(bytes.len().max(at), |found| at + found);
    if bytes.get(end) == Some(&b'=') {
        Some((toml_trim(&text[at..end]), end + 1))
    } else {
        None
    }
}

/// The header on a trimmed `line` (`[name]` or `[[name]]`, then at most a comment), or
/// [`TomlItem::Unread`].
fn toml_header(line: &str, number: usize) -> TomlItem<'_> {
    let bytes = line.as_bytes();
    let array = bytes.len() > 1 && bytes[1] == b'[';
    let open = if array { 2 } else { 1 };
    let mut close = open;
    while close < bytes.len() && bytes[close] != b']' {
        close += 1;
    }
    let rest = close + if array { 2 } else { 1 };
    let closed = rest <= bytes.len() && (!array || bytes[close + 1] == b']');
    if closed {
        let after = toml_trim(&line[rest..]);
        if after.is_empty() || after.as_bytes()[0] == b'#' {
            return TomlItem::Table {
                name: toml_trim(&line[open..close]),
                array,
                line: number,
            };
        }
    }
    TomlItem::Unread { line: number }
}

/// The inside of `value` between `open` and `close` bytes at its ends (trimmed first).
fn inside(value: &str, open: u8, close: u8) -> Option<&str> {
    let value = toml_trim(value);
    let bytes = value.as_bytes();
    if bytes.len() >= 2 && bytes[0] == open && bytes[bytes.len() - 1] == close {
        Some(&value[1..value.len() - 1])
    } else {
        None
    }
}

/// Where the value starting at `at` ends: just after its last significant byte, and the start
/// of the line after it. `lines` counts the line breaks inside it. None when a bracket or a
/// string does not close (on its line, with `one_line`).
fn value_end(
    bytes: &[u8],
    mut at: usize,
    lines: &mut usize,
    one_line: bool,
) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut last = at;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' if depth == 0 => return Some((last, at + 1)),
            b'\n' if one_line => return None,
            b'\n' => {
                *lines += 1;
                at += 1;
            }
            b'#' => at = line_end(bytes, at),
            b'"' | b'\'' => {
                at = string_end(bytes, at, lines, one_line)?;
                last = at;
            }
            b'[' | b'{' => {
                depth += 1;
                at += 1;
                last = at;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                at += 1;
                last = at;
            }
            b' ' | b'\t' | b'\r' => at += 1,
            _ => {
                at += 1;
                last = at;
            }
        }
    }
    (depth == 0).then_some((last, bytes.len()))
}

/// The offset of the line break ending the line that `at` is on (or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(at..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(bytes.len().max(at), |found| at + found)
}

/// The offset just after the string opening at `at` (basic or literal, single- or multi-line);
/// `lines` counts the line breaks inside a multi-line one. None when it does not close (on its
/// line, with `one_line`).
fn string_end(bytes: &[u8], at: usize, lines: &mut usize, one_line: bool) -> Option<usize> {
    let quote = bytes[at];
    let triple = bytes.len() >= at + 3 && bytes[at + 1] == quote && bytes[at + 2] == quote;
    let mut at = at + if triple { 3 } else { 1 };
    while let Some(skip) = memchr::memchr3(quote, b'\\', b'\n', bytes.get(at..)?) {
        at += skip;
        let byte = bytes[at];
        if byte == b'\\' && quote == b'"' {
            if bytes.get(at + 1) == Some(&b'\n') {
                if !triple || one_line {
                    return None;
                }
                *lines += 1;
            }
            at += 2;
            continue;
        }
        if byte == b'\n' {
            if !triple || one_line {
                return None;
            }
            *lines += 1;
        } else if byte == quote {
            if !triple {
                return Some(at + 1);
            }
            if bytes.len() >= at + 3 && bytes[at + 1] == quote && bytes[at + 2] == quote {
                let mut close = at + 3;
                while close < bytes.len() && bytes[close] == quote && close < at + 5 {
                    close += 1;
                }
                return Some(close);
            }
        }
        at += 1;
    }
    None
}

/// A text read by [`toml_tables_read`] this large is read in parts at once: below it, a
/// thread costs more than it saves.
pub const PARTS_FROM: usize = 128 << 10;

/// Bytes of a part [`toml_parts`] aims at: parts small enough for the threads reading them to
/// end together, whatever else runs beside them.
const PART: usize = 64 << 10;

/// Most parts [`toml_parts`] cuts a text into.
const MOST_PARTS: usize = 16;

/// What `read` gives of a TOML text made of `[[name]]` tables, read by lines: its items and
/// the first line it did not read, if any. A text of [`PARTS_FROM`] bytes or more is read in
/// parts at once ([`toml_parts`]), each taken by the next thread free, each part's lines
/// counted from 1 and its items moved on by the lines of the parts before it: the line `line`
/// gives of each, when not 0 (no line). When any part holds a line not read (a value could run
/// across a cut: a multi-line string or array holding that line leaves the part before it with
/// a value that does not close), the whole is read again in one pass.
pub fn toml_tables_read<'a, T: Send>(
    text: &'a str,
    name: &str,
    read: impl Fn(&'a str) -> (Vec<T>, Option<usize>) + Sync,
    line: impl Fn(&mut T) -> &mut usize,
) -> (Vec<T>, Option<usize>) {
    if let Some(parts) = toml_parts(text, name) {
        let read_parts = crate::repo::in_parallel(&parts, 2, |part| {
            let lines = memchr::memchr_iter(b'\n', part.as_bytes()).count();
            (lines, read(part))
        });
        if read_parts.iter().all(|(_, (_, unread))| unread.is_none()) {
            let mut items = Vec::new();
            let mut lines = 0;
            for (part_lines, (read_items, _)) in read_parts {
                items.extend(read_items.into_iter().map(|mut item| {
                    let at = line(&mut item);
                    if *at != 0 {
                        *at += lines;
                    }
                    item
                }));
                lines += part_lines;
            }
            return (items, None);
        }
    }
    read(text)
}

/// `text` cut into an even number of parts of about [`PART`] bytes (two at least, at most
/// [`MOST_PARTS`]), each cut where a line opening a `[[name]]` array table begins, the first
/// such line past an even share of the text (so one cut is the first such line past the
/// middle); None when `text` is shorter than [`PARTS_FROM`] or no such line follows its
/// first share.
fn toml_parts<'a>(text: &'a str, name: &str) -> Option<Vec<&'a str>> {
    if text.len() < PARTS_FROM {
        return None;
    }
    let header = format!("\n[[{name}]]");
    let shares = (text.len() / PART).clamp(2, MOST_PARTS) & !1;
    let mut parts = Vec::with_capacity(shares);
    let mut start = 0;
    for share in 1..shares {
        let target = (text.len() * share / shares).max(start);
        let Some(found) = memchr::memmem::find(&text.as_bytes()[target..], header.as_bytes())
        else {
            break;
        };
        let cut = target + found + 1;
        parts.push(&text[start..cut]);
        start = cut;
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(&text[start..]);
    Some(parts)
}

/// The text of a one-line string value, `"..."` without escapes or `'...'`; None for any
/// other value.
pub fn toml_string(value: &str) -> Option<&str> {
    let value = toml_trim(value);
    let bytes = value.as_bytes();
    let quote = *bytes.first()?;
    if bytes.len() < 2 || !matches!(quote, b'"' | b'\'') || bytes[bytes.len() - 1] != quote {
        return None;
    }
    let inner = &bytes[1..bytes.len() - 1];
    let stops = if quote == b'"' {
        memchr::memchr3(quote, b'\n', b'\\', inner)
    } else {
        memchr::memchr2(quote, b'\n', inner)
    };
    stops.is_none().then(|| &value[1..bytes.len() - 1])
}

/// `text` without the spaces, tabs and line breaks around it (TOML's whitespace).
pub fn toml_trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut end = bytes.len();
    while start < end && matches!(bytes[start], b' ' | b'\t' | b'\r' | b'\n') {
        start += 1;
    }
    while end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    &text[start..end]
}

/// The elements of an array value, each trimmed; None when `value` is not an array.
pub fn toml_elements(value: &str) -> Option<Vec<&str>> {
    let inner = inside(value, b'[', b']')?;
    split_top(inner)
}

/// The `key = value` entries of an inline table value, keys as [`TomlItem::Pair`] gives them;
/// None when `value` is not an inline table.
pub fn toml_entries(value: &str) -> Option<Vec<(&str, &str)>> {
    let inner = inside(value, b'{', b'}')?;
    split_top(inner)?
        .into_iter()
        .map(|entry| {
            let (key, at) = toml_key(entry, 0)?;
            Some((key, toml_trim(&entry[at..])))
        })
        .collect()
}

/// The value of `key` in an inline table value.
pub fn toml_field<'a>(value: &'a str, key: &str) -> Option<&'a str> {
    toml_fields(value, [key])?[0]
}

/// The values of `keys` in an inline table value (the last, should a key repeat), in one pass
/// and without allocating; None when `value` is not an inline table.
pub fn toml_fields<'a, const N: usize>(
    value: &'a str,
    keys: [&str; N],
) -> Option<[Option<&'a str>; N]> {
    let inner = inside(value, b'{', b'}')?;
    let mut pieces = Pieces::new(inner);
    let found = fields_in(&mut pieces, keys)?;
    (!pieces.broken).then_some(found)
}

/// The values of `keys` among the `key = value` pieces of an inline table (the last, should a
/// key repeat); None at a piece that is not one.
fn fields_in<'a, const N: usize>(
    pieces: &mut Pieces<'a>,
    keys: [&str; N],
) -> Option<[Option<&'a str>; N]> {
    let mut found = [None; N];
    for entry in pieces {
        let (key, at) = toml_key(entry, 0)?;
        let mut index = 0;
        while index < N {
            if keys[index] == key {
                found[index] = Some(toml_trim(&entry[at..]));
            }
            index += 1;
        }
    }
    Some(found)
}

/// The values of `keys` in each inline table among the elements of an array value, in one pass
/// over the array, as [`toml_elements`] then [`toml_fields`] on each element that begins with
/// `{` give them. None when `value` is not an array or [`toml_elements`] gives none; with
/// `false` beside the tables up to the first one [`toml_fields`] reads none of.
pub fn toml_table_fields<'a, const N: usize>(
    value: &'a str,
    keys: [&str; N],
) -> Option<(Vec<[Option<&'a str>; N]>, bool)> {
    let inner = inside(value, b'[', b']')?;
    let bytes = inner.as_bytes();
    let mut tables = Vec::new();
    let mut at = 0;
    loop {
        // Between elements, as `Pieces` passes over them: separators, blanks and comments.
        at = blank_end(bytes, at);
        while bytes.get(at) == Some(&b',') {
            at = blank_end(bytes, at + 1);
        }
        if at == bytes.len() {
            return Some((tables, true));
        }
        let start = at;
        if bytes[at] != b'{' {
            let mut element = Pieces::new(&inner[at..]);
            element.next();
            if element.broken {
                return None;
            }
            at += element.at;
            continue;
        }
        if let Some((fields, end)) = table_fields(&inner[at + 1..], keys) {
            // The element is the table alone: what follows it up to the separator is blank or
            // a comment.
            at = blank_end(bytes, at + 1 + end + 1);
            if matches!(bytes.get(at), None | Some(b',')) {
                tables.push(fields);
                continue;
            }
        }
        // A table `toml_fields` reads none of: the array, read on from it, says whether
        // `toml_elements` gives its elements.
        let mut rest = Pieces::new(&inner[start..]);
        rest.by_ref().for_each(drop);
        return (!rest.broken).then_some((tables, false));
    }
}

/// Where the blanks and comments from `at` end.
fn blank_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(byte) = bytes.get(at) {
        at = match byte {
            b' ' | b'\t' | b'\r' | b'\n' => at + 1,
            b'#' => line_end(bytes, at),
            _ => break,
        };
    }
    at
}

/// The values of `keys` in the inline table whose inside `text` begins, with where its `}`
/// is in `text`; None when the table does not close or an entry is no `key = value`.
fn table_fields<'a, const N: usize>(
    text: &'a str,
    keys: [&str; N],
) -> Option<([Option<&'a str>; N], usize)> {
    let mut pieces = Pieces::in_table(text);
    let found = fields_in(&mut pieces, keys)?;
    Some((found, pieces.table_end?))
}

/// The comma-separated pieces of the inside of an array or inline table, at its top level,
/// each trimmed, comments left out; None when a bracket or string inside does not close.
fn split_top(inner: &str) -> Option<Vec<&str>> {
    let mut pieces = Pieces::new(inner);
    let all: Vec<&str> = pieces.by_ref().collect();
    (!pieces.broken).then_some(all)
}

/// The top-level pieces of the inside of an array or inline table, one at a time; `broken`
/// once a bracket or string inside does not close (and no piece comes after).
struct Pieces<'a> {
    inner: &'a str,
    at: usize,
    broken: bool,
    /// Whether the text goes on past the inside of an inline table: the first `}` that closes
    /// nothing inside ends the pieces ([`Pieces::in_table`]) instead of breaking them.
    open_table: bool,
    /// Where that `}` is, once found.
    table_end: Option<usize>,
}

impl<'a> Pieces<'a> {
    fn new(inner: &'a str) -> Pieces<'a> {
        Pieces {
            inner,
            at: 0,
            broken: false,
            open_table: false,
            table_end: None,
        }
    }

    /// The pieces of the inline table whose inside `text` begins: `text` runs on past the
    /// `}` that closes it, where the pieces end (`table_end`), as if `text` ended there.
    fn in_table(text: &'a str) -> Pieces<'a> {
        Pieces {
            open_table: true,
            ..Pieces::new(text)
        }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.inner.as_bytes();
        let mut depth = 0usize;
        let mut first: Option<usize> = None;
        let mut last = 0;
        let mut lines = 0;
        while self.at < bytes.len() {
            let at = self.at;
            let byte = bytes[at];
            match byte {
                b',' if depth == 0 => {
                    self.at += 1;
                    match first {
                        Some(first) => return Some(&self.inner[first..last]),
                        None => continue,
                    }
                }
                b'#' => {
                    self.at = line_end(bytes, at);
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            first.get_or_insert(at);
            self.at = match byte {
                b'"' | b'\'' => match string_end(bytes, at, &mut lines, false) {
                    Some(end) => end,
                    None => break,
                },
                b'[' | b'{' => {
                    depth += 1;
                    at + 1
                }
                b']' | b'}' => match depth.checked_sub(1) {
                    Some(up) => {
                        depth = up;
                        at + 1
                    }
                    None if byte == b'}' && self.open_table => {
                        self.table_end = Some(at);
                        self.at = bytes.len();
                        // The piece before the `}`, if there is one (it began before it).
                        return first
                            .filter(|first| *first < at)
                            .map(|first| &self.inner[first..last]);
                    }
                    None => break,
                },
                _ => plain_end(bytes, at + 1),
            };
            last = self.at;
        }
        if self.at < bytes.len() || depth != 0 {
            self.broken = true;
            self.at = bytes.len();
            return None;
        }
        first.map(|first| &self.inner[first..last])
    }
}

/// Where the run of bytes from `at` that [`Pieces`] passes over one by one (none of a
/// separator, comment, whitespace, quote or bracket) ends.
fn plain_end(bytes: &[u8], at: usize) -> usize {
    let run = bytes[at..].iter().position(|byte| {
        matches!(
            byte,
            b',' | b'#' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'[' | b'{' | b']' | b'}'
        )
    });
    run.map_or(bytes.len(), |run| at + run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_text_is_cut_into_an_even_number_of_parts_at_table_lines() {
        let table = "[[package]]\nname = \"x\"\nversion = \"1.0.0\"\n\n";
        let text = format!("version = 4\n\n{}", table.repeat(30_000));
        let parts = toml_parts(&text, "package").unwrap();
        assert_eq!(parts.len(), MOST_PARTS);
        assert_eq!(parts.concat(), text);
        assert!(
            parts[1..]
                .iter()
                .all(|part| part.starts_with("[[package]]\n"))
        );
        let middle = text.len() / 2;
        let cut = middle + text[middle..].find("\n[[package]]").unwrap() + 1;
        let first_half: usize = parts[..MOST_PARTS / 2].iter().map(|part| part.len()).sum();
        assert_eq!(first_half, cut);
        assert_eq!(toml_parts(&text[..PARTS_FROM - 1], "package"), None);
        assert_eq!(toml_parts(&"x = 1\n".repeat(40_000), "package"), None);
    }

    #[test]
    fn lines_end_as_the_standard_ones_do() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb\r\n",
            "a\r",
            "a\rb\n\n\nc",
            "\r\n\r\n",
            "é\nü\r\nx\r",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>()
            );
            assert_eq!(
                inclusive(text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_value_left_open_is_searched_once() {
        let text = "a = [\nb = \"\"\"\nc = [1]\nname = \"x\"\nd = [\n2]\n";
        let items: Vec<TomlItem> = TomlItems::new(text).collect();
        assert_eq!(items[0], TomlItem::Unread { line: 1 });
        assert_eq!(items[1], TomlItem::Unread { line: 2 });
        assert!(matches!(
            items[2],
            TomlItem::Pair {
                key: "c",
                line: 3,
                ..
            }
        ));
        assert!(matches!(
            items[3],
            TomlItem::Pair {
                key: "name",
                line: 4,
                ..
            }
        ));
        assert_eq!(items[4], TomlItem::Unread { line: 5 });
        assert_eq!(items.len(), 6);
        assert_eq!(toml_string("\"a\\\nb\""), None);
    }

    #[test]
    fn toml_items_by_lines() {
        let text = "# head\nversion = 4 # four\n\n[[package]]\nname = \"a\"\n\"quoted key\" = 'lit'\nlist = [\n  { url = \"x]#\", n = 1 }, # ]\n  \"b\",\n]\n[table] # note\nbroken\nopen = [\n";
        let items: Vec<TomlItem> = TomlItems::new(text).collect();
        let pair = |key, value, written, line| TomlItem::Pair {
            key,
            value,
            written,
            line,
        };
        assert_eq!(
            items,
            vec![
                pair("version", "4", "version = 4", 2),
                TomlItem::Table {
                    name: "package",
                    array: true,
                    line: 4
                },
                pair("name", "\"a\"", "name = \"a\"", 5),
                pair("quoted key", "'lit'", "\"quoted key\" = 'lit'", 6),
                pair(
                    "list",
                    "[\n  { url = \"x]#\", n = 1 }, # ]\n  \"b\",\n]",
                    "list = [\n  { url = \"x]#\", n = 1 }, # ]\n  \"b\",\n]",
                    7
                ),
                TomlItem::Table {
                    name: "table",
                    array: false,
                    line: 11
                },
                TomlItem::Unread { line: 12 },
                TomlItem::Unread { line: 13 },
            ]
        );
        let list = toml_elements("[\n  { url = \"x]#\", n = 1 }, # ]\n  \"b\",\n]").unwrap();
        assert_eq!(list, ["{ url = \"x]#\", n = 1 }", "\"b\""]);
        assert_eq!(
            toml_field(list[0], "url").and_then(toml_string),
            Some("x]#")
        );
        assert_eq!(toml_field(list[0], "n"), Some("1"));
        assert_eq!(toml_string("'a\"b'"), Some("a\"b"));
        assert_eq!(toml_string("\"a\\\"b\""), None);
        assert_eq!(toml_string("\"\"\"a\"\"\""), None);
    }

    /// Numbers below the bound asked for, the same for the same `seed` on every run.
    fn draws(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        }
    }

    /// What `toml_table_fields` gives, read as its callers read arrays before it: the elements,
    /// then each table's fields.
    fn tables_as_elements<'a, const N: usize>(
        value: &'a str,
        keys: [&str; N],
    ) -> Option<(Vec<[Option<&'a str>; N]>, bool)> {
        let mut tables = Vec::new();
        for element in toml_elements(value)? {
            if element.as_bytes()[0] == b'{' {
                match toml_fields(element, keys) {
                    Some(fields) => tables.push(fields),
                    None => return Some((tables, false)),
                }
            }
        }
        Some((tables, true))
    }

    #[test]
    fn table_fields_in_one_pass_answer_as_elements_then_fields() {
        let pieces = [
            "{url = \"a/b.whl\", hash = \"x\"}",
            "{ file = 'c', size = 1 }",
            "\"plain\"",
            "[1, {a = 2}]",
            "{a = {b = 1}, url = \"q\"}",
            "{a = 1} x",
            "{= 1}",
            "{a = \"x}\"}",
            "# c }\n",
            ",",
            "{a = [1}",
            "}",
            "]",
            "{a = 1 # c }\n}",
            "\"open",
            "{url = \"u\", url = \"v\"}",
            "{}",
            "{ }",
            "{a = 1,}",
            "{\"url\" = \"w\"}",
            "{a = 1}{b = 2}",
            "\n",
            " ",
            "'''m\nl'''",
            "{a = \"\"\"x\n}\"\"\"}",
        ];
        let mut next = draws(11);
        let mut read = 0;
        for _ in 0..20_000 {
            let mut value = String::from(if next(10) == 0 { "" } else { "[" });
            for _ in 0..next(6) {
                value.push_str(pieces[next(pieces.len())]);
                value.push_str([", ", ",", " ", "\n", ",\n  "][next(5)]);
            }
            value.push_str(if next(10) == 0 { "" } else { "]" });
            let keys = ["url", "file", "a"];
            let expected = tables_as_elements(&value, keys);
            assert_eq!(toml_table_fields(&value, keys), expected, "{value:?}");
            read += usize::from(expected.is_some_and(|(tables, _)| !tables.is_empty()));
        }
        assert!(read > 1_000, "{read} arrays held tables read");
    }

    /// Texts and keys built from few characters, so that keys, quotes and separators meet in
    /// every arrangement.
    fn samples() -> (Vec<String>, Vec<String>) {
        let alphabet = [
            'a', 'b', '"', '=', ':', ' ', '\t', '\r', '\u{a0}', '\n', 'é',
        ];
        let mut next = draws(7);
        let mut texts = Vec::new();
        let mut keys = vec![String::new()];
        for _ in 0..600 {
            let length = next(40);
            let text: String = (0..length)
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            for _ in 0..4 {
                let start = next(text.chars().count() + 1);
                let take = next(6);
                keys.push(text.chars().skip(start).take(take).collect());
            }
            texts.push(text);
        }
        texts.push("{\n  \"a\": 1,\n  \"b\" : {\"a\": 2}\n}\nb = 3\n\"a\"b\" = 4\r\n".to_string());
        keys.extend(["a", "b", "a\"b", "\"a\"", " a", "a "].map(str::to_string));
        (texts, keys)
    }

    #[test]
    fn key_lines_answer_as_the_scan() {
        let (texts, keys) = samples();
        for text in &texts {
            let index = KeyLines::new(text);
            for key in &keys {
                let scan = key_line(text, key);
                assert_eq!(index.line(key), scan, "{text:?} {key:?}");
                let first = index.first.get().expect("built by the first question");
                let found = first.get(&(key.len(), hash(key.as_bytes(), index.base)));
                assert_eq!(
                    found.map(|(line, _)| *line),
                    scan,
                    "indexed {text:?} {key:?}"
                );
            }
        }
    }

    #[test]
    fn quoted_lines_answer_as_the_scan() {
        let (texts, keys) = samples();
        for text in &texts {
            let index = QuotedLines::new(text);
            for key in &keys {
                let scan = line_of(text, |line| line.contains(&format!("\"{key}\"")));
                assert_eq!(index.line(key), scan, "{text:?} {key:?}");
                if !key.contains('"') {
                    let found = index
                        .between
                        .get(&(key.len(), hash(key.as_bytes(), index.base)));
                    assert_eq!(found.map(|(line, _)| line + 1), scan, "indexed {key:?}");
                }
            }
        }
    }

    #[test]
    fn starts_count_newlines() {
        let text = "a\nbc\r\n\nd";
        let starts = Starts::new(text);
        for offset in 0..=text.len() {
            assert_eq!(
                starts.line(offset),
                text[..offset].matches('\n').count() + 1,
                "{offset}"
            );
        }
    }
}
