"""E-mail intake: .eml folders, Maildirs and IMAP become 实名 voices, once each."""

import base64
import imaplib
import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from dangqun.core.models import AuditLog
from dangqun.voices import intake, mail, mail_parse, services
from dangqun.voices.models import Channel, Identity, Voice

SENDER = "张三 <zhang@example.com>"


def eml(
    subject="食堂菜价", body="午餐价格上涨太快，希望公示成本。", *, mid="<m1@example.com>", **kw
):
    message = EmailMessage()
    message["From"] = kw.get("sender", SENDER)
    message["To"] = "voices@example.com"
    if subject is not None:
        message["Subject"] = subject
    if mid:
        message["Message-ID"] = mid
    if kw.get("html"):
        message.set_content(kw["html"], subtype="html")
    else:
        message.set_content(body)
    for name, data in kw.get("attachments", ()):
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def gb18030_eml():
    subject = "=?GB18030?B?" + base64.b64encode("班车时间调整".encode("gb18030")).decode() + "?="
    body = "希望早班车提前十分钟发车，𠀀字也要认得。".encode("gb18030")
    return (
        b"From: =?GBK?B?" + base64.b64encode("李四".encode("gbk")) + b"?= <li@example.cn>\r\n"
        b"Subject: " + subject.encode() + b"\r\n"
        b"Message-ID: <gb@example.cn>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=gb2312\r\n"  # mislabelled, as real mail often is
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(body)
    )


def write(folder, name, raw):
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(raw)


def by_id(external_id):
    return Voice.objects.get(external_id=external_id)


def ingest_dir(actor, unit, folder, **kw):
    return mail.ingest(actor, mail.eml_dir(folder, **kw), unit=unit)


# Parsing ----------------------------------------------------------------------------------------
def test_plain_utf8_message_becomes_a_named_email_voice(world, mass, tmp_path):
    write(tmp_path, "1.eml", eml())
    report = ingest_dir(mass, world.dept_a, tmp_path)
    assert (report.created, report.skipped_existing, report.failed) == (1, 0, [])
    voice = by_id("<m1@example.com>")
    assert (voice.channel, voice.identity, voice.unit) == (
        Channel.EMAIL,
        Identity.NAMED,
        world.dept_a,
    )
    assert voice.title == "食堂菜价" and voice.contact_name == "张三"
    assert voice.contact_phone == "" and voice.user is None and voice.person is None
    assert voice.content.startswith("午餐价格上涨太快")
    assert voice.content.endswith("来信：张三 <zhang@example.com>")
    [created] = report.created_codes
    assert created == ("<m1@example.com>", voice.number, created.code, "zhang@example.com")
    assert services.find_by_code(created.code) == voice
    assert AuditLog.objects.filter(action="voice.submit", actor=mass).count() == 1
    assert AuditLog.objects.filter(action="voice.ingest_mail", actor=mass).count() == 1


def test_gb18030_subject_and_mislabelled_gb2312_body_are_decoded(world, mass, tmp_path):
    write(tmp_path, "gb.eml", gb18030_eml())
    report = ingest_dir(mass, world.dept_a, tmp_path)
    assert report.created == 1, report.failed
    voice = by_id("<gb@example.cn>")
    assert voice.title == "班车时间调整"
    assert voice.content.startswith("希望早班车提前十分钟发车，𠀀字也要认得。")
    assert voice.contact_name == "李四"


def test_raw_8bit_utf8_headers_are_read():
    raw = (
        "From: 王五 <wang@example.com>\r\nSubject: 停车位紧张\r\nMessage-ID: <r@x>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n停车位不够用。\r\n"
    ).encode()
    parsed = mail_parse.parse(raw)
    assert (parsed.title, parsed.contact_name) == ("停车位紧张", "王五")


def test_html_only_body_is_stored_as_text_without_tags_or_scripts(world, mass, tmp_path):
    html = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<p>澡堂&amp;热水<b>不热</b></p><script>alert('x')</script>"
        "<div>请尽快&nbsp;维修</div><img src=x onerror=alert(1)></body></html>"
    )
    write(tmp_path, "h.eml", eml(html=html, mid="<h@x>"))
    ingest_dir(mass, world.dept_a, tmp_path)
    content = by_id("<h@x>").content
    assert content.startswith("澡堂&热水不热\n\n请尽快 维修")
    for fragment in ("<p", "<script", "alert", "color:red", "<img", "onerror"):
        assert fragment not in content


