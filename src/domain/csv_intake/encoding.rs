//! Step 1: which encoding the bytes are in.
//!
//! Order: a byte-order mark; a spreadsheet or other binary signature (refused); BOM-less UTF-16
//! by its NUL pattern; control bytes everywhere (refused: binary data; a few stray ones are
//! flagged on their rows later); strict UTF-8; otherwise chardetng's statistical guess among the
//! legacy encodings, with a confidence and the other encodings that decode the sample cleanly.
//! When that guess is uncertain, the decoding whose header holds known column names, or whose
//! text reads as its language, wins; only then does the user's region break the tie. A
//! caller's override beats all of it. Streaming decoding for the later passes lives here too.

use std::io::{self, BufRead, Read};

use super::mapping::known_field;

use encoding_rs::{
    BIG5, EUC_JP, EUC_KR, Encoding, GB18030, GBK, ISO_2022_JP, REPLACEMENT, SHIFT_JIS, UTF_8,
    UTF_16BE, UTF_16LE, WINDOWS_1250, WINDOWS_1252,
};

/// How many bytes of the file the sniffing looks at (plus one window further in, see
/// [`Sample::read`]).
pub const SAMPLE_LIMIT: usize = 64 * 1024;

/// How far past an all-ASCII head [`Sample::read`] looks for the first non-ASCII byte.
pub const SCAN_LIMIT: usize = 32 * 1024 * 1024;

/// The bytes sniffing looks at: the head of the file and, when the head is plain ASCII but the
/// file goes on, a window around the first non-ASCII byte further in (so a file whose Korean names
/// start at row 5 000 is still recognised).
#[derive(Clone, Debug, Default)]
pub struct Sample {
    head: Vec<u8>,
    complete: bool,
    probe: Option<Vec<u8>>,
    probe_last: bool,
}

impl Sample {
    /// A sample of `bytes`, the whole file.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Sample {
        // Reading from a slice cannot fail.
        Sample::read(bytes).unwrap_or_default()
    }

    /// Reads the head of `reader` (up to [`SAMPLE_LIMIT`] bytes) and, if that is all ASCII and the
    /// stream goes on, scans on (up to [`SCAN_LIMIT`] bytes, at memory speed) for the first
    /// non-ASCII byte and keeps a window from there.
    ///
    /// # Errors
    /// When `reader` fails.
    pub fn read<R: Read>(mut reader: R) -> io::Result<Sample> {
        let mut head = Vec::with_capacity(SAMPLE_LIMIT.min(8 * 1024));
        let got = read_up_to(&mut reader, &mut head, SAMPLE_LIMIT)?;
        if got < SAMPLE_LIMIT {
            return Ok(Sample {
                head,
                complete: true,
                probe: None,
                probe_last: false,
            });
        }
        // One more read tells whether the file ends exactly at the limit.
        let mut chunk = vec![0u8; SAMPLE_LIMIT];
        let mut n = read_up_to_slice(&mut reader, &mut chunk)?;
        if n == 0 {
            return Ok(Sample {
                head,
                complete: true,
                probe: None,
                probe_last: false,
            });
        }
        if !head.is_ascii() {
            return Ok(Sample {
                head,
                complete: false,
                probe: None,
                probe_last: false,
            });
        }
        // Scan on, chunk by chunk, for the first non-ASCII byte (up to SCAN_LIMIT: past that, a
        // wrong guess still shows up as per-line decoding warnings).
        let mut scanned = 0usize;
        loop {
            if let Some(pos) = chunk[..n].iter().position(|b| !b.is_ascii()) {
                // Start the window at the beginning of that line (at most 1 KiB back).
                let floor = pos.saturating_sub(1024);
                let start = chunk[floor..pos]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(floor, |p| floor + p + 1);
                let mut probe = chunk[start..n].to_vec();
                let want = SAMPLE_LIMIT.saturating_sub(probe.len());
                let more = read_up_to(&mut reader, &mut probe, want)?;
                let probe_last = more < want;
                return Ok(Sample {
                    head,
                    complete: false,
                    probe: Some(probe),
                    probe_last,
                });
            }
            scanned += n;
            n = if scanned < SCAN_LIMIT {
                read_up_to_slice(&mut reader, &mut chunk)?
            } else {
                0
            };
            if n == 0 {
                return Ok(Sample {
                    head,
                    complete: false,
                    probe: None,
                    probe_last: false,
                });
            }
        }
    }

    /// The first bytes of the file.
    #[must_use]
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether [`Sample::head`] is the whole file.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.complete
    }
}

