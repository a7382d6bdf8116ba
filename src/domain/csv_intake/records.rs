//! Step 2 plumbing: a record reader that knows the physical line and byte offset where each
//! record starts.
//!
//! The `csv` crate reports a record's position as the end of the previous record, so after blank
//! lines or with CRLF endings its line numbers point at the wrong line. This reader drives
//! `csv_core` itself: it skips line breaks between records, notes where the record really starts,
//! and counts line breaks (also the ones inside quoted cells) as it goes.

use std::io::{self, BufRead, BufReader, Read};

use encoding_rs::{Encoding, UTF_8};

use super::encoding::DecodeReader;

/// The longest record accepted (an unclosed quote otherwise swallows the rest of the file).
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// Why reading stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The underlying reader failed.
    Io(io::Error),
    /// A record grew past [`MAX_RECORD_BYTES`]; it starts on this line.
    TooLong { line: u64 },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Counts the bytes read through it.
pub(crate) struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// The file as UTF-8 text (passed through for UTF-8, decoded otherwise), after its BOM.
pub(crate) enum Stream<R: Read> {
    /// UTF-8 input, read as is. Invalid bytes are dealt with cell by cell.
    Utf8(BufReader<Counting<R>>),
    /// Any other encoding, decoded a buffer at a time.
    Decoded(Box<DecodeReader<R>>),
}

const READ_BUFFER: usize = 64 * 1024;
/// Rows at least this long are always split by `csv_core` (see [`RecordReader::read_plain`]).
const PLAIN_ROW_MAX: usize = 64 * 1024;

impl<R: Read> Stream<R> {
    /// Opens `reader` (at the start of the file) as text in `encoding`, skipping `bom_len` bytes.
    pub(crate) fn open(
        mut reader: R,
        encoding: &'static Encoding,
        bom_len: usize,
    ) -> io::Result<Self> {
        let mut bom = [0u8; 4];
        let want = bom_len.min(bom.len());
        let mut skipped = 0;
        while skipped < want {
            match reader.read(&mut bom[skipped..want]) {
                Ok(0) => break,
                Ok(n) => skipped += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let skipped = skipped as u64;
        Ok(if encoding == UTF_8 {
            Stream::Utf8(BufReader::with_capacity(
                READ_BUFFER,
                Counting {
                    inner: reader,
                    count: skipped,
                },
            ))
        } else {
            Stream::Decoded(Box::new(DecodeReader::new(reader, encoding, skipped)))
        })
    }

    /// Raw bytes of the file consumed so far (for progress).
    pub(crate) fn raw_read(&self) -> u64 {
        match self {
            Stream::Utf8(r) => r.get_ref().count,
            Stream::Decoded(r) => r.raw_read(),
        }
    }
}

impl<R: Read> Read for Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Utf8(r) => r.read(buf),
            Stream::Decoded(r) => r.read(buf),
        }
    }
}

impl<R: Read> BufRead for Stream<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Stream::Utf8(r) => r.fill_buf(),
            Stream::Decoded(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amt: usize) {
        match self {
            Stream::Utf8(r) => r.consume(amt),
            Stream::Decoded(r) => r.consume(amt),
        }
    }
}

/// A `csv_core` reader for `delimiter` and `"` quotes. Building one compiles its automaton
/// (some 380 000 instructions), so the parts of a file reuse them (`reset`). Not `clone`:
/// csv_core 0.1.13 clones only part of the automaton, and a clone splits records wrongly.
pub(crate) fn core_reader(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(b'"')
        .double_quote(true)
        .build()
}

