//! Known names of the target fields and the words that qualify an address column, in the
//! languages the Marketo docs are published in (en, zh-TW, zh-CN, ko, ja, de, fr, es, it, nl, pt,
//! sv) and as common directory and HR exports spell them. Compared after [`super::normalize`].

/// Known names per field; the e-mail list is the person's own address.
pub(super) const EMAIL_ALIASES: &[&str] = &[
    "e-mail", "email address", "e-mail address", "mail", "mail address", "email id",
    "primary email", "primary email address", "work email", "work email address", "business email",
    "business email address", "company email", "corporate email", "office email", "user email",
    "employee email", "email work", "primary smtp address", "smtp address",
    "windows email address", "email primary",
    // zh-TW
    "電子郵件", "電子郵件地址", "電子郵件信箱", "電子信箱", "電郵", "電郵地址", "郵件地址", "信箱", "工作電子郵件", "公司電子郵件",
    // zh-CN
    "电子邮件", "电子邮件地址", "电子邮箱", "邮箱", "邮箱地址", "邮件地址", "电邮", "工作邮箱", "企业邮箱", "公司邮箱",
    // ko
    "이메일", "이메일 주소", "전자우편", "전자 우편", "전자 메일", "메일", "메일 주소", "회사 이메일", "업무용 이메일",
    // ja
    "メール", "メールアドレス", "eメール", "eメールアドレス", "電子メール", "電子メールアドレス", "会社メールアドレス",
    // de
    "e-mail-adresse", "mailadresse", "geschäftliche e-mail",
    // fr
    "courriel", "adresse e-mail", "adresse électronique", "adresse courriel", "adresse mail",
    "mél",
    // es
    "correo", "correo electrónico", "dirección de correo", "dirección de correo electrónico",
    "correo-e",
    // it
    "posta elettronica", "indirizzo email", "indirizzo di posta elettronica",
    // nl
    "e-mailadres", "mailadres",
    // pt
    "endereço de e-mail", "correio eletrónico", "correio eletrônico",
    // sv
    "e-postadress", "e-post", "mejladress", "mejl",
];

/// Sign-in names that usually are the person's address (Entra / M365, Okta, Salesforce).
pub(super) const SIGN_IN_ALIASES: &[&str] = &[
    "user principal name", "upn", "username", "user name", "login", "login name", "login email",
    "sign-in name", "sign-in address", "logon name", "okta login", "使用者名稱", "用户名", "帳號", "账号",
    "登入名稱", "登录名", "사용자 이름", "사용자명", "아이디", "로그인", "ユーザー名", "ログイン名", "ログインid", "benutzername",
    "anmeldename", "nom d'utilisateur", "identifiant", "nombre de usuario", "usuario",
    "nome utente", "gebruikersnaam", "nome de usuário", "nome de utilizador", "användarnamn",
];

pub(super) const FIRST_NAME_ALIASES: &[&str] = &[
    "first", "given name", "forename", "fname", "legal first name", "preferred first name",
    "first name legal", "名", "名字", "이름", "下の名前", "vorname", "prénom", "nombre", "nombre de pila",
    "nome", "voornaam", "primeiro nome", "nome próprio", "förnamn",
];

pub(super) const LAST_NAME_ALIASES: &[&str] = &[
    "last", "surname", "family name", "lname", "sn", "legal last name", "last name legal", "姓",
    "姓氏", "성", "성씨", "苗字", "nachname", "familienname", "nom", "nom de famille", "apellido",
    "apellidos", "primer apellido", "cognome", "achternaam", "familienaam", "sobrenome", "apelido",
    "último nome", "efternamn",
];

pub(super) const TEAM_ALIASES: &[&str] = &[
    "teams", "team name", "sales team", "msi team", "團隊", "團隊名稱", "小組", "团队", "团队名称", "팀", "팀명",
    "팀 이름", "チーム", "チーム名", "teamname", "équipe", "nom de l'équipe", "equipo", "nombre del equipo",
    "squadra", "teamnaam", "equipe", "equipa",
];

