#!/usr/bin/env python3
"""Reference verdicts for the e-mail agreement test (tests/csv_validate.rs).

Builds a corpus of tricky addresses and asks Python's `email-validator` (JoshData) for its
verdict on each, with `check_deliverability=False` and `strict=True` (the reference behaviour
the project follows; `strict` only adds the 64-character local-part limit). The verdict of the
default mode (`strict=False`) is recorded too. Writes `verdicts.json` next to this script; the
Rust test reads that file and needs no Python.

    python3 -m venv .venv && .venv/bin/pip install email-validator
    .venv/bin/python tests/data/email/oracle.py

Categories name what each address probes; `note` in the output is the validator's message.
"""

import json
import pathlib
import sys

import email_validator
from email_validator import EmailNotValidError, validate_email

CORPUS: list[tuple[str, list[str]]] = []


def add(category: str, *addresses: str) -> None:
    CORPUS.append((category, list(addresses)))


# Ordinary business addresses, as HR and CRM exports hold them.
add("business",
    "kim@example.com", "ji-hoon.park@samsung-example.co.kr", "chen.wei@example.com.tw",
    "tanaka.taro@example.co.jp", "first.last@example.org", "first_last@example.net",
    "firstlast@example.io", "f.last@sub.example.com", "first.last+marketo@example.com",
    "FIRST.LAST@EXAMPLE.COM", "First.Last@Example.Com", "j.smith@mail.example.co.uk",
    "anna.mueller@example.de", "jean-pierre.dupont@example.fr", "o'brien@example.ie",
    "dmitri.ivanov@example.ru", "sales@example.com", "info@example.com",
    "support@helpdesk.example.com", "noreply@example.com", "no-reply@example.com",
    "admin@example.com", "postmaster@example.com", "hr-team@example.com",
    "marketing.ops@example.com", "marketo.admin@example.com", "1234567@example.com",
    "john.doe2024@example.com", "j@example.com", "a.b.c.d@example.com",
    "user@example.technology", "user@example.photography", "user@example.museum",
    "user@example.xyz", "user@example.ai", "user@example.co", "user@example.me",
    "user@company-name.com", "user@company123.com", "user@123company.com",
    "user@a.b.c.d.example.com", "user@mail2.example.com", "user@e.example.com",
    "user@example.africa", "user@example.london", "user@example.tokyo",
    "user@exa-mple.com", "user@ex--ample.com", "user@x.com", "user@xy.com",
    "maria.garcia@example.es", "giulia.rossi@example.it", "sven@example.se",
    "jan.de.vries@example.nl", "joao.silva@example.com.br", "li.na@example.cn",
    "lee.minjun@example.kr", "lin.yating@example.tw", "sato@example.jp",
    "ops+alerts@example.com", "user+tag+more@example.com", "user-@example.com",
    "user_@example.com", "_user@example.com", "u.s.e.r@example.com",
    "test@example.com", "test@test.com", "example@example.com",
    "user@gmail.com", "user@outlook.com", "user@yahoo.co.jp", "user@naver.com",
    "user@163.com", "user@qq.com", "user@hinet.net",
)

# Every character allowed in an unquoted local part, and some that are not.
add("local-syntax",
    "!#$%&'*+-/=?^_`{|}~@example.com", "user!def@example.com", "user#tag@example.com",
    "user$@example.com", "user%example.org@example.com", "user&co@example.com",
    "user'@example.com", "user*star@example.com", "user/dept@example.com",
    "user=eq@example.com", "user?q@example.com", "user^hat@example.com",
    "user`tick@example.com", "user{brace}@example.com", "user|pipe@example.com",
    "user~tilde@example.com", "{user}@example.com", "~@example.com", "!@example.com",
    "user(comment)@example.com", "(comment)user@example.com", "user@example.com(comment)",
    "user@(comment)example.com", "user,name@example.com", "user;name@example.com",
    "user:name@example.com", "user[1]@example.com", "user]@example.com",
    "user\\name@example.com", "user\"name@example.com", "user<name@example.com",
    "user>name@example.com", "us er@example.com", "@example.com", "user@",
    "@", "user", "user.example.com", "user@@example.com", "a@b@example.com",
    "user@example@com", "user.@", "userexample.com@", "\"@example.com",
)