def test_attachments_are_listed_not_stored(world, mass, tmp_path):
    raw = eml(mid="<a@x>", attachments=[("方案.pdf", b"%PDF-1.4"), ("现场.jpg", b"\xff\xd8")])
    write(tmp_path, "a.eml", raw)
    ingest_dir(mass, world.dept_a, tmp_path)
    content = by_id("<a@x>").content
    assert content.endswith("附件（未导入）：方案.pdf, 现场.jpg")
    assert "PDF-1.4" not in content


def test_missing_message_id_gets_a_stable_hash_and_is_not_ingested_twice(world, mass, tmp_path):
    raw = eml(mid=None, subject="   ")
    write(tmp_path, "n.eml", raw)
    first = ingest_dir(mass, world.dept_a, tmp_path)
    second = ingest_dir(mass, world.dept_a, tmp_path)
    assert (first.created, second.created, second.skipped_existing) == (1, 0, 1)
    voice = Voice.objects.get()
    assert voice.external_id.startswith("sha256:") and len(voice.external_id) == 7 + 64
    assert voice.title == mail_parse.NO_SUBJECT


def test_long_subject_and_body_are_cut_with_a_note(world, mass, tmp_path):
    body = "很" * (services.MAX_BODY + 3000)
    write(tmp_path, "l.eml", eml(subject="长" * 150, body=body, mid="<l@x>"))
    report = ingest_dir(mass, world.dept_a, tmp_path)
    assert report.created == 1, report.failed
    voice = by_id("<l@x>")
    assert voice.title == "长" * services.MAX_TITLE
    assert len(voice.content) <= services.MAX_BODY
    assert f"原文共 {len(body)} 字" in voice.content
    assert voice.content.endswith("来信：张三 <zhang@example.com>")


def test_oversized_malformed_and_undecodable_messages_are_skipped_with_reasons(
    world, mass, tmp_path
):
    write(tmp_path, "1-ok.eml", eml(mid="<ok@x>"))
    write(tmp_path, "2-big.eml", eml(mid="<big@x>", body="大" * 3000))
    write(tmp_path, "3-bad.eml", b"\x00\xff\xfe not a message at all")
    undecodable = (
        b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <u@x>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe\xff\r\n"
    )
    write(tmp_path, "4-enc.eml", undecodable)
    write(tmp_path, "5-ignored.txt", b"not an .eml file")
    report = ingest_dir(mass, world.dept_a, tmp_path, max_bytes=5000)
    assert report.created == 1
    reasons = dict(report.failed)
    assert set(reasons) == {"2-big.eml", "3-bad.eml", "4-enc.eml"}
    assert "超过" in reasons["2-big.eml"]
    assert "发件人" in reasons["3-bad.eml"]
    assert "字符编码" in reasons["4-enc.eml"]
    assert list(Voice.objects.values_list("external_id", flat=True)) == ["<ok@x>"]


def test_maildir_is_read_and_left_unchanged_and_ingesting_twice_creates_nothing(
    world, mass, tmp_path
):
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(eml(mid="<md1@x>"))
    box.add(gb18030_eml())
    before = sorted(p.name for p in (tmp_path / "Maildir" / "new").iterdir())
    first = mail.ingest(mass, mail.maildir(tmp_path / "Maildir"), unit=world.dept_a)
    second = mail.ingest(mass, mail.maildir(tmp_path / "Maildir"), unit=world.dept_a)
    assert (first.created, first.failed) == (2, [])
    assert (second.created, second.skipped_existing, second.failed) == (0, 2, [])
    assert Voice.objects.filter(channel=Channel.EMAIL).count() == 2
    assert sorted(p.name for p in (tmp_path / "Maildir" / "new").iterdir()) == before


def test_without_rights_on_the_unit_every_message_fails_and_nothing_is_stored(world, tmp_path):
    write(tmp_path, "1.eml", eml(mid="<p1@x>"))
    write(tmp_path, "2.eml", eml(mid="<p2@x>"))
    report = ingest_dir(world.outsider, world.dept_a, tmp_path)
    assert report.created == 0
    assert report.failed == [
        ("1.eml", "您无权代为登记该单位的呼声"),
        ("2.eml", "您无权代为登记该单位的呼声"),
    ]
    assert not Voice.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="voice.").exists()


