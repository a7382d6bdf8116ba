//! A strict, practical e-mail address check: a bare `local@domain` as invite forms accept it.
//!
//! The local part is a dot-atom of ASCII `atext` (no quoted strings, no comments); the domain is
//! dot-separated labels of letters, digits and inner hyphens (internationalised letters allowed),
//! with at least two labels and a top-level label that is not all digits. Common mistakes get
//! their own [`EmailProblem`] so the message can say what to fix.

/// What is wrong with an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailProblem {
    /// No `@`.
    NoAt,
    /// More than one `@`.
    ManyAt,
    /// A full-width `＠` instead of `@` (a common IME slip).
    FullWidthAt,
    /// `Name <address>`: a display name around the address.
    DisplayName,
    /// A `mailto:` link.
    Mailto,
    /// A space or other whitespace inside.
    Space,
    /// Nothing before the `@`.
    LocalEmpty,
    /// More than 64 characters before the `@`.
    LocalTooLong,
    /// A character not allowed before the `@` (also any non-ASCII letter there).
    LocalChar,
    /// A dot at the start or end of the part before `@`, or two dots in a row.
    Dots,
    /// Nothing after the `@`.
    DomainEmpty,
    /// No dot in the domain (`kim@company`).
    DomainNoDot,
    /// An empty, too long or badly formed domain label, or a character not allowed there.
    DomainLabel,
    /// A top-level label that is all digits or a single letter.
    TopLevel,
    /// More than 254 characters in all.
    TooLong,
}

impl EmailProblem {
    /// A stable name: `no_at`, `many_at`, `full_width_at`, `display_name`, `mailto`, `space`,
    /// `local_empty`, `local_too_long`, `local_char`, `dots`, `domain_empty`, `domain_no_dot`,
    /// `domain_label`, `top_level`, `too_long`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EmailProblem::NoAt => "no_at",
            EmailProblem::ManyAt => "many_at",
            EmailProblem::FullWidthAt => "full_width_at",
            EmailProblem::DisplayName => "display_name",
            EmailProblem::Mailto => "mailto",
            EmailProblem::Space => "space",
            EmailProblem::LocalEmpty => "local_empty",
            EmailProblem::LocalTooLong => "local_too_long",
            EmailProblem::LocalChar => "local_char",
            EmailProblem::Dots => "dots",
            EmailProblem::DomainEmpty => "domain_empty",
            EmailProblem::DomainNoDot => "domain_no_dot",
            EmailProblem::DomainLabel => "domain_label",
            EmailProblem::TopLevel => "top_level",
            EmailProblem::TooLong => "too_long",
        }
    }
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

fn is_atext(b: u8) -> bool {
    b != b'.' && LOCAL_OK[b as usize]
}

/// Checks a trimmed address.
///
/// # Errors
/// What is wrong with it.
pub fn check(addr: &str) -> Result<(), EmailProblem> {
    // One pass for the common all-ASCII case; the checks below explain failures (and accept
    // internationalised domains).
    if fast_ok(addr.as_bytes()) {
        return Ok(());
    }
    check_slow(addr)
}

/// The rules one by one, with the reason for the first that fails.
fn check_slow(addr: &str) -> Result<(), EmailProblem> {
    let bytes = addr.as_bytes();
    if addr.len() > 254 {
        return Err(EmailProblem::TooLong);
    }
    if addr.contains('<') && addr.contains('>') {
        return Err(EmailProblem::DisplayName);
    }
    if addr.len() >= 7 && addr.as_bytes()[..7].eq_ignore_ascii_case(b"mailto:") {
        return Err(EmailProblem::Mailto);
    }
    if addr.chars().any(char::is_whitespace) {
        return Err(EmailProblem::Space);
    }
    let Some(at) = memchr::memchr(b'@', bytes) else {
        return Err(if addr.contains('＠') {
            EmailProblem::FullWidthAt
        } else {
            EmailProblem::NoAt
        });
    };
    if memchr::memchr(b'@', &bytes[at + 1..]).is_some() {
        return Err(EmailProblem::ManyAt);
    }
    let (local, domain) = (&addr[..at], &addr[at + 1..]);
    check_local(local.as_bytes())?;
    check_domain(domain)
}

