//! Step 4: header sets shaped like real directory and HR exports, and headers in every language
//! the Marketo docs are published in, map to the right fields; properties: the mapping depends on
//! the set of headers, not their order or case.

use msi_setup::domain::csv_intake::{
    Confidence, EmailBasis, Field, Mapping, PassedOver, suggest_mapping,
};
use proptest::prelude::*;

fn cols(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

fn name(m: &Mapping, c: &[String], f: Field) -> Option<String> {
    m.get(f).map(|x| c[x.column].clone())
}

fn conf(m: &Mapping, f: Field) -> Option<Confidence> {
    m.get(f).map(|x| x.confidence)
}

fn passed(m: &Mapping, c: &[String]) -> Vec<(String, PassedOver)> {
    m.email_notes
        .iter()
        .map(|n| (c[n.column].clone(), n.reason))
        .collect()
}

#[test]
fn google_workspace_user_download() {
    let c = cols(
        "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],\
         Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],New Primary Email [UPLOAD ONLY],\
         Recovery Email,Home Secondary Email,Work Secondary Email,Recovery Phone [MUST BE IN THE E.164 FORMAT],\
         Work Phone,Home Phone,Mobile Phone,Work Address,Home Address,Employee ID,Employee Type,\
         Employee Title,Manager Email,Department,Cost Center,Building ID,Floor Name,Floor Section,\
         Change Password at Next Sign-In,New Status [UPLOAD ONLY],Last Sign In [READ ONLY],\
         Email Usage [READ ONLY]",
    );
    let m = suggest_mapping(&c);
    assert_eq!(
        name(&m, &c, Field::Email).as_deref(),
        Some("Email Address [Required]")
    );
    assert_eq!(conf(&m, Field::Email), Some(Confidence::Alias));
    assert_eq!(
        name(&m, &c, Field::FirstName).as_deref(),
        Some("First Name [Required]")
    );
    assert_eq!(conf(&m, Field::FirstName), Some(Confidence::Exact));
    assert_eq!(
        name(&m, &c, Field::LastName).as_deref(),
        Some("Last Name [Required]")
    );
    assert_eq!(
        m.get(Field::Team),
        None,
        "Department is not a Sales Insight Actions team"
    );
    assert_eq!(m.get(Field::Workspace), None);
    assert_eq!(
        passed(&m, &c),
        vec![
            (
                "New Primary Email [UPLOAD ONLY]".into(),
                PassedOver::Secondary
            ),
            ("Recovery Email".into(), PassedOver::Secondary),
            ("Home Secondary Email".into(), PassedOver::Secondary),
            ("Work Secondary Email".into(), PassedOver::Secondary),
            ("Manager Email".into(), PassedOver::SomeoneElse),
        ]
    );
}

#[test]
fn microsoft_365_active_users_export() {
    let c = cols(
        "Block credential,City,Country/Region,Department,DirSyncEnabled,Display name,Fax,First name,\
         Last dirsync time,Last name,Last password change time stamp,License assignment details,Licenses,\
         Mobile Phone,Oath token metadata,Object Id,Office,Password never expires,Phone number,Postal code,\
         Preferred data location,Preferred language,Proxy addresses,Release track,Soft deletion time stamp,\
         State,Street address,Strong password required,Title,Usage location,User principal name,When created",
    );
    let m = suggest_mapping(&c);
    assert_eq!(
        name(&m, &c, Field::Email).as_deref(),
        Some("User principal name")
    );
    assert_eq!(m.email_basis, Some(EmailBasis::SignInName));
    assert_eq!(
        name(&m, &c, Field::FirstName).as_deref(),
        Some("First name")
    );
    assert_eq!(name(&m, &c, Field::LastName).as_deref(), Some("Last name"));
    assert_eq!(
        passed(&m, &c),
        vec![("Proxy addresses".into(), PassedOver::AddressList)]
    );
}

#[test]
fn entra_id_bulk_download() {
    let c = cols(
        "userPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,department,\
         accountEnabled,usageLocation,streetAddress,state,country,physicalDeliveryOfficeName,city,\
         postalCode,telephoneNumber,mobile,alternateEmailAddress,ageGroup,companyName,creationType,\
         directorySynced,invitationState,identityIssuer,createdDateTime",
    );
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("mail"));
    assert_eq!(m.email_basis, Some(EmailBasis::Header));
    assert_eq!(name(&m, &c, Field::FirstName).as_deref(), Some("givenName"));
    assert_eq!(name(&m, &c, Field::LastName).as_deref(), Some("surname"));
    assert_eq!(
        passed(&m, &c),
        vec![
            ("userPrincipalName".into(), PassedOver::SignInName),
            ("alternateEmailAddress".into(), PassedOver::Secondary),
        ]
    );
}