def test_a_message_stored_meanwhile_by_another_run_is_skipped(world, mass, tmp_path, monkeypatch):
    write(tmp_path, "1.eml", eml(mid="<race@x>"))
    real_submit = intake.submit

    def racing_submit(*args, **kwargs):  # the other run commits first, after our check
        other = real_submit(*args, **kwargs)
        Voice.objects.filter(pk=other.voice.pk).update(external_id="<race@x>")
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(intake, "submit", racing_submit)
    report = ingest_dir(mass, world.dept_a, tmp_path)
    assert (report.created, report.skipped_existing) == (0, 1)


def test_html_to_text_handles_broken_markup():
    assert mail_parse.html_to_text("<p>一<p>二<br>三<script>x = '</p>'</script>&lt;b&gt;") == (
        "一\n二\n三<b>"  # entities become text, shown escaped
    )


# The command ------------------------------------------------------------------------------------
def run(*args):
    out = io.StringIO()
    call_command("ingest_voices_mail", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_ingests_an_eml_folder_and_prints_the_codes(world, mass, tmp_path):
    write(tmp_path, "1.eml", eml())
    output = run("--unit", "甲公司综合部", "--as", "mass", "--eml-dir", str(tmp_path))
    voice = by_id("<m1@example.com>")
    assert "新登记 1 条" in output and voice.number in output
    code = output.split("查询码 ")[1].split()[0]
    assert services.find_by_code(code) == voice
    again = run("--unit", str(world.dept_a.pk), "--as", "mass", "--eml-dir", str(tmp_path))
    assert "新登记 0 条，已导入过而跳过 1 封" in again and "查询码" not in again


def test_command_prints_the_report_then_fails_when_a_message_failed(world, mass, tmp_path):
    write(tmp_path, "1.eml", eml(mid="<ok@x>"))
    write(tmp_path, "2.eml", b"garbage")
    out = io.StringIO()
    with pytest.raises(CommandError, match="有 1 封邮件未能导入"):
        call_command(
            "ingest_voices_mail",
            *("--unit", "甲公司综合部", "--as", "mass", "--eml-dir", str(tmp_path)),
            stdout=out,
        )
    assert "查询码" in out.getvalue() and "未导入 2.eml" in out.getvalue()
    assert Voice.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as", "mass", "--eml-dir", "."), "请用 --unit"),
        (("--unit", "无此单位", "--as", "mass", "--eml-dir", "."), "找不到行政组织"),
        (("--unit", "甲公司党委", "--as", "mass", "--eml-dir", "."), "找不到行政组织"),
        (("--unit", "甲公司综合部", "--eml-dir", "."), "请用 --as"),
        (("--unit", "甲公司综合部", "--as", "nobody", "--eml-dir", "."), "不存在或已停用"),
        (("--unit", "甲公司综合部", "--as", "mass"), "只指定一个来源"),
        (("--unit", "甲公司综合部", "--as", "mass", "--eml-dir", ".", "--imap", "h"), "一个来源"),
        (("--unit", "甲公司综合部", "--as", "mass", "--eml-dir", "/nonexistent"), "目录不存在"),
        (("--unit", "甲公司综合部", "--as", "mass", "--maildir", "."), "不是有效的 Maildir"),
        (("--unit", "甲公司综合部", "--as", "mass", "--imap", "h"), "--imap-user"),
        (
            ("--unit", "甲公司综合部", "--as", "mass", "--imap", "h", "--imap-user", "u"),
            "--imap-password-env",
        ),
        (
            (
                *("--unit", "甲公司综合部", "--as", "mass", "--imap", "h", "--imap-user", "u"),
                *("--imap-password-env", "DQ_TEST_UNSET_PASSWORD"),
            ),
            "环境变量 DQ_TEST_UNSET_PASSWORD 未设置",
        ),
    ],
)
def test_command_refuses_bad_arguments_in_chinese(world, mass, args, message, monkeypatch):
    monkeypatch.delenv("DQ_TEST_UNSET_PASSWORD", raising=False)
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Voice.objects.exists()


def test_command_has_no_password_option():
    with pytest.raises(CommandError):
        run("--imap-password", "secret")