/// The rules below for ASCII addresses, in one pass; `false` means "look closer".
fn fast_ok(b: &[u8]) -> bool {
    if b.len() > 254 {
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
    // The domain: labels of letters, digits and inner hyphens, at least two, the last one at
    // least two characters and not all digits.
    let domain = &b[i + 1..];
    let (mut dots, mut label_len, mut digits_only, mut last) = (0usize, 0usize, true, b'.');
    for &c in domain {
        match c {
            b'.' => {
                if label_len == 0 || last == b'-' {
                    return false;
                }
                dots += 1;
                label_len = 0;
                digits_only = true;
            }
            b'-' if label_len > 0 => {
                label_len += 1;
                digits_only = false;
            }
            _ if c.is_ascii_alphanumeric() => {
                label_len += 1;
                digits_only &= c.is_ascii_digit();
            }
            _ => return false,
        }
        if label_len > 63 {
            return false;
        }
        last = c;
    }
    dots >= 1 && label_len >= 2 && last != b'-' && !digits_only && domain.len() <= 253
}

fn check_local(local: &[u8]) -> Result<(), EmailProblem> {
    if local.is_empty() {
        return Err(EmailProblem::LocalEmpty);
    }
    if local.len() > 64 {
        return Err(EmailProblem::LocalTooLong);
    }
    if local.iter().any(|&c| !(is_atext(c) || c == b'.')) {
        return Err(EmailProblem::LocalChar);
    }
    if local.first() == Some(&b'.')
        || local.last() == Some(&b'.')
        || local.windows(2).any(|w| w == b"..")
    {
        return Err(EmailProblem::Dots);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailProblem> {
    if domain.is_empty() {
        return Err(EmailProblem::DomainEmpty);
    }
    if domain.len() > 253 {
        return Err(EmailProblem::DomainLabel);
    }
    if !domain.contains('.') {
        return Err(EmailProblem::DomainNoDot);
    }
    let mut last = "";
    for label in domain.split('.') {
        let ok_chars = label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !ok_chars
        {
            return Err(EmailProblem::DomainLabel);
        }
        last = label;
    }
    if last.chars().all(|c| c.is_ascii_digit()) || last.chars().count() < 2 {
        return Err(EmailProblem::TopLevel);
    }
    Ok(())
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
            "=x@example.com",
            "user@xn--9n2bp8q.com",
            "user@회사.한국",
            "a@b.io",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The one-pass check never accepts what the rule-by-rule check rejects.
        #[test]
        fn fast_path_agrees(s in proptest::prop_oneof![
            "[a-z0-9.@_+=-]{0,24}(\\.[a-z0-9-]{0,4})?",
            "[a-zA-Z0-9._+-]{1,10}@[a-z0-9-]{1,8}(\\.[a-z0-9-]{1,5}){1,3}",
        ]) {
            if fast_ok(s.as_bytes()) {
                proptest::prop_assert_eq!(check_slow(&s), Ok(()), "{}", s);
            }
        }
    }

    #[test]
    fn explains_mistakes() {
        let cases = [
            ("kim", EmailProblem::NoAt),
            ("kim＠example.com", EmailProblem::FullWidthAt),
            ("a@b@example.com", EmailProblem::ManyAt),
            ("Kim <kim@example.com>", EmailProblem::DisplayName),
            ("mailto:kim@example.com", EmailProblem::Mailto),
            ("kim @example.com", EmailProblem::Space),
            ("@example.com", EmailProblem::LocalEmpty),
            ("kim.@example.com", EmailProblem::Dots),
            ("k..m@example.com", EmailProblem::Dots),
            ("김@example.com", EmailProblem::LocalChar),
            ("kim@", EmailProblem::DomainEmpty),
            ("kim@company", EmailProblem::DomainNoDot),
            ("kim@example..com", EmailProblem::DomainLabel),
            ("kim@-example.com", EmailProblem::DomainLabel),
            ("kim@example.com;", EmailProblem::DomainLabel),
            ("kim@10.0.0.1", EmailProblem::TopLevel),
            ("kim@example.c", EmailProblem::TopLevel),
        ];
        for (addr, want) in cases {
            assert_eq!(check(addr), Err(want), "{addr}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(check(&long), Err(EmailProblem::LocalTooLong));
        let huge = format!("a@{}.com", "b".repeat(260));
        assert_eq!(check(&huge), Err(EmailProblem::TooLong));
    }
}
