//! Step 4: which column feeds which target field.
//!
//! Three tiers, each reported as the mapping's confidence: **exact** (the header is the field's
//! name after normalising case, spacing, punctuation, camelCase, full-width forms, accents and
//! `[Required]`-style markers), **alias** (a known name for the field in one of the languages the
//! Marketo docs are published in, or a column name of a common directory / HR export), and
//! **fuzzy** (a typo, or a known name inside a longer header). For the e-mail address, the
//! person's own primary address beats sign-in names, personal addresses, and other people's or
//! secondary addresses, and [`Mapping::email_notes`] says which columns were passed over and why.
//!
//! The result depends only on the set of headers, not on their order or case (a property test
//! checks this); ties between identical headers go to the leftmost.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A field of the invite file. Its serde form is its [`key`](Field::key).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The address to invite (required).
    Email,
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Sales Insight Actions team.
    Team,
    /// Marketo workspace.
    Workspace,
}

impl Field {
    /// Every field, in the order of the clean file's columns.
    pub const ALL: [Field; 5] = [
        Field::Email,
        Field::FirstName,
        Field::LastName,
        Field::Team,
        Field::Workspace,
    ];

    /// The key used in JSON and `--map`: `email`, `first_name`, `last_name`, `team`, `workspace`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Team => "team",
            Field::Workspace => "workspace",
        }
    }

    /// The column header in the clean invite file.
    #[must_use]
    pub fn clean_header(self) -> &'static str {
        match self {
            Field::Email => "Email",
            Field::FirstName => "First Name",
            Field::LastName => "Last Name",
            Field::Team => "Team",
            Field::Workspace => "Workspace",
        }
    }

    /// Parses a field name as typed on the command line (`first_name`, `first-name`,
    /// `FirstName`, `first name`...).
    #[must_use]
    pub fn parse(s: &str) -> Option<Field> {
        let compact: String = normalize(s).split(' ').collect();
        Field::ALL
            .into_iter()
            .find(|f| compact == f.key().replace('_', ""))
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How a column came to be mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// A typo or a known name inside a longer header, or (for e-mail) values that look like
    /// addresses: worth a look.
    Fuzzy,
    /// A known name for the field.
    Alias,
    /// The field's own name.
    Exact,
    /// A mapping remembered from an earlier file with the same headers (set by the caller).
    Remembered,
    /// Chosen by the user.
    Manual,
}

impl Confidence {
    /// `exact`, `alias`, `fuzzy`, `remembered` or `manual`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Exact => "exact",
            Confidence::Alias => "alias",
            Confidence::Fuzzy => "fuzzy",
            Confidence::Remembered => "remembered",
            Confidence::Manual => "manual",
        }
    }
}

/// A mapped column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mapped {
    /// 0-based column index.
    pub column: usize,
    /// How sure.
    pub confidence: Confidence,
}

/// Why an address-like column was not used for the e-mail field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PassedOver {
    /// Someone else's address (manager, supervisor, assistant...).
    SomeoneElse,
    /// A secondary, alternate, recovery or otherwise additional address.
    Secondary,
    /// A personal or home address, kept for when there is no work address.
    Personal,
    /// A list of addresses (Exchange / Entra "proxy addresses").
    AddressList,
    /// A sign-in name (user principal name, username), used only when there is no e-mail column.
    SignInName,
    /// Another column that also looks like the person's address; the first of equals was used.
    AnotherAddress,
}

impl PassedOver {
    /// `someone_else`, `secondary`, `personal`, `address_list`, `sign_in_name` or
    /// `another_address`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PassedOver::SomeoneElse => "someone_else",
            PassedOver::Secondary => "secondary",
            PassedOver::Personal => "personal",
            PassedOver::AddressList => "address_list",
            PassedOver::SignInName => "sign_in_name",
            PassedOver::AnotherAddress => "another_address",
        }
    }
}