/// Reads records one at a time into reused buffers.
pub(crate) struct RecordReader<B> {
    rdr: B,
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    /// Bytes between a cell's end and the next cell's start in `fields`: 0 when `csv_core`
    /// split the record (cells end to end), 1 when [`RecordReader::read_plain`] did (the row as
    /// it is, delimiters included).
    gap: usize,
    delimiter: u8,
    /// Whether a row without quotes may be split here rather than by `csv_core` (see
    /// [`RecordReader::read_plain`]); off in the tests that compare both ways.
    plain_rows: bool,
    /// Whether `csv_core` has read a record: until then it would still strip a UTF-8 BOM, so the
    /// first record is always left to it.
    core_has_read: bool,
    /// The byte counted as a line break: `\n`, or `\r` in old Mac files without any `\n`.
    newline: u8,
    /// 1 + the line breaks counted here: those between records, and in lone-`\r` files all of
    /// them (otherwise `csv_core` counts the `\n`s it consumes).
    counted: u64,
    pos: u64,
    start_line: u64,
    start_offset: u64,
    eof: bool,
}

impl<B: BufRead> RecordReader<B> {
    /// Reads `rdr` with this delimiter and `"` quotes; `cr_lines` counts lone `\r` as line breaks.
    pub(crate) fn new(rdr: B, delimiter: u8, cr_lines: bool) -> Self {
        Self::with_core(rdr, core_reader(delimiter), delimiter, cr_lines)
    }

    /// [`RecordReader::new`] with `core`, a [`core_reader`] for `delimiter`, new or reset.
    pub(crate) fn with_core(rdr: B, core: csv_core::Reader, delimiter: u8, cr_lines: bool) -> Self {
        RecordReader {
            rdr,
            core,
            fields: vec![0; 1024],
            ends: vec![0; 32],
            len: 0,
            gap: 0,
            delimiter,
            plain_rows: !matches!(delimiter, b'"' | b'\r' | b'\n'),
            core_has_read: false,
            newline: if cr_lines { b'\r' } else { b'\n' },
            counted: 1,
            pos: 0,
            start_line: 1,
            start_offset: 0,
            eof: false,
        }
    }

    /// Starts the reader in the middle of a file, at the start of a record: as if `csv_core` had
    /// read one already (so it strips no byte-order mark, and quote-free rows take the fast path
    /// from the first).
    pub(crate) fn start_mid_file(&mut self) {
        self.core_has_read = true;
    }

    /// The `csv_core` reader, to be reset and used again.
    pub(crate) fn into_core(self) -> csv_core::Reader {
        self.core
    }

    /// The reader underneath.
    pub(crate) fn get_ref(&self) -> &B {
        &self.rdr
    }

    /// 1-based physical line where the current record starts.
    pub(crate) fn line(&self) -> u64 {
        self.start_line
    }

    /// Byte offset (in the text stream) where the current record starts.
    pub(crate) fn offset(&self) -> u64 {
        self.start_offset
    }

    /// Physical lines the current record spans (more than 1 with line breaks in quoted cells;
    /// one more when it ends with a lone `\n`, which has been consumed).
    pub(crate) fn lines_spanned(&self) -> u64 {
        self.now_line().saturating_sub(self.start_line).max(1)
    }

    /// The physical line at the current position.
    fn now_line(&self) -> u64 {
        if self.newline == b'\r' {
            self.counted
        } else {
            self.counted + self.core.line().saturating_sub(1)
        }
    }