fn read_up_to<R: Read>(r: &mut R, out: &mut Vec<u8>, limit: usize) -> io::Result<usize> {
    let start = out.len();
    r.take(limit as u64).read_to_end(out)?;
    Ok(out.len() - start)
}

fn read_up_to_slice<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// How sure the encoding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Certainty {
    /// Guessed from little or conflicting evidence: show the choice.
    Low,
    /// Probably right: show the choice.
    Medium,
    /// A BOM, valid UTF-8, a clear UTF-16 pattern, lots of consistent text, or the user's choice.
    High,
}

impl Certainty {
    /// `high`, `medium` or `low`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::High => "high",
            Certainty::Medium => "medium",
            Certainty::Low => "low",
        }
    }
}

/// What decided the encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The caller's choice.
    Override,
    /// NUL bytes at every other position (UTF-16 without a BOM).
    Utf16Pattern,
    /// Nothing but ASCII (every candidate reads it the same).
    Ascii,
    /// Valid UTF-8 (or nearly: see the issues for lines that are not).
    Utf8,
    /// A statistical guess among legacy encodings.
    Guess,
}

impl EncodingSource {
    /// `bom`, `override`, `utf16-pattern`, `ascii`, `utf8` or `guess`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Override => "override",
            EncodingSource::Utf16Pattern => "utf16-pattern",
            EncodingSource::Ascii => "ascii",
            EncodingSource::Utf8 => "utf8",
            EncodingSource::Guess => "guess",
        }
    }
}

/// A country whose legacy encoding to prefer when the evidence is thin (the user's language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// Korea: CP949 (`EUC-KR`).
    Korea,
    /// Taiwan / Hong Kong: Big5.
    Taiwan,
    /// Mainland China: GB18030.
    China,
    /// Japan: Shift_JIS.
    Japan,
}

impl Region {
    fn tld(self) -> &'static [u8] {
        match self {
            Region::Korea => b"kr",
            Region::Taiwan => b"tw",
            Region::China => b"cn",
            Region::Japan => b"jp",
        }
    }
}

/// The encoding decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodingGuess {
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// How sure.
    pub certainty: Certainty,
    /// What decided it.
    pub source: EncodingSource,
    /// Other encodings that read the sample without errors, most likely first.
    pub alternatives: Vec<&'static Encoding>,
    /// Length of the byte-order mark that is skipped (0 when none).
    pub bom_len: usize,
    /// Bytes with the high bit set seen in the sample (how much evidence there was).
    pub non_ascii: usize,
}

/// A file that is not text at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryKind {
    /// A ZIP container: an `.xlsx`, `.ods` or `.numbers` workbook.
    Workbook,
    /// An OLE compound file: a legacy `.xls` workbook.
    LegacyWorkbook,
    /// A PDF.
    Pdf,
    /// Something else: an image, an executable, an archive, or control bytes throughout.
    Other,
}

impl BinaryKind {
    /// `workbook`, `legacy-workbook`, `pdf` or `binary`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryKind::Workbook => "workbook",
            BinaryKind::LegacyWorkbook => "legacy-workbook",
            BinaryKind::Pdf => "pdf",
            BinaryKind::Other => "binary",
        }
    }
}

/// The encoding for a label as users type it: WHATWG labels (`utf-8`, `euc-kr`, `big5`,
/// `shift_jis`, `gb18030`, `windows-1252`, `latin1`, `utf-16le`...) plus the Windows code page
/// names people know (`cp949`, `cp950`, `cp936`, `cp932`, `cp1252`, `uhc`, `ms949`...).
/// `None` for an unknown label or one that cannot decode (`replacement`).
#[must_use]
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase().replace('_', "-");
    let mapped = match l.as_str() {
        "cp949" | "ms949" | "uhc" | "windows949" | "ks-c-5601" | "cp-949" => Some(EUC_KR),
        "cp950" | "ms950" | "big5-hkscs" | "cp-950" => Some(BIG5),
        "cp936" | "ms936" | "gbk" | "cp-936" | "gb2312" | "gb-2312" => Some(GB18030),
        "cp932" | "ms932" | "sjis" | "shift-jis" | "cp-932" => Some(SHIFT_JIS),
        "utf8" => Some(UTF_8),
        "utf16" | "utf-16" | "ucs-2" | "ucs2" | "unicode" => Some(UTF_16LE),
        "utf16le" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        "cp-1252" | "ansi" => Some(WINDOWS_1252),
        _ => None,
    };
    let enc = mapped
        .or_else(|| Encoding::for_label(l.as_bytes()))
        .or_else(|| Encoding::for_label(label.trim().as_bytes()))?;
    (enc != REPLACEMENT).then_some(enc)
}