# Dots in the local part and the domain.
add("dots",
    ".user@example.com", "user.@example.com", "us..er@example.com", "user..@example.com",
    "..user@example.com", ".@example.com", "..@example.com", "a.b@example.com",
    "a.b.c@example.com", "user@.example.com", "user@example.com.", "user@example..com",
    "user@..example.com", "user@example.com..", "user@.com", "user@com.",
    "user@.", "user@..", "user.name.@example.com", "user@sub..example.com",
    "user.@example.com.", "a.-b@example.com", "a-.b@example.com", "-.@example.com",
)

# Quoted local parts (legal, almost never real).
add("quoted",
    "\"user\"@example.com", "\"first last\"@example.com", "\"user@home\"@example.com",
    "\"user\\\"quote\"@example.com", "\"user\\\\slash\"@example.com", "\"\"@example.com",
    "\" \"@example.com", "\"user.\"@example.com", "\".user\"@example.com",
    "\"us..er\"@example.com", "\"user\"name@example.com", "name\"user\"@example.com",
    "\"user@example.com", "user\"@example.com", "\"user\"\"name\"@example.com",
    "\"very.(),:;<>[]\\\".VERY.\\\"very@\\\\ \\\"very\\\".unusual\"@strange.example.com",
    "\"much.more unusual\"@example.com", "\"이메일\"@example.com", "\"ñ\"@example.com",
    "\"tab\there\"@example.com", "\"a\"@example.com", "\"user\"@[192.0.2.1]",
)

# Address literals.
add("literal",
    "user@[192.0.2.1]", "user@[127.0.0.1]", "user@[10.0.0.1]", "user@[256.1.1.1]",
    "user@[192.0.2]", "user@[IPv6:2001:db8::1]", "user@[ipv6:2001:db8::1]",
    "user@[IPv6:::1]", "user@[IPv6:2001:db8::1%eth0]", "user@[IPv6:192.0.2.1]",
    "user@[2001:db8::1]", "user@[IPv4:192.0.2.1]", "user@[example.com]", "user@[]",
    "user@[192.0.2.1", "user@192.0.2.1]", "user@192.0.2.1", "user@[1.2.3.4].com",
    "user@[::1]", "user@[x:y]", "user@127.0.0.1", "user@[IPv6:fe80::1]",
)

# Domain syntax: labels, hyphens, characters.
add("domain-syntax",
    "user@-example.com", "user@example-.com", "user@exa_mple.com", "user@_dmarc.example.com",
    "user@example.-com", "user@example.com-", "user@ex-ample.co-m", "user@e-x-a-m-p-l-e.com",
    "user@ab--cd.com", "user@xn--ab.com", "user@a--b.com", "user@xx--example.com",
    "user@r3--example.com", "user@example", "user@localhost", "user@com",
    "user@example.com:25", "user@example.com/path", "user@example.com?x=1", "user@example.com#frag",
    "user@exa mple.com", "user@exa!mple.com", "user@exa$mple.com", "user@exa+mple.com",
    "user@exa=mple.com", "user@exa*mple.com", "user@example.c_om", "user@1.com",
    "user@1a.com", "user@a1.com", "user@0.example.com", "user@123.example.com",
    "user@sub.-example.com", "user@sub-.example.com", "user@-.com", "user@a-.com",
    "user@EXAMPLE.COM", "user@Example.Com", "user@example.com,", "user@example.com;",
    "user@example.com>", "user@example.com\\", "user@example.com'", "user@example.com\"",
)

# Top-level labels.
add("tld",
    "user@example.c", "user@example.co", "user@example.123", "user@example.1",
    "user@example.tld-2", "user@example.tld2", "user@example.a1", "user@example.1a",
    "user@example.c0m", "user@example.co1", "user@example.x-y", "user@example.-xy",
    "user@example.xy-", "user@1.2.3.4", "user@example.tld", "user@example.TLD",
    "user@example.comm", "user@example.reallylongtldname", "user@example.xn--p1ai",
    "user@example.xn--3e0b707e", "user@example.xn--kpry57d", "user@example.xn--9",
    "user@example.xn--0", "user@example.co.uk", "user@example.com.au",
)