#[test]
fn okta_user_export() {
    let c = cols(
        "Username,First name,Last name,Display name,Primary email,Secondary email,Mobile phone,Status,Manager",
    );
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("Primary email"));
    assert_eq!(
        passed(&m, &c),
        vec![
            ("Username".into(), PassedOver::SignInName),
            ("Secondary email".into(), PassedOver::Secondary)
        ]
    );
    let c = cols("login,email,secondEmail,firstName,lastName,managerId");
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("email"));
    assert_eq!(name(&m, &c, Field::FirstName).as_deref(), Some("firstName"));
}

#[test]
fn salesforce_user_export() {
    let c = cols(
        "Id,Username,LastName,FirstName,Name,CompanyName,Division,Department,Title,Email,EmailEncodingKey,\
         IsActive,ManagerId,UserRoleId,ProfileId,FederationIdentifier,Alias,CommunityNickname,\
         TimeZoneSidKey,LocaleSidKey,LanguageLocaleKey,SenderEmail",
    );
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("Email"));
    assert_eq!(conf(&m, Field::Email), Some(Confidence::Exact));
    assert_eq!(name(&m, &c, Field::FirstName).as_deref(), Some("FirstName"));
    assert_eq!(name(&m, &c, Field::LastName).as_deref(), Some("LastName"));
    assert_eq!(
        passed(&m, &c),
        vec![("Username".into(), PassedOver::SignInName)]
    );
}

#[test]
fn hr_exports() {
    let c = cols(
        "Employee ID,Legal First Name,Legal Last Name,Preferred Name,Work Email,Personal Email,Manager,\
         Manager Email,Supervisory Organization,Business Title,Cost Center,Hire Date",
    );
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("Work Email"));
    assert_eq!(
        name(&m, &c, Field::FirstName).as_deref(),
        Some("Legal First Name")
    );
    assert_eq!(
        name(&m, &c, Field::LastName).as_deref(),
        Some("Legal Last Name")
    );
    assert_eq!(
        passed(&m, &c),
        vec![
            ("Personal Email".into(), PassedOver::Personal),
            ("Manager Email".into(), PassedOver::SomeoneElse)
        ]
    );
    let c = cols(
        "Employee #,First Name,Last Name,Work Email,Home Email,Department,Division,Job Title,Supervisor,Supervisor Email",
    );
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("Work Email"));
    // Only a personal address: used, and said so.
    let c = cols("Name,Personal Email");
    let m = suggest_mapping(&c);
    assert_eq!(
        name(&m, &c, Field::Email).as_deref(),
        Some("Personal Email")
    );
    assert_eq!(m.email_basis, Some(EmailBasis::Personal));
}

#[test]
fn marketo_style_headers_are_exact() {
    let c = cols("Email,First Name,Last Name,Team,Workspace");
    let m = suggest_mapping(&c);
    for (i, f) in Field::ALL.into_iter().enumerate() {
        assert_eq!(
            m.get(f).map(|x| (x.column, x.confidence)),
            Some((i, Confidence::Exact)),
            "{f:?}"
        );
    }
}

