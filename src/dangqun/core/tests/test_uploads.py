"""Attachment checks: the kind comes from the content, dangerous content is refused, metadata goes."""

import hashlib
import io
import re
import struct
import zipfile
import zlib
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageSequence

from dangqun.core import uploads

GPS_IFD = 0x8825


def upload(name, data):
    return SimpleUploadedFile(name, data)


def image_bytes(fmt, mode="RGB", size=(40, 30), **options):
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "P" else 1).save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_gps(orientation=1, size=(40, 20)):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    image = Image.new("RGB", size, "blue")
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken by Zhang San")
    return out.getvalue()


def ooxml(kind="docx", extra=None, content_types=None):
    main = uploads.ooxml.MAIN_PARTS[kind]
    types = content_types or (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
        'elements/1.1/"><dc:title>意见</dc:title><dc:creator>张三</dc:creator>'
        "<cp:lastModifiedBy>Zhang San</cp:lastModifiedBy></cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
        '2006/extended-properties"><Company>某某分公司</Company><Manager>李四</Manager>'
        "<Pages>1</Pages></Properties>"
    )
    parts = {
        "[Content_Types].xml": types,
        "_rels/.rels": "<Relationships/>",
        main: "<document>正文</document>",
        "docProps/core.xml": core,
        "docProps/app.xml": app,
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def ole(entries):
    """A minimal compound file (v3, 512-byte sectors): sector 0 is the FAT, then the directory.

    ``entries`` are (name, type, child index or None) under the root, chained as right siblings
    unless they are somebody's child.
    """
    free = 0xFFFFFFFF
    children = {child for _, _, child in entries if child is not None}
    top = [i for i in range(1, len(entries) + 1) if i not in children]
    rows = [("Root Entry", 5, top[0] if top else None, None)]
    for index, (name, kind, child) in enumerate(entries, start=1):
        right = top[top.index(index) + 1] if index in top[:-1] else None
        rows.append((name, kind, child, right))
    while len(rows) % 4:
        rows.append(("", 0, None, None))
    directory = b""
    for name, kind, child, right in rows:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
        entry += struct.pack(
            "<3I", free, free if right is None else right, free if child is None else child
        )
        directory += entry.ljust(128, b"\0")
    dir_sectors = len(directory) // 512
    fat = [0xFFFFFFFD] + [i + 2 for i in range(dir_sectors - 1)] + [0xFFFFFFFE]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = uploads.kinds.OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header += struct.pack("<H6xIIIIIIIII", 6, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *[free] * 108)
    assert len(header) == 512
    return header + fat_sector + directory


def pdf(body=b"/Type /Catalog /Pages 2 0 R"):
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< "
        + body
        + b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def refused(name, data, match):
    with pytest.raises(ValidationError) as caught:
        uploads.check(upload(name, data))
    message = caught.value.messages[0]
    assert match in message
    return message


# --- kinds come from the content -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kind", "mode"),
    [("JPEG", "jpeg", "RGB"), ("PNG", "png", "RGBA"), ("GIF", "gif", "P"), ("WEBP", "webp", "RGB")],
)
def test_images_are_recognised_whatever_their_name(fmt, kind, mode):
    checked = uploads.check(upload("scan.pdf", image_bytes(fmt, mode)))
    assert (checked.kind, checked.label) == (kind, "图片")
    assert checked.content_type == uploads.ALLOWED[kind].content_type
    assert checked.safe_name == f"scan.{uploads.ALLOWED[kind].extension}"
    assert checked.size == len(checked.data)


@pytest.mark.parametrize(
    ("kind", "label"), [("docx", "Word"), ("xlsx", "Excel"), ("pptx", "PowerPoint")]
)
def test_ooxml_kinds(kind, label):
    checked = uploads.check(upload("文件.zip", ooxml(kind)))
    assert (checked.kind, checked.label, checked.extension) == (kind, label, kind)
    assert checked.safe_name == f"文件.{kind}"


@pytest.mark.parametrize(
    ("stream", "kind"),
    [("WordDocument", "doc"), ("Workbook", "xls"), ("PowerPoint Document", "ppt")],
)
def test_ole_kinds_come_from_the_main_stream(stream, kind):
    data = ole([("\x05SummaryInformation", 2, None), (stream, 2, None)])
    checked = uploads.check(upload("旧文件.bin", data))
    assert checked.kind == kind
    assert checked.content_type == uploads.ALLOWED[kind].content_type


