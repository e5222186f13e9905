//! A strict, validating JSON scanner (RFC 8259) over a borrowed document.
//!
//! Why not serde_json for input: the engines must accept every well-formed
//! document and reject every ill-formed one, including inside members they
//! ignore. serde_json's ignore paths do not check surrogate escapes, its
//! `deserialize_any` rejects well-formed numbers such as `1e400`
//! (NumberOutOfRange), and its nesting limit is 128, not the engines' 64.
//! This scanner validates everything in one pass and hands out borrowed
//! spans of the input, so strings without escapes are never copied.
//!
//! UTF-8 is checked as the strings are scanned: bytes above 0x7F may stand
//! only inside strings (anywhere else they are a syntax error), so a
//! document scanned without error is valid UTF-8, and the document is not
//! read a second time to check it. Since invalid UTF-8 anywhere is the
//! error even when a syntax error comes first, an error is reported
//! through [`utf8_first`], which then checks the whole document.
//!
//! Long file: the scanner is one state machine over one cursor (structure,
//! strings with UTF-8, escapes and surrogate pairs, numbers, the depth
//! limit); its parts share the cursor's invariants, and splitting them
//! into modules would only widen what each may touch.

use std::borrow::Cow;

/// Deepest container nesting accepted: the top-level array is depth 1.
pub const MAX_NESTING: usize = 64;

/// The JSON type of a scanned value. Numbers are split into integers (no
/// fraction, no exponent) and other numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number with neither fraction nor exponent.
    Int,
    /// A number with a fraction or an exponent.
    Float,
    /// A string.
    Str,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A scanned value: its kind and byte span in the document. For strings the
/// span excludes the quotes; `escaped` tells whether it holds a backslash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// JSON type of the value.
    pub kind: Kind,
    /// First byte (for strings: after the opening quote).
    pub start: u32,
    /// One past the last byte (for strings: the closing quote).
    pub end: u32,
    /// The string holds at least one escape sequence.
    pub escaped: bool,
}

/// An ill-formed document: what was wrong and at which byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the document.
    pub offset: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte offset {}", self.what, self.offset)
    }
}

/// Result of a scanner step.
pub type Result<T> = std::result::Result<T, SyntaxError>;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// True when one of the 8 bytes of `w` may be a quote, a backslash, a
/// control character or a byte above 0x7F (exact for "none", may
/// over-report).
#[inline(always)]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn string_special(w: u64) -> bool {
    let q = w ^ (ONES * b'"' as u64);
    let b = w ^ (ONES * b'\\' as u64);
    let zq = q.wrapping_sub(ONES) & !q;
    let zb = b.wrapping_sub(ONES) & !b;
    let ctrl = w.wrapping_sub(ONES * 0x20) & !w;
    (zq | zb | ctrl | w) & HIGHS != 0
}

#[inline(always)]
fn is_special(c: u8) -> bool {
    c == b'"' || c == b'\\' || !(0x20..=0x7f).contains(&c)
}

/// Index of the first quote, backslash, control character or byte above
/// 0x7F at or after `i`, or `src.len()`. SSE2 (baseline on x86_64): 16
/// bytes per step.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn next_special(src: &[u8], mut i: usize) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline, so the intrinsics are
    // available; loads stay within src (i + 16 <= len) and loadu has no
    // alignment requirement.
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let ctrl_max = _mm_set1_epi8(0x1f);
        while i + 16 <= src.len() {
            let v = _mm_loadu_si128(src.as_ptr().add(i) as *const __m128i);
            // The top bit of each byte: set for the bytes compared equal
            // and for those above 0x7F.
            let hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctrl_max), v), v),
            );
            let mask = _mm_movemask_epi8(hit) as u32;
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i < src.len() && !is_special(src[i]) {
        i += 1;
    }
    i
}

