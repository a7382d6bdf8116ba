//! An e-mail address check that judges as a well-kept validator does: a bare `local@domain`.
//!
//! The reference is Python's `email-validator` without its DNS look-ups, in strict mode: the
//! local part is a dot-atom (internationalised characters allowed, with a warning: they need
//! SMTPUTF8), no quoted strings, no address literals; the domain is checked and mapped with
//! UTS #46 (the `idna` crate, the one `url` uses) plus the IDNA 2008 character rules it leaves
//! out (no symbols or emoji, the contextual rules for `·`, `・`, keraia, geresh and Arabic
//! digits), has at least one dot and ends in a letter, and is not a special-use name that cannot
//! receive mail (`.test`, `.invalid`, `.local`, `.localhost`, `.onion`, `.arpa`, `.example`).
//! Lengths: 64 octets before the `@`, labels of 63, 253 after it, 254 in all (also in the
//! `xn--` form). Where the project differs from the reference on purpose (the agreement test
//! in `tests/model/csv_validate.rs` lists each): an address that starts with `=`, `+`, `-`, `@`, TAB
//! or CR is refused (a spreadsheet would run it), `.example` is refused like `.test`, and the
//! 64-byte local-part limit counts octets as RFC 5321 does, not characters.
//!
//! Common mistakes get their own [`EmailProblem`] so the message can say what to fix.

use std::borrow::Cow;

use super::swar::{HIGHS, ONES, in_range, word_at};

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory as Gc;
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

/// A special-use domain that cannot receive mail on the internet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    /// `.test`: reserved for testing (RFC 6761).
    Test,
    /// `.invalid`: reserved to be invalid (RFC 6761).
    Invalid,
    /// `.local`: multicast DNS on a local network (RFC 6762).
    Local,
    /// `.localhost`: this computer (RFC 6761).
    Localhost,
    /// `.onion`: a Tor hidden service (RFC 7686).
    Onion,
    /// `.arpa`: internet infrastructure.
    Arpa,
    /// `.example`: reserved for documentation (RFC 2606). `example.com/.net/.org` are fine.
    Example,
}

impl SpecialUse {
    /// Every special-use name, with its top-level label.
    pub const ALL: [(SpecialUse, &'static str); 7] = [
        (SpecialUse::Test, "test"),
        (SpecialUse::Invalid, "invalid"),
        (SpecialUse::Local, "local"),
        (SpecialUse::Localhost, "localhost"),
        (SpecialUse::Onion, "onion"),
        (SpecialUse::Arpa, "arpa"),
        (SpecialUse::Example, "example"),
    ];

    /// The special-use name `domain` (ASCII, any case) is in or under, if any.
    fn of(domain: &[u8]) -> Option<SpecialUse> {
        let tld = domain.rsplit(|&b| b == b'.').next().unwrap_or(domain);
        // Most top-level labels are two or three letters: one length test.
        if !matches!(tld.len(), 4 | 5 | 7 | 9) {
            return None;
        }
        SpecialUse::ALL
            .iter()
            .find(|(_, name)| tld.eq_ignore_ascii_case(name.as_bytes()))
            .map(|&(s, _)| s)
    }
}

/// What is wrong with an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailProblem {
    /// No `@`.
    NoAt,
    /// More than one `@`.
    ManyAt,
    /// A full-width `＠` (or the small `﹫`) instead of `@` (a common IME slip).
    FullWidthAt,
    /// `Name <address>`: a display name around the address.
    DisplayName,
    /// A `mailto:` link.
    Mailto,
    /// A space, tab or line break inside.
    Space,
    /// Starts with `=`, `+`, `-`, `@`, TAB or CR: a spreadsheet may run it as a formula.
    FormulaLike,
    /// A control character (NUL, DEL, ...).
    Control,
    /// An invisible or unsafe character: zero-width, text-direction, private-use or unassigned
    /// code points, or a combining mark where nothing precedes it.
    Invisible,
    /// Nothing before the `@`.
    LocalEmpty,
    /// More than 64 bytes before the `@`.
    LocalTooLong,
    /// A character not allowed before the `@`.
    LocalChar,
    /// A quoted part before the `@` (`"a b"@x.com`): legal, but not accepted here.
    Quoted,
    /// A dot at the start or end of the part before `@`, or two dots in a row.
    Dots,
    /// Nothing after the `@`.
    DomainEmpty,
    /// An address literal after the `@` (`user@[192.0.2.1]`): legal, but not accepted here.
    AddressLiteral,
    /// No dot in the domain (`kim@company`).
    DomainNoDot,
    /// A character not allowed in a domain name (`_`, `,`, a symbol or emoji).
    DomainChar,
    /// A dot at the start or end of the domain, or two dots in a row.
    DomainDots,
    /// A hyphen at the start or end of a domain label, or in its third and fourth places.
    DomainHyphen,
    /// Not a valid internationalised domain name (a broken `xn--` label, `⒈`, mixed
    /// directions).
    Idna,
    /// A domain label longer than 63 bytes (in its `xn--` form).
    LabelTooLong,
    /// A domain longer than 253 bytes (in its `xn--` form).
    DomainTooLong,
    /// A top-level label that does not end in a letter (`.123`, `.tld-2`).
    TopLevel,
    /// A special-use domain that cannot receive mail.
    SpecialUse(SpecialUse),
    /// More than 254 bytes in all (also in the `xn--` form).
    TooLong,
}

