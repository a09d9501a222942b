"""QR codes for every app (群众呼声's poster, 组织生活's check-in, and those to come).

A code served as a file — an ``<img>``'s source, a download, a print — must be a standalone SVG
document: the XML declaration and the ``xmlns``, without which browsers refuse the image (the bug
of issue #14). It also carries both an intrinsic size (``width``/``height``: ``naturalWidth`` is
never 0) and a ``viewBox`` (it scales sharply to a poster or a projector). ``svg_inline`` is the
markup for embedding inside an HTML page, where the namespace is implied. Decision 0016.
"""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse
from django.utils.http import content_disposition_header

# Medium error correction: readable from a creased poster or a glaring projector, still small.
ERROR_LEVEL = "m"
BORDER = 4  # the quiet zone the QR standard asks for, in modules

SVG_TYPE = "image/svg+xml"
PNG_TYPE = "image/png"


def _make(data: str):
    return segno.make(data, error=ERROR_LEVEL)


def svg_document(data: str, *, scale: int = 8, title: str = "") -> bytes:
    """A standalone SVG document encoding ``data`` (for ``<img>``, downloads and prints)."""
    code = _make(data)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=scale,
        border=BORDER,
        dark="#000",
        light="#fff",
        title=title or None,
        omitsize=True,  # gives the viewBox; the intrinsic size is added below
        xmldecl=True,
        svgns=True,
        nl=False,
    )
    size = code.symbol_size(scale=scale, border=BORDER)[0]
    return out.getvalue().replace(
        b"<svg ",
        f'<svg width="{size}" height="{size}" shape-rendering="crispEdges" '.encode(),
        1,
    )


def png(data: str, *, scale: int = 10) -> bytes:
    """The same code as a PNG (for a Word document or a chat message)."""
    out = io.BytesIO()
    _make(data).save(out, kind="png", scale=scale, border=BORDER, dark="#000", light="#fff")
    return out.getvalue()


def svg_inline(data: str, *, scale: int = 8, title: str = "") -> str:
    """SVG markup to put inside an HTML page (no XML declaration, namespace implied)."""
    return _make(data).svg_inline(
        scale=scale, border=BORDER, dark="#000", light="#fff", title=title or None
    )


def response(
    data: str, *, kind: str = "svg", scale: int = 8, title: str = "", filename: str = ""
) -> HttpResponse:
    """The code as an HTTP response: ``kind`` "svg" or "png"; with ``filename``, a download."""
    if kind == "png":
        body, content_type, extension = png(data, scale=max(scale, 10)), PNG_TYPE, "png"
    else:
        body, content_type, extension = (
            svg_document(data, scale=scale, title=title),
            SVG_TYPE,
            "svg",
        )
    result = HttpResponse(body, content_type=content_type)
    if filename:
        result["Content-Disposition"] = content_disposition_header(True, f"{filename}.{extension}")
    return result