# IMAP -------------------------------------------------------------------------------------------
class FakeIMAP:
    """Stands in for ``imaplib.IMAP4_SSL``: the network only; parsing and storing are real."""

    instances: list["FakeIMAP"] = []

    def __init__(self, messages, *, password="pw", fail_at=None):
        self.messages, self.password, self.fail_at = messages, password, fail_at
        self.calls: list[tuple] = []

    def __call__(self, host, port, timeout=None):
        self.calls.append(("connect", host, port, timeout))
        return self

    def login(self, user, password):
        self.calls.append(("login", user))
        if password != self.password:
            raise imaplib.IMAP4.error("[AUTHENTICATIONFAILED] Invalid credentials")
        return "OK", [b"Logged in"]

    def select(self, folder, readonly=False):
        self.calls.append(("select", folder, readonly))
        if folder not in ("INBOX", '"信访 箱"'):
            return "NO", [b"no such folder"]
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            return "OK", [b" ".join(str(uid).encode() for uid in self.messages)]
        uid, what = int(args[0]), args[1]
        self.calls.append(("fetch", uid, what))
        if uid == self.fail_at and "BODY" in what:
            raise OSError("timed out")
        raw = self.messages[uid]
        if what == "(RFC822.SIZE)":
            return "OK", [f"{uid} (UID {uid} RFC822.SIZE {len(raw)})".encode()]
        return "OK", [(f"{uid} (UID {uid} BODY[] {{{len(raw)}}}".encode(), raw), b")"]

    def logout(self):
        self.calls.append(("logout",))
        return "BYE", [b""]


def test_imap_mailbox_is_read_only_and_ingested_once(world, mass):
    fake = FakeIMAP(
        {3: eml(mid="<i3@x>"), 7: gb18030_eml(), 9: eml(mid="<i9@x>", body="长" * 1000)}
    )
    items = mail.imap("mail.example.com", "u", "pw", connect=fake, max_bytes=2000)
    report = mail.ingest(mass, items, unit=world.dept_a)
    assert report.created == 2 and report.error == ""
    assert report.failed == [("IMAP UID 9", mail.too_large(2000))]
    assert ("connect", "mail.example.com", 993, mail.IMAP_TIMEOUT) in fake.calls
    assert ("select", "INBOX", True) in fake.calls and fake.calls[-1] == ("logout",)
    assert ("fetch", 9, "(BODY.PEEK[])") not in fake.calls  # too large: never downloaded
    assert {v.external_id for v in Voice.objects.all()} == {"<i3@x>", "<gb@example.cn>"}

    again = mail.imap("h", "u", "pw", connect=fake, max_bytes=2000)
    again = mail.ingest(mass, again, unit=world.dept_a)
    assert (again.created, again.skipped_existing, len(again.failed)) == (0, 2, 1)


def test_imap_connection_lost_midway_keeps_what_was_stored(world, mass):
    fake = FakeIMAP({1: eml(mid="<c1@x>"), 2: eml(mid="<c2@x>")}, fail_at=2)
    report = mail.ingest(mass, mail.imap("h", "u", "pw", connect=fake), unit=world.dept_a)
    assert report.created == 1 and "timed out" in report.error
    assert fake.calls[-1] == ("logout",)
    assert list(Voice.objects.values_list("external_id", flat=True)) == ["<c1@x>"]


def test_command_reads_imap_with_the_password_from_the_environment(world, mass, monkeypatch):
    fake = FakeIMAP({1: eml(mid="<e1@x>")}, password="s3cret")
    monkeypatch.setattr(imaplib, "IMAP4_SSL", fake)
    monkeypatch.setenv("DQ_MAIL_PASSWORD", "s3cret")
    base = ("--unit", "甲公司综合部", "--as", "mass", "--imap", "mail.example.com")
    imap = ("--imap-user", "voices", "--imap-password-env", "DQ_MAIL_PASSWORD")
    output = run(*base, *imap, "--imap-folder", "信访 箱")
    assert "新登记 1 条" in output and "s3cret" not in output
    assert ("select", '"信访 箱"', True) in fake.calls
    assert by_id("<e1@x>").channel == Channel.EMAIL

    monkeypatch.setenv("DQ_MAIL_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="拒绝登录"):
        run(*base, *imap)
    with pytest.raises(CommandError, match="文件夹不存在"):
        monkeypatch.setenv("DQ_MAIL_PASSWORD", "s3cret")
        run(*base, *imap, "--imap-folder", "Missing")