#[test]
fn every_docs_language() {
    let sets = [
        ("zh-TW", "名字,姓氏,電子郵件,團隊,工作區"),
        ("zh-TW", "名,姓,電子郵件地址,團隊名稱,工作區"),
        ("zh-CN", "名,姓,电子邮箱,团队,工作区"),
        ("ko", "이름,성,이메일 주소,팀,워크스페이스"),
        ("ko", "이름,성,이메일(필수),팀명,작업 공간"),
        ("ja", "名,姓,メールアドレス,チーム,ワークスペース"),
        ("de", "Vorname,Nachname,E-Mail-Adresse,Team,Arbeitsbereich"),
        ("fr", "Prénom,Nom,Adresse e-mail,Équipe,Espace de travail"),
        (
            "es",
            "Nombre,Apellidos,Correo electrónico,Equipo,Espacio de trabajo",
        ),
        ("it", "Nome,Cognome,Indirizzo email,Squadra,Area di lavoro"),
        ("nl", "Voornaam,Achternaam,E-mailadres,Team,Werkruimte"),
        (
            "pt",
            "Nome,Sobrenome,Endereço de e-mail,Equipe,Espaço de trabalho",
        ),
        ("sv", "Förnamn,Efternamn,E-postadress,Team,Arbetsyta"),
        (
            "full-width",
            "ＦｉｒｓｔＮａｍｅ,Ｌａｓｔ　Ｎａｍｅ,Ｅｍａｉｌ,ｔｅａｍ,ＷＯＲＫＳＰＡＣＥ",
        ),
    ];
    for (lang, line) in sets {
        let c = cols(line);
        let m = suggest_mapping(&c);
        for (i, f) in [
            Field::FirstName,
            Field::LastName,
            Field::Email,
            Field::Team,
            Field::Workspace,
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(
                m.get(f).map(|x| x.column),
                Some(i),
                "{lang}: {f:?} in {line}"
            );
            assert!(
                m.get(f).is_some_and(|x| x.confidence >= Confidence::Alias),
                "{lang}: {f:?}"
            );
        }
    }
}

#[test]
fn qualifiers_in_other_languages() {
    let c = cols("성명,매니저 이메일,개인 이메일,회사 이메일");
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("회사 이메일"));
    assert_eq!(
        passed(&m, &c),
        vec![
            ("매니저 이메일".into(), PassedOver::SomeoneElse),
            ("개인 이메일".into(), PassedOver::Personal)
        ]
    );
    assert_eq!(m.get(Field::FirstName), None, "성명 is a full name");
    let c = cols("姓名,主管電子郵件,備用電子郵件,電子郵件");
    let m = suggest_mapping(&c);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("電子郵件"));
    assert_eq!(
        passed(&m, &c),
        vec![
            ("主管電子郵件".into(), PassedOver::SomeoneElse),
            ("備用電子郵件".into(), PassedOver::Secondary)
        ]
    );
}

#[test]
fn fuzzy_matches_are_marked() {
    let c = cols("Staff E-mail,Emp First Name,Surname (legal),Sales Team");
    let m = suggest_mapping(&c);
    assert_eq!(conf(&m, Field::Email), Some(Confidence::Fuzzy));
    assert_eq!(conf(&m, Field::FirstName), Some(Confidence::Fuzzy));
    assert_eq!(conf(&m, Field::LastName), Some(Confidence::Fuzzy));
    assert_eq!(
        conf(&m, Field::Team),
        Some(Confidence::Alias),
        "Sales Team is a known name"
    );
    let c = cols("Emial Adress,Frist Name");
    let m = suggest_mapping(&c);
    assert_eq!(m.get(Field::Email).map(|x| x.column), Some(0));
    assert_eq!(conf(&m, Field::FirstName), Some(Confidence::Fuzzy));
}

#[test]
fn properties_are_not_names() {
    let c = cols("First Login Date,Last Login,Team ID,Team Lead Email,Email");
    let m = suggest_mapping(&c);
    assert_eq!(m.get(Field::FirstName), None);
    assert_eq!(m.get(Field::LastName), None);
    assert_eq!(m.get(Field::Team), None);
    assert_eq!(name(&m, &c, Field::Email).as_deref(), Some("Email"));
}

#[test]
fn unmapped_optional_fields_are_fine_and_no_email_is_none() {
    let c = cols("Name,Phone,Office");
    let m = suggest_mapping(&c);
    assert!(Field::ALL.iter().all(|&f| m.get(f).is_none()));
}