impl EmailProblem {
    /// Every problem, for catalogs and tests.
    pub const ALL: [EmailProblem; 32] = [
        EmailProblem::NoAt,
        EmailProblem::ManyAt,
        EmailProblem::FullWidthAt,
        EmailProblem::DisplayName,
        EmailProblem::Mailto,
        EmailProblem::Space,
        EmailProblem::FormulaLike,
        EmailProblem::Control,
        EmailProblem::Invisible,
        EmailProblem::LocalEmpty,
        EmailProblem::LocalTooLong,
        EmailProblem::LocalChar,
        EmailProblem::Quoted,
        EmailProblem::Dots,
        EmailProblem::DomainEmpty,
        EmailProblem::AddressLiteral,
        EmailProblem::DomainNoDot,
        EmailProblem::DomainChar,
        EmailProblem::DomainDots,
        EmailProblem::DomainHyphen,
        EmailProblem::Idna,
        EmailProblem::LabelTooLong,
        EmailProblem::DomainTooLong,
        EmailProblem::TopLevel,
        EmailProblem::SpecialUse(SpecialUse::Test),
        EmailProblem::SpecialUse(SpecialUse::Invalid),
        EmailProblem::SpecialUse(SpecialUse::Local),
        EmailProblem::SpecialUse(SpecialUse::Localhost),
        EmailProblem::SpecialUse(SpecialUse::Onion),
        EmailProblem::SpecialUse(SpecialUse::Arpa),
        EmailProblem::SpecialUse(SpecialUse::Example),
        EmailProblem::TooLong,
    ];

    /// A stable name (the JSON `problem` and the catalog key `csv.email-problem.NAME`):
    /// `no_at`, `many_at`, `full_width_at`, `display_name`, `mailto`, `space`, `formula_like`,
    /// `control`, `invisible`, `local_empty`, `local_too_long`, `local_char`, `quoted`, `dots`,
    /// `domain_empty`, `address_literal`, `domain_no_dot`, `domain_char`, `domain_dots`,
    /// `domain_hyphen`, `idna`, `label_too_long`, `domain_too_long`, `top_level`,
    /// `special_use_test` (and `_invalid`, `_local`, `_localhost`, `_onion`, `_arpa`,
    /// `_example`), `too_long`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EmailProblem::NoAt => "no_at",
            EmailProblem::ManyAt => "many_at",
            EmailProblem::FullWidthAt => "full_width_at",
            EmailProblem::DisplayName => "display_name",
            EmailProblem::Mailto => "mailto",
            EmailProblem::Space => "space",
            EmailProblem::FormulaLike => "formula_like",
            EmailProblem::Control => "control",
            EmailProblem::Invisible => "invisible",
            EmailProblem::LocalEmpty => "local_empty",
            EmailProblem::LocalTooLong => "local_too_long",
            EmailProblem::LocalChar => "local_char",
            EmailProblem::Quoted => "quoted",
            EmailProblem::Dots => "dots",
            EmailProblem::DomainEmpty => "domain_empty",
            EmailProblem::AddressLiteral => "address_literal",
            EmailProblem::DomainNoDot => "domain_no_dot",
            EmailProblem::DomainChar => "domain_char",
            EmailProblem::DomainDots => "domain_dots",
            EmailProblem::DomainHyphen => "domain_hyphen",
            EmailProblem::Idna => "idna",
            EmailProblem::LabelTooLong => "label_too_long",
            EmailProblem::DomainTooLong => "domain_too_long",
            EmailProblem::TopLevel => "top_level",
            EmailProblem::SpecialUse(s) => match s {
                SpecialUse::Test => "special_use_test",
                SpecialUse::Invalid => "special_use_invalid",
                SpecialUse::Local => "special_use_local",
                SpecialUse::Localhost => "special_use_localhost",
                SpecialUse::Onion => "special_use_onion",
                SpecialUse::Arpa => "special_use_arpa",
                SpecialUse::Example => "special_use_example",
            },
            EmailProblem::TooLong => "too_long",
        }
    }
}

