//! Fixture builders shared by the `csv_*` tests of the `model` and `cli` test crates. Files are
//! generated here and encoded with `encoding_rs`, so every encoding and dialect is covered
//! without binary fixtures in the repository.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;

use encoding_rs::Encoding;
use msi_setup::domain::csv_intake::{
    self as intake, Intake, Mapping, Options, Overrides, Progress, Report, ReportLabels,
};

/// Korean names, including syllables only CP949 has (똠, 햏, 뷁 are not in plain EUC-KR).
pub const KO: &[(&str, &str)] = &[
    ("민준", "김"),
    ("서연", "이"),
    ("도윤", "박"),
    ("하은", "최"),
    ("똠방", "정"),
    ("햏순", "강"),
    ("뷁철", "조"),
    ("지호", "윤"),
    ("수아", "장"),
    ("예준", "임"),
    ("지우", "한"),
    ("시우", "오"),
];
/// Traditional Chinese names.
pub const ZH_TW: &[(&str, &str)] = &[
    ("志明", "陳"),
    ("淑芬", "林"),
    ("家豪", "黃"),
    ("雅婷", "張"),
    ("冠宇", "李"),
    ("怡君", "王"),
    ("承恩", "吳"),
    ("詩涵", "劉"),
    ("俊傑", "蔡"),
    ("佳穎", "楊"),
    ("宗翰", "許"),
    ("美玲", "鄭"),
];
/// Simplified Chinese names.
pub const ZH_CN: &[(&str, &str)] = &[
    ("子涵", "王"),
    ("浩然", "李"),
    ("欣怡", "张"),
    ("梓轩", "刘"),
    ("雨萱", "陈"),
    ("宇航", "杨"),
    ("思远", "赵"),
    ("俊杰", "黄"),
    ("晓明", "周"),
    ("丽娟", "吴"),
    ("建国", "徐"),
    ("秀英", "孙"),
];
/// Simplified Chinese names with one-character given names (hard for chardetng).
pub const ZH_CN_SHORT: &[(&str, &str)] = &[
    ("伟", "王"),
    ("芳", "李"),
    ("娜", "张"),
    ("敏", "刘"),
    ("静", "陈"),
    ("丽", "杨"),
    ("强", "赵"),
    ("磊", "黄"),
    ("军", "周"),
    ("洋", "吴"),
    ("艳", "徐"),
    ("勇", "孙"),
];
/// Japanese names.
pub const JA: &[(&str, &str)] = &[
    ("太郎", "山田"),
    ("花子", "佐藤"),
    ("健太", "鈴木"),
    ("さくら", "高橋"),
    ("翔", "田中"),
    ("美咲", "伊藤"),
    ("大輔", "渡辺"),
    ("ゆい", "中村"),
    ("拓也", "小林"),
    ("あおい", "加藤"),
];
/// Western European names with accents (windows-1252).
pub const LATIN: &[(&str, &str)] = &[
    ("José", "García"),
    ("Zoë", "Müller"),
    ("François", "Lefèvre"),
    ("Åsa", "Öberg"),
    ("Íñigo", "Peña"),
    ("Chloé", "Dubois"),
    ("Jürgen", "Groß"),
    ("Inês", "Conceição"),
    ("Søren", "Kierkegård"),
    ("Noémie", "Bélanger"),
];
/// Team names.
pub const TEAMS: &[&str] = &["Sales", "EMEA", "Inside Sales", "APAC", "Channel"];

/// `n` rows of (first, last, email, team) with names from `names`, addresses unique.
pub fn people(names: &[(&str, &str)], n: usize) -> Vec<[String; 4]> {
    (0..n)
        .map(|i| {
            let (first, last) = names[i % names.len()];
            [
                first.to_string(),
                last.to_string(),
                format!("user{i}@example.com"),
                TEAMS[i % TEAMS.len()].to_string(),
            ]
        })
        .collect()
}

