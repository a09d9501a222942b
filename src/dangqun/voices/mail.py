"""E-mail as an intake channel: read a Maildir, a folder of ``.eml`` files or an IMAP mailbox and
register each message as a 实名 voice through ``intake.submit`` (channel 电子邮件).

Each voice keeps the message's Message-ID in ``Voice.external_id`` (a message without one gets
``sha256:`` and the hash of its raw bytes), so reading the same mailbox again creates nothing twice.
The mailbox itself is never changed: Maildir files stay where they are and the IMAP folder is
opened read-only (no \\Seen flags are set).

Query codes: the sender should get their code, but this module sends no mail. The codes are in the
report (``created_codes``) and the command prints them once, so staff can reply to each sender;
only their keyed hashes are stored.

A message that is too large, undecodable or has no usable sender is skipped with a reason in the
report; nothing about one message stops the others.
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangqun.core import audit
from dangqun.orgs.models import Org
from dangqun.voices import intake
from dangqun.voices.mail_parse import Unparsable, parse
from dangqun.voices.models import Channel, Identity, Voice

MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # larger messages are skipped (attachments are not stored)
IMAP_TIMEOUT = 30  # seconds, for connecting and for each read


class MailSourceError(Exception):
    """The mailbox cannot be read at all (missing folder, IMAP login refused, network)."""


class Item(NamedTuple):
    source: str  # what the report calls the message: a file name or "IMAP UID 12"
    raw: bytes | None  # None when ``problem`` says why it was not read
    problem: str = ""


class Created(NamedTuple):
    external_id: str
    number: str  # the voice's number (HS2025000123)
    code: str  # the query code, shown once
    sender: str  # the address to reply to


@dataclass
class Report:
    created: int = 0
    skipped_existing: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    created_codes: list[Created] = field(default_factory=list)
    error: str = ""  # the source broke off: messages before it were still handled


# Reading sources -------------------------------------------------------------------------------
def _read_limited(handle, source: str, max_bytes: int) -> Item:
    raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return Item(source, None, too_large(max_bytes))
    return Item(source, raw)


def too_large(max_bytes: int) -> str:
    return f"邮件超过 {max_bytes // (1024 * 1024) or 1} MB，未导入，请人工处理"


def eml_dir(path: str | Path, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Iterator[Item]:
    """Every ``*.eml`` file directly in ``path``, by name. A missing folder raises at once."""
    folder = Path(path)
    if not folder.is_dir():
        raise MailSourceError(f"目录不存在：{folder}")
    return _eml_items(folder, max_bytes)


def _eml_items(folder: Path, max_bytes: int) -> Iterator[Item]:
    for file in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".eml" and p.is_file()):
        try:
            with file.open("rb") as handle:
                yield _read_limited(handle, file.name, max_bytes)
        except OSError as exc:
            yield Item(file.name, None, f"文件无法读取：{exc.strerror or exc}")


def maildir(path: str | Path, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Iterator[Item]:
    """Every message in a Maildir (``new`` and ``cur``), left where it is. A folder that is not
    a Maildir raises at once."""
    folder = Path(path)
    if not all((folder / sub).is_dir() for sub in ("cur", "new", "tmp")):
        raise MailSourceError(f"不是有效的 Maildir 目录（应含 cur、new、tmp）：{folder}")
    return _maildir_items(mailbox.Maildir(folder, factory=None, create=False), max_bytes)


def _maildir_items(box: mailbox.Maildir, max_bytes: int) -> Iterator[Item]:
    for key in sorted(box.keys()):
        try:
            with box.get_file(key) as handle:
                yield _read_limited(handle, key, max_bytes)
        except (OSError, KeyError) as exc:
            yield Item(key, None, f"文件无法读取：{exc}")


def imap(
    host: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    *,
    port: int = imaplib.IMAP4_SSL_PORT,
    timeout: float = IMAP_TIMEOUT,
    max_bytes: int = MAX_MESSAGE_BYTES,
    connect: Callable[..., imaplib.IMAP4] | None = None,
) -> Iterator[Item]:
    """Every message in an IMAP folder over SSL, opened read-only. ``connect`` stands in for
    ``imaplib.IMAP4_SSL`` (looked up when called) in tests."""
    connect = connect or imaplib.IMAP4_SSL
    try:
        conn = connect(host, port, timeout=timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailSourceError(f"无法连接邮件服务器 {host}:{port}：{exc}") from None
    try:
        try:
            conn.login(user, password)
        except imaplib.IMAP4.error:
            raise MailSourceError("邮件服务器拒绝登录，请检查用户名和密码") from None
        typ, _ = conn.select(_imap_quote(folder), readonly=True)
        if typ != "OK":
            raise MailSourceError(f"邮箱文件夹不存在：{folder}")
        typ, data = conn.uid("SEARCH", None, "ALL")
        if typ != "OK":
            raise MailSourceError("无法列出邮件")
        for uid in (data[0] or b"").split():
            source = f"IMAP UID {uid.decode()}"
            typ, data = conn.uid("FETCH", uid, "(RFC822.SIZE)")
            size = _imap_size(data) if typ == "OK" else None
            if size is not None and size > max_bytes:
                yield Item(source, None, too_large(max_bytes))
                continue
            typ, data = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _imap_body(data) if typ == "OK" else None
            if raw is None:
                yield Item(source, None, "邮件服务器未返回邮件内容")
            elif len(raw) > max_bytes:
                yield Item(source, None, too_large(max_bytes))
            else:
                yield Item(source, raw)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailSourceError(f"读取邮件服务器时出错：{exc}") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _imap_quote(folder: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9._/\-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_size(data) -> int | None:
    for part in data or ():
        text = part[0] if isinstance(part, tuple) else part
        if isinstance(text, bytes) and (match := re.search(rb"RFC822\.SIZE (\d+)", text)):
            return int(match.group(1))
    return None


def _imap_body(data) -> bytes | None:
    for part in data or ():
        if isinstance(part, tuple) and len(part) >= 2 and isinstance(part[1], bytes):
            return part[1]
    return None


# Storing ---------------------------------------------------------------------------------------
def ingest(actor, items: Iterable[Item], *, unit: Org) -> Report:
    """Register each message as a voice of ``unit`` entered by ``actor`` (who must manage voices
    there: ``intake.submit`` checks it). Each message is its own transaction."""
    report = Report()
    try:
        for item in items:
            _ingest_one(actor, item, unit, report)
    except MailSourceError as exc:
        report.error = str(exc)
    return report


def _ingest_one(actor, item: Item, unit: Org, report: Report) -> None:
    if item.raw is None:
        report.failed.append((item.source, item.problem))
        return
    try:
        parsed = parse(item.raw)
    except Unparsable as exc:
        report.failed.append((item.source, str(exc)))
        return
    except Exception:  # the parser met something it cannot handle: one message, not the run
        report.failed.append((item.source, "邮件格式无法解析，未导入，请人工处理"))
        return
    if Voice.objects.filter(external_id=parsed.external_id).exists():
        report.skipped_existing += 1
        return
    data = {"title": parsed.title, "content": parsed.content, "contact_name": parsed.contact_name}
    try:
        with transaction.atomic():
            submitted = intake.submit(
                actor, data, unit=unit, channel=Channel.EMAIL, identity=Identity.NAMED
            )
            Voice.objects.filter(pk=submitted.voice.pk).update(external_id=parsed.external_id)
            audit.record(
                actor,
                "voice.ingest_mail",
                submitted.voice,
                after={"external_id": parsed.external_id, "sender": parsed.sender},
            )
    except IntegrityError:  # another run stored the same message meanwhile
        report.skipped_existing += 1
        return
    except PermissionDenied as exc:
        report.failed.append((item.source, str(exc) or "您没有执行此操作的权限"))
        return
    except ValidationError as exc:
        report.failed.append((item.source, "；".join(exc.messages)))
        return
    report.created += 1
    report.created_codes.append(
        Created(parsed.external_id, submitted.voice.number, submitted.code, parsed.sender)
    )