/// Something worth knowing about a valid address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailWarning {
    /// Non-ASCII characters before the `@` (`葉士豪@…`, `ñoñó@…`): valid where every server
    /// on the way supports SMTPUTF8 (RFC 6531); the web app may not accept it.
    Smtputf8,
    /// The domain is written with full-width or compatibility characters that read as other
    /// ones (`example．com`, `ｅｘａｍｐｌｅ.com`, `①.com`).
    DomainUnusual,
}

/// RFC 5322 `atext` plus `.`, as a table (the fast path checks every byte of every address).
const LOCAL_OK: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
                    | b'.'
            );
        b += 1;
    }
    t
};

/// Checks a trimmed address: `Ok` when it is valid (warnings aside).
///
/// # Errors
/// What is wrong with it.
pub fn check(addr: &str) -> Result<(), EmailProblem> {
    check_address(addr).map(|_| ())
}

/// Checks a trimmed address, and says what is worth knowing about a valid one.
///
/// # Errors
/// What is wrong with it.
pub fn check_address(addr: &str) -> Result<Option<EmailWarning>, EmailProblem> {
    // One pass for the common all-ASCII case; the checks below explain failures (and accept
    // internationalised addresses).
    let bytes = addr.as_bytes();
    if plain_ok(bytes) || fast_ok(bytes) {
        return Ok(None);
    }
    check_slow(addr)
}

/// The most common shape, judged 8 bytes at a time: at most 64 bytes of ASCII letters, digits
/// and single inner dots around one `@`, a dot after it, ending in a letter, not a special-use
/// name. Everything it accepts, [`fast_ok`] accepts too (a property test holds it to that);
/// `false` only means "look closer".
fn plain_ok(b: &[u8]) -> bool {
    let len = b.len();
    if !(8..=64).contains(&len) {
        return false;
    }
    let (mut at, mut last_dot, mut sep_before) = (None, 0, HIGHS >> 56);
    let mut k = 0;
    while k < len {
        // The last word is read from the address's last 8 bytes: the bytes already judged
        // are shifted out and letters (which change nothing) shifted in.
        let w = if k + 8 <= len {
            word_at(b, k)
        } else {
            let seen = 8 * (k + 8 - len);
            word_at(b, len - 8) >> seen | u64::from_le_bytes([b'a'; 8]) << (64 - seen)
        };
        let dots = in_range(w, b'.', b'.');
        let at_signs = in_range(w, b'@', b'@');
        // Setting bit 5 makes capitals small and nothing else a letter.
        let alnum = in_range(w | (0x20 * ONES), b'a', b'z') | in_range(w, b'0', b'9');
        let sep = dots | at_signs;
        // Anything else, or a separator first or right after another (`..`, `.@`, `@.`).
        if w & HIGHS != 0 || alnum | sep != HIGHS || sep & (sep << 8 | sep_before) != 0 {
            return false;
        }
        sep_before = sep >> 56;
        if at_signs != 0 {
            // A second `@`, in this word or an earlier one.
            if at.is_some() || at_signs & (at_signs - 1) != 0 {
                return false;
            }
            at = Some(k + at_signs.trailing_zeros() as usize / 8);
        }
        if dots != 0 {
            last_dot = k + 7 - dots.leading_zeros() as usize / 8;
        }
        k += 8;
    }
    // Most top-level labels are two or three letters: only longer ones can be special-use.
    let top = b.get(last_dot + 1..).unwrap_or_default();
    at.is_some_and(|at| last_dot > at)
        && b.last().is_some_and(u8::is_ascii_alphabetic)
        && (top.len() < 4 || SpecialUse::of(top).is_none())
}