/// The legacy encodings always considered as alternatives, in this order.
#[must_use]
pub fn legacy_candidates() -> [&'static Encoding; 5] {
    [EUC_KR, BIG5, SHIFT_JIS, GB18030, WINDOWS_1252]
}

/// GBK is decoded exactly like GB18030 by `encoding_rs`; name the superset.
fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK { GB18030 } else { enc }
}

/// The bytes of `b` minus a partial first line (`cut_start`) and a partial last line (`cut_end`),
/// so a sample cut in the middle of a character does not look like a decoding error.
fn whole_lines(b: &[u8], cut_start: bool, cut_end: bool) -> &[u8] {
    let mut s = b;
    if cut_start && let Some(p) = memchr::memchr(b'\n', s) {
        s = &s[p + 1..];
    }
    if cut_end && let Some(p) = memchr::memrchr(b'\n', s) {
        s = &s[..=p];
    }
    s
}

fn count_non_ascii(b: &[u8]) -> usize {
    b.iter().filter(|&&x| x >= 0x80).count()
}

/// Invalid UTF-8 sequences in `b`, not counting a sequence cut by the sample's edges.
fn utf8_errors(b: &[u8], cut_start: bool, cut_end: bool) -> usize {
    let mut rest = b;
    if cut_start {
        let skip = rest
            .iter()
            .take(3)
            .take_while(|&&x| (0x80..0xC0).contains(&x))
            .count();
        rest = &rest[skip..];
    }
    let mut errors = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => return errors,
            Err(e) => match e.error_len() {
                None => return if cut_end { errors } else { errors + 1 },
                Some(len) => {
                    errors += 1;
                    rest = rest.get(e.valid_up_to() + len..).unwrap_or_default();
                }
            },
        }
    }
}

/// UTF-16 without a BOM: most ASCII characters (delimiters, digits, addresses, newlines) have a
/// NUL high byte, so NULs cluster at odd offsets (little-endian) or even offsets (big-endian).
fn utf16_by_nuls(head: &[u8], complete: bool) -> Option<(&'static Encoding, Certainty)> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let enough = |n: usize| n >= 2 && n * 5 >= pairs;
    let (enc, nuls) = if enough(odd) && even * 10 <= odd {
        (UTF_16LE, odd)
    } else if enough(even) && odd * 10 <= even {
        (UTF_16BE, even)
    } else {
        return None;
    };
    let body = &head[..pairs * 2];
    let (text, _) = enc.decode_without_bom_handling(body);
    let replacements = text.chars().filter(|&c| c == '\u{FFFD}').count();
    let allowed = usize::from(!complete);
    if text.contains('\0') || replacements > allowed {
        return None;
    }
    let certainty = if pairs >= 32 && nuls * 3 >= pairs {
        Certainty::High
    } else {
        Certainty::Medium
    };
    Some((enc, certainty))
}

fn binary_signature(head: &[u8]) -> Option<BinaryKind> {
    /// Signatures of common non-text files people pick by mistake: images, executables,
    /// archives, databases.
    const OTHER: [&[u8]; 9] = [
        b"\x89PNG\r\n\x1a\n",
        b"GIF87a",
        b"GIF89a",
        b"\xFF\xD8\xFF",
        b"\x7FELF",
        b"\x1F\x8B",
        b"7z\xBC\xAF\x27\x1C",
        b"Rar!\x1A\x07",
        b"SQLite format 3\0",
    ];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Some(BinaryKind::Workbook)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(BinaryKind::LegacyWorkbook)
    } else if head.starts_with(b"%PDF-") {
        Some(BinaryKind::Pdf)
    } else if OTHER.iter().any(|sig| head.starts_with(sig)) {
        Some(BinaryKind::Other)
    } else {
        None
    }
}

/// A byte that text never holds: a C0 control other than TAB, LF, CR and form feed.
fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)
}