/// Index of the first quote, backslash, control character or byte above
/// 0x7F at or after `i`, or `src.len()`: 8 bytes per step (SWAR).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn next_special(src: &[u8], mut i: usize) -> usize {
    while i + 8 <= src.len() {
        let w = u64::from_le_bytes(src[i..i + 8].try_into().expect("8 bytes"));
        if string_special(w) {
            break;
        }
        i += 8;
    }
    while i < src.len() && !is_special(src[i]) {
        i += 1;
    }
    i
}

/// The index of the first byte at or after `i` that is not JSON white
/// space (space, tab, LF, CR), or `src.len()`.
#[inline(always)]
fn skip_ws_at(src: &[u8], mut i: usize) -> usize {
    while let Some(&b) = src.get(i) {
        // Every byte above the space is not white space: one test for the
        // common case of no white space at all.
        if b > b' ' || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        i += 1;
    }
    i
}

/// [`skip_ws_at`] with the common case (no white space at `i`) tested
/// first, inline.
#[inline(always)]
fn ws_then(src: &[u8], i: usize) -> usize {
    match src.get(i) {
        Some(&b) if b > b' ' => i,
        _ => skip_ws_at(src, i),
    }
}

/// Validates UTF-8 with SIMD instructions where the CPU has them
/// (simdutf8); the offset of the first invalid byte comes from the
/// standard library, which is slower and needed only on failure.
fn from_utf8(input: &[u8]) -> std::result::Result<&str, usize> {
    simdutf8::basic::from_utf8(input)
        .or_else(|_| std::str::from_utf8(input).map_err(|e| e.valid_up_to()))
}

/// Validates UTF-8, in parallel pieces cut at character starts for large
/// inputs; returns the offset of the first invalid byte on failure.
pub(crate) fn validate_utf8(input: &[u8]) -> std::result::Result<&str, usize> {
    const PIECE: usize = 1 << 20;
    if input.len() < 4 * PIECE {
        return from_utf8(input);
    }
    let mut cuts = vec![0];
    let mut at = PIECE;
    while at < input.len() {
        // Move to a byte that is not a continuation byte (at most 3 steps
        // in valid UTF-8; any cut is correct, this keeps pieces aligned).
        while at < input.len() && input[at] & 0xC0 == 0x80 && at - cuts[cuts.len() - 1] < 2 * PIECE
        {
            at += 1;
        }
        cuts.push(at);
        at += PIECE;
    }
    cuts.push(input.len());
    cuts.dedup();
    use rayon::prelude::*;
    let first_bad = cuts
        .par_windows(2)
        .filter_map(|w| from_utf8(&input[w[0]..w[1]]).err().map(|at| w[0] + at))
        .min();
    match first_bad {
        // SAFETY: every piece is valid UTF-8 and each cut is at a byte that
        // is not a continuation byte, so no character spans a cut.
        None => Ok(unsafe { std::str::from_utf8_unchecked(input) }),
        Some(offset) => Err(offset),
    }
}

/// The error to report for a document (`input`) whose scan failed with
/// `e`: its first invalid UTF-8 byte if it has one, which comes before
/// any syntax error (the scanner checks UTF-8 only in what it reaches),
/// else `e`.
pub fn utf8_first(input: &[u8], e: SyntaxError) -> SyntaxError {
    match validate_utf8(input) {
        Err(offset) => SyntaxError {
            offset,
            what: "invalid UTF-8",
        },
        Ok(_) => e,
    }
}