    /// Number of cells in the current record.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Cell `i` of the current record.
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            *self.ends.get(i - 1)? + self.gap
        };
        let end = *self.ends.get(i)?;
        self.fields.get(start..end)
    }

    /// The cells of the current record (unquoted), end to end or [`RecordReader::gap`] bytes
    /// apart.
    pub(crate) fn all(&self) -> &[u8] {
        let end = match self.len {
            0 => 0,
            n => self.ends.get(n - 1).copied().unwrap_or(0),
        };
        self.fields.get(..end).unwrap_or_default()
    }

    /// Bytes between one cell's end and the next one's start in [`RecordReader::all`]: 0 or 1.
    pub(crate) fn gap(&self) -> usize {
        self.gap
    }

    /// Where each cell of the current record ends in [`RecordReader::all`]; cell `i` starts
    /// [`RecordReader::gap`] bytes after cell `i - 1` ends.
    pub(crate) fn ends(&self) -> &[usize] {
        self.ends.get(..self.len).unwrap_or_default()
    }

    /// Every cell of the current record.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// Reads the next record; `false` at the end.
    pub(crate) fn read(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        // Line breaks between records (blank lines, the `\n` of a CRLF).
        loop {
            let buf = self.rdr.fill_buf()?;
            if buf.is_empty() {
                self.eof = true;
                return Ok(false);
            }
            let n = buf
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            let nl = self.newline;
            let lines = buf[..n].iter().filter(|&&b| b == nl).count() as u64;
            let more = n < buf.len();
            self.counted += lines;
            self.pos += n as u64;
            self.rdr.consume(n);
            if more {
                break;
            }
        }
        self.start_line = self.now_line();
        self.start_offset = self.pos;
        if self.plain_rows && self.core_has_read && self.read_plain()? {
            return Ok(true);
        }
        self.core_has_read = true;
        self.gap = 0;
        let (mut out, mut end) = (0usize, 0usize);
        loop {
            let (res, nin, nout, nend) = {
                let input = self.rdr.fill_buf()?;
                let r =
                    self.core
                        .read_record(input, &mut self.fields[out..], &mut self.ends[end..]);
                // csv_core counts the `\n`s it consumes; only lone-`\r` files need counting here.
                if self.newline == b'\r' {
                    self.counted += input[..r.1].iter().filter(|&&b| b == b'\r').count() as u64;
                }
                r
            };
            self.rdr.consume(nin);
            self.pos += nin as u64;
            out += nout;
            end += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    if self.fields.len() >= MAX_RECORD_BYTES {
                        return Err(ReadError::TooLong {
                            line: self.start_line,
                        });
                    }
                    let grown = (self.fields.len() * 2).min(MAX_RECORD_BYTES);
                    self.fields.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_RECORD_BYTES / 8 {
                        return Err(ReadError::TooLong {
                            line: self.start_line,
                        });
                    }
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.len = end;
                    return Ok(true);
                }
                csv_core::ReadRecordResult::End => {
                    self.eof = true;
                    return Ok(false);
                }
            }
        }
    }
}

impl<B: BufRead> RecordReader<B> {
    /// Reads the record at the reader's position when it has no quote and its line break is
    /// already buffered (nearly every row of a directory export); `false` leaves it, untouched,
    /// to `csv_core`.
    ///
    /// Such a record is what `csv_core` makes of it: its cells are the bytes between
    /// delimiters, up to the first `\r` or `\n` (either ends a record). `csv_core` is left in
    /// its state after the previous record, which treats the next record's first byte (never a
    /// line break: those were skipped) as the start of a record, just as its starting state
    /// does. On 1 M rows this took the splitting from about a quarter of a one-thread check's
    /// samples (`csv_core`'s byte-at-a-time automaton and this reader) to about an eighth.
    fn read_plain(&mut self) -> Result<bool, ReadError> {
        let buf = self.rdr.fill_buf()?;
        let Some(stop) = memchr::memchr3(b'"', b'\n', b'\r', buf) else {
            return Ok(false);
        };
        let Some((&terminator, row)) = buf.get(..=stop).and_then(<[u8]>::split_last) else {
            return Ok(false);
        };
        // Long rows stay with `csv_core`, which knows when to give up on one.
        if terminator == b'"' || row.len() >= PLAIN_ROW_MAX {
            return Ok(false);
        }
        // The row is kept whole, delimiters and all: each cell ends where a delimiter is, and
        // the next starts one byte later (`gap`).
        if self.fields.len() < row.len() {
            self.fields.resize(row.len().next_power_of_two(), 0);
        }
        let Some(fields) = self.fields.get_mut(..row.len()) else {
            return Ok(false);
        };
        fields.copy_from_slice(row);
        // A row has at most one cell more than it has bytes.
        if self.ends.len() <= row.len() {
            self.ends.resize((row.len() + 1).next_power_of_two(), 0);
        }
        let cells = delimiter_positions(row, self.delimiter, &mut self.ends);
        self.gap = 1;
        self.len = cells;
        self.counted += u64::from(terminator == self.newline);
        self.pos += stop as u64 + 1;
        self.rdr.consume(stop + 1);
        Ok(true)
    }
}