/// Why the e-mail column was chosen, when it is not simply an e-mail header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailBasis {
    /// Its header names the person's address.
    Header,
    /// Its header is a sign-in name (user principal name, username); there is no e-mail column.
    SignInName,
    /// Its header names a personal address; there is no work address.
    Personal,
    /// No header names an address, but this column's values look like addresses.
    Values,
}

impl EmailBasis {
    /// `header`, `sign_in_name`, `personal` or `values`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EmailBasis::Header => "header",
            EmailBasis::SignInName => "sign_in_name",
            EmailBasis::Personal => "personal",
            EmailBasis::Values => "values",
        }
    }
}

/// A column considered for the e-mail field and not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EmailNote {
    /// 0-based column index.
    pub column: usize,
    /// Why not.
    pub reason: PassedOver,
}

/// Which column feeds each field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    slots: [Option<Mapped>; 5],
    /// Why the e-mail column was chosen (when one was).
    pub email_basis: Option<EmailBasis>,
    /// Address-like columns not used for e-mail, and why, left to right.
    pub email_notes: Vec<EmailNote>,
}

impl Mapping {
    /// The column mapped to `field`.
    #[must_use]
    pub fn get(&self, field: Field) -> Option<Mapped> {
        self.slots[field.index()]
    }

    /// Maps `field` (or unmaps it with `None`). A column feeds one field at most, so another field
    /// mapped to the same column is unmapped.
    pub fn set(&mut self, field: Field, mapped: Option<Mapped>) {
        if let Some(m) = mapped {
            for slot in &mut self.slots {
                if slot.is_some_and(|s| s.column == m.column) {
                    *slot = None;
                }
            }
        }
        self.slots[field.index()] = mapped;
        if field == Field::Email && mapped.is_some_and(|m| m.confidence == Confidence::Manual) {
            self.email_notes.clear();
            self.email_basis = None;
        }
    }

    /// The field a column feeds, if any.
    #[must_use]
    pub fn field_of(&self, column: usize) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|&f| self.get(f).is_some_and(|m| m.column == column))
    }

    /// Applies `--map FIELD=COLUMN` specifications (`COLUMN` is a header or a 1-based number;
    /// empty unmaps an optional field).
    ///
    /// # Errors
    /// The first specification that cannot be applied.
    pub fn apply_overrides(
        &mut self,
        columns: &[String],
        specs: &[String],
    ) -> Result<(), MapError> {
        for spec in specs {
            let Some((field, column)) = spec.split_once('=') else {
                return Err(MapError::Syntax { spec: spec.clone() });
            };
            let field = Field::parse(field).ok_or_else(|| MapError::UnknownField {
                field: field.trim().to_string(),
            })?;
            let column = column.trim();
            if column.is_empty() {
                if field == Field::Email {
                    return Err(MapError::EmailRequired);
                }
                self.set(field, None);
                continue;
            }
            let index = resolve_column(columns, column).ok_or_else(|| MapError::NoSuchColumn {
                field,
                column: column.to_string(),
                count: columns.len(),
            })?;
            self.set(
                field,
                Some(Mapped {
                    column: index,
                    confidence: Confidence::Manual,
                }),
            );
        }
        Ok(())
    }
}

/// A `--map` specification that cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// Not `FIELD=COLUMN`.
    #[error("`{spec}` is not FIELD=COLUMN")]
    Syntax {
        /// What was given.
        spec: String,
    },
    /// Not one of the five fields.
    #[error("unknown field `{field}`")]
    UnknownField {
        /// What was given.
        field: String,
    },
    /// No header by that name and not a column number in range.
    #[error("no column `{column}` for {}", field.key())]
    NoSuchColumn {
        /// The field.
        field: Field,
        /// What was given.
        column: String,
        /// How many columns there are.
        count: usize,
    },
    /// `email=` (the e-mail field cannot be unmapped).
    #[error("the email field cannot be left unmapped")]
    EmailRequired,
}