/// A cursor over a document. What it has scanned without error is valid
/// UTF-8 (see the module doc), so the spans it hands out are text.
#[derive(Clone)]
pub struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    /// Starts a scanner; fails when the document is too large for 32-bit
    /// offsets. UTF-8 is checked as strings are scanned: report a scan
    /// error through [`utf8_first`].
    pub fn new(input: &'a [u8]) -> Result<Self> {
        if input.len() >= u32::MAX as usize {
            return Err(SyntaxError {
                offset: 0,
                what: "document larger than 4 GiB",
            });
        }
        Ok(Scanner { src: input, pos: 0 })
    }

    /// Starts a scanner over text already known to be UTF-8 (a window of a
    /// streamed document); fails when it is too large for 32-bit offsets.
    pub fn over(text: &'a str) -> Result<Self> {
        Scanner::new(text.as_bytes())
    }

    /// The document's bytes.
    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to byte offset `pos` (which must be where a value starts).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The text of a span (a span this scanner handed out, or one that
    /// adds a string's quotes to it).
    #[inline]
    pub fn slice(&self, s: Span) -> &'a str {
        let bytes = &self.src[s.start as usize..s.end as usize];
        // SAFETY: the bytes of a span were scanned without error: string
        // bodies checked as UTF-8 by scan_string, everything else ASCII
        // (structure, numbers, literals, quotes); a span starts and ends
        // at ASCII bytes or string body bounds, which are character
        // boundaries.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// A string span's value with escapes decoded (borrowed when it has none).
    #[inline]
    pub fn string(&self, s: Span) -> Cow<'a, str> {
        let raw = self.slice(s);
        if s.escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }

    fn err<T>(&self, what: &'static str) -> Result<T> {
        Err(SyntaxError {
            offset: self.pos,
            what,
        })
    }

    /// Skips JSON white space (space, tab, LF, CR).
    #[inline]
    pub fn skip_ws(&mut self) {
        self.pos = skip_ws_at(self.src, self.pos);
    }

    /// The next byte after white space, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.src.get(self.pos).copied()
    }

    /// Fails unless only white space is left.
    pub fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos != self.src.len() {
            return self.err("unexpected data after the top-level value");
        }
        Ok(())
    }

    /// Consumes `[` (after white space): the start of an array.
    pub fn begin_array(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                Ok(())
            }
            None => self.err("unexpected end of input"),
            _ => self.err("expected an array"),
        }
    }

    /// Consumes `{` (after white space): the start of an object.
    pub fn begin_object(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                Ok(())
            }
            None => self.err("unexpected end of input"),
            _ => self.err("expected an object"),
        }
    }

    /// Moves to the next array element: returns false at `]` (consumed).
    /// `first` must be true before the first element and is cleared.
    #[inline]
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.pos += 1;
                if self.peek() == Some(b']') {
                    return self.err("trailing comma in array");
                }
                Ok(true)
            }
            Some(_) if *first => {
                *first = false;
                Ok(true)
            }
            None => self.err("unexpected end of input in array"),
            Some(_) => self.err("expected ',' or ']' in array"),
        }
    }

    /// Moves to the next object member: returns its key span (a string) with
    /// the `:` consumed, or None at `}` (consumed).
    #[inline]
    pub fn next_key(&mut self, first: &mut bool) -> Result<Option<Span>> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                if self.peek() != Some(b'"') {
                    return self.err("expected a member name after ','");
                }
            }
            Some(b'"') if *first => {}
            None => return self.err("unexpected end of input in object"),
            Some(_) if *first => return self.err("expected a member name or '}'"),
            Some(_) => return self.err("expected ',' or '}' in object"),
        }
        *first = false;
        let key = self.scan_string()?;
        match self.peek() {
            Some(b':') => self.pos += 1,
            _ => return self.err("expected ':' after member name"),
        }
        Ok(Some(key))
    }

    /// The members of the object that starts at the cursor (a `{`, at
    /// nesting `depth`, already checked against the limit), by a fast path
    /// for the common shape: `member` gets each name's bytes and its
    /// value's span, in document order, and the cursor ends after the `}`.
    ///
    /// The fast path takes member names without escapes and scans plain
    /// strings in place; any other value goes through [`Self::value`]. It
    /// returns None on anything else (an escaped name, ill-formed input),
    /// with the cursor and the members already passed unspecified: the
    /// caller then scans the object again from its start with
    /// [`Self::next_key`] and [`Self::value`], which find the same members
    /// or report the error at its exact offset. It never accepts what
    /// those reject.
    #[inline]
    pub fn members_fast(
        &mut self,
        depth: usize,
        mut member: impl FnMut(&'a [u8], Span),
    ) -> Option<()> {
        let src = self.src;
        if src.get(self.pos) != Some(&b'{') {
            return None;
        }
        let mut i = skip_ws_at(src, self.pos + 1);
        if src.get(i) == Some(&b'}') {
            self.pos = i + 1;
            return Some(());
        }
        loop {
            if src.get(i) != Some(&b'"') {
                return None;
            }
            let k = next_special(src, i + 1);
            if src.get(k) != Some(&b'"') {
                return None;
            }
            let key = &src[i + 1..k];
            i = k + 1;
            if src.get(i) != Some(&b':') {
                i = skip_ws_at(src, i);
                if src.get(i) != Some(&b':') {
                    return None;
                }
            }
            i = ws_then(src, i + 1);
            let v = self.value_fast(i, depth + 1)?;
            member(key, v);
            i = ws_then(src, self.pos);
            match src.get(i) {
                Some(b',') => i = ws_then(src, i + 1),
                Some(b'}') => {
                    self.pos = i + 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The value at `i` (after white space), scanned by the fast path of
    /// [`Self::members_fast`]: plain strings in place, arrays of plain
    /// strings and numbers element by element, anything else through
    /// [`Self::value`] (so `depth` is checked there). Leaves the cursor after
    /// the value; None when the general path must decide.
    #[inline(always)]
    fn value_fast(&mut self, i: usize, depth: usize) -> Option<Span> {
        let src = self.src;
        match *src.get(i)? {
            b'"' => {
                let e = next_special(src, i + 1);
                if src.get(e) == Some(&b'"') {
                    self.pos = e + 1;
                    Some(Span {
                        kind: Kind::Str,
                        start: (i + 1) as u32,
                        end: e as u32,
                        escaped: false,
                    })
                } else {
                    self.pos = i;
                    self.scan_string().ok()
                }
            }
            b'-' | b'0'..=b'9' => self.number_fast(i),
            b'[' if depth <= MAX_NESTING => self.array_fast(i).or_else(|| {
                self.pos = i;
                self.value(depth).ok()
            }),
            _ => {
                self.pos = i;
                self.value(depth).ok()
            }
        }
    }

    /// The number at `i`: an integer of the common form (no leading zero)
    /// in place, anything else through [`Self::number`].
    #[inline(always)]
    fn number_fast(&mut self, i: usize) -> Option<Span> {
        let src = self.src;
        let first = i + (src[i] == b'-') as usize;
        let mut e = first;
        while src.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        let plain = e > first
            && (src[first] != b'0' || e == first + 1)
            && !matches!(src.get(e), Some(b'.' | b'e' | b'E'));
        if plain {
            self.pos = e;
            return Some(self.span(Kind::Int, i as u32));
        }
        self.pos = i;
        self.number().ok()
    }

    /// An array of plain strings and numbers (the common shape of a
    /// finding's list members) at `start`, its depth already checked; None
    /// for anything else, which [`Self::value`] then scans from the start.
    #[inline]
    fn array_fast(&mut self, start: usize) -> Option<Span> {
        let src = self.src;
        let mut i = ws_then(src, start + 1);
        if src.get(i) == Some(&b']') {
            self.pos = i + 1;
            return Some(self.span(Kind::Array, start as u32));
        }
        loop {
            match *src.get(i)? {
                b'"' => {
                    let e = next_special(src, i + 1);
                    if src.get(e) != Some(&b'"') {
                        return None;
                    }
                    self.pos = e + 1;
                }
                b'-' | b'0'..=b'9' => {
                    self.number_fast(i)?;
                }
                _ => return None,
            }
            i = ws_then(src, self.pos);
            match src.get(i) {
                Some(b',') => i = ws_then(src, i + 1),
                Some(b']') => {
                    self.pos = i + 1;
                    return Some(self.span(Kind::Array, start as u32));
                }
                _ => return None,
            }
        }
    }

    /// Scans one complete value of any type, validating it entirely.
    /// `depth` is the nesting depth the value has if it is a container.
    pub fn value(&mut self, depth: usize) -> Result<Span> {
        match self.peek() {
            Some(b'"') => self.scan_string(),
            Some(b'{') => {
                let start = self.pos as u32;
                self.enter(depth)?;
                self.pos += 1;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.value(depth + 1)?;
                }
                Ok(self.span(Kind::Object, start))
            }
            Some(b'[') => {
                let start = self.pos as u32;
                self.enter(depth)?;
                self.pos += 1;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.value(depth + 1)?;
                }
                Ok(self.span(Kind::Array, start))
            }
            Some(b't') => self.literal(b"true", Kind::Bool),
            Some(b'f') => self.literal(b"false", Kind::Bool),
            Some(b'n') => self.literal(b"null", Kind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => self.err("unexpected end of input, expected a value"),
            Some(_) => self.err("expected a value"),
        }
    }

    /// Fails when a container at `depth` would nest too deeply.
    pub fn enter(&self, depth: usize) -> Result<()> {
        if depth > MAX_NESTING {
            return self.err("nesting deeper than 64 levels");
        }
        Ok(())
    }

    #[inline]
    fn span(&self, kind: Kind, start: u32) -> Span {
        Span {
            kind,
            start,
            end: self.pos as u32,
            escaped: false,
        }
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Result<Span> {
        let start = self.pos as u32;
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(self.span(kind, start))
        } else {
            self.err("invalid literal")
        }
    }

    fn number(&mut self) -> Result<Span> {
        let src = self.src;
        let start = self.pos;
        let mut i = start;
        let digit = |i: usize| src.get(i).is_some_and(u8::is_ascii_digit);
        if src[i] == b'-' {
            i += 1;
        }
        match src.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while digit(i) {
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return self.err("invalid number");
            }
        }
        let mut kind = Kind::Int;
        if src.get(i) == Some(&b'.') {
            i += 1;
            if !digit(i) {
                self.pos = i;
                return self.err("invalid number: digit expected after '.'");
            }
            while digit(i) {
                i += 1;
            }
            kind = Kind::Float;
        }
        if matches!(src.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(src.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digit(i) {
                self.pos = i;
                return self.err("invalid number: digit expected in exponent");
            }
            while digit(i) {
                i += 1;
            }
            kind = Kind::Float;
        }
        self.pos = i;
        Ok(self.span(kind, start as u32))
    }

    /// Scans a string starting at its opening quote; validates escapes
    /// (including surrogate pairs) and rejects raw control characters.
    pub fn scan_string(&mut self) -> Result<Span> {
        let src = self.src;
        debug_assert_eq!(src[self.pos], b'"');
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            i = next_special(src, i);
            match src.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Span {
                        kind: Kind::Str,
                        start: start as u32,
                        end: i as u32,
                        escaped,
                    });
                }
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i + 1)?;
                }
                Some(0..=0x1f) => {
                    self.pos = i;
                    return self.err("control character in string");
                }
                Some(0x80..) => i = self.utf8_run(i)?,
                Some(_) => unreachable!("next_special stops at specials only"),
                None => {
                    self.pos = i;
                    return self.err("unexpected end of input in string");
                }
            }
        }
    }

    /// Checks the bytes above 0x7F from `i` on (in a string, up to the next
    /// ASCII byte) as UTF-8; returns the index after them.
    #[cold]
    fn utf8_run(&mut self, i: usize) -> Result<usize> {
        let src = self.src;
        let end = src[i..]
            .iter()
            .position(u8::is_ascii)
            .map_or(src.len(), |n| i + n);
        match from_utf8(&src[i..end]) {
            Ok(_) => Ok(end),
            Err(at) => {
                self.pos = i + at;
                self.err("invalid UTF-8")
            }
        }
    }

    /// Validates the escape whose letter is at `i`; returns the index after it.
    fn escape(&mut self, i: usize) -> Result<usize> {
        match self.src.get(i) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 1),
            Some(b'u') => {
                let cp = self.hex4(i + 1)?;
                if (0xD800..0xDC00).contains(&cp) {
                    if self.src.get(i + 5) != Some(&b'\\') || self.src.get(i + 6) != Some(&b'u') {
                        self.pos = i + 5;
                        return self.err("unpaired surrogate escape");
                    }
                    let lo = self.hex4(i + 7)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        self.pos = i + 5;
                        return self.err("unpaired surrogate escape");
                    }
                    Ok(i + 11)
                } else if (0xDC00..0xE000).contains(&cp) {
                    self.pos = i - 1;
                    self.err("unpaired surrogate escape")
                } else {
                    Ok(i + 5)
                }
            }
            _ => {
                self.pos = i;
                self.err("invalid escape sequence")
            }
        }
    }

    fn hex4(&mut self, i: usize) -> Result<u32> {
        let mut v = 0u32;
        for k in 0..4 {
            let d = match self.src.get(i + k) {
                Some(&c @ b'0'..=b'9') => c - b'0',
                Some(&c @ b'a'..=b'f') => c - b'a' + 10,
                Some(&c @ b'A'..=b'F') => c - b'A' + 10,
                _ => {
                    self.pos = i + k;
                    return self.err("invalid \\u escape");
                }
            };
            v = v << 4 | d as u32;
        }
        Ok(v)
    }
}