# Special-use and reserved names (RFC 2606, 6761, 6762, 7686; .arpa).
add("special-use",
    "user@example.test", "user@test", "user@sub.example.test", "user@x.test",
    "user@example.invalid", "user@invalid", "user@foo.invalid",
    "user@example.local", "user@printer.local", "user@local",
    "user@localhost", "user@foo.localhost", "user@localhost.localdomain",
    "user@example.onion", "user@3g2upl4pq6kufc4m.onion", "user@onion",
    "user@example.arpa", "user@1.0.0.127.in-addr.arpa", "user@home.arpa", "user@arpa",
    "user@example", "user@www.example", "user@mail.example",
    "user@example.com", "user@example.net", "user@example.org", "user@mail.example.com",
    "user@test.com", "user@localhost.com", "user@local.com", "user@invalid.com",
    "user@onion.com", "user@arpa.com", "user@testing.com", "user@example.testing",
    "user@EXAMPLE.TEST", "user@Example.Local", "user@example.test.com", "user@xn--test",
    "user@example.localdomain", "user@example.internal", "user@example.lan",
    "user@example.home", "user@example.corp", "user@example.alt",
)

# Punycode labels.
add("punycode",
    "user@xn--0.tld", "user@xn--0.com", "user@xn--.com", "user@xn--a.com",
    "user@xn--bcher-kva.example", "user@xn--bcher-kva.com", "user@xn--mnchen-3ya.de",
    "user@xn--9n2bp8q.com", "user@xn--3e0b707e.xn--3e0b707e", "user@xn--kpry57d.tw",
    "user@xn--fiqs8s.com", "user@xn--zz-.com", "user@xn--ZZ.com", "user@XN--BCHER-KVA.COM",
    "user@xn--bcher-kva.xn--bcher-kva.com", "user@xn--nxasmq6b.com", "user@xn--e1afmkfd.xn--p1ai",
    "user@xn--80ak6aa92e.com", "user@xn--ls8h.la", "user@xn--i-7iq.ws",
    "user@xn--mgbh0fb.xn--kgbechtv", "user@xn--4dbcagdahymbxekheh6e0a7fei0b.xn--4dbrk0ce",
    "user@xn--abc-.com", "user@xn---abc.com", "user@xn--a-ecp.com", "user@xn--invalid--.com",
    "user@xn--bcher-kva", "user@xn--55qx5d.xn--55qx5d", "user@xn--wgv71a119e.jp",
    "user@xn--11b4c3d.com", "user@xn--yda.com", "user@xn--zca.com",
)

# Internationalised domain names written in Unicode.
add("idn",
    "user@臺網中心.tw", "user@회사.한국", "user@bücher.example", "user@bücher.com",
    "user@münchen.de", "user@MÜNCHEN.DE", "user@例え.jp", "user@中国.cn", "user@中文.中国",
    "user@пример.рф", "user@παράδειγμα.gr", "user@उदाहरण.भारत", "user@مثال.مصر",
    "user@דוגמה.ישראל", "user@ตัวอย่าง.ไทย", "user@例子.广告", "user@münchen.com",
    "user@straße.de", "user@ς.com", "user@i❤.ws", "user@☃.net", "user@😀.com",
    "user@a⒈com", "user@⒈.com", "user@example⒈com", "user@①.com", "user@exa①mple.com",
    "user@ﬁ.com", "user@ｅｘａｍｐｌｅ.com", "user@example．com", "user@example。com",
    "user@example｡com", "user@ＥＸＡＭＰＬＥ.ＣＯＭ", "user@exam\u00adple.com",
    "user@exam\u200bple.com", "user@exam\u200cple.com", "user@exam\u200dple.com",
    "user@\u0301example.com", "user@é.com", "user@e\u0301.com", "user@1.אב.com",
    "user@אב.1.com", "user@a.אב", "user@אב1.com", "user@٠١.com", "user@ab٠.com",
    "user@xn--bcher-kva.bücher.com", "user@bücher-.com", "user@-bücher.com",
    "user@bü--cher.com", "user@ü.com", "user@日本", "user@사이트.kr", "user@ひらがな.jp",
    "user@カタカナ.jp", "user@ー.jp", "user@・.jp", "user@a・b.jp", "user@l·l.cat",
    "user@a·b.com", "user@\u0663.com", "user@\u3002.com",
)

