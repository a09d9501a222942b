"""QR codes served as files are standalone SVG documents (an <img> refuses SVG without its
namespace: the bug of issue #14), sized and scalable; PNG and downloads for posters."""

import io
import xml.etree.ElementTree as ET

from PIL import Image

from dangqun.core import qrcodes

SVG_NS = "{http://www.w3.org/2000/svg}"
URL = "https://dangqun.example/v/abc123/"


def test_an_svg_document_declares_its_namespace_size_and_view_box():
    body = qrcodes.svg_document(URL, scale=8, title="签到二维码")
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(body)
    assert root.tag == f"{SVG_NS}svg"  # the xmlns an <img> needs
    side = int(root.get("width"))
    assert side == int(root.get("height")) > 0
    assert root.get("viewBox") == f"0 0 {side} {side}"  # scales to a poster or a projector
    assert root.find(f"{SVG_NS}title").text == "签到二维码"
    # version 3 at level M for this address: 29 modules and 4 of quiet zone each side, times 8
    assert side % 8 == 0 and side // 8 >= 21 + 2 * qrcodes.BORDER


def test_the_inline_markup_has_no_declaration_for_embedding_in_html():
    markup = qrcodes.svg_inline(URL)
    assert markup.startswith("<svg") and "<?xml" not in markup


def test_a_png_is_a_picture_of_the_same_code():
    picture = Image.open(io.BytesIO(qrcodes.png(URL, scale=10)))
    svg_side = int(ET.fromstring(qrcodes.svg_document(URL, scale=10)).get("width"))
    assert picture.format == "PNG" and picture.size == (svg_side, svg_side)


def test_a_response_is_an_image_or_a_named_download():
    shown = qrcodes.response(URL)
    assert shown["Content-Type"] == "image/svg+xml" and not shown.has_header("Content-Disposition")
    saved = qrcodes.response(URL, kind="png", filename="甲公司反映二维码")
    assert saved["Content-Type"] == "image/png"
    assert saved["Content-Disposition"].startswith("attachment;")
    assert "%E7%94%B2%E5%85%AC%E5%8F%B8" in saved["Content-Disposition"]  # 甲公司, encoded
    assert saved["Content-Disposition"].endswith(".png")
