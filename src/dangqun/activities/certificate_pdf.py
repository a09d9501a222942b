"""The 志愿服务证明 as a print-ready PDF (``core.pdf``: ReportLab, the built-in STSong-Light font),
rendered again whenever it is downloaded from what the certificate row keeps and the hours rows
entered up to its issue. It carries the verification code and a QR code of the public page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer

from dangqun.activities import record
from dangqun.activities.certificate_models import Certificate, Covers
from dangqun.core import pdf, qrcodes
from dangqun.core.pdf import BODY, SMALL, TITLE

QR_SIZE = 32 * mm
CITATION = (
    "依据民政部《志愿服务记录与证明出具办法（试行）》(2021)，本证明根据志愿服务记录如实、无偿出具；"
    "志愿服务时长为实际服务时间，不含往返交通时间。"
)


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render(certificate: Certificate, lines: list[record.Line], code: str, verify_url: str) -> bytes:
    person = certificate.person
    issued = timezone.localtime(certificate.issued_at)
    scope = "" if certificate.covers == Covers.ALL else "由本组织（含下级组织）组织的"
    identity = f"（公民身份号码 {person.id_number_masked}）" if person.id_number_masked else ""
    statement = (
        f"兹证明 {person.name}{identity} 于 {_day(certificate.starts_on)} 至 "
        f"{_day(certificate.ends_on)} 期间参加{scope}志愿服务活动 {len(lines)} 次，"
        f"经组织者确认的志愿服务时长共计 {certificate.hours} 小时。"
    )
    rows = [["服务日期", "项目名称", "组织者", "时长（小时）"]]
    for line in lines:
        hours = str(line.hours)
        if line.corrections:
            hours += "（含更正）"
        rows.append(
            [line.served_on.isoformat(), line.activity.title, line.activity.org.name, hours]
        )
    qr = qrcodes.png(verify_url, scale=6)
    story = [
        Paragraph("志愿服务证明", TITLE),
        Spacer(1, 4 * mm),
        Paragraph(escape(statement), BODY),
        Spacer(1, 4 * mm),
        pdf.table(rows, [28 * mm, 66 * mm, 48 * mm, 28 * mm], header=True),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"出具组织（盖章）：{certificate.issuer.name}"), BODY),
        Paragraph(escape(f"出具日期：{_day(issued.date())}"), BODY),
        Paragraph(escape(f"验证码：{code}"), BODY),
        Spacer(1, 3 * mm),
        Image(io.BytesIO(qr), width=QR_SIZE, height=QR_SIZE, hAlign="LEFT"),
        Paragraph(escape(f"扫码或访问 {verify_url} 核验本证明"), SMALL),
        Spacer(1, 3 * mm),
        Paragraph(escape(CITATION), SMALL),
    ]
    return pdf.build(f"志愿服务证明 {person.name}", story)


def downloaded(request, pk) -> tuple[Certificate, bytes]:
    """The certificate ``pk`` the requesting user may open, as a PDF whose QR code points at its
    public verification page (``DANGQUN_BASE_URL`` when set: the address people reach behind a
    proxy); the download is audited. For the page and the API alike."""
    # import here: certificates imports this module's neighbours, not this module
    from django.conf import settings
    from django.urls import reverse

    from dangqun.activities import certificates

    certificate, lines, code = certificates.download(request.user, pk)
    shown = certificates.displayed(code)
    path = reverse("activities_public:verify_code", args=[shown])
    base = settings.DANGQUN_BASE_URL.rstrip("/")
    url = f"{base}{path}" if base else request.build_absolute_uri(path)
    return certificate, render(certificate, lines, shown, url)