/// Whether control bytes make `head` binary data rather than text with a stray byte or two.
///
/// A text file may carry a NUL or other control byte in a cell (a bad export, a pasted
/// character): that row is flagged later and the rest is read. Binary data has such bytes
/// everywhere: more than one in 200 bytes (random data has one in nine, executables and
/// UTF-16 far more), or on more than half of its lines.
fn control_bytes_say_binary(head: &[u8]) -> bool {
    let control = head.iter().filter(|&&b| is_binary_byte(b)).count();
    if control == 0 {
        return false;
    }
    if control > 8 + head.len() / 200 {
        return true;
    }
    let (mut lines, mut with_control) = (0usize, 0usize);
    for line in head.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        lines += 1;
        with_control += usize::from(line.iter().any(|&b| is_binary_byte(b)));
    }
    with_control * 2 > lines
}

/// Decides the encoding of `sample`. `forced` is the caller's choice; `region` is a hint used only
/// to break a tie when the evidence is thin.
///
/// # Errors
/// When the sample is a workbook, a PDF or other binary data (never for a forced encoding, except
/// for the container signatures, which no CSV starts with).
pub fn detect(
    sample: &Sample,
    forced: Option<&'static Encoding>,
    region: Option<Region>,
) -> Result<EncodingGuess, BinaryKind> {
    let head = sample.head.as_slice();
    let bom = Encoding::for_bom(head);
    if bom.is_none()
        && let Some(kind) = binary_signature(head)
    {
        return Err(kind);
    }
    let auto = detect_auto(sample, bom, region);
    let Some(forced) = forced else { return auto };
    let bom_len = match bom {
        Some((enc, len)) if enc == forced => len,
        _ => 0,
    };
    let mut alternatives = Vec::new();
    if let Ok(g) = &auto {
        if g.encoding != forced {
            alternatives.push(g.encoding);
        }
        alternatives.extend(g.alternatives.iter().copied().filter(|&e| e != forced));
    }
    Ok(EncodingGuess {
        encoding: forced,
        certainty: Certainty::High,
        source: EncodingSource::Override,
        alternatives,
        bom_len,
        non_ascii: count_non_ascii(head),
    })
}