/// The rules one by one, with the reason for the first that fails.
fn check_slow(addr: &str) -> Result<Option<EmailWarning>, EmailProblem> {
    let bytes = addr.as_bytes();
    if addr.len() > 254 {
        return Err(EmailProblem::TooLong);
    }
    match bytes.first() {
        Some(b'=' | b'+' | b'-' | b'\t' | b'\r' | b'\n') => return Err(EmailProblem::FormulaLike),
        Some(b'@') if memchr::memchr(b'@', &bytes[1..]).is_some() => {
            return Err(EmailProblem::FormulaLike);
        }
        _ => {}
    }
    if bytes.len() >= 7 && bytes[..7].eq_ignore_ascii_case(b"mailto:") {
        return Err(EmailProblem::Mailto);
    }
    if addr.contains('<') && addr.contains('>') {
        return Err(EmailProblem::DisplayName);
    }
    if bytes.first() == Some(&b'"') {
        return Err(EmailProblem::Quoted);
    }
    if addr.chars().any(char::is_whitespace) {
        return Err(EmailProblem::Space);
    }
    if addr.chars().any(char::is_control) {
        return Err(EmailProblem::Control);
    }
    if addr.chars().any(|c| !c.is_ascii() && invisible(c)) {
        return Err(EmailProblem::Invisible);
    }
    let Some(at) = memchr::memchr(b'@', bytes) else {
        return Err(if addr.contains(['＠', '﹫']) {
            EmailProblem::FullWidthAt
        } else {
            EmailProblem::NoAt
        });
    };
    if memchr::memchr(b'@', &bytes[at + 1..]).is_some() {
        return Err(EmailProblem::ManyAt);
    }
    let (local, domain) = (&addr[..at], &addr[at + 1..]);
    let international = check_local(local)?;
    // Mail software may normalise the part before the `@` (RFC 6532 §3.1): the normal form must
    // be valid too (`;` from a Greek question mark is not).
    let normal = if international {
        ComposingNormalizerBorrowed::new_nfc().normalize(local)
    } else {
        Cow::Borrowed(local)
    };
    if normal != local {
        check_local(&normal)?;
    }
    let domain = check_domain(domain)?;
    // The whole address normalised, with the domain as Unicode and in its `xn--` form.
    let with = |d: &str| normal.len() + 1 + d.len();
    if with(&domain.ascii) > 254 || with(&domain.unicode) > 254 {
        return Err(EmailProblem::TooLong);
    }
    Ok(if international {
        Some(EmailWarning::Smtputf8)
    } else if domain.unusual {
        Some(EmailWarning::DomainUnusual)
    } else {
        None
    })
}

/// The rules below for plain ASCII addresses, in one pass; `false` means "look closer".
fn fast_ok(b: &[u8]) -> bool {
    if b.len() > 254 || matches!(b.first(), Some(b'=' | b'+' | b'-')) {
        return false;
    }
    // The part before `@`: atext and single inner dots, 1 to 64 bytes.
    let mut i = 0;
    let mut prev_dot = true;
    while let Some(&c) = b.get(i) {
        if c == b'@' {
            break;
        }
        if !LOCAL_OK[c as usize] || (c == b'.' && prev_dot) {
            return false;
        }
        prev_dot = c == b'.';
        i += 1;
    }
    if i == 0 || i > 64 || i >= b.len() || prev_dot {
        return false;
    }
    // The domain: labels of letters, digits and inner single hyphens (a `--` anywhere, as in
    // `xn--` labels, is looked at closer), at least two labels, ending in a letter, not a
    // special-use name.
    let domain = &b[i + 1..];
    let (mut dots, mut label_len, mut last, mut tld_start) = (0usize, 0usize, b'.', 0usize);
    for (j, &c) in domain.iter().enumerate() {
        match c {
            b'.' => {
                if label_len == 0 || last == b'-' {
                    return false;
                }
                dots += 1;
                label_len = 0;
                tld_start = j + 1;
            }
            b'-' if label_len > 0 && last != b'-' => label_len += 1,
            _ if c.is_ascii_alphanumeric() => label_len += 1,
            _ => return false,
        }
        if label_len > 63 {
            return false;
        }
        last = c;
    }
    dots >= 1
        && last.is_ascii_alphabetic()
        && domain.len() <= 253
        && SpecialUse::of(&domain[tld_start..]).is_none()
}