pub(super) const WORKSPACE_ALIASES: &[&str] = &[
    "workspaces", "marketo workspace", "work space", "msi workspace", "工作區", "工作空間", "工作区", "工作空间",
    "워크스페이스", "작업 공간", "ワークスペース", "arbeitsbereich", "espace de travail", "espacio de trabajo",
    "area di lavoro", "spazio di lavoro", "werkruimte", "espaço de trabalho", "arbetsyta",
];

// Qualifier lists: an entry of 5 or more characters, or with CJK in it, matches anywhere in the
// header's compact form (so `ManagerEmail` and `MANAGER EMAIL` read alike); a shorter one must be
// a whole word between separators. Entries are lower case with accents folded.

/// Words that make an address someone else's.
pub(super) const SOMEONE_ELSE: &[&str] = &[
    "manager", "supervisor", "assistant", "leader", "owner", "approver", "delegate", "emergency",
    "reportsto", "reporting", "sponsor", "referrer", "recruiter", "createdby", "modifiedby",
    "updatedby", "parent", "spouse", "guardian", "vorgesetzte", "fuhrungskraft", "responsable",
    "gerente", "supervisore", "responsabile", "leidinggevende", "gestor", "chefe", "ansvarig",
    "mgr", "boss", "lead", "by", "hr", "chef", "jefe", "capo",
    "主管", "經理", "经理", "上司", "負責人", "负责人", "매니저", "관리자", "상사", "팀장", "담당자", "上長", "管理者", "担当者",
    "助理", "비서",
];

/// Words that make an address an additional one.
pub(super) const SECONDARY: &[&str] = &[
    "secondary", "second", "alternate", "alternative", "recovery", "backup", "other",
    "additional", "extra", "previous", "former", "forwarding", "sekundar", "zweite", "weitere",
    "andere", "secondaire", "autre", "alternatif", "secours", "secundario", "alternativo",
    "adicional", "secondario", "altro", "secundair", "alternatief", "outro", "alternativ", "annan",
    "alt", "old", "new", "cc", "bcc", "2", "3", "ii", "otro", "ander",
    "次要", "備用", "备用", "其他", "第二", "보조", "대체", "기타", "복구", "予備", "サブ", "その他",
];

/// Words that make an address a personal one.
pub(super) const PERSONAL: &[&str] = &[
    "personal", "private", "privat", "personlich", "personnel", "prive", "particulier",
    "privado", "personale", "privata", "persoonlijk", "pessoal", "personlig", "homeemail",
    "homemail", "home", "casa",
    "個人", "个人", "私人", "개인", "자택", "プライベート", "自宅",
];

/// Words that make a column a list of addresses.
pub(super) const ADDRESS_LIST: &[&str] = &[
    "proxy", "proxies", "aliases", "alias",
];

/// Words that make an e-mail header a property of the address, not the address.
pub(super) const NOT_AN_ADDRESS: &[&str] = &[
    "encoding", "preference", "bounce", "verified", "verification", "usage", "status",
    "template", "signature", "sender", "notification", "digest", "enabled", "disabled",
    "consent", "domain", "quota", "subscri", "permission", "frequency", "language", "header",
    "footer", "format", "optout", "opted", "invalid",
    "auto", "opt", "type", "sent", "date", "size", "last", "key", "time", "flag", "count", "valid",
];

/// Words that make any header a property (id, phone...), never a name, team or workspace.
pub(super) const PROPERTY: &[&str] = &[
    "phone", "number", "status", "created", "modified", "updated", "login", "locale", "timezone",
    "language", "format", "enabled",
    "id", "no", "url", "link", "key", "date", "time", "code", "path", "unit", "type", "flag",
    "size", "count",
];

/// Words that say "e-mail address", matched anywhere in the compact header.
pub(super) const EMAIL_WORDS: &[&str] = &[
    "email", "courriel", "correo", "correio", "epost", "mejl", "postaelettronica", "mailadres",
    "이메일", "메일", "전자우편", "電子郵件", "电子邮件", "郵件", "邮件", "郵箱", "邮箱", "電郵", "电邮", "信箱", "メール",
];

/// Known names too generic to look for inside longer headers.
pub(super) const NOT_CONTAINED: &[&str] = &[
    "nombre", "first", "last", "fname", "lname", "nome", "nom", "given",
];