/// Writes where each cell of `row` ends (each delimiter's position, then `row.len()`) into
/// `ends`, which must have room for `row.len() + 1`; returns the number of cells.
///
/// Eight bytes at a time: a word's bytes equal to the delimiter are found with the exact
/// zero-byte test (no false positives), so a row costs a few operations per eight bytes plus one
/// store per cell, not a compare and a store per byte.
fn delimiter_positions(row: &[u8], delimiter: u8, ends: &mut [usize]) -> usize {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let spread = u64::from(delimiter) * 0x0101_0101_0101_0101;
    let mut cells = 0;
    let mut put = |at: usize, cells: &mut usize| {
        if let Some(end) = ends.get_mut(*cells) {
            *end = at;
        }
        *cells += 1;
    };
    let mut words = row.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ spread;
        // The high bit of each byte that is zero in `x`, that is, equal to the delimiter.
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
        while found != 0 {
            put(base + found.trailing_zeros() as usize / 8, &mut cells);
            found &= found - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            put(base + i, &mut cells);
        }
    }
    put(row.len(), &mut cells);
    cells
}

/// Cells of the row starting at byte `offset` of the decoded text (see [`RowReader`]).
#[must_use]
pub fn row_cells(text: &str, offset: u64, delimiter: u8) -> Vec<String> {
    RowReader::new(delimiter).cells(text, offset)
}

/// Reads single rows of a file's decoded text again, at the offsets validation recorded (the
/// wizard's grid shows a screenful of rows per frame; a search reads every row). One parser is
/// reused: building a CSV parser costs more than reading a row.
#[derive(Debug)]
pub struct RowReader {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl RowReader {
    /// A reader for rows separated by `delimiter`.
    #[must_use]
    pub fn new(delimiter: u8) -> RowReader {
        RowReader {
            rdr: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 16],
        }
    }

    /// Cells of the row starting at byte `offset` of `text` (none past the end).
    pub fn cells(&mut self, text: &str, offset: u64) -> Vec<String> {
        let Some(nend) = self.read(text, offset) else {
            return Vec::new();
        };
        let mut from = 0;
        self.ends[..nend]
            .iter()
            .map(|&end| {
                let cell = String::from_utf8_lossy(&self.out[from..end]).into_owned();
                from = end;
                cell
            })
            .collect()
    }

    /// Whether `pred` holds for a cell (its bytes, unquoted) of the row starting at byte
    /// `offset` of `text`; `false` past the end. Nothing is allocated.
    pub fn any_cell(
        &mut self,
        text: &str,
        offset: u64,
        mut pred: impl FnMut(&[u8]) -> bool,
    ) -> bool {
        let Some(nend) = self.read(text, offset) else {
            return false;
        };
        let mut from = 0;
        for &end in &self.ends[..nend] {
            if pred(&self.out[from..end]) {
                return true;
            }
            from = end;
        }
        false
    }