fn general_category(c: char) -> Gc {
    CodePointMapData::<Gc>::new().get(c)
}

/// Format, private-use, surrogate, unassigned, line and paragraph separator code points: they
/// change how text around them shows, or mean nothing in a public address.
fn invisible(c: char) -> bool {
    matches!(
        general_category(c),
        Gc::Format
            | Gc::PrivateUse
            | Gc::Surrogate
            | Gc::Unassigned
            | Gc::LineSeparator
            | Gc::ParagraphSeparator
    )
}

fn is_mark(c: char) -> bool {
    matches!(
        general_category(c),
        Gc::NonspacingMark | Gc::SpacingMark | Gc::EnclosingMark
    )
}

/// Checks the part before the `@`; `true` when it needs SMTPUTF8.
fn check_local(local: &str) -> Result<bool, EmailProblem> {
    if local.is_empty() {
        return Err(EmailProblem::LocalEmpty);
    }
    if local.len() > 64 {
        return Err(EmailProblem::LocalTooLong);
    }
    if local.starts_with('"') {
        return Err(EmailProblem::Quoted);
    }
    if local.bytes().any(|c| c.is_ascii() && !LOCAL_OK[c as usize]) {
        return Err(EmailProblem::LocalChar);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailProblem::Dots);
    }
    if local.chars().next().is_some_and(is_mark) {
        return Err(EmailProblem::Invisible);
    }
    Ok(!local.is_ascii())
}

/// A valid domain in its forms.
struct Domain<'a> {
    /// The `xn--` form.
    ascii: Cow<'a, str>,
    /// The mapped Unicode form.
    unicode: Cow<'a, str>,
    /// Written with characters UTS #46 maps to others (full-width forms, ideographic dots).
    unusual: bool,
}

fn check_domain(domain: &str) -> Result<Domain<'_>, EmailProblem> {
    if domain.is_empty() {
        return Err(EmailProblem::DomainEmpty);
    }
    if domain.starts_with('[') {
        return Err(EmailProblem::AddressLiteral);
    }
    if domain.chars().count() > 253 {
        return Err(EmailProblem::DomainTooLong);
    }
    let ldh = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'.';
    if domain.bytes().any(|c| c.is_ascii() && !ldh(c)) {
        return Err(EmailProblem::DomainChar);
    }
    if domain.chars().next().is_some_and(is_mark) {
        return Err(EmailProblem::Invisible);
    }
    let plain = domain.is_ascii() && !domain.to_ascii_lowercase().contains("xn--");
    let (ascii, unicode, unusual) = if plain {
        structure(domain)?;
        (Cow::Borrowed(domain), Cow::Borrowed(domain), false)
    } else {
        let uts46 = Uts46::new();
        let (unicode, mapped) =
            uts46.to_unicode(domain.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
        // Empty labels, stray hyphens and characters that map to ASCII punctuation say more
        // than "not valid IDNA", so look at those first (the mapping marks errors with U+FFFD).
        if unicode.bytes().any(|c| c.is_ascii() && !ldh(c)) {
            return Err(EmailProblem::DomainChar);
        }
        if mapped.is_ok() {
            structure(&unicode)?;
        }
        mapped.map_err(|_| EmailProblem::Idna)?;
        for label in unicode.split('.') {
            idna2008(label)?;
        }
        let ascii = uts46
            .to_ascii(
                domain.as_bytes(),
                AsciiDenyList::EMPTY,
                Hyphens::Allow,
                DnsLength::Ignore,
            )
            .map_err(|_| EmailProblem::Idna)?;
        let unusual = !domain.is_ascii() && written_unusually(&uts46, domain);
        (ascii, unicode, unusual)
    };
    if ascii.split('.').any(|label| label.len() > 63) {
        return Err(EmailProblem::LabelTooLong);
    }
    if ascii.len() > 253 {
        return Err(EmailProblem::DomainTooLong);
    }
    if !ascii.contains('.') {
        return Err(EmailProblem::DomainNoDot);
    }
    if !ascii.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(EmailProblem::TopLevel);
    }
    if let Some(s) = SpecialUse::of(ascii.as_bytes()) {
        return Err(EmailProblem::SpecialUse(s));
    }
    Ok(Domain {
        ascii,
        unicode,
        unusual,
    })
}