fn hex_at(b: &[u8]) -> u32 {
    b[..4].iter().fold(0, |v, &c| {
        v << 4
            | match c {
                b'0'..=b'9' => (c - b'0') as u32,
                b'a'..=b'f' => (c - b'a' + 10) as u32,
                _ => (c - b'A' + 10) as u32,
            }
    })
}

/// Decodes the escapes of a string body already validated by the scanner.
pub fn unescape(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < b.len() {
        let j = b[i..]
            .iter()
            .position(|&c| c == b'\\')
            .map_or(b.len(), |p| i + p);
        out.push_str(&raw[i..j]);
        if j == b.len() {
            break;
        }
        let c = b[j + 1];
        i = j + 2;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => {
                let hi = hex_at(&b[i..]);
                i += 4;
                let cp = if (0xD800..0xDC00).contains(&hi) {
                    let lo = hex_at(&b[i + 2..]);
                    i += 6;
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                char::from_u32(cp).expect("validated escape")
            }
        };
        out.push(ch);
    }
    out
}

/// Parses the text of an integer span (`-?(0|[1-9][0-9]*)`) into an i64;
/// None when it does not fit. `-0` is 0.
pub fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.len() > 19 {
        return None;
    }
    // 19 digits never overflow a u64.
    let u = digits.bytes().fold(0u64, |v, c| v * 10 + (c - b'0') as u64);
    if neg {
        (u <= 1 << 63).then(|| (u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

impl<'a> Scanner<'a> {
    /// A scanner over one already scanned value (for a second look at its
    /// elements); offsets of its spans are relative to the value.
    pub fn sub(&self, s: Span) -> Scanner<'a> {
        Scanner {
            src: &self.src[s.start as usize..s.end as usize],
            pos: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(doc: &str) -> Result<Span> {
        let mut s = Scanner::new(doc.as_bytes())?;
        let v = s.value(1)?;
        s.finish()?;
        Ok(v)
    }

    #[test]
    fn accepts_well_formed_documents() {
        for doc in [
            "[]",
            " [ 1 , -0, 0.5e-3, 1E+400, -1e400, true, false, null ] ",
            r#"{"a":{"b":[{}]},"c":"\u00e9\ud83d\ude00\n\/\"\\"}"#,
            "\"\u{7f}é😀\"",
            "12345678901234567890123456789",
        ] {
            assert!(check(doc).is_ok(), "{doc}");
        }
    }

    #[test]
    fn rejects_ill_formed_documents() {
        for doc in [
            "",
            "[",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"\\ud800x\"",
            "\"\\x\"",
            "\"\\u12G4\"",
            "\"a\tb\"",
            "\"abc",
            "[] []",
            "\u{feff}[]",
            "[1 2]",
            "NaN",
        ] {
            assert!(check(doc).is_err(), "{doc:?}");
        }
    }

    /// Invalid UTF-8 in a string is the error at its first bad byte; bytes
    /// above 0x7F outside strings are a syntax error, which utf8_first
    /// turns into the UTF-8 error that comes first, as it does for any
    /// syntax error in a document that also holds invalid UTF-8.
    #[test]
    fn checks_utf8_while_scanning() {
        let utf8 = |offset| SyntaxError {
            offset,
            what: "invalid UTF-8",
        };
        let scan = |doc: &[u8]| Scanner::new(doc).unwrap().value(1).map(|_| ());
        for (doc, at) in [
            (&b"[\"\xff\"]"[..], 2),
            (b"[\"ab\xc3\"]", 4),           // a cut two-byte character
            (b"[\"\xc3\xa9\xe2\x82\"]", 4), // valid, then a cut three-byte one
            (b"[\"\xed\xa0\x80\"]", 2),     // a surrogate
            (b"{\"k\xf0\x9f\x98\":1}", 3),  // in a member name
            (b"[\"\\n\x80\"]", 4),          // after an escape
        ] {
            assert_eq!(scan(doc), Err(utf8(at)), "{doc:?}");
            assert_eq!(utf8_first(doc, utf8(at)), utf8(at), "{doc:?}");
        }
        assert_eq!(scan("[\"aé😀\"]".as_bytes()), Ok(()));
        // Outside strings: a syntax error, at the byte.
        let e = scan(b"[1,\xc3\xa9]").unwrap_err();
        assert_eq!(e.offset, 3);
        assert_ne!(e.what, "invalid UTF-8");
        assert_eq!(
            utf8_first(b"[1,\xc3\xa9]", e.clone()),
            e,
            "valid UTF-8: the syntax error"
        );
        assert_eq!(utf8_first(b"[1,\xc3]", e), utf8(3));
        // A syntax error first, invalid UTF-8 later: the UTF-8 error.
        let doc = b"[1,,\"\xff\"]";
        let e = scan(doc).unwrap_err();
        assert_eq!(e.offset, 3);
        assert_eq!(utf8_first(doc, e), utf8(5));
    }

    #[test]
    fn limits_nesting_to_64_levels() {
        let ok = "[".repeat(64) + &"]".repeat(64);
        let deep = "[".repeat(65) + &"]".repeat(65);
        assert!(check(&ok).is_ok());
        assert_eq!(
            check(&deep).unwrap_err().what,
            "nesting deeper than 64 levels"
        );
    }

    /// The members of the object at the start of `doc` by the general
    /// path, with the offset after it, or its error.
    fn members_general(doc: &str) -> Result<(Vec<(String, Span)>, usize)> {
        let mut sc = Scanner::new(doc.as_bytes())?;
        sc.begin_object()?;
        let mut first = true;
        let mut out = Vec::new();
        while let Some(k) = sc.next_key(&mut first)? {
            let v = sc.value(3)?;
            out.push((sc.slice(k).to_string(), v));
        }
        Ok((out, sc.pos()))
    }

    /// members_fast on `doc`: the members and the offset after the object,
    /// or None when it left the object to the general path.
    fn members_fast(doc: &str) -> Option<(Vec<(String, Span)>, usize)> {
        let mut sc = Scanner::new(doc.as_bytes()).ok()?;
        sc.skip_ws();
        let mut out = Vec::new();
        sc.members_fast(2, |k, v| {
            out.push((String::from_utf8(k.to_vec()).unwrap(), v))
        })?;
        Some((out, sc.pos()))
    }

    #[test]
    fn fast_members_agree_with_the_general_path() {
        let base = r#"{"a":"x","bb" : [ "p" , 1.5e3 , -0 ],"c":{"d":[]},"e":true,"f":null,"g":"\u00e9","h":[],"i":12}"#;
        let mut docs: Vec<String> = vec![
            base.into(),
            "{}".into(),
            " { } ".into(),
            r#"{"\u0061":1}"#.into(),
            r#"{"a":[{"b":1}],"c":["x",true]}"#.into(),
            format!("{{\"a\":{}1{}}}", "[".repeat(62), "]".repeat(62)),
            format!("{{\"a\":{}1{}}}", "[".repeat(63), "]".repeat(63)),
        ];
        // Every one-byte change of the base object: the fast path must
        // find what the general path finds, or leave the object to it.
        for at in 0..base.len() {
            for c in [
                "\"", "\\", ",", ":", "}", "]", "[", "{", " ", "\u{1}", "x", "1", "-", ".",
            ] {
                let mut d = base.to_string();
                if d.is_char_boundary(at) && d.is_char_boundary(at + 1) {
                    d.replace_range(at..at + 1, c);
                    docs.push(d);
                }
            }
        }
        let mut taken = 0;
        for d in &docs {
            let general = members_general(d);
            match members_fast(d) {
                Some(fast) => {
                    taken += 1;
                    assert_eq!(general.as_ref().ok(), Some(&fast), "{d}");
                }
                // Only an escaped member name or an error may be declined.
                None => assert!(
                    general
                        .as_ref()
                        .map_or(true, |g| g.0.iter().any(|(k, _)| k.contains('\\'))),
                    "fast path declined a plain object: {d}"
                ),
            }
        }
        // Most one-byte changes break the object; some hundreds do not.
        assert!(taken >= 200, "the fast path took {taken} objects");
    }

    #[test]
    fn classifies_numbers_and_decodes_strings() {
        assert_eq!(check("-0").unwrap().kind, Kind::Int);
        assert_eq!(check("40.0").unwrap().kind, Kind::Float);
        assert_eq!(check("4e1").unwrap().kind, Kind::Float);
        assert_eq!(parse_int("-0"), Some(0));
        assert_eq!(parse_int("100000"), Some(100000));
        assert_eq!(parse_int("-17"), Some(-17));
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("-9223372036854775809"), None);
        assert_eq!(parse_int("12345678901234567890"), None);
        assert_eq!(
            unescape(r#"a\u00e9\ud83d\ude00\n\t\/\\\"b"#),
            "aé😀\n\t/\\\"b"
        );
    }

    #[test]
    fn next_special_finds_the_first_special_byte() {
        for len in [0, 1, 15, 16, 17, 40] {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f, 0x80, 0xc3, 0xff] {
                    let mut text = vec![b'a'; len];
                    text.extend_from_slice(b"~\x7f ");
                    if at < len {
                        text[at] = special;
                    }
                    let want = if at < len { at } else { text.len() };
                    assert_eq!(next_special(&text, 0), want, "len {len} at {at}");
                }
            }
        }
    }

    #[test]
    fn parallel_utf8_validation_finds_the_first_bad_byte() {
        let mut big = "é😀 abc ".repeat(700_000).into_bytes();
        assert!(big.len() > 4 << 20);
        assert!(validate_utf8(&big).is_ok());
        let n = big.len();
        big[n - 2] = 0xff;
        assert_eq!(validate_utf8(&big), Err(n - 2));
        big[3_000_001] = 0xc3; // a lead byte followed by a non-continuation
        let at = validate_utf8(&big).unwrap_err();
        assert!((3_000_001 - 4..=3_000_001).contains(&at), "{at}");
        assert_eq!(
            validate_utf8(&big).unwrap_err(),
            std::str::from_utf8(&big).unwrap_err().valid_up_to()
        );
    }

    #[test]
    fn swar_detects_specials_in_every_lane() {
        for lane in 0..8 {
            for special in [b'"', b'\\', 0x00, 0x1f, 0x80, 0xff] {
                let mut bytes = [b'a'; 8];
                bytes[lane] = special;
                assert!(string_special(u64::from_le_bytes(bytes)));
            }
        }
        assert!(!string_special(u64::from_le_bytes(*b"abcdefgh")));
        assert!(!string_special(u64::from_le_bytes(*b" \x7f!#~{}/")));
    }
}
