//! Step 1: every encoding the issue names, generated and encoded here, is detected (or reported
//! as uncertain with the right alternative), and the names come out right.

use crate::csv_support as support;

use encoding_rs::{
    BIG5, EUC_KR, Encoding, GB18030, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252,
};
use msi_setup::domain::csv_intake::{
    self as intake, BinaryKind, Certainty, EncodingSource, Field, IssueKind, Overrides, Region,
    SAMPLE_LIMIT, Sample, SniffError,
};
use support::*;

/// Detects `enc` in a generated file of `n` rows and checks the decoded names.
fn roundtrip(names: &[(&str, &str)], n: usize, enc: &'static Encoding) -> intake::Intake {
    let text = users_csv(names, n, ',', "\r\n");
    let bytes = encode(&text, enc);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(
        intake.encoding.encoding,
        enc,
        "detected {} for {}",
        intake.encoding.encoding.name(),
        enc.name()
    );
    assert_eq!(report.counts.rows, n as u64);
    assert_eq!(report.counts.valid, n as u64);
    assert_eq!(mapping.get(Field::FirstName).map(|m| m.column), Some(0));
    let firsts = preview_column(&intake, 0);
    for (i, got) in firsts.iter().enumerate() {
        assert_eq!(got, names[i % names.len()].0);
    }
    intake
}

#[test]
fn utf8_without_bom_is_high() {
    let i = roundtrip(KO, 40, UTF_8);
    assert_eq!(
        (i.encoding.certainty, i.encoding.source, i.encoding.bom_len),
        (Certainty::High, EncodingSource::Utf8, 0)
    );
}

#[test]
fn boms_are_honoured_and_stripped() {
    for enc in [UTF_8, UTF_16LE, UTF_16BE] {
        let text = users_csv(ZH_TW, 5, if enc == UTF_8 { ',' } else { '\t' }, "\r\n");
        let bytes = with_bom(&text, enc);
        let (intake, mapping, report) = check(&bytes);
        assert_eq!(intake.encoding.encoding, enc);
        assert_eq!(intake.encoding.source, EncodingSource::Bom);
        assert!(intake.encoding.bom_len > 0);
        assert_eq!(
            intake.columns[0], "First Name",
            "BOM must not stick to the first header"
        );
        assert_eq!(mapping.get(Field::Email).map(|m| m.column), Some(2));
        assert_eq!(report.counts.valid, 5);
        assert_eq!(preview_column(&intake, 0)[0], "志明");
    }
}

#[test]
fn excel_unicode_text_is_utf16le_bom_with_tabs() {
    let text = users_csv(KO, 30, '\t', "\r\n");
    let (intake, _, report) = check(&with_bom(&text, UTF_16LE));
    assert_eq!(intake.dialect.delimiter, b'\t');
    assert_eq!(intake.header_row, Some(1));
    assert_eq!(report.counts.valid, 30);
    // Line numbers count physical lines of the file, also in UTF-16.
    assert_eq!(report.rows.last().map(|r| r.line), Some(31));
}

#[test]
fn bomless_utf16_by_nul_pattern() {
    for enc in [UTF_16LE, UTF_16BE] {
        let i = roundtrip(KO, 30, enc);
        assert_eq!(i.encoding.source, EncodingSource::Utf16Pattern);
        assert_eq!(i.encoding.certainty, Certainty::High);
    }
}

#[test]
fn cp949_with_uhc_only_syllables() {
    let i = roundtrip(KO, 200, EUC_KR);
    assert_eq!(i.encoding.source, EncodingSource::Guess);
    assert_eq!(i.encoding.certainty, Certainty::High);
    assert!(preview_column(&i, 0).iter().any(|n| n == "똠방"));
}

#[test]
fn big5() {
    let i = roundtrip(ZH_TW, 150, BIG5);
    assert_eq!(i.encoding.certainty, Certainty::High);
}

#[test]
fn shift_jis() {
    let i = roundtrip(JA, 200, SHIFT_JIS);
    assert_eq!(i.encoding.certainty, Certainty::High);
}