/// Dots and hyphens: no empty label, no label that starts or ends with a hyphen, and no `--`
/// in a label's third and fourth places unless it is an `xn--` label (RFC 5891 §4.2.3.1).
fn structure(domain: &str) -> Result<(), EmailProblem> {
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err(EmailProblem::DomainDots);
    }
    for label in domain.split('.') {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailProblem::DomainHyphen);
        }
        let mut chars = label.chars();
        let (a, b) = (chars.next(), chars.next());
        let hyphens = chars.next() == Some('-') && chars.next() == Some('-');
        let xn = matches!((a, b), (Some('x' | 'X'), Some('n' | 'N')));
        if hyphens && !xn {
            return Err(EmailProblem::DomainHyphen);
        }
    }
    Ok(())
}

/// The IDNA 2008 character rules (RFC 5892) that UTS #46 does not apply: letters, marks and
/// digits only (no symbols, punctuation or emoji), with the listed exceptions and the
/// contextual rules for the characters allowed only in some places.
fn idna2008(label: &str) -> Result<(), EmailProblem> {
    if label.is_ascii() {
        return Ok(());
    }
    let chars: Vec<char> = label.chars().collect();
    let han_or_kana = |c: char| {
        matches!(c,
            '\u{3040}'..='\u{309F}' | '\u{30A0}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}')
    };
    let arabic_indic = |c: &char| ('\u{0660}'..='\u{0669}').contains(c);
    let extended_arabic_indic = |c: &char| ('\u{06F0}'..='\u{06F9}').contains(c);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let ok = match c {
            // Exceptions that are valid.
            '\u{00DF}' | '\u{03C2}' | '\u{06FD}' | '\u{06FE}' | '\u{0F0B}' | '\u{3007}' => true,
            // Exceptions that are not, and old Hangul jamo.
            '\u{0640}'
            | '\u{07FA}'
            | '\u{302E}'
            | '\u{302F}'
            | '\u{3031}'..='\u{3035}'
            | '\u{303B}'
            | '\u{1100}'..='\u{11FF}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{D7B0}'..='\u{D7FF}' => false,
            // Contextual: middle dot between two l (Catalan), Greek keraia before Greek,
            // Hebrew geresh after Hebrew, katakana middle dot with Japanese, and one kind of
            // Arabic-Indic digits per label.
            '\u{00B7}' => prev == Some('l') && next == Some('l'),
            '\u{0375}' => {
                next.is_some_and(|n| matches!(n, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}'))
            }
            '\u{05F3}' | '\u{05F4}' => prev.is_some_and(|p| matches!(p, '\u{0590}'..='\u{05FF}')),
            '\u{30FB}' => chars.iter().any(|&d| han_or_kana(d)),
            _ if arabic_indic(&c) => !chars.iter().any(extended_arabic_indic),
            _ if extended_arabic_indic(&c) => !chars.iter().any(arabic_indic),
            _ => matches!(
                general_category(c),
                Gc::LowercaseLetter
                    | Gc::OtherLetter
                    | Gc::ModifierLetter
                    | Gc::NonspacingMark
                    | Gc::SpacingMark
                    | Gc::DecimalNumber
            ),
        };
        if !ok {
            return Err(EmailProblem::DomainChar);
        }
    }
    Ok(())
}

