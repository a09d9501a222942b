"""Reading one e-mail as the fields of a voice: its Message-ID, subject, plain-text body (from HTML
if need be, Chinese legacy charsets repaired), sender and the names of its attachments."""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

from dangqun.voices.services import MAX_BODY, MAX_TITLE

MAX_EXTERNAL_ID = 255
NO_SUBJECT = "（无标题）"
NO_BODY = "（邮件无正文）"

# Labels under which Chinese mail arrives; GB18030 is a superset of all of them, and mail marked
# gb2312 often holds characters only GBK has.
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn", "gb18030"}


@dataclass
class Parsed:
    external_id: str
    title: str
    content: str
    contact_name: str
    sender: str


class Unparsable(Exception):
    """A message that cannot become a voice; the message is the Chinese reason."""


# Parsing ---------------------------------------------------------------------------------------
def external_id_of(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID as written, or ``sha256:`` and the hash of the raw message."""
    try:
        message_id = " ".join(str(message.get("Message-ID") or "").split())
    except Exception:  # a header the parser cannot read counts as missing
        message_id = ""
    if message_id and len(message_id) <= MAX_EXTERNAL_ID:
        return message_id
    if message_id:  # too long for the column: still stable, still unique
        return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse(raw: bytes, *, max_title: int | None = None, max_content: int | None = None) -> Parsed:
    """A raw message as the fields of a voice; raises ``Unparsable`` with a Chinese reason."""
    max_title = max_title or MAX_TITLE
    max_content = max_content or MAX_BODY
    message = email.message_from_bytes(raw, policy=policy.default)
    external_id = external_id_of(message, raw)
    name, address = _sender(message)
    title = " ".join(_header(message, "Subject").split())[:max_title] or NO_SUBJECT
    body = _body_text(message)
    attachments = _attachment_names(message)

    footer = [f"来信：{f'{name} <{address}>' if name else address}"]
    if attachments:
        footer.append("附件（未导入）：" + ", ".join(attachments))
    content = _fit(body or NO_BODY, footer, max_content)
    return Parsed(
        external_id=external_id,
        title=title,
        content=content,
        contact_name=(name or address)[:50],
        sender=address,
    )


def _fit(body: str, footer: list[str], limit: int) -> str:
    """Body and footer within ``limit`` characters; a cut body says so."""
    tail = "\n\n" + "\n".join(footer)
    text = body + tail
    if len(text) <= limit:
        return text
    note = f"\n\n（邮件正文过长，已截取前 {{n}} 字，原文共 {len(body)} 字）"
    room = max(limit - len(tail) - len(note.format(n=limit)), 0)
    return body[:room].rstrip() + note.format(n=room) + tail


def _sender(message: EmailMessage) -> tuple[str, str]:
    try:
        header = message.get("From")
        addresses = list(getattr(header, "addresses", ()) or ())
    except Exception:  # an unreadable header: fall back to the plain text below
        header, addresses = None, []
    if addresses:
        first: Address = addresses[0]
        name, address = first.display_name, first.addr_spec
    else:
        pairs = getaddresses([_header(message, "From")])
        name, address = pairs[0] if pairs else ("", "")
    name = " ".join(_repair(name).split()).strip("\"' ")
    address = address.strip()
    if "@" not in address:
        raise Unparsable("无法识别发件人地址，未导入")
    return name, address


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return _repair(str(value)) if value is not None else ""


def _repair(text: str) -> str:
    """Undo the parser's surrogate escapes for raw 8-bit headers (UTF-8 or GB18030 unencoded)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "gb18030"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _decode(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    declared = (part.get_content_charset() or "").lower()
    if declared in _GB_ALIASES:
        declared = "gb18030"
    for charset in dict.fromkeys(c for c in (declared, "utf-8", "gb18030") if c):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    raise Unparsable("邮件正文无法识别字符编码，未导入，请人工处理")


def _body_text(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _decode(plain)
    else:
        html = message.get_body(preferencelist=("html",))
        text = html_to_text(_decode(html)) if html is not None else ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _attachment_names(message: EmailMessage) -> list[str]:
    names = []
    for part in message.iter_attachments():
        try:
            filename = part.get_filename()
        except Exception:
            filename = None
        names.append(_repair(filename).strip() if filename else "未命名附件")
    return names


# HTML ------------------------------------------------------------------------------------------
_SKIPPED = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}
_BLOCKS = {
    "p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "hr",
}  # fmt: skip


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: no tags, no scripts or styles, entities decoded. The
    result is stored and shown as plain text (escaped by the templates), never as HTML."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