# Internationalised local parts (valid with SMTPUTF8).
add("intl-local",
    "葉士豪@臺網中心.tw", "ñoñó@example.tld", "ñoñó@example.com", "김민준@example.com",
    "김민준@회사.한국", "用户@例子.广告", "अजय@डाटा.भारत", "квіточка@пошта.укр",
    "θσερ@εχαμπλε.ψομ", "Dörte@Sörensen.example.com", "коля@пример.рф", "田中@example.jp",
    "たなか@example.jp", "josé@example.com", "müller@example.de", "ÉLODIE@example.fr",
    "用户.名@example.com", "user.ñ@example.com", "ñ.@example.com", ".ñ@example.com",
    "ñ..o@example.com", "😀@example.com", "a😀b@example.com", "\u0301user@example.com",
    "u\u0301ser@example.com", "ｕｓｅｒ@example.com", "ﬁle@example.com",
    "user\u200b@example.com", "user\u00a0@example.com", "us\u3000er@example.com",
    "user\u202e@example.com", "user\ufeff@example.com", "\u00e9@example.com",
    "e\u0301@example.com", "user\u0085@example.com", "user\u2028@example.com",
    "user\ue000@example.com", "mañana.ñ+tag@example.com", "δοκιμή@παράδειγμα.δοκιμή",
)

# Length limits.
local64 = "a" * 64
local65 = "a" * 65
label63 = "b" * 63
label64 = "b" * 64
add("length",
    local64 + "@example.com", local65 + "@example.com", "a" * 100 + "@example.com",
    "a." * 31 + "bc@example.com", "a." * 32 + "b@example.com",
    "user@" + label63 + ".com", "user@" + label64 + ".com", "user@" + "c" * 200 + ".com",
    "user@" + ".".join([label63] * 3) + "." + "d" * 57 + ".com",
    "user@" + ".".join([label63] * 3) + "." + "d" * 58 + ".com",
    "user@" + ".".join([label63] * 3) + "." + "d" * 61,
    "user@" + ".".join([label63] * 3) + "." + "d" * 62,
    "a" * 64 + "@" + ".".join(["e" * 60] * 3) + ".com",
    "a" * 64 + "@" + ".".join(["e" * 60] * 3) + ".co",
    "a" * 64 + "@" + ".".join(["e" * 61] * 3) + ".c",
    "a" * 60 + "@" + ".".join(["e" * 60] * 3) + "." + "f" * 4,
    "a" * 64 + "@" + ".".join(["e" * 59] * 3) + ".com",
    "가" * 21 + "@example.com", "가" * 22 + "@example.com", "가" * 64 + "@example.com",
    "가" * 65 + "@example.com", "ü" * 32 + "@example.com", "ü" * 33 + "@example.com",
    "user@" + "가" * 20 + ".com", "user@" + "가" * 21 + ".com", "user@" + "가" * 40 + ".com",
    "user@" + "ü" * 58 + ".com", "user@" + "ü" * 59 + ".com",
    "x@" + "y" * 63 + ".z", "x@y.z", "x@yy.zz",
)

# Control characters, whitespace and invisible characters.
add("control",
    "user\x00@example.com", "\x00user@example.com", "user@exa\x00mple.com", "user@example.com\x00",
    "user\x01@example.com", "user\x07@example.com", "user\x1b@example.com", "user\x7f@example.com",
    "user@example.com\x7f", "user\t@example.com", "user@example\t.com", "\tuser@example.com",
    "user@example.com\t", "user\r@example.com", "\ruser@example.com", "user@example.com\r",
    "user\n@example.com", "user@example.com\n", "us er@example.com", " user@example.com",
    "user@example.com ", "user @example.com", "user@ example.com", "user@exa mple.com",
    "user\u00a0@example.com", "\u00a0user@example.com", "user@example.com\u00a0",
    "user\u3000@example.com", "user@example.com\u200b", "\ufeffuser@example.com",
    "user@exam\u2060ple.com", "user@example.com\u200e", "\u202euser@example.com",
    "user\x0b@example.com", "user\x0c@example.com", "user@example.com\x1f",
)