// --- properties ----------------------------------------------------------------------------

/// Realistic headers with distinct compact forms.
const POOL: &[&str] = &[
    "Email",
    "E-mail Address",
    "Work Email",
    "Manager Email",
    "Recovery Email",
    "Personal Email",
    "User Principal Name",
    "Username",
    "Proxy addresses",
    "First Name",
    "Given Name",
    "Last Name",
    "Surname",
    "Team",
    "Sales Team",
    "Workspace",
    "Department",
    "Title",
    "Phone",
    "Employee ID",
    "Display Name",
    "이메일",
    "이름",
    "성",
    "팀",
    "電子郵件",
    "名字",
    "姓氏",
    "Vorname",
    "Nachname",
    "Prénom",
    "Nom",
    "Courriel",
    "Secondary email",
    "Office",
    "Cost Center",
    "Frist Name",
    "Legal Last Name",
    "Email Usage [READ ONLY]",
    "mail",
    "givenName",
    "alternateEmailAddress",
];

fn by_name(m: &Mapping, c: &[String]) -> Vec<Option<String>> {
    Field::ALL
        .iter()
        .map(|&f| m.get(f).map(|x| c[x.column].to_lowercase()))
        .collect()
}

fn flip_case(s: &str, bits: &[bool]) -> String {
    s.chars()
        .zip(bits.iter().cycle())
        .map(|(ch, &up)| {
            if up {
                ch.to_uppercase().next().unwrap_or(ch)
            } else {
                ch.to_lowercase().next().unwrap_or(ch)
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mapping_ignores_column_order(
        picks in proptest::sample::subsequence(POOL.to_vec(), 1..12),
        seed in any::<u64>(),
    ) {
        let cols: Vec<String> = picks.iter().map(|s| (*s).to_string()).collect();
        let mut shuffled = cols.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = (state % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let a = suggest_mapping(&cols);
        let b = suggest_mapping(&shuffled);
        prop_assert_eq!(by_name(&a, &cols), by_name(&b, &shuffled));
        let conf = |m: &Mapping| Field::ALL.map(|f| m.get(f).map(|x| x.confidence));
        prop_assert_eq!(conf(&a), conf(&b));
        let mut na: Vec<_> = a.email_notes.iter().map(|n| (cols[n.column].clone(), n.reason)).collect();
        let mut nb: Vec<_> = b.email_notes.iter().map(|n| (shuffled[n.column].clone(), n.reason)).collect();
        na.sort_by(|x, y| x.0.cmp(&y.0));
        nb.sort_by(|x, y| x.0.cmp(&y.0));
        prop_assert_eq!(na, nb);
    }

    #[test]
    fn mapping_ignores_header_case(
        picks in proptest::sample::subsequence(POOL.to_vec(), 1..12),
        bits in proptest::collection::vec(any::<bool>(), 1..16),
    ) {
        let cols: Vec<String> = picks.iter().map(|s| (*s).to_string()).collect();
        let flipped: Vec<String> = cols.iter().map(|c| flip_case(c, &bits)).collect();
        let a = suggest_mapping(&cols);
        let b = suggest_mapping(&flipped);
        prop_assert_eq!(by_name(&a, &cols), by_name(&b, &flipped));
        let conf = |m: &Mapping| Field::ALL.map(|f| m.get(f).map(|x| x.confidence));
        prop_assert_eq!(conf(&a), conf(&b));
    }

    #[test]
    fn a_column_feeds_one_field_at_most(picks in proptest::sample::subsequence(POOL.to_vec(), 1..20)) {
        let cols: Vec<String> = picks.iter().map(|s| (*s).to_string()).collect();
        let m = suggest_mapping(&cols);
        let mut used: Vec<usize> = Field::ALL.iter().filter_map(|&f| m.get(f).map(|x| x.column)).collect();
        let n = used.len();
        used.sort_unstable();
        used.dedup();
        prop_assert_eq!(used.len(), n);
    }
}