#[test]
fn gb18030() {
    let i = roundtrip(ZH_CN, 300, GB18030);
    assert_eq!(i.encoding.certainty, Certainty::High);
}

#[test]
fn fifty_rows_of_each_cjk_encoding_are_read_right() {
    for (names, enc) in [
        (KO, EUC_KR),
        (ZH_TW, BIG5),
        (ZH_CN, GB18030),
        (JA, SHIFT_JIS),
    ] {
        let i = roundtrip(names, 50, enc);
        assert!(
            i.encoding.certainty >= Certainty::Medium,
            "{:?}",
            i.encoding
        );
    }
}

#[test]
fn one_character_gbk_names_are_flagged_not_garbled_silently() {
    // chardetng reads these as Cyrillic; that is outside the languages we expect, so it is Low,
    // GB18030 is offered, and a Chinese-language hint picks it.
    let bytes = encode(&users_csv(ZH_CN_SHORT, 300, ',', "\r\n"), GB18030);
    let i = intake::sniff_bytes(&bytes, &Overrides::default()).unwrap();
    assert!(
        i.encoding.encoding == GB18030 || i.encoding.certainty == Certainty::Low,
        "{:?}",
        i.encoding
    );
    assert!(i.encoding.encoding == GB18030 || i.encoding.alternatives.contains(&GB18030));
    let hinted = intake::sniff_bytes(
        &bytes,
        &Overrides {
            region: Some(Region::China),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hinted.encoding.encoding, GB18030);
}

#[test]
fn windows_1252() {
    let i = roundtrip(LATIN, 300, WINDOWS_1252);
    assert_eq!(i.encoding.certainty, Certainty::High);
    let i = roundtrip(LATIN, 30, WINDOWS_1252);
    assert!(
        i.encoding.certainty < Certainty::High,
        "a few accented names are not enough evidence"
    );
}

#[test]
fn tiny_cp949_is_uncertain_with_the_right_alternative() {
    // 72 bytes: a header and one row of CP949-only syllables. chardetng alone guesses Big5 here.
    let text = "이름,성,이메일,팀\r\n똠방,햏,kim@example.com,뷁팀\r\n";
    let bytes = encode(text, EUC_KR);
    let intake = intake::sniff_bytes(&bytes, &Overrides::default()).unwrap();
    assert!(intake.encoding.certainty < Certainty::High);
    let all: Vec<_> = std::iter::once(intake.encoding.encoding)
        .chain(intake.encoding.alternatives.iter().copied())
        .collect();
    assert!(all.contains(&EUC_KR), "{all:?}");
    // The validation report says so too.
    let mapping = intake.suggest_mapping();
    let report = intake::validate(
        &bytes[..],
        &intake,
        &mapping,
        &Default::default(),
        &mut keep_going,
    )
    .unwrap();
    assert!(
        report
            .file_issues
            .iter()
            .any(|i| i.kind == IssueKind::EncodingUncertain)
    );
    // With the user's language as a hint, the Korean reading is preferred, still flagged.
    let hinted = intake::sniff_bytes(
        &bytes,
        &Overrides {
            region: Some(Region::Korea),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hinted.encoding.encoding, EUC_KR);
    assert!(hinted.encoding.certainty < Certainty::High);
    assert_eq!(hinted.columns, ["이름", "성", "이메일", "팀"]);
}

#[test]
fn override_beats_detection_and_keeps_the_guess_as_alternative() {
    let bytes = encode(&users_csv(KO, 50, ',', "\n"), EUC_KR);
    let ov = Overrides {
        encoding: Some(BIG5),
        ..Default::default()
    };
    let intake = intake::sniff_bytes(&bytes, &ov).unwrap();
    assert_eq!(intake.encoding.encoding, BIG5);
    assert_eq!(intake.encoding.source, EncodingSource::Override);
    assert_eq!(intake.encoding.alternatives.first(), Some(&EUC_KR));
}

#[test]
fn labels_users_type() {
    for (label, enc) in [
        ("cp949", EUC_KR),
        ("EUC-KR", EUC_KR),
        ("uhc", EUC_KR),
        ("cp950", BIG5),
        ("big5", BIG5),
        ("sjis", SHIFT_JIS),
        ("Shift_JIS", SHIFT_JIS),
        ("cp936", GB18030),
        ("gbk", GB18030),
        ("GB18030", GB18030),
        ("latin1", WINDOWS_1252),
        ("cp1252", WINDOWS_1252),
        ("utf8", UTF_8),
        ("UTF-16", UTF_16LE),
        ("utf-16be", UTF_16BE),
    ] {
        assert_eq!(intake::encoding_for_label(label), Some(enc), "{label}");
    }
    assert_eq!(intake::encoding_for_label("klingon"), None);
    assert_eq!(intake::encoding_for_label("replacement"), None);
    assert_eq!(
        intake::encoding_for_label("iso-2022-kr"),
        None,
        "decodes to nothing but U+FFFD"
    );
}

#[test]
fn mostly_utf8_with_a_stray_byte_stays_utf8() {
    let mut bytes = users_csv(KO, 100, ',', "\n").into_bytes();
    let pos = bytes.len() - 10;
    bytes.insert(pos, 0xFF);
    let (intake, _, report) = check(&bytes);
    assert_eq!(intake.encoding.encoding, UTF_8);
    assert_eq!(intake.encoding.certainty, Certainty::Medium);
    let _ = report;
}

#[test]
fn invalid_utf8_in_a_mapped_cell_is_a_warning_on_its_line() {
    let mut text = users_csv(&[("Kim", "Lee")], 3, ',', "\n").into_bytes();
    // Row 3 (line 4): a first name with a lone continuation byte, far from the sample edge.
    let needle = b"Kim,Lee,user2";
    let at = text
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    text.insert(at + 1, 0x80);
    let ov = Overrides {
        encoding: Some(UTF_8),
        ..Default::default()
    };
    let (_, _, report) = check_with(&text, &ov, &Default::default());
    let issue = report
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::DecodeError)
        .expect("decode warning");
    assert_eq!((issue.line, issue.field), (4, Some(Field::FirstName)));
}

#[test]
fn non_ascii_far_into_an_ascii_head_is_still_found() {
    // 2 000 ASCII rows (> 64 KiB), then Korean names in CP949.
    let mut rows: Vec<Vec<String>> = (0..2000)
        .map(|i| {
            vec![
                "Alex".into(),
                "Smith".into(),
                format!("a{i}@example.com"),
                "Sales".into(),
            ]
        })
        .collect();
    rows.extend(people(KO, 300).into_iter().map(|r| r.to_vec()));
    let text = csv_text(
        &["First Name", "Last Name", "Email", "Team"],
        &rows,
        ',',
        "\n",
    );
    let bytes = encode(&text, EUC_KR);
    assert!(bytes.len() > SAMPLE_LIMIT);
    let sample = Sample::read(&bytes[..]).unwrap();
    assert!(!sample.is_complete());
    let intake = intake::sniff(&sample, &Overrides::default()).unwrap();
    assert_eq!(intake.encoding.encoding, EUC_KR);
    assert_eq!(intake.encoding.certainty, Certainty::High);
}

#[test]
fn large_utf8_sample_cut_mid_character_is_still_utf8() {
    let text = users_csv(ZH_TW, 3000, ',', "\n");
    assert!(text.len() > SAMPLE_LIMIT);
    let sample = Sample::read(text.as_bytes()).unwrap();
    let intake = intake::sniff(&sample, &Overrides::default()).unwrap();
    assert_eq!(
        (intake.encoding.encoding, intake.encoding.certainty),
        (UTF_8, Certainty::High)
    );
    assert_eq!(intake.sample_replacements, 0);
}

#[test]
fn pure_ascii_is_utf8() {
    let (intake, _, _) = check(b"email\nkim@example.com\n");
    assert_eq!(intake.encoding.encoding, UTF_8);
    assert_eq!(intake.encoding.source, EncodingSource::Ascii);
}

#[test]
fn binaries_are_refused() {
    let zip = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    assert_eq!(
        intake::sniff_bytes(zip, &Overrides::default()),
        Err(SniffError::Binary(BinaryKind::Workbook))
    );
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    assert_eq!(
        intake::sniff_bytes(&xls, &Overrides::default()),
        Err(SniffError::Binary(BinaryKind::LegacyWorkbook))
    );
    assert_eq!(
        intake::sniff_bytes(b"%PDF-1.7\n", &Overrides::default()),
        Err(SniffError::Binary(BinaryKind::Pdf))
    );
    let junk = [1u8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 9, 9, 0, 0, 0, 0, 3, 0, 0, 0];
    assert_eq!(
        intake::sniff_bytes(&junk, &Overrides::default()),
        Err(SniffError::Binary(BinaryKind::Other))
    );
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(
        intake::sniff_bytes(b"", &Overrides::default()),
        Err(SniffError::Empty)
    );
    assert_eq!(
        intake::sniff_bytes(b"\r\n\n  \n,,\n", &Overrides::default()),
        Err(SniffError::Empty)
    );
    assert_eq!(
        intake::sniff_bytes(&[0xEF, 0xBB, 0xBF], &Overrides::default()),
        Err(SniffError::Empty)
    );
}

/// Every region hint a UI language can give, and none.
const REGIONS: [Option<Region>; 5] = [
    None,
    Some(Region::Korea),
    Some(Region::Taiwan),
    Some(Region::China),
    Some(Region::Japan),
];

fn sniff_in(bytes: &[u8], region: Option<Region>) -> intake::Intake {
    intake::sniff_bytes(
        bytes,
        &Overrides {
            region,
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn known_header_names_beat_the_region_tie_break() {
    let files: [(&str, &'static Encoding, &[&str]); 9] = [
        ("이메일,이름,성\r\n", EUC_KR, &["이메일", "이름", "성"]),
        (
            "이메일,이름,성\r\nkim@example.com,민준,김\r\n",
            EUC_KR,
            &["이메일", "이름", "성"],
        ),
        (
            "이름,성,이메일 주소,팀\r\n지우,박,park@example.com,영업\r\n",
            EUC_KR,
            &["이름", "성", "이메일 주소", "팀"],
        ),
        (
            "電子郵件,名字,姓氏\r\n",
            BIG5,
            &["電子郵件", "名字", "姓氏"],
        ),
        (
            "電子郵件,名字,姓氏\r\nchen@example.com,文雄,陳\r\n",
            BIG5,
            &["電子郵件", "名字", "姓氏"],
        ),
        (
            "姓氏,名字,電子信箱,團隊\r\n林,雅婷,lin@example.com,業務\r\n",
            BIG5,
            &["姓氏", "名字", "電子信箱", "團隊"],
        ),
        (
            "メールアドレス,名,姓\r\n",
            SHIFT_JIS,
            &["メールアドレス", "名", "姓"],
        ),
        (
            "メールアドレス,名,姓\r\ntanaka@example.com,太郎,田中\r\n",
            SHIFT_JIS,
            &["メールアドレス", "名", "姓"],
        ),
        (
            "電子メール,名,姓,チーム\r\nsato@example.com,花子,佐藤,営業\r\n",
            SHIFT_JIS,
            &["電子メール", "名", "姓", "チーム"],
        ),
    ];
    for (text, enc, columns) in files {
        let bytes = encode(text, enc);
        for region in REGIONS {
            let i = sniff_in(&bytes, region);
            assert_eq!(
                i.encoding.encoding,
                enc,
                "{text:?} under {region:?} read as {}: {:?}",
                i.encoding.encoding.name(),
                i.columns
            );
            assert_eq!(i.columns, columns, "{text:?} under {region:?}");
        }
    }
}

#[test]
fn the_issue_example_is_read_as_korean_under_zh_tw() {
    // Read as Big5 this header is `檜詭橾,檜葷,撩`.
    let bytes = encode("이메일,이름,성\r\nkim@example.com,민준,김\r\n", EUC_KR);
    let i = sniff_in(&bytes, Some(Region::Taiwan));
    assert_eq!(i.encoding.encoding, EUC_KR);
    assert_eq!(i.columns, ["이메일", "이름", "성"]);
    assert_eq!(i.preview[0].cells, ["kim@example.com", "민준", "김"]);
    // Still shown as a guess, with Big5 offered.
    assert!(i.encoding.certainty < Certainty::High);
}

#[test]
fn plausible_text_beats_the_region_tie_break_without_known_headers() {
    // Korean names under an English header: Hangul from KS X 1001 in CP949, rare ideographs in
    // Big5.
    let korean = "email,first,last\r\nkim@example.com,민준,김\r\nlee@example.com,서연,이\r\n\
                  park@example.com,지우,박\r\n";
    let bytes = encode(korean, EUC_KR);
    for region in REGIONS {
        let i = sniff_in(&bytes, region);
        assert_eq!(i.encoding.encoding, EUC_KR, "under {region:?}");
        assert_eq!(i.preview[1].cells[1], "서연");
    }
}

#[test]
fn a_stray_control_byte_flags_its_row_not_the_file() {
    for (text, line, field) in [
        (
            "email,first,last\nkim@example.com,Min,Kim\nlee@exa\0mple.com,Seo,Lee\npark@example.com,Ji,Park\n",
            3,
            Field::Email,
        ),
        (
            "email,first,last\nkim@example.com,Min\u{1},Kim\nlee@example.com,Seo,Lee\n",
            2,
            Field::FirstName,
        ),
        ("email\na\0@example.com\n", 2, Field::Email),
    ] {
        let (_, _, report) = check(text.as_bytes());
        let bad: Vec<_> = report
            .issues
            .iter()
            .filter(|i| i.severity() == intake::Severity::Error)
            .map(|i| (i.line, i.field))
            .collect();
        assert_eq!(bad, [(line, Some(field))], "{text:?}");
        let row = report
            .rows
            .iter()
            .find(|r| u64::from(r.line) == line)
            .unwrap();
        assert_eq!(row.status, intake::RowStatus::Invalid);
        assert_eq!(
            report.counts.valid,
            report.counts.rows - 1,
            "the other rows are read"
        );
    }
    // Sparse NULs in a larger file: still text.
    let mut text = String::from("email,first,last\n");
    for i in 0..2000 {
        let nul = if i % 100 == 7 { "\0" } else { "" };
        text.push_str(&format!("user{i}@example.com,Name{nul},Last\n"));
    }
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(report.counts.rows, 2000);
    assert_eq!(report.counts.invalid, 20);
}

#[test]
fn real_binaries_are_still_refused() {
    // Deterministic noise (xorshift), like /dev/urandom.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let png = [
        &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0"[..],
        &noise[..200],
    ]
    .concat();
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 400));
    // BOM-less UTF-16LE of long Hangul cells: too few NULs for the UTF-16 pattern, but NULs
    // throughout, so it is not read as garbled 8-bit text.
    let utf16: Vec<u8> = "서울특별시강남구테헤란로일이삼사오육칠팔구십,대한민국\r\n"
        .repeat(20)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for (name, bytes) in [
        ("noise", &noise[..]),
        ("short noise", &noise[..512]),
        ("png", &png[..]),
        ("elf", &elf[..]),
        ("utf-16", &utf16[..]),
        (
            "zip",
            &b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml"[..],
        ),
    ] {
        let got = intake::sniff_bytes(bytes, &Overrides::default());
        assert!(
            matches!(got, Err(SniffError::Binary(_))),
            "{name}: {:?}",
            got.map(|i| i.encoding)
        );
    }
}