# Look-alikes and full-width forms.
add("confusable",
    "user＠example.com", "user﹫example.com", "user@example．com", "user@ｅｘａｍｐｌｅ．ｃｏｍ",
    "ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ", "user@exаmple.com", "user@ехаmple.com", "user@pаypal.com",
    "usеr@example.com", "user@examp1e.com", "user@examplе.com", "user@gmail.cοm",
    "user@ԁomain.com", "user@exampIe.com", "user@ex\u0430mple.com", "user@еxample.com",
    "user@example。com", "user@example。com。", "user@example．com．", "user。name@example.com",
    "user．name@example.com", "user@exampl\u0435.\u0441om", "user@xn--pypal-4ve.com",
    "user@xn--80ak6aa92e.com", "user\uff0e@example.com", "user@example.co\uff4d",
    "user＠example．com", "ＵＳＥＲ@example.com", "user@ＥＸＡＭＰＬＥ.com", "user@example.ｃｏｍ",
)

# Cells a spreadsheet may run as a formula.
add("formula",
    "=user@example.com", "+user@example.com", "-user@example.com", "@user@example.com",
    "=HYPERLINK(\"http://x\")@example.com", "=1+1@example.com", "+1-555@example.com",
    "-1@example.com", "=cmd|' /C calc'!A0@example.com", "@SUM(1)@example.com",
    "user=@example.com", "user+@example.com", "user-@example.org", "us=er@example.com",
    "u+s@example.com",
)

# Common mistakes in exported cells.
add("mistake",
    "Kim <kim@example.com>", "<kim@example.com>", "\"Kim\" <kim@example.com>",
    "Kim<kim@example.com>", "kim@example.com <Kim>", "mailto:kim@example.com",
    "MAILTO:kim@example.com", "mailto:", "kim@example.com;lee@example.com",
    "kim@example.com, lee@example.com", "kim@example.com,lee@example.com",
    "kim@example.com lee@example.com", "kim@example,com", "kim@example;com",
    "kim(at)example.com", "kim[at]example.com", "kim at example dot com", "kim@example.c om",
    "kim@@example.com", "kim@example.com.", "kim@example.com..", "kim.@example.com",
    "https://example.com", "http://kim@example.com", "kim@https://example.com",
    "kim@www.example.com", "www.kim@example.com", "N/A", "none", "-", "0",
    "kim@example.com'", "'kim@example.com", "kim@example.com)", "(kim@example.com",
)


# More IDNA corners: compatibility and contextual characters, bidi, normalisation.
add("idn-more",
    "user@a\u2024b.com", "user@a\u2025b.com", "user@a\u2026b.com", "user@\U0001F100.com",
    "user@\U0001F101.com", "user@a\u2010b.com", "user@a\u2013b.com", "user@a\uff0db.com",
    "user@ab\uff0d\uff0dcd.com", "user@\u0660\u06f0.com", "user@\u05d0\u05d1\u05f3.com",
    "user@a\u05f3.com", "user@\u03b1\u0375\u03b2.com", "user@a\u0375b.com",
    "user@\u65e5\u30fba.jp", "user@\u3131.com", "user@\u1100.com", "user@\u1100\u1161.com",
    "user@\u01c5.com", "user@\u216b.com", "user@\u00bd.com", "user@\u2122.com",
    "user@\u2121.com", "user@\u337f.jp", "user@\uff76.jp", "user@a\u0640b.com",
    "user@\u3007.cn", "user@a\u00b7.cat", "user@\u00b7l.cat", "user@l\u00b7.cat",
    "user@\u2764\ufe0f.com", "user@a\ufe0f.com", "user@\ufe0fa.com", "user@\u00e0.com",
    "user@a\u0300.com", "user@\u03a0\u0391\u03a1\u0386\u0394\u0395\u0399\u0393\u039c\u0391.gr",
    "user@\u0627\u0644\u0639\u0631\u0628\u064a\u0629.com", "user@abc.\u05d0\u05d1",
    "user@\u05d0\u05d1.abc", "user@\u05d0\u05d1c.com", "user@c\u05d0\u05d1.com",
    "user@Xn--bcher-kva.com", "user@sub.xn--bcher-kva.com", "user@xn--bcher-kva.xn--p1ai",
    "user@\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.ir", "user@\u0915\u094d\u200d.in",
    "user@example.co.u", "user@example.c-m", "user@example.abc1def", "user@x.xn--p1ai",
    "user@\u2460\u2461.com", "user@\u00df.de", "user@\u1e9e.de", "user@\u0131.com",
    "user@\u0130stanbul.tr", "user@\u2126.com", "user@\u212b.com", "user@\u3002example.com",
    "user@example\u3002", "user@\uff41\uff42\uff43\uff0e\uff43\uff4f\uff4d",
    "user@a\u200b.com", "user@\ud55c\uad6d.\ud55c\uad6d", "user@\u0e01\u0e34.com",
    "user@\u0e34\u0e01.com", "user@a\u0338.com", "user@\u2f00.com", "user@\u4e00.com",
    "user@\u2ff0.com", "user@\u3000.com", "user@\u303b.jp", "user@\u3005.jp",
    "user@\u30fc\u30fc.jp", "user@\u309d.jp", "user@\u1160.com", "user@\u3164.com",
    "user@\u115f.com", "user@\ua960.com", "user@\u02b0.com", "user@\u02c7.com",
)

