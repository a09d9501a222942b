"""``dangqun ingest_voices_mail --unit UNIT --as USERNAME SOURCE``: register e-mails as voices.

SOURCE is one of ``--maildir PATH``, ``--eml-dir PATH`` or
``--imap HOST --imap-user USER --imap-password-env VAR [--imap-folder INBOX] [--imap-port 993]``.
The IMAP password is read from the environment variable named by ``--imap-password-env`` only, so
it never appears in the process list or the shell history.

Safe to run again (from cron, say): a message already registered is skipped by its Message-ID.
No mail is sent: the query codes are printed once, for staff to send to each sender.
Exit status: 0 when every message was registered or skipped as already registered; non-zero
(after printing the report) when a message failed or the mailbox could not be read.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangqun.orgs.models import Org, System
from dangqun.voices import mail


class Command(BaseCommand):
    help = (
        "从邮箱导入群众呼声（渠道：电子邮件，身份：实名）。来源三选一：Maildir 目录、"
        ".eml 文件目录或 IMAP 邮箱（SSL，只读打开）。按 Message-ID 去重，可重复执行。"
        "不发送邮件：新登记呼声的查询码只在此打印一次，请工作人员回复给来信人。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="反映单位：行政组织的编号或完整名称（必填）")
        parser.add_argument(
            "--as",
            dest="username",
            help="以哪个用户的名义登记（须对该单位有群众工作管理权限，必填）",
        )
        parser.add_argument("--maildir", help="Maildir 目录（含 cur、new、tmp）")
        parser.add_argument("--eml-dir", help="存放 .eml 文件的目录")
        parser.add_argument("--imap", metavar="HOST", help="IMAP 服务器地址（SSL）")
        parser.add_argument("--imap-port", type=int, default=993, help="IMAP 端口（默认 993）")
        parser.add_argument("--imap-user", help="IMAP 用户名")
        parser.add_argument(
            "--imap-password-env",
            metavar="VAR",
            help="保存 IMAP 密码的环境变量名（密码不能写在命令行上）",
        )
        parser.add_argument("--imap-folder", default="INBOX", help="IMAP 文件夹（默认 INBOX）")

    def handle(self, *args, **options):
        items = _source(options)  # lazy: nothing is read (nor any server contacted) yet
        unit = _unit(options["unit"])
        actor = _actor(options["username"])
        report = mail.ingest(actor, items, unit=unit)
        self._print(report, unit)
        if report.error:
            raise CommandError(f"邮箱读取中断：{report.error}")
        if report.failed:
            raise CommandError(f"有 {len(report.failed)} 封邮件未能导入，见上方列表")

    def _print(self, report: mail.Report, unit: Org) -> None:
        write = self.stdout.write
        write(
            f"导入完成（{unit.name}）：新登记 {report.created} 条，"
            f"已导入过而跳过 {report.skipped_existing} 封，未能导入 {len(report.failed)} 封。"
        )
        if report.created_codes:
            write("新登记的呼声（查询码只显示这一次，请回复给来信人）：")
            for created in report.created_codes:
                write(
                    f"  {created.number}  查询码 {created.code}  "
                    f"来信人 {created.sender}  Message-ID {created.external_id}"
                )
        for source, reason in report.failed:
            write(self.style.WARNING(f"  未导入 {source}：{reason}"))


def _unit(value: str | None) -> Org:
    if not value or not value.strip():
        raise CommandError("请用 --unit 指定反映单位（行政组织的编号或完整名称）")
    value = value.strip()
    units = Org.objects.filter(system=System.ENTERPRISE)
    found = list(units.filter(pk=int(value))) if value.isdigit() else []
    found = found or list(units.active().filter(name=value)[:2])
    if not found:
        raise CommandError(f"找不到行政组织：{value}")
    if len(found) > 1:
        raise CommandError(f"有多个名为“{value}”的行政组织，请改用编号")
    if not found[0].is_active:
        raise CommandError(f"行政组织“{found[0].name}”已撤销")
    return found[0]


def _actor(username: str | None):
    if not username:
        raise CommandError("请用 --as 指定登记人的用户名")
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"用户 {username} 不存在或已停用")
    return user


def _source(options):
    chosen = [name for name in ("maildir", "eml_dir", "imap") if options[name]]
    if len(chosen) != 1:
        raise CommandError("请指定且只指定一个来源：--maildir、--eml-dir 或 --imap")
    try:
        if options["maildir"]:
            return mail.maildir(options["maildir"])
        if options["eml_dir"]:
            return mail.eml_dir(options["eml_dir"])
    except mail.MailSourceError as exc:
        raise CommandError(str(exc)) from None
    if not options["imap_user"]:
        raise CommandError("使用 --imap 时请用 --imap-user 指定用户名")
    variable = options["imap_password_env"]
    if not variable:
        raise CommandError("使用 --imap 时请用 --imap-password-env 指定保存密码的环境变量名")
    password = os.environ.get(variable)
    if not password:
        raise CommandError(f"环境变量 {variable} 未设置或为空")
    return mail.imap(
        options["imap"],
        options["imap_user"],
        password,
        options["imap_folder"],
        port=options["imap_port"],
    )