def test_pdf_is_recognised_and_hashed():
    data = pdf()
    checked = uploads.check(upload("报告.PDF", data))
    assert (checked.kind, checked.label, checked.safe_name) == ("pdf", "PDF", "报告.pdf")
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_plain_file_objects_are_accepted():
    stream = io.BytesIO(pdf())
    stream.name = "a.pdf"
    assert uploads.check(stream).kind == "pdf"


# --- refused kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        ),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("archive.docx", b"PK\x03\x04" + b"\0" * 100),  # zip magic, not a zip
    ],
)
def test_disguised_files_are_refused(name, data):
    with pytest.raises(ValidationError) as caught:
        uploads.check(upload(name, data))
    assert f"「{name}」" in caught.value.messages[0]


def test_wrong_type_message_lists_what_is_allowed():
    message = refused("x.exe", b"MZ" + b"\0" * 64, "的内容不是允许的类型")
    assert (
        message == "文件「x.exe」的内容不是允许的类型（允许：图片、PDF、Word、Excel、PowerPoint）"
    )


def test_a_plain_zip_is_not_an_office_file():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hi")
    refused("资料.docx", out.getvalue(), "文件「资料.docx」的内容不是允许的类型")


def test_empty_file():
    refused("空.jpg", b"", "文件「空.jpg」是空的")


def test_oversize_stops_reading_early(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)

    class Endless:
        name = "big.jpg"
        reads = 0

        def read(self, n=-1):
            self.reads += 1
            return b"\xff" * 300

    endless = Endless()
    with pytest.raises(ValidationError, match=re.escape("文件「big.jpg」超过 1000 字节")):
        uploads.check(endless)
    assert endless.reads == 4


def test_declared_size_over_the_limit_is_refused_before_reading(settings):
    settings.DANGQUN_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    big = upload("a.jpg", b"\xff" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match=re.escape("文件「a.jpg」超过 2 MB")):
        uploads.check(big)


def test_default_limit_message():
    assert uploads.human_size(uploads.MAX_BYTES) == "20 MB"


def test_too_many_files():
    files = [upload(f"{i}.pdf", pdf()) for i in range(uploads.MAX_FILES + 1)]
    with pytest.raises(ValidationError, match=f"最多上传 {uploads.MAX_FILES} 个附件"):
        uploads.check_all(files)
    assert len(uploads.check_all(files[: uploads.MAX_FILES])) == uploads.MAX_FILES


# --- images ----------------------------------------------------------------------------------