# More local parts: normalisation and look-alikes.
add("local-more",
    "user\u037e@example.com", "\u2126@example.com", "\u212b@example.com", "\uff55@example.com",
    "a\u0338@example.com", "\u0338a@example.com", "user\ufe0f@example.com",
    "\u1100\u1161@example.com", "\u3131@example.com", "user\u00b7@example.com",
    "user\u2024@example.com", "user\u2026name@example.com", "\u2460@example.com",
    "\ufb2c@example.com", "a" * 63 + "\u00e9@example.com", "a" * 62 + "\u00e9@example.com",
    "a" * 62 + "e\u0301@example.com", "\u05d0\u05d1@example.com", "user\u0640@example.com",
    "user\u30fb@example.com", "us\u00aber@example.com", "user\u2060@example.com",
    "user\u180e@example.com", "user\u3164@example.com", "user\u115f@example.com",
)

# The inputs of email-validator's own syntax tests (tests/test_syntax.py, public domain),
# with the verdicts of the mode used here (some of those tests turn options on).
add("upstream",
    'Abc@example.tld',
    'Abc.123@test-example.com',
    'user+mailbox/department=shipping@example.tld',
    "!#$%&'*+-/=?^_`.{|}~@example.tld",
    'jeff@臺網中心.tw',
    '"quoted local part"@example.org',
    '"de-quoted.local.part"@example.org',
    '"unnecessary.escaped.\\x.local.part"@example.org',
    '"escaped.quote.\\".local.part"@example.org',
    'MyName <me@example.org>',
    'My Name <me@example.org>',
    '"My.\\"Na\\\\me\\".Is" <"me \\" \\\\ me"@example.org>',
    '伊昭傑@郵件.商務',
    'राम@मोहन.ईन्फो',
    'юзер@екзампл.ком',
    'θσερ@εχαμπλε.ψομ',
    '葉士豪@臺網中心.tw',
    '葉士豪@臺網中心.台灣',
    'jeff葉@臺網中心.tw',
    'ñoñó@example.tld',
    '我買@example.tld',
    '甲斐黒川日本@example.tld',
    'чебурашкаящик-с-апельсинами.рф@example.tld',
    'उदाहरण.परीक्ष@domain.with.idn.tld',
    'ιωάννης@εεττ.gr',
    '"ṩ" <ṩ@nfc.tld>',
    '＠@fullwidth.at',
    '"unnecessarily.quoted.local.part"@example.com',
    '"quoted..local.part"@example.com',
    '"quoted.with.at@"@example.com',
    '"quoted with space"@example.com',
    '"quoted.with.dquote\\""@example.com',
    '"unnecessarily.quoted.with.unicode.λ"@example.com',
    '"quoted.with..unicode.λ"@example.com',
    '"quoted.with.extraneous.\\escape"@example.com',
    'hello.world',
    'hello＠world',
    'hello﹫world',
    'my@localhost',
    'my@.leadingdot.com',
    'my@．leadingfwdot.com',
    'my@twodots..com',
    'my@twofwdots．．.com',
    'my@trailingdot.com.',
    'my@trailingfwdot.com．',
    'me@-leadingdash',
    'me@－leadingdashfw',
    'me@trailingdash-',
    'me@trailingdashfw－',
    'my@baddash.-.com',
    'my@baddash.-a.com',
    'my@baddash.b-.com',
    'my@baddashfw.－.com',
    'my@baddashfw.－a.com',
    'my@baddashfw.b－.com',
    'my@example.com\n',
    'my@example\n.com',
    'me@x!',
    'me@x ',
    '.leadingdot@domain.com',
    'twodots..here@domain.com',
    'trailingdot.@domain.email',
    'me@⒈wouldbeinvalid.com',
    'me@;.com',
    'me@`.com',
    '@example.com',
    'white space@test',
    'test@white space',
    '\nmy@example.com',
    'm\ny@example.com',
    'my\n@example.com',
    'me.;@example.com',
    'test@\n',
    'bad"quotes"@example.com',
    'obsolete."quoted".atom@example.com',
    'me@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333333344444444445555555555.com',
    'me@中1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444.com',
    'me@שּׁ1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444.com',
    'me@1111111111222222222233333333334444444444555555555666666666677777.com',
    'me@11111111112222222222333333333344444444445555555556666666666777777.com',
    'me@中111111111222222222233333333334444444444555555555666666.com',
    'meme@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.com',
    'my.long.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333333344444.info',
    'my.long.address@λ111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444.info',
    'my.long.address@שּׁ111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444.info',
    'my.λong.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.111111111122222222223333333333444.info',
    'my.λong.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444.info',
    'my.ṩ.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444.info',
    'my.שּׁ.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333333344444.info',
    'my.שּׁ.address@1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333333344.info',
    'my.long.address@λ111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333.info',
    'my.λong.address@λ111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.1111111111222222222233333333334444444444555555555.6666666666777777777788888888889999999999000000000.11111111112222222222333333.info',
    'me@bad-tld-1',
    'me@bad.tld-2',
    'me@xn--0.tld',
    'me@yy--0.tld',
    'me@yy－－0.tld',
    'me@[127.0.0.1]',
    'me@[127.0.0.999]',
    'me@[IPv6:::1]',
    'me@[IPv6:::G]',
    'me@[tag:text]',
    'me@[untaggedtext]',
    'me@[tag:invalid space]',
    '<me@example.com>',
    '<me@example.com',
    '<me@example.com> !',
    '≮me@example.com',
    'DisplayName <me@-example.com>',
    'DisplayName <me@example.com>',
    'Display Name <me@example.com>',
    '"Display Name" <me@example.com>',
    'Display.Name <me@example.com>',
    '"Display.Name" <me@example.com>',
    '11111111112222222222333333333344444444445555555555666666666677777@example.com',
    '111111111122222222223333333333444444444455555555556666666666777777@example.com',
    'שּׁ111111122222222223333333333444444444455555555556666666666777777@example.com',
    'me@anything.arpa',
    'me@valid.invalid',
    'me@link.local',
    'me@host.localhost',
    'me@onion.onion.onion',
    'me@test.test.test',
    '\u2005',
    '\u2028',
    '\u2029',
    '\u0300',
    '\x9c',
    '\u200b',
    '\u202dforward-\u202ereversed',
    '\ue000',
    '\U0010fdef',
    '\ufdef',
    'λambdaツ@test',
)


def main() -> int:
    seen: set[str] = set()
    rows = []
    for category, addresses in CORPUS:
        for address in addresses:
            if address in seen:
                continue
            seen.add(address)
            row = {"address": address, "category": category}
            for mode, strict in (("strict", True), ("default", False)):
                try:
                    v = validate_email(address, check_deliverability=False, strict=strict)
                    row[mode] = True
                    if mode == "strict":
                        row["smtputf8"] = v.smtputf8
                except EmailNotValidError as e:
                    row[mode] = False
                    if mode == "strict":
                        row["note"] = str(e)
            rows.append(row)
    out = {
        "validator": f"email-validator {email_validator.__version__}",
        "options": "check_deliverability=False; 'strict' is strict=True, 'default' strict=False",
        "count": len(rows),
        "addresses": rows,
    }
    path = pathlib.Path(__file__).with_name("verdicts.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    accepted = sum(r["strict"] for r in rows)
    print(f"{len(rows)} addresses, {accepted} accepted (strict); wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