/// The column a user means by `column`: a header (exactly, then ignoring case and punctuation),
/// else a 1-based column number.
#[must_use]
pub fn resolve_column(columns: &[String], column: &str) -> Option<usize> {
    if let Some(i) = columns.iter().position(|c| c == column) {
        return Some(i);
    }
    if let Some(i) = columns
        .iter()
        .position(|c| c.trim().eq_ignore_ascii_case(column.trim()))
    {
        return Some(i);
    }
    let want = compact(&normalize(column));
    if !want.is_empty()
        && let Some(i) = columns.iter().position(|c| compact(&normalize(c)) == want)
    {
        return Some(i);
    }
    let n: usize = column.trim().parse().ok()?;
    (1..=columns.len()).contains(&n).then(|| n - 1)
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// A header as compared: lower case, accents and full-width forms folded, `[Required]`-style
/// markers removed, punctuation turned into single spaces, letters and digits apart (`Email2` is
/// `email 2`). Case carries no meaning: `firstName`, `FIRSTNAME` and `First Name` compare alike
/// through their compact form (no spaces).
#[must_use]
pub fn normalize(header: &str) -> String {
    // 1. Fold characters.
    let mut folded = String::with_capacity(header.len() + 8);
    let mut prev: Option<char> = None;
    let mut chars = Vec::with_capacity(4);
    for c in header.chars() {
        if matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
            continue;
        }
        chars.clear();
        fold_char(c, &mut chars);
        for &f in &chars {
            if let Some(p) = prev
                && ((p.is_ascii_alphabetic() && f.is_ascii_digit())
                    || (p.is_ascii_digit() && f.is_ascii_alphabetic()))
            {
                folded.push(' ');
            }
            folded.push(f);
            prev = Some(f);
        }
    }
    // 2. Bracketed markers: drop `[Required]`, `(optional)`, `[UPLOAD ONLY]`...; keep other
    //    bracketed words (`Email (personal)` is a personal address).
    let mut out = String::with_capacity(folded.len());
    let mut rest = folded.as_str();
    while let Some(open) = rest.find(['(', '[', '{', '<', '【', '「', '〔']) {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let opener = after.chars().next().unwrap_or('(');
        let closer = match opener {
            '(' => ')',
            '[' => ']',
            '{' => '}',
            '<' => '>',
            '【' => '】',
            '「' => '」',
            _ => '〕',
        };
        let inner_start = opener.len_utf8();
        match after[inner_start..].find(closer) {
            Some(close) => {
                let inner = &after[inner_start..inner_start + close];
                if !is_marker(inner) {
                    out.push(' ');
                    out.push_str(inner);
                }
                out.push(' ');
                rest = &after[inner_start + close + closer.len_utf8()..];
            }
            None => {
                out.push(' ');
                rest = &after[inner_start..];
            }
        }
    }
    out.push_str(rest);
    // 3. Punctuation to single spaces.
    let mut norm = String::with_capacity(out.len());
    for c in out.chars() {
        if c.is_alphanumeric() {
            norm.push(c);
        } else if !norm.is_empty() && !norm.ends_with(' ') {
            norm.push(' ');
        }
    }
    while norm.ends_with(' ') {
        norm.pop();
    }
    norm
}

/// The normalised header without spaces.
fn compact(norm: &str) -> String {
    norm.split(' ').collect()
}

/// One character as compared: lower case, full-width and other compatibility forms as their
/// plain letters (Unicode NFKD), accents and other combining marks dropped ("Dirección" is
/// "direccion", "Şehir" and "Șoseaua" start with "s"). Hangul, kana and CJK ideographs are kept
/// as they are (NFKD would split Hangul syllables into jamo). Letters that carry no mark to drop
/// are folded by hand: ı, đ, ð, ł, ø, ħ, ß, æ, œ, þ.
fn fold_char(c: char, out: &mut Vec<char>) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_cjk(c) {
        out.push(c);
        return;
    }
    unicode_normalization::char::decompose_compatible(c, |d| {
        if unicode_normalization::char::is_combining_mark(d) {
            return;
        }
        for l in d.to_lowercase() {
            match l {
                'ı' => out.push('i'),
                'đ' | 'ð' => out.push('d'),
                'ł' => out.push('l'),
                'ø' => out.push('o'),
                'ħ' => out.push('h'),
                'ß' => out.extend(['s', 's']),
                'æ' => out.extend(['a', 'e']),
                'œ' => out.extend(['o', 'e']),
                'þ' => out.extend(['t', 'h']),
                other => out.push(other),
            }
        }
    });
}