def test_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(200, 200))
    refused("照片.jpg", data[: len(data) // 2], "图片「照片.jpg」已损坏或无法识别")


def test_garbage_after_png_magic_is_refused():
    refused("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "图片「a.png」已损坏或无法识别")


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(uploads.images, "MAX_PIXELS", 1000)
    refused("大图.png", image_bytes("PNG", size=(100, 100)), "图片「大图.png」像素过多")


def test_animation_frames_count_towards_the_pixel_cap(monkeypatch):
    frames = [Image.new("RGB", (20, 20), (50 * i, 0, 0)) for i in range(5)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    monkeypatch.setattr(uploads.images, "MAX_PIXELS", 20 * 20 * 4)
    refused("动图.gif", out.getvalue(), "可能是解压炸弹")


def test_strip_removes_exif_gps_and_comment_and_applies_orientation():
    data = jpeg_with_gps(orientation=6, size=(40, 20))  # 6: rotate 90° clockwise to display
    original = Image.open(io.BytesIO(data))
    assert GPS_IFD in original.getexif() and original.info.get("comment")
    checked = uploads.check(upload("现场.jpg", data))
    stripped = uploads.strip_metadata(checked)
    image = Image.open(io.BytesIO(stripped.data))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "comment" not in image.info and "exif" not in image.info
    assert image.size == (20, 40)
    assert b"Zhang San" not in stripped.data and b"Camera maker" not in stripped.data
    assert stripped.size == len(stripped.data) and stripped.sha256 != checked.sha256
    assert stripped.safe_name == checked.safe_name == "现场.jpg"


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("GIF", "P")]
)
def test_strip_keeps_format_and_mode_and_drops_exif(fmt, mode):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[GPS_IFD] = {1: "N"}
    data = (
        image_bytes(fmt, mode, exif=exif.tobytes())
        if fmt != "GIF"
        else image_bytes(fmt, mode, comment=b"Zhang San")
    )
    assert b"Camera maker" in data or b"Zhang San" in data
    stripped = uploads.strip_metadata(uploads.check(upload("x", data)))
    image = Image.open(io.BytesIO(stripped.data))
    assert image.format == fmt
    assert len(image.getexif()) == 0
    assert b"Camera maker" not in stripped.data and b"Zhang San" not in stripped.data
    if fmt == "PNG":
        assert image.mode == mode


def test_strip_keeps_gif_animation():
    frames = [Image.new("RGB", (10, 10), (0, 90 * i, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    assert Image.open(out).n_frames == 3
    stripped = uploads.strip_metadata(uploads.check(upload("动图.gif", out.getvalue())))
    image = Image.open(io.BytesIO(stripped.data))
    assert sum(1 for _ in ImageSequence.Iterator(image)) == 3
    assert image.info["duration"] == 120


def test_phone_mpo_jpeg_keeps_only_its_first_frame():
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0)}
    first, preview = Image.new("RGB", (60, 40), "red"), Image.new("RGB", (30, 20), "blue")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[preview], exif=exif)
    checked = uploads.check(upload("IMG_0001.JPG", out.getvalue()))
    assert (checked.kind, checked.safe_name) == ("jpeg", "IMG_0001.jpg")
    image = Image.open(io.BytesIO(uploads.strip_metadata(checked).data))
    assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (60, 40), 1)
    assert len(image.getexif()) == 0


# --- Office ----------------------------------------------------------------------------------


def test_docx_with_vba_project_is_refused():
    data = ooxml(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    refused(
        "宏.docx", data, "Office 文件「宏.docx」含有宏，出于安全考虑不能上传，请另存为不含宏的格式"
    )


def test_macro_enabled_content_type_is_refused():
    types = (
        '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
    )
    refused("表.xlsx", ooxml("xlsx", content_types=types), "含有宏")


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(uploads.ooxml, "MAX_ZIP_BYTES", 100_000)
    data = ooxml(extra={"word/media/big.bin": b"\0" * 200_000})
    refused("炸弹.docx", data, "文件「炸弹.docx」的压缩内容异常（可能是压缩炸弹）")


def test_too_many_zip_entries_is_refused(monkeypatch):
    monkeypatch.setattr(uploads.ooxml, "MAX_ZIP_ENTRIES", 10)
    data = ooxml(extra={f"word/media/{i}.xml": "x" for i in range(10)})
    refused("多.docx", data, "可能是压缩炸弹")


@pytest.mark.parametrize("evil", ["../evil.xml", "/etc/passwd", "word\\..\\x.xml", "word/../../x"])
def test_escaping_zip_paths_are_refused(evil):
    refused("路径.docx", ooxml(extra={evil: "x"}), "文件「路径.docx」的压缩结构异常")


def test_strip_empties_docx_authors_and_keeps_the_rest():
    checked = uploads.check(upload("建议.docx", ooxml()))
    stripped = uploads.strip_metadata(checked)
    archive = zipfile.ZipFile(io.BytesIO(stripped.data))
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    }
    core = ElementTree.fromstring(archive.read("docProps/core.xml"))
    assert not core.find("dc:creator", ns).text
    assert not core.find("cp:lastModifiedBy", ns).text
    assert core.find("dc:title", ns).text == "意见"
    app = archive.read("docProps/app.xml").decode()
    assert "某某分公司" not in app and "李四" not in app and "<Pages>1</Pages>" in app
    assert archive.read("word/document.xml").decode() == "<document>正文</document>"
    assert uploads.check(upload("again.docx", stripped.data)).kind == "docx"
    assert stripped.sha256 != checked.sha256 and stripped.size == len(stripped.data)


def test_xlsx_written_by_a_real_library_is_accepted_and_stripped():
    xlsxwriter = pytest.importorskip("xlsxwriter")
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    workbook.set_properties({"author": "张三", "company": "某某分公司", "manager": "李四"})
    workbook.add_worksheet().write(0, 0, "食堂意见")
    workbook.close()
    checked = uploads.check(upload("意见.xlsx", out.getvalue()))
    assert checked.kind == "xlsx"
    stripped = uploads.strip_metadata(checked)
    archive = zipfile.ZipFile(io.BytesIO(stripped.data))
    for part in ("docProps/core.xml", "docProps/app.xml"):
        text = archive.read(part).decode()
        assert "张三" not in text and "某某分公司" not in text and "李四" not in text
    assert b"\xe9\xa3\x9f\xe5\xa0\x82" in archive.read("xl/sharedStrings.xml")  # 食堂


def test_ole_with_vba_project_is_refused():
    data = ole(
        [("WordDocument", 2, None), ("Macros", 1, 3), ("VBA", 1, 4), ("_VBA_PROJECT", 2, None)]
    )
    refused("旧宏.doc", data, "Office 文件「旧宏.doc」含有宏")


def test_excel_ole_with_vba_is_refused():
    refused("表.xls", ole([("Workbook", 2, None), ("_VBA_PROJECT_CUR", 1, None)]), "含有宏")


def test_ole_without_an_office_stream_is_refused():
    refused("x.doc", ole([("Contents", 2, None)]), "的内容不是允许的类型")


def test_encrypted_office_file_is_refused():
    data = ole([("EncryptionInfo", 2, None), ("EncryptedPackage", 2, None)])
    refused("密.docx", data, "已加密")


def test_broken_ole_is_refused():
    refused(
        "坏.doc", uploads.kinds.OLE_MAGIC + b"\0" * 600, "Office 文件「坏.doc」已损坏或无法识别"
    )


def test_ole_is_unchanged_by_strip():
    checked = uploads.check(upload("a.doc", ole([("WordDocument", 2, None)])))
    assert uploads.strip_metadata(checked) is checked


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles 3 0 R >>",
    ],
)
def test_active_pdf_is_refused(body):
    refused("通知.pdf", pdf(body), "PDF 文件「通知.pdf」含有脚本、启动程序或内嵌文件")


