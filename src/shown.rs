//! Text that reaches a person: a terminal, a CI log or a comment in a generated file. Control
//! characters (escape sequences, OSC 52 clipboard writes, carriage returns), bidirectional
//! overrides, zero-width characters, the deprecated format controls (U+206A to U+206F), Unicode
//! tag characters (U+E0000 to U+E007F, invisible text) and the Unicode line and paragraph
//! separators are shown escaped as `\uXXXX` (a surrogate pair above U+FFFF), so a directory or
//! file name read from a repository cannot clear a screen, reorder what is read, hide text or
//! forge a line. The escape is also valid inside a JSON string, so `--json` output stays JSON
//! with the same meaning.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` must never reach a person unescaped (newline and tab aside).
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    for unit in c.encode_utf16(&mut [0; 2]) {
        let _ = write!(out, "\\u{unit:04x}");
    }
}

/// One value on one line: every hidden character escaped, newlines and tabs included.
pub fn line(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_string();
    }
    text.chars()
        .fold(String::with_capacity(text.len()), |mut out, c| {
            if hidden(c) {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
            out
        })
}

/// Several lines: hidden characters escaped, newlines and tabs kept.
pub fn block(text: &str) -> String {
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
    {
        return text.to_string();
    }
    text.chars()
        .fold(String::with_capacity(text.len()), |mut out, c| {
            if hidden(c) && c != '\n' && c != '\t' {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
            out
        })
}

/// A writer that shows what passes through it with [`block`]; bytes that are not UTF-8 are
/// shown as `\xNN`. A character split across two writes is held until it is whole.
pub struct Terminal<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Terminal<W> {
        Terminal {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, final_chunk: bool) -> io::Result<()> {
        let mut out = String::new();
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(&block(text));
                    rest = &[];
                    break;
                }
                Err(err) => {
                    let (good, bad) = rest.split_at(err.valid_up_to());
                    out.push_str(&block(std::str::from_utf8(good).expect("valid prefix")));
                    match err.error_len() {
                        Some(len) => {
                            for byte in &bad[..len] {
                                let _ = write!(out, "\\x{byte:02x}");
                            }
                            rest = &bad[len..];
                        }
                        None if final_chunk => {
                            for byte in bad {
                                let _ = write!(out, "\\x{byte:02x}");
                            }
                            rest = &[];
                            break;
                        }
                        None => {
                            rest = bad;
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.to_vec();
        self.pending = keep;
        self.inner.write_all(out.as_bytes())
    }
}

impl<W: Write> Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.emit(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit(true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

thread_local! {
    /// The warnings of the command running on this thread, for `--strict`.
    static WARNINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Records a warning that a command shows in its own output (explain's text, check's notes),
/// so `--strict` counts it like one printed by [`crate::output::warn`].
pub fn noted(message: &str) {
    WARNINGS.with(|warnings| warnings.borrow_mut().push(message.to_string()));
}

/// The warnings recorded on this thread since the last call, in order, without repeats.
pub fn take_warnings() -> Vec<String> {
    let mut taken: Vec<String> =
        WARNINGS.with(|warnings| std::mem::take(&mut *warnings.borrow_mut()));
    let mut seen = std::collections::BTreeSet::new();
    taken.retain(|warning| seen.insert(warning.clone()));
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_steer_a_terminal() {
        assert_eq!(line("a\x1b[2Jb"), "a\\u001b[2Jb");
        assert_eq!(line("x\ny"), "x\\u000ay");
        assert_eq!(block("x\ny\r"), "x\ny\\u000d");
        assert_eq!(line("\u{202e}txt.exe"), "\\u202etxt.exe");
        assert_eq!(line("a\u{200b}b\u{2028}"), "a\\u200bb\\u2028");
        assert_eq!(line("plain café"), "plain café");
        assert_eq!(line("a\u{206a}b\u{206f}"), "a\\u206ab\\u206f");
        assert_eq!(
            line("ok\u{e0001}\u{e0041}\u{e007f}"),
            "ok\\udb40\\udc01\\udb40\\udc41\\udb40\\udc7f"
        );
        let json = format!("\"{}\"", line("x\u{e0041}"));
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), "x\u{e0041}");
    }

    #[test]
    fn the_writer_holds_split_characters_and_shows_bad_bytes() {
        let mut out = Vec::new();
        {
            let mut term = Terminal::new(&mut out);
            let bidi = "\u{202e}".as_bytes();
            term.write_all(&bidi[..1]).unwrap();
            term.write_all(&bidi[1..]).unwrap();
            term.write_all(b"\x1b]52;c;eA==\x07 \xff ok\n").unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\\u202e\\u001b]52;c;eA==\\u0007 \\xff ok\n"
        );
    }
}