/// Quotes a cell when it needs it (delimiter, quote, line break).
pub fn cell(s: &str, delim: char) -> String {
    if s.contains(delim) || s.contains('"') || s.contains('\n') || s.contains('\r') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV text.
pub fn csv_text(header: &[&str], rows: &[Vec<String>], delim: char, eol: &str) -> String {
    let mut out = String::new();
    out.push_str(
        &header
            .iter()
            .map(|h| cell(h, delim))
            .collect::<Vec<_>>()
            .join(&delim.to_string()),
    );
    out.push_str(eol);
    for r in rows {
        out.push_str(
            &r.iter()
                .map(|c| cell(c, delim))
                .collect::<Vec<_>>()
                .join(&delim.to_string()),
        );
        out.push_str(eol);
    }
    out
}

/// The standard users file: header `First Name,Last Name,Email,Team`.
pub fn users_csv(names: &[(&str, &str)], n: usize, delim: char, eol: &str) -> String {
    let rows: Vec<Vec<String>> = people(names, n).into_iter().map(|r| r.to_vec()).collect();
    csv_text(
        &["First Name", "Last Name", "Email", "Team"],
        &rows,
        delim,
        eol,
    )
}

/// Encodes `text` in `enc`; UTF-16 by hand (`encoding_rs` only decodes it).
pub fn encode(text: &str, enc: &'static Encoding) -> Vec<u8> {
    if enc == encoding_rs::UTF_16LE {
        return text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    }
    if enc == encoding_rs::UTF_16BE {
        return text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    }
    let (bytes, used, unmappable) = enc.encode(text);
    assert_eq!(used, enc, "encoding_rs used another output encoding");
    assert!(!unmappable, "text not representable in {}", enc.name());
    bytes.into_owned()
}

/// `bom` + encoded text.
pub fn with_bom(text: &str, enc: &'static Encoding) -> Vec<u8> {
    let mut out = match enc.name() {
        "UTF-8" => vec![0xEF, 0xBB, 0xBF],
        "UTF-16LE" => vec![0xFF, 0xFE],
        "UTF-16BE" => vec![0xFE, 0xFF],
        _ => Vec::new(),
    };
    out.extend(encode(text, enc));
    out
}

pub fn keep_going(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Sniff, map and validate `bytes` with default options.
pub fn check(bytes: &[u8]) -> (Intake, Mapping, Report) {
    check_with(bytes, &Overrides::default(), &Options::default())
}

pub fn check_with(bytes: &[u8], ov: &Overrides, opts: &Options) -> (Intake, Mapping, Report) {
    let intake = intake::sniff_bytes(bytes, ov).expect("sniff");
    let mapping = intake.suggest_mapping();
    let report =
        intake::validate(bytes, &intake, &mapping, opts, &mut keep_going).expect("validate");
    (intake, mapping, report)
}

/// The cleaned invite file as text.
pub fn clean(bytes: &[u8], intake: &Intake, mapping: &Mapping, report: &Report) -> String {
    let mut out = Vec::new();
    intake::write_clean(bytes, intake, mapping, report, &mut out, &mut keep_going)
        .expect("write_clean");
    String::from_utf8(out).expect("clean file is UTF-8")
}

/// The report file as text (with its BOM).
pub fn report_csv(bytes: &[u8], intake: &Intake, mapping: &Mapping, report: &Report) -> String {
    let labels = ReportLabels {
        line: "Line",
        email: "Email",
        status: "Status",
        reason: "Reason",
    };
    let mut out = Vec::new();
    let reason = |i: &intake::Issue| i.kind.as_str().to_string();
    intake::write_report(
        bytes,
        intake,
        mapping,
        report,
        &labels,
        &reason,
        &mut out,
        &mut keep_going,
    )
    .expect("write_report");
    String::from_utf8(out).expect("report is UTF-8")
}

/// The cells of `column` (0-based) in the preview.
pub fn preview_column(intake: &Intake, column: usize) -> Vec<String> {
    intake
        .preview
        .iter()
        .map(|r| r.cells.get(column).cloned().unwrap_or_default())
        .collect()
}