    /// Parses the row at `offset` into the buffers; the number of cells, `None` past the end.
    fn read(&mut self, text: &str, offset: u64) -> Option<usize> {
        use csv_core::ReadRecordResult;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let mut input = &text.as_bytes()[start..];
        self.rdr.reset();
        let (mut nout, mut nend) = (0, 0);
        loop {
            let (res, nin, o, e) =
                self.rdr
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            input = &input[nin..];
            nout += o;
            nend += e;
            match res {
                // Called again with no input, the reader ends the record.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => return Some(nend),
                ReadRecordResult::End => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// What `row_cells` returned before it reused a parser: one `csv::Reader` per row.
    fn reference_cells(text: &str, offset: usize, delimiter: u8) -> Vec<String> {
        let Some(rest) = text.get(offset..) else {
            return Vec::new();
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(rest.as_bytes());
        let mut rec = csv::StringRecord::new();
        match rdr.read_record(&mut rec) {
            Ok(true) => rec.iter().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn the_row_reader_reads_each_row_like_the_csv_crate() {
        let long = "가".repeat(700);
        let many = (0..40).map(|n| n.to_string()).collect::<Vec<_>>().join(";");
        let text = format!(
            "a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\"two\nlines\"\r\n;;\n민준;김;{long}\n{many}\n\"unterminated;z\nlast;row"
        );
        let mut reader = RowReader::new(b';');
        let mut offsets: Vec<usize> = vec![0];
        offsets.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        offsets.push(text.len());
        for &o in &offsets {
            assert_eq!(
                reader.cells(&text, o as u64),
                reference_cells(&text, o, b';'),
                "row at {o}"
            );
            assert_eq!(
                row_cells(&text, o as u64, b';'),
                reader.cells(&text, o as u64)
            );
        }
        assert_eq!(reader.cells(&text, 7), ["x;y", "say \"hi\"", "two\nlines"]);
        assert_eq!(reader.cells(&text, 1 << 40), Vec::<String>::new());
    }

    /// Every record as the reader sees it: line, offset, lines spanned and cells; then how it
    /// ended (`Ok` at the end, or the line of a record too long).
    type Seen = (Vec<(u64, u64, u64, Vec<Vec<u8>>)>, Result<(), u64>);

    fn read_all(input: &[u8], delimiter: u8, cr: bool, buffer: usize, plain: bool) -> Seen {
        let rdr = BufReader::with_capacity(buffer, input);
        let mut rr = RecordReader::new(rdr, delimiter, cr);
        rr.plain_rows &= plain;
        let mut records = Vec::new();
        loop {
            match rr.read() {
                Ok(true) => {
                    let cells = rr.cells().map(<[u8]>::to_vec).collect::<Vec<_>>();
                    assert_eq!(cells.len(), rr.len());
                    records.push((rr.line(), rr.offset(), rr.lines_spanned(), cells));
                }
                Ok(false) => return (records, Ok(())),
                Err(ReadError::TooLong { line }) => return (records, Err(line)),
                Err(ReadError::Io(e)) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn plain_rows_split_like_csv_core() {
        let text: &[u8] =
            b"\xEF\xBB\xBFa,b,,c\r\n\r\n\"q,\"\"x\",y\n\xEF\xBB\xBFz,\xEA\xB9\x80\r\rlast,";
        for buffer in [1, 2, 3, 7, 64, 8192] {
            for cr in [false, true] {
                assert_eq!(
                    read_all(text, b',', cr, buffer, true),
                    read_all(text, b',', cr, buffer, false),
                    "buffer {buffer}, cr {cr}"
                );
            }
        }
        let (records, end) = read_all(b"h1,h2\na,b\n,\n", b',', false, 64, true);
        assert_eq!(end, Ok(()));
        assert_eq!(records[1].3, [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(records[2].3, [Vec::<u8>::new(), Vec::new()]);
        assert_eq!((records[2].0, records[2].1), (3, 10));
    }

    #[test]
    fn delimiter_positions_finds_every_delimiter() {
        for len in 0..40 {
            for step in 1..6 {
                let row: Vec<u8> = (0..len)
                    .map(|i| if i % step == 0 { b';' } else { 0x80 | i as u8 })
                    .collect();
                let mut ends = vec![0; len + 1];
                let cells = delimiter_positions(&row, b';', &mut ends);
                let mut want: Vec<usize> = (0..len).filter(|i| i % step == 0).collect();
                want.push(len);
                assert_eq!(&ends[..cells], want, "len {len}, step {step}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The quote-free fast path gives exactly what `csv_core` alone gives: the same cells,
        /// lines, offsets and spans, at any buffer size, for LF, CRLF and lone-CR files.
        #[test]
        fn plain_rows_agree_with_csv_core(
            bytes in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'a', b'a', b'b', b',', b',', b';', b'\t', b'"', b'\n', b'\n', b'\r', b' ',
                0xEA, 0xB9, 0x80, 0xEF, 0xBB, 0xBF,
            ]), 0..200),
            buffer in 1usize..80,
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
            cr in proptest::bool::ANY,
        ) {
            proptest::prop_assert_eq!(
                read_all(&bytes, delimiter, cr, buffer, true),
                read_all(&bytes, delimiter, cr, buffer, false)
            );
        }
    }
}