fn is_marker(inner: &str) -> bool {
    const MARKERS: &[&str] = &[
        "required",
        "optional",
        "upload only",
        "read only",
        "mandatory",
        "must be",
        "必填",
        "選填",
        "选填",
        "必須",
        "必须",
        "任意",
        "필수",
        "선택",
        "obligatoire",
        "facultatif",
        "obligatorio",
        "opcional",
        "erforderlich",
        "pflicht",
        "obbligatorio",
        "facoltativo",
        "verplicht",
        "optioneel",
        "obrigatorio",
        "obligatorisk",
        "valfri",
        "*",
    ];
    let t = inner.trim();
    MARKERS.iter().any(|m| t.starts_with(m))
}

// ---------------------------------------------------------------------------------------------
// Known names

#[rustfmt::skip]
mod names;

use names::{
    ADDRESS_LIST, EMAIL_ALIASES, EMAIL_WORDS, FIRST_NAME_ALIASES, LAST_NAME_ALIASES,
    NOT_AN_ADDRESS, NOT_CONTAINED, PERSONAL, PROPERTY, SECONDARY, SIGN_IN_ALIASES, SOMEONE_ELSE,
    TEAM_ALIASES, WORKSPACE_ALIASES,
};

struct Table {
    /// compact form → (field, is exact) for every known name of a field.
    names: HashMap<String, (Field, bool)>,
    /// compact forms of sign-in names.
    sign_in: HashMap<String, ()>,
    /// compact names looked for inside longer headers ("Legal First Name", "영문 이름").
    contained: Vec<(Field, String)>,
    /// compact Latin names of at least 5 letters (and their length in characters), for typo
    /// matching.
    latin: Vec<(Field, String, usize)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table {
            names: HashMap::new(),
            sign_in: HashMap::new(),
            contained: Vec::new(),
            latin: Vec::new(),
        };
        let lists: [(Field, &str, &[&str]); 5] = [
            (Field::Email, "email", EMAIL_ALIASES),
            (Field::FirstName, "first name", FIRST_NAME_ALIASES),
            (Field::LastName, "last name", LAST_NAME_ALIASES),
            (Field::Team, "team", TEAM_ALIASES),
            (Field::Workspace, "workspace", WORKSPACE_ALIASES),
        ];
        for (field, own, aliases) in lists {
            t.names.insert(compact(&normalize(own)), (field, true));
            for name in std::iter::once(&own).chain(aliases.iter()) {
                let c = compact(&normalize(name));
                t.names.entry(c.clone()).or_insert((field, false));
                let chars = c.chars().count();
                let cjk = c.chars().any(is_cjk);
                let long_enough = if cjk {
                    chars >= 2
                } else {
                    chars >= 6 || c == "team"
                };
                if long_enough && !NOT_CONTAINED.contains(&c.as_str()) {
                    t.contained.push((field, c.clone()));
                }
                if !cjk && chars >= 5 {
                    t.latin.push((field, c.clone(), chars));
                }
            }
        }
        for name in SIGN_IN_ALIASES {
            t.sign_in.insert(compact(&normalize(name)), ());
        }
        t
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3130}'..='\u{318F}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}')
}

/// A header, analysed.
struct Header {
    norm: String,
    compact: String,
    words: Vec<String>,
}

impl Header {
    fn new(raw: &str) -> Header {
        let norm = normalize(raw);
        let compact = compact(&norm);
        let words = norm
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        Header {
            norm,
            compact,
            words,
        }
    }

