"""Print-ready PDF pieces every app shares: ReportLab with its built-in Chinese font
(STSong-Light, a CID font every Chinese PDF reader has), so nothing is downloaded or bundled;
styles for a title, headings, body text and small print; a grid table; page numbers."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=24, alignment=1, spaceAfter=6)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=8)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=13, textColor=colors.grey)


def text(value: str, style=BODY) -> Paragraph:
    """A paragraph of plain text (escaped: user text never becomes markup)."""
    return Paragraph(escape(str(value)), style)


def paragraphs(value: str) -> list:
    """One paragraph per non-empty line."""
    return [Paragraph(escape(line), BODY) for line in value.splitlines() if line.strip()]


def table(rows, widths, header: bool = False) -> Table:
    """A grid of plain-text cells; ``header`` shades the first row."""
    grid = Table(
        [[Paragraph(escape(str(cell)), BODY) for cell in row] for row in rows], colWidths=widths
    )
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")))
    grid.setStyle(TableStyle(style))
    return grid


def build(title: str, story: list) -> bytes:
    """The document on A4 with page numbers."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="dangqun",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def footer(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {document.page} 页")
    canvas.restoreState()