/// Whether a non-ASCII label of `domain` changes under UTS #46 mapping beyond lower-casing, or
/// its dots are not ASCII: what was typed is not what will be used.
fn written_unusually(uts46: &Uts46, domain: &str) -> bool {
    const DOTS: [char; 4] = ['.', '\u{FF0E}', '\u{3002}', '\u{FF61}'];
    if domain.contains(&DOTS[1..]) {
        return true;
    }
    domain.split(DOTS).filter(|l| !l.is_ascii()).any(|label| {
        let (mapped, _) = uts46.to_unicode(label.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
        mapped != label.to_lowercase()
    })
}

/// Whether `cell` looks like an address (for header detection and mapping by values).
#[must_use]
pub fn looks_like_address(cell: &str) -> bool {
    check(cell.trim()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_unusual_valid_addresses() {
        for ok in [
            "kim@example.com",
            "first.last+tag@sub.example.co.kr",
            "o'brien@example.ie",
            "user@xn--9n2bp8q.com",
            "user@회사.한국",
            "user@臺網中心.tw",
            "a@b.io",
            "kim@example.c",
            "user@a--b.com",
            "user@xn--bcher-kva.com",
            "user@example.com",
            "user@example.net",
            "user@example.org",
            "user@l·l.cat",
        ] {
            assert_eq!(check_address(ok), Ok(None), "{ok}");
        }
    }

    #[test]
    fn internationalised_addresses_are_valid_with_a_warning() {
        for addr in ["葉士豪@臺網中心.tw", "ñoñó@example.tld", "josé@example.com"] {
            assert_eq!(
                check_address(addr),
                Ok(Some(EmailWarning::Smtputf8)),
                "{addr}"
            );
        }
        for addr in [
            "user@example．com",
            "user@ｅｘａｍｐｌｅ.com",
            "user@example。com",
        ] {
            assert_eq!(
                check_address(addr),
                Ok(Some(EmailWarning::DomainUnusual)),
                "{addr}"
            );
        }
        // Upper case is not unusual.
        assert_eq!(check_address("user@MÜNCHEN.DE"), Ok(None));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The one-pass check never accepts what the rule-by-rule check rejects.
        #[test]
        fn fast_path_agrees(s in proptest::prop_oneof![
            "[a-z0-9.@_+=-]{0,24}(\\.[a-z0-9-]{0,4})?",
            "[a-zA-Z0-9._+-]{1,10}@[a-z0-9-]{1,8}(\\.[a-z0-9-]{1,5}){1,3}",
            "[a-z]{1,6}@[a-z0-9-]{1,6}\\.(test|local|example|arpa|com|c0|xn--[a-z0-9]{1,4})",
        ]) {
            if fast_ok(s.as_bytes()) {
                proptest::prop_assert_eq!(check_slow(&s), Ok(None), "{}", s);
            }
        }
    }

    /// Strings near the plain shape: dots and `@` in every position, both cases, other ASCII,
    /// a non-ASCII letter, lengths around the 64-byte limit and the 8-byte words.
    fn near_plain() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            "[a-zA-Z0-9.@]{0,70}",
            "[a-zA-Z0-9.]{1,40}@[a-zA-Z0-9.]{1,40}",
            "[a-z0-9]{1,12}(\\.[a-z0-9]{1,8}){0,2}@[a-z0-9]{1,12}(\\.[a-zA-Z0-9]{1,9}){1,3}",
            "[a-z.]{1,9}[-_+=@é. ]?[a-z.]{0,9}@[a-z.]{0,9}[-_@é. ]?[a-z]{0,9}\\.[a-z]{1,4}",
            "[a-z]{1,6}@[a-z0-9]{1,6}\\.(test|local|example|arpa|onion|invalid|localhost|com|Test|c0)",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6000))]
        /// The word-at-a-time check accepts nothing the one-pass check refuses, and takes the
        /// common shapes it is there for.
        #[test]
        fn plain_shapes_agree(s in near_plain()) {
            if plain_ok(s.as_bytes()) {
                proptest::prop_assert!(fast_ok(s.as_bytes()), "{}", s);
                proptest::prop_assert_eq!(check_slow(&s), Ok(None), "{}", s);
            }
        }
    }

    #[test]
    fn plain_shapes_take_the_word_at_a_time_check() {
        for ok in [
            "kim@example.com",
            "User12345@Example.COM",
            "first.last@sub.example.co.kr",
            "ab@cd.io",
            "abcdefg@hijklmn.opq",
            &format!("{}@example.com", "a".repeat(52)),
        ] {
            assert!(plain_ok(ok.as_bytes()), "{ok}");
        }
        for other in [
            "first_last@example.com",
            "kim@my-company.com",
            "kim@example.c0",
            "kim@example.test",
            "kim@@example.com",
            "kim@example",
            "a@b.io",
            ".kim@example.com",
            "kim.@example.com",
            "kim@.example.com",
            "k..m@example.com",
            "kim@example.com.",
            "josé@example.com",
            &format!("{}@example.com", "a".repeat(53)),
        ] {
            assert!(!plain_ok(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn explains_mistakes() {
        use EmailProblem::*;
        let cases = [
            ("kim", NoAt),
            ("kim＠example.com", FullWidthAt),
            ("kim﹫example.com", FullWidthAt),
            ("a@b@example.com", ManyAt),
            ("Kim <kim@example.com>", DisplayName),
            ("mailto:kim@example.com", Mailto),
            ("kim @example.com", Space),
            ("kim\u{0}@example.com", Control),
            ("kim\u{200B}@example.com", Invisible),
            ("kim@exam\u{AD}ple.com", Invisible),
            ("=kim@example.com", FormulaLike),
            ("+kim@example.com", FormulaLike),
            ("-kim@example.com", FormulaLike),
            ("@kim@example.com", FormulaLike),
            ("\tkim@example.com", FormulaLike),
            ("\rkim@example.com", FormulaLike),
            ("\nkim@example.com", FormulaLike),
            ("kim.\u{37E}@example.com", LocalChar),
            ("@example.com", LocalEmpty),
            ("kim.@example.com", Dots),
            ("k..m@example.com", Dots),
            ("kim,lee@example.com", LocalChar),
            ("\"kim lee\"@example.com", Quoted),
            ("kim@[192.0.2.1]", AddressLiteral),
            ("kim@", DomainEmpty),
            ("kim@company", DomainNoDot),
            ("kim@example..com", DomainDots),
            ("kim@example.com.", DomainDots),
            ("kim@-example.com", DomainHyphen),
            ("kim@ab--cd.com", DomainHyphen),
            ("kim@example.com;", DomainChar),
            ("kim@exa_mple.com", DomainChar),
            ("kim@i❤.ws", DomainChar),
            ("kim@a·b.com", DomainChar),
            ("kim@xn--0.tld", Idna),
            ("kim@⒈.com", Idna),
            ("kim@1.אב.com", Idna),
            ("kim@10.0.0.1", TopLevel),
            ("kim@example.tld-2", TopLevel),
            ("kim@example.123", TopLevel),
            ("kim@example.test", SpecialUse(super::SpecialUse::Test)),
            (
                "kim@EXAMPLE.Invalid",
                SpecialUse(super::SpecialUse::Invalid),
            ),
            ("kim@printer.local", SpecialUse(super::SpecialUse::Local)),
            ("kim@a.localhost", SpecialUse(super::SpecialUse::Localhost)),
            ("kim@abc.onion", SpecialUse(super::SpecialUse::Onion)),
            ("kim@home.arpa", SpecialUse(super::SpecialUse::Arpa)),
            ("kim@www.example", SpecialUse(super::SpecialUse::Example)),
        ];
        for (addr, want) in cases {
            assert_eq!(check_address(addr), Err(want), "{addr}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(check(&long), Err(LocalTooLong));
        // Octets, not characters: 22 Hangul syllables are 66 bytes.
        let long = format!("{}@example.com", "가".repeat(22));
        assert_eq!(check(&long), Err(LocalTooLong));
        let label = format!("kim@{}.com", "b".repeat(64));
        assert_eq!(check(&label), Err(LabelTooLong));
        // 59 × ü is a 64-byte `xn--` label.
        let label = format!("kim@{}.com", "ü".repeat(59));
        assert_eq!(check(&label), Err(LabelTooLong));
        let huge = format!("a@{}.com", "b".repeat(260));
        assert_eq!(check(&huge), Err(TooLong));
        // Under 254 bytes as typed, over 253 in the `xn--` form.
        let label: String = (0..12u32)
            .filter_map(|i| char::from_u32(0xAC00 + i * 2999 % 10_000))
            .collect();
        let domain = format!("a@{}.com", [label.as_str(); 6].join("."));
        assert!(domain.len() <= 254);
        assert_eq!(check(&domain), Err(DomainTooLong));
    }

    #[test]
    fn every_problem_has_a_distinct_name() {
        let names: std::collections::HashSet<&str> =
            EmailProblem::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names.len(), EmailProblem::ALL.len());
    }
}