def test_javascript_hidden_in_an_object_stream_is_refused():
    hidden = zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
    body = b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(hidden)
    data = b"%PDF-1.7\n2 0 obj\n<< " + body + hidden + b"\nendstream\nendobj\n%%EOF\n"
    refused("隐藏.pdf", data, "含有脚本")


def test_pdf_image_stream_bytes_are_not_mistaken_for_actions():
    pixels = b"/JS " * 10 + b"/Launch "  # raw bytes inside a non-object stream
    data = pdf(b"/Length 48 >>\nstream\n" + pixels + b"\nendstream")
    assert uploads.check(upload("图.pdf", data)).kind == "pdf"


def test_pdf_without_eof_is_refused():
    refused("半截.pdf", pdf()[:-8], "PDF 文件「半截.pdf」不完整或已损坏")


def test_pdf_is_unchanged_by_strip():
    checked = uploads.check(upload("a.pdf", pdf()))
    assert uploads.strip_metadata(checked) is checked


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.pdf"),
        ("C:\\Users\\张三\\Desktop\\举报.docx", "举报.pdf"),
        ("報告\u202egpj.exe", "報告gpj.pdf"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("意见\u3000建议.pdf", "意见 建议.pdf"),
        ('a<b>:"c|?*.pdf', "a_b___c___.pdf"),
        (".pdf", "附件.pdf"),
        ("", "附件.pdf"),
        ("无扩展名", "无扩展名.pdf"),
    ],
)
def test_safe_name(name, expected):
    assert uploads.safe_name(name, "pdf") == expected


def test_long_names_are_cut_to_100_characters():
    name = uploads.safe_name("长" * 300 + ".jpg", "docx")
    assert len(name) == 100 and name.endswith("长.docx")


def test_messages_show_the_cleaned_name():
    message = refused("../x\u202eexe.jpg", b"MZ" + b"\0" * 10, "的内容不是允许的类型")
    assert message.startswith("文件「xexe.jpg」")