    /// Whether any entry of `list` is in the header: entries of 5+ characters or with CJK
    /// anywhere in the compact form, shorter ones as a whole word.
    fn has_any(&self, list: &[&str]) -> bool {
        list.iter().any(|w| {
            if w.len() >= 5 || !w.is_ascii() {
                self.compact.contains(w)
            } else {
                self.words.iter().any(|x| x == w)
            }
        })
    }
}

/// How a header relates to the e-mail field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EmailClass {
    /// The person's address: rank 0.
    Primary(Confidence),
    /// A sign-in name: rank 1.
    SignIn(Confidence),
    /// A personal address: rank 2.
    Personal(Confidence),
    /// Never used automatically.
    Excluded(PassedOver),
    /// Not an address.
    None,
}

fn email_class(h: &Header) -> EmailClass {
    let t = table();
    if h.compact.is_empty() {
        return EmailClass::None;
    }
    let known = t.names.get(&h.compact).filter(|(f, _)| *f == Field::Email);
    let mentions_address = known.is_some()
        || EMAIL_WORDS.iter().any(|w| h.compact.contains(w))
        || h.words.iter().any(|w| w == "mail" || w == "mails");
    let sign_in_known = t.sign_in.contains_key(&h.compact);
    let sign_in = sign_in_known
        || h.compact.contains("userprincipalname")
        || h.words.iter().any(|w| w == "upn");
    if !mentions_address && !sign_in {
        if h.has_any(ADDRESS_LIST) && h.compact.contains("address") {
            return EmailClass::Excluded(PassedOver::AddressList);
        }
        // A typo of "email" ("Emial", "E-mial Address").
        let len = h.compact.chars().count();
        let typo = len >= 5
            && ["email", "emailaddress"]
                .iter()
                .any(|name| strsim::osa_distance(&h.compact, name) * 5 <= len.max(name.len()));
        return if typo {
            EmailClass::Primary(Confidence::Fuzzy)
        } else {
            EmailClass::None
        };
    }
    if known.is_none() && !sign_in_known && h.has_any(SOMEONE_ELSE) {
        return EmailClass::Excluded(PassedOver::SomeoneElse);
    }
    if h.has_any(ADDRESS_LIST) {
        return EmailClass::Excluded(PassedOver::AddressList);
    }
    if known.is_none() && !sign_in_known && h.has_any(NOT_AN_ADDRESS) {
        return EmailClass::None;
    }
    if known.is_none() && h.has_any(SECONDARY) {
        return EmailClass::Excluded(PassedOver::Secondary);
    }
    let confidence = match known {
        Some((_, true)) => Confidence::Exact,
        Some((_, false)) => Confidence::Alias,
        None if sign_in_known => Confidence::Alias,
        None => Confidence::Fuzzy,
    };
    if h.has_any(PERSONAL) {
        return EmailClass::Personal(confidence);
    }
    if mentions_address {
        EmailClass::Primary(confidence)
    } else {
        EmailClass::SignIn(confidence)
    }
}

/// A non-e-mail field match: field, confidence, similarity 0..=100.
fn field_match(h: &Header, field: Field) -> Option<(Confidence, u8)> {
    let t = table();
    if let Some(&(f, exact)) = t.names.get(&h.compact)
        && f == field
    {
        return Some(if exact {
            (Confidence::Exact, 100)
        } else {
            (Confidence::Alias, 100)
        });
    }
    if h.compact.is_empty()
        || h.has_any(SOMEONE_ELSE)
        || h.has_any(PROPERTY)
        || !matches!(email_class(h), EmailClass::None)
    {
        return None;
    }
    let mut best: Option<u8> = None;
    // A known name inside a longer header ("Legal First Name", "Sales Team", "영문 이름").
    for (f, name) in &t.contained {
        if *f == field
            && h.compact.contains(name.as_str())
            && h.compact.chars().count() <= name.chars().count() + 12
        {
            best = best.max(Some(85));
        }
    }
    // A typo ("Frist Name", "Workspce"): optimal-string-alignment distance (edits, an
    // adjacent transposition counted once).
    let hlen = h.compact.chars().count();
    if hlen >= 5 && !h.compact.chars().any(is_cjk) {
        for (f, name, nlen) in &t.latin {
            if *f != field || nlen.abs_diff(hlen) > 2 {
                continue;
            }
            let dist = strsim::osa_distance(&h.compact, name);
            let len = hlen.max(*nlen);
            let sim = 100 - (dist * 100 / len).min(100);
            if sim >= 80 {
                best = best.max(u8::try_from(sim).ok());
            }
        }
    }
    best.map(|s| (Confidence::Fuzzy, s))
}