fn detect_auto(
    sample: &Sample,
    bom: Option<(&'static Encoding, usize)>,
    region: Option<Region>,
) -> Result<EncodingGuess, BinaryKind> {
    let head = sample.head.as_slice();
    if let Some((encoding, bom_len)) = bom {
        return Ok(EncodingGuess {
            encoding,
            certainty: Certainty::High,
            source: EncodingSource::Bom,
            alternatives: Vec::new(),
            bom_len,
            non_ascii: count_non_ascii(&head[bom_len..]),
        });
    }
    if let Some((encoding, certainty)) = utf16_by_nuls(head, sample.complete) {
        return Ok(EncodingGuess {
            encoding,
            certainty,
            source: EncodingSource::Utf16Pattern,
            alternatives: Vec::new(),
            bom_len: 0,
            non_ascii: count_non_ascii(head),
        });
    }
    if control_bytes_say_binary(head) {
        return Err(BinaryKind::Other);
    }
    let probe = sample.probe.as_deref().unwrap_or_default();
    let non_ascii = count_non_ascii(head) + count_non_ascii(probe);
    let errors =
        utf8_errors(head, false, !sample.complete) + utf8_errors(probe, true, !sample.probe_last);
    if errors == 0 {
        let source = if non_ascii == 0 {
            EncodingSource::Ascii
        } else {
            EncodingSource::Utf8
        };
        return Ok(EncodingGuess {
            encoding: UTF_8,
            certainty: Certainty::High,
            source,
            alternatives: Vec::new(),
            bom_len: 0,
            non_ascii,
        });
    }
    let legacy = legacy_guess(sample, region, non_ascii);
    // Mostly valid UTF-8 with a few bad bytes (two files pasted together, a stray byte): reading
    // it as a legacy encoding would garble every other name, so stay with UTF-8 and let the
    // per-line decoding warnings point at the bad lines.
    if non_ascii >= 100 && errors * 50 <= non_ascii {
        let mut alternatives = vec![legacy.encoding];
        alternatives.extend(legacy.alternatives.iter().copied().filter(|&e| e != UTF_8));
        return Ok(EncodingGuess {
            encoding: UTF_8,
            certainty: Certainty::Medium,
            source: EncodingSource::Utf8,
            alternatives,
            bom_len: 0,
            non_ascii,
        });
    }
    Ok(legacy)
}

const REGIONS: [Region; 4] = [Region::Korea, Region::Taiwan, Region::China, Region::Japan];

/// Bytes with the high bit set from which a clean, expected guess counts as certain. Measured:
/// chardetng reads 50-row files of Korean, Traditional and Simplified Chinese, Japanese names
/// right (about 300 such bytes) and a 72-byte one wrong; 400 leaves a margin.
const HIGH_EVIDENCE: usize = 400;

/// Legacy encodings of the languages the Marketo docs are published in.
fn expected(enc: &'static Encoding) -> bool {
    [
        EUC_KR,
        BIG5,
        GB18030,
        SHIFT_JIS,
        EUC_JP,
        ISO_2022_JP,
        WINDOWS_1252,
        WINDOWS_1250,
    ]
    .contains(&enc)
}

fn legacy_guess(sample: &Sample, region: Option<Region>, non_ascii: usize) -> EncodingGuess {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    match &sample.probe {
        Some(probe) => {
            det.feed(&sample.head, false);
            det.feed(probe, sample.probe_last);
        }
        None => {
            det.feed(&sample.head, sample.complete);
        }
    }
    let deny = chardetng::Utf8Detection::Deny;
    let generic = widen(det.guess(None, deny));
    let hinted: Vec<(Region, &'static Encoding)> = REGIONS
        .iter()
        .map(|&r| (r, widen(det.guess(Some(r.tld()), deny))))
        .collect();

    let texts = [
        whole_lines(&sample.head, false, !sample.complete),
        whole_lines(
            sample.probe.as_deref().unwrap_or_default(),
            true,
            !sample.probe_last,
        ),
    ];
    let clean = |enc: &'static Encoding| {
        texts.iter().all(|t| {
            enc.decode_without_bom_handling_and_without_replacement(t)
                .is_some()
        })
    };
    let agree = hinted.iter().all(|&(_, e)| e == generic);
    let generic_clean = clean(generic);
    // chardetng knows many scripts; the files we expect are in the languages the Marketo docs
    // are published in. A guess outside those (say ISO-8859-5 for short GBK names) stays Low.
    let certainty = if !expected(generic) {
        Certainty::Low
    } else if generic_clean && (non_ascii >= HIGH_EVIDENCE || (agree && non_ascii >= 200)) {
        Certainty::High
    } else if generic_clean && non_ascii >= 64 {
        Certainty::Medium
    } else {
        Certainty::Low
    };
    let mut primary = generic;
    if certainty < Certainty::High {
        // Thin evidence: let the bytes decide where they can. Each clean reading is scored by
        // the known column names its header rows hold, then by whether its text reads as its
        // language; the user's region only breaks a tie, and the statistical guess comes next.
        let region_pick = region
            .and_then(|r| hinted.iter().find(|(hr, _)| *hr == r))
            .map(|&(_, h)| h)
            .filter(|&h| clean(h));
        let mut readings: Vec<&'static Encoding> = vec![generic];
        for enc in hinted.iter().map(|&(_, e)| e).chain(legacy_candidates()) {
            if !readings.contains(&enc) && clean(enc) {
                readings.push(enc);
            }
        }
        let head = whole_lines(&sample.head, false, !sample.complete);
        let score = |enc: &'static Encoding| {
            let preference = if Some(enc) == region_pick {
                2
            } else {
                u8::from(enc == generic)
            };
            (
                header_names(head, enc),
                plausibility(&texts, enc),
                preference,
            )
        };
        // On equal scores the first reading wins (`max_by_key` keeps the last).
        if let Some(best) = readings.iter().rev().copied().max_by_key(|&e| score(e)) {
            primary = best;
        }
    }
    let mut alternatives: Vec<&'static Encoding> = Vec::new();
    let order = std::iter::once(generic)
        .chain(hinted.iter().map(|&(_, e)| e))
        .chain(legacy_candidates());
    for enc in order {
        if enc != primary && !alternatives.contains(&enc) && clean(enc) {
            alternatives.push(enc);
        }
    }
    EncodingGuess {
        encoding: primary,
        certainty,
        source: EncodingSource::Guess,
        alternatives,
        bom_len: 0,
        non_ascii,
    }
}

/// Lines of the head looked at for a header row (a title or blank lines may come first).
const HEADER_LINES: usize = 10;

