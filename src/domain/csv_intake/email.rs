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

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
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
        )
}

/// Checks a trimmed address.
///
/// # Errors
/// What is wrong with it.
pub fn check(addr: &str) -> Result<(), EmailProblem> {
    let bytes = addr.as_bytes();
    let at = memchr::memchr(b'@', bytes);
    // Fast path for the common all-ASCII case; the slow path below explains failures.
    if let Some(at) = at
        && addr.is_ascii()
        && fast_ok(bytes, at)
    {
        return Ok(());
    }
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
    let Some(at) = at else {
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

fn fast_ok(b: &[u8], at: usize) -> bool {
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if b.len() > 254 || local.is_empty() || local.len() > 64 || domain.len() < 3 {
        return false;
    }
    if local[0] == b'.' || local[local.len() - 1] == b'.' {
        return false;
    }
    let mut prev = 0u8;
    for &c in local {
        if !(is_atext(c) || c == b'.') || (c == b'.' && prev == b'.') {
            return false;
        }
        prev = c;
    }
    let mut labels = 0;
    let mut last_all_digits = true;
    let mut last_len = 0;
    for label in domain.split(|&c| c == b'.') {
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
        {
            return false;
        }
        if !label
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-')
        {
            return false;
        }
        labels += 1;
        last_all_digits = label.iter().all(u8::is_ascii_digit);
        last_len = label.len();
    }
    labels >= 2 && !last_all_digits && last_len >= 2 && domain.len() <= 253
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