/// The field a header names by its exact name or an alias (not fuzzy), for header detection.
#[must_use]
pub fn known_field(header: &str) -> Option<Field> {
    let h = Header::new(header);
    match email_class(&h) {
        EmailClass::Primary(c) | EmailClass::SignIn(c) | EmailClass::Personal(c)
            if c >= Confidence::Alias =>
        {
            return Some(Field::Email);
        }
        _ => {}
    }
    table().names.get(&h.compact).map(|&(f, _)| f)
}

/// Suggests a mapping from the headers alone. The result depends on the set of headers, not on
/// their order or case.
#[must_use]
pub fn suggest_mapping(columns: &[String]) -> Mapping {
    suggest_with(columns, &|_| None)
}

/// Like [`suggest_mapping`], with a look at sample values: `looks_like_addresses(column)` says
/// whether that column's values look like e-mail addresses (`None` when unknown). Sign-in names
/// whose values are not addresses are dropped, and a file without any address header gets the
/// column whose values are addresses.
pub(crate) fn suggest_with(
    columns: &[String],
    looks_like_addresses: &dyn Fn(usize) -> Option<bool>,
) -> Mapping {
    let headers: Vec<Header> = columns.iter().map(|c| Header::new(c)).collect();
    let mut mapping = Mapping::default();

    // E-mail first: the one required field gets its best column.
    let mut candidates: Vec<(u8, Confidence, usize)> = Vec::new();
    let mut notes: Vec<EmailNote> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match email_class(h) {
            EmailClass::Primary(c) => candidates.push((0, c, i)),
            EmailClass::SignIn(c) => {
                if looks_like_addresses(i) != Some(false) {
                    candidates.push((1, c, i));
                }
            }
            EmailClass::Personal(c) => candidates.push((2, c, i)),
            EmailClass::Excluded(reason) => notes.push(EmailNote { column: i, reason }),
            EmailClass::None => {}
        }
    }
    candidates.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| headers[a.2].compact.cmp(&headers[b.2].compact))
            .then_with(|| headers[a.2].norm.cmp(&headers[b.2].norm))
            .then(a.2.cmp(&b.2))
    });
    if let Some(&(rank, confidence, column)) = candidates.first() {
        mapping.slots[Field::Email.index()] = Some(Mapped { column, confidence });
        mapping.email_basis = Some(match rank {
            0 => EmailBasis::Header,
            1 => EmailBasis::SignInName,
            _ => EmailBasis::Personal,
        });
        for &(r, _, i) in &candidates[1..] {
            let reason = match r {
                0 => PassedOver::AnotherAddress,
                1 => PassedOver::SignInName,
                _ => PassedOver::Personal,
            };
            notes.push(EmailNote { column: i, reason });
        }
    } else {
        // No header names an address: take the column whose values are addresses.
        let excluded: Vec<usize> = notes.iter().map(|n| n.column).collect();
        let by_values = (0..columns.len())
            .filter(|i| !excluded.contains(i) && looks_like_addresses(*i) == Some(true))
            .min_by(|&a, &b| headers[a].compact.cmp(&headers[b].compact).then(a.cmp(&b)));
        if let Some(column) = by_values {
            mapping.slots[Field::Email.index()] = Some(Mapped {
                column,
                confidence: Confidence::Fuzzy,
            });
            mapping.email_basis = Some(EmailBasis::Values);
        }
    }
    notes.sort_by_key(|n| n.column);
    mapping.email_notes = notes;

    // The other fields: best matches first, one column per field.
    let email_col = mapping.get(Field::Email).map(|m| m.column);
    let mut others: Vec<(Confidence, u8, Field, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if Some(i) == email_col {
            continue;
        }
        for field in [
            Field::FirstName,
            Field::LastName,
            Field::Team,
            Field::Workspace,
        ] {
            if let Some((c, sim)) = field_match(h, field) {
                others.push((c, sim, field, i));
            }
        }
    }
    others.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then_with(|| headers[a.3].compact.cmp(&headers[b.3].compact))
            .then_with(|| headers[a.3].norm.cmp(&headers[b.3].norm))
            .then(a.3.cmp(&b.3))
    });
    let mut used: Vec<usize> = email_col.into_iter().collect();
    for (confidence, _, field, column) in others {
        if mapping.get(field).is_none() && !used.contains(&column) {
            mapping.slots[field.index()] = Some(Mapped { column, confidence });
            used.push(column);
        }
    }
    mapping
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cols(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    fn mapped(m: &Mapping, f: Field, c: &[String]) -> Option<(String, Confidence)> {
        m.get(f).map(|x| (c[x.column].clone(), x.confidence))
    }

    #[test]
    fn normalises_case_marks_digits_and_width() {
        assert_eq!(normalize("Email Address [Required]"), "email address");
        assert_eq!(normalize("userPrincipalName"), "userprincipalname");
        assert_eq!(normalize("Email2"), "email 2");
        assert_eq!(normalize("  FIRST_NAME* "), "first name");
        assert_eq!(normalize("Ｅｍａｉｌ"), "email");
        assert_eq!(normalize("Prénom (obligatoire)"), "prenom");
        assert_eq!(normalize("Email (personal)"), "email personal");
        assert_eq!(normalize("\u{FEFF}이메일(필수)"), "이메일");
    }

    #[test]
    fn tiers() {
        let c = cols(&["E-Mail", "Given Name", "Frist Name", "Team"]);
        let m = suggest_mapping(&c);
        assert_eq!(
            mapped(&m, Field::Email, &c),
            Some(("E-Mail".into(), Confidence::Exact))
        );
        assert_eq!(
            mapped(&m, Field::FirstName, &c),
            Some(("Given Name".into(), Confidence::Alias))
        );
        assert_eq!(
            mapped(&m, Field::Team, &c),
            Some(("Team".into(), Confidence::Exact))
        );
        assert_eq!(m.get(Field::LastName), None);
    }

    #[test]
    fn typo_is_fuzzy() {
        let c = cols(&["Emial", "Frist Name", "Lastname", "Workspce"]);
        let m = suggest_mapping(&c);
        assert_eq!(
            mapped(&m, Field::FirstName, &c),
            Some(("Frist Name".into(), Confidence::Fuzzy))
        );
        assert_eq!(
            mapped(&m, Field::LastName, &c),
            Some(("Lastname".into(), Confidence::Exact))
        );
        assert_eq!(
            mapped(&m, Field::Workspace, &c),
            Some(("Workspce".into(), Confidence::Fuzzy))
        );
        assert_eq!(
            mapped(&m, Field::Email, &c),
            Some(("Emial".into(), Confidence::Fuzzy))
        );
    }

    #[test]
    fn manager_and_recovery_lose_to_primary() {
        let c = cols(&[
            "Manager Email",
            "Recovery Email",
            "Email Address [Required]",
            "Proxy addresses",
        ]);
        let m = suggest_mapping(&c);
        assert_eq!(m.get(Field::Email).map(|x| x.column), Some(2));
        let reasons: Vec<_> = m.email_notes.iter().map(|n| (n.column, n.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                (0, PassedOver::SomeoneElse),
                (1, PassedOver::Secondary),
                (3, PassedOver::AddressList)
            ]
        );
    }

    #[test]
    fn sign_in_name_only_without_email() {
        let c = cols(&["Display name", "User principal name", "Proxy addresses"]);
        let m = suggest_mapping(&c);
        assert_eq!(m.get(Field::Email).map(|x| x.column), Some(1));
        assert_eq!(m.email_basis, Some(EmailBasis::SignInName));
        let c = cols(&["userPrincipalName", "mail", "alternateEmailAddress"]);
        let m = suggest_mapping(&c);
        assert_eq!(m.get(Field::Email).map(|x| x.column), Some(1));
    }

    #[test]
    fn not_an_address_is_ignored() {
        let c = cols(&["Email Encoding Key", "Email Usage [READ ONLY]", "Email"]);
        let m = suggest_mapping(&c);
        assert_eq!(m.get(Field::Email).map(|x| x.column), Some(2));
        assert!(m.email_notes.is_empty());
    }

    #[test]
    fn overrides() {
        let c = cols(&["a", "b", "Mail"]);
        let mut m = suggest_mapping(&c);
        m.apply_overrides(&c, &["email=2".into(), "first_name=a".into()])
            .unwrap();
        assert_eq!(
            m.get(Field::Email),
            Some(Mapped {
                column: 1,
                confidence: Confidence::Manual
            })
        );
        assert_eq!(m.get(Field::FirstName).map(|x| x.column), Some(0));
        assert!(matches!(
            m.apply_overrides(&c, &["email=9".into()]),
            Err(MapError::NoSuchColumn { .. })
        ));
        assert!(matches!(
            m.apply_overrides(&c, &["nick=a".into()]),
            Err(MapError::UnknownField { .. })
        ));
        assert!(matches!(
            m.apply_overrides(&c, &["email".into()]),
            Err(MapError::Syntax { .. })
        ));
        assert_eq!(
            m.apply_overrides(&c, &["email=".into()]),
            Err(MapError::EmailRequired)
        );
        m.apply_overrides(&c, &["first-name=".into()]).unwrap();
        assert_eq!(m.get(Field::FirstName), None);
    }

    #[test]
    fn osa_counts_transpositions_once() {
        assert_eq!(strsim::osa_distance("fristname", "firstname"), 1);
        // One swap is one edit (two for a plain edit distance, too far for a 9-letter name).
        let c = cols(&["Email", "Workspcae"]);
        assert_eq!(
            mapped(&suggest_mapping(&c), Field::Workspace, &c),
            Some(("Workspcae".into(), Confidence::Fuzzy))
        );
    }

    #[test]
    fn accents_marks_and_widths_fold_like_their_plain_letters() {
        for (raw, want) in [
            ("Dirección", "direccion"),
            ("Şehir", "sehir"),
            ("Șoseaua", "soseaua"),
            ("Ţară", "tara"),
            ("Ðorđe", "dorde"),
            ("Soyadı", "soyadi"),
            ("İsim", "isim"),
            ("Ｅｍａｉｌ", "email"),
            ("Ｅｍａｉｌ２", "email 2"),
            ("Łódź", "lodz"),
            ("Søren", "soren"),
            ("Straße", "strasse"),
            ("Ærøskøbing", "aeroskobing"),
            ("ﬁrst name", "first name"),
            ("E\u{00A0}mail\u{3000}Address", "e mail address"),
        ] {
            assert_eq!(normalize(raw), want, "{raw}");
        }
        // Hangul, kana and ideographs are not split or changed.
        assert_eq!(normalize("이메일 주소"), "이메일 주소");
        assert_eq!(normalize("メールアドレス"), "メールアドレス");
        assert_eq!(normalize("電子郵件"), "電子郵件");
        // Folding makes these headers meet the names they spell.
        let c = cols(&["Ｅｍａｉｌ", "Prénom", "NOM", "Équipe"]);
        let m = suggest_mapping(&c);
        assert_eq!(
            mapped(&m, Field::Email, &c).map(|x| x.1),
            Some(Confidence::Exact)
        );
        assert_eq!(
            mapped(&m, Field::FirstName, &c),
            Some(("Prénom".into(), Confidence::Alias))
        );
        assert_eq!(
            mapped(&m, Field::Team, &c),
            Some(("Équipe".into(), Confidence::Alias))
        );
    }
}