/// The most known column names (`이메일`, `電子郵件`, `メールアドレス`...) one of the first lines
/// of `head` holds when read as `enc`. Only names with non-ASCII letters count: ASCII reads the
/// same in every candidate.
fn header_names(head: &[u8], enc: &'static Encoding) -> usize {
    let lines = head
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_ascii())
        .take(HEADER_LINES);
    lines
        .map(|line| {
            let text = decode_lossy(line, enc);
            text.split([',', ';', '\t', '|'])
                .map(|cell| cell.trim().trim_matches('"').trim())
                .filter(|cell| !cell.is_ascii() && known_field(cell).is_some())
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Whether the text reads as the language of `enc`: `1` when it does, `-1` when it clearly
/// does not, `0` when the bytes cannot tell (too few, or an encoding without a test).
///
/// Korean text in CP949 is almost all Hangul syllables from KS X 1001, whose two bytes fall in
/// `B0..C8` × `A1..FE`; the same bytes read as Big5 or Shift_JIS are rare ideographs
/// (`이메일` is `檜詭橾` in Big5). Chinese text in Big5 or GBK leaves that block often, so its
/// CP949 reading is mostly other syllables, symbols and Hanja. Japanese text in Shift_JIS holds
/// kana, which the other readings do not produce.
fn plausibility(texts: &[&[u8]], enc: &'static Encoding) -> i8 {
    /// Pairs needed before the Korean test says anything.
    const MIN_PAIRS: usize = 6;
    if enc == EUC_KR {
        let (mut pairs, mut hangul) = (0usize, 0usize);
        for t in texts {
            let mut i = 0;
            while let Some(&lead) = t.get(i) {
                if lead < 0x80 {
                    i += 1;
                    continue;
                }
                let trail = t.get(i + 1).copied().unwrap_or(0);
                pairs += 1;
                hangul += usize::from((0xB0..=0xC8).contains(&lead) && trail >= 0xA1);
                i += 2;
            }
        }
        return match pairs {
            0..MIN_PAIRS => 0,
            _ if hangul * 10 >= pairs * 9 => 1,
            _ if hangul * 10 < pairs * 6 => -1,
            _ => 0,
        };
    }
    if enc == SHIFT_JIS {
        let (mut other, mut kana) = (0usize, 0usize);
        for t in texts {
            for c in decode_lossy(t, enc).chars().filter(|c| !c.is_ascii()) {
                if matches!(c, '\u{3041}'..='\u{30FF}') {
                    kana += 1;
                } else {
                    other += 1;
                }
            }
        }
        return i8::from(kana >= 2 && kana * 10 >= (kana + other) * 3);
    }
    0
}

/// Reads a byte stream in some encoding as UTF-8, a buffer at a time (bounded memory), counting
/// the raw bytes consumed for progress. Malformed input becomes U+FFFD.
pub(crate) struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    in_eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    done: bool,
    raw_read: u64,
}

const DECODE_CHUNK: usize = 64 * 1024;

impl<R: Read> DecodeReader<R> {
    /// Decodes `inner` (positioned after any BOM) as `encoding`.
    pub(crate) fn new(inner: R, encoding: &'static Encoding, already_read: u64) -> Self {
        DecodeReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; DECODE_CHUNK].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            in_eof: false,
            // UTF-16 and the legacy CJK encodings at most triple in UTF-8; keep slack for the
            // decoder's pending state.
            output: vec![0; DECODE_CHUNK * 3 + 64].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            done: false,
            raw_read: already_read,
        }
    }

    /// Raw bytes read from the underlying stream so far.
    pub(crate) fn raw_read(&self) -> u64 {
        self.raw_read
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for DecodeReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.out_pos == self.out_len && !self.done {
            if self.in_pos == self.in_len && !self.in_eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.in_pos = 0;
                self.in_len = n;
                self.in_eof = n == 0;
                self.raw_read += n as u64;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_pos..self.in_len],
                &mut self.output,
                self.in_eof,
            );
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if self.in_eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
        Ok(&self.output[self.out_pos..self.out_len])
    }

    fn consume(&mut self, amt: usize) {
        self.out_pos = (self.out_pos + amt).min(self.out_len);
    }
}

/// Decodes `bytes` (no BOM handling) into a string, replacing malformed sequences.
pub(crate) fn decode_lossy(bytes: &[u8], encoding: &'static Encoding) -> String {
    if encoding == UTF_8 {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut out = String::with_capacity(cap);
    let (_result, _read, _had_errors) = decoder.decode_to_string(bytes, &mut out, true);
    out
}
