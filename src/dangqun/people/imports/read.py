"""Open an uploaded people file (xlsx or csv) safely and return its rows with Excel row numbers.

Every refusal is an ``ImportFileError`` (``core.imports.files``) with a Chinese message. The cheap checks come first (size,
magic bytes, zip contents), so a 50 MB file or a renamed PDF is refused before anything is parsed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from dangqun.core.imports.files import ImportFileError, max_bytes, size_message

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
# A formula cell holds an <f> element (possibly namespace-prefixed; shared formulas are <f .../>).
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
CELL_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br=["']([A-Z]+[0-9]+)["']""")
MAX_FORMULAS_NAMED = 5
PREFERRED_SHEET = "人员"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL_ATTR = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class Table:
    """The header and the non-empty data rows, each with the row number Excel shows."""

    header: list[str]
    rows: list[tuple[int, list]]
    header_row: int


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Zero-based coordinates to an Excel reference such as B5."""
    return f"{column_letter(col)}{row + 1}"


def read_table(path: Path, file_name: str) -> Table:
    """Check and read the file; raises ImportFileError for anything that makes it unusable."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("文件是空的（0 字节），请选择填写好的导入文件。")
    if size > max_bytes():
        raise ImportFileError(size_message(size))
    suffix = PurePosixPath(file_name.lower()).suffix
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix == ".xlsx":
        return _read_xlsx(path, head)
    if suffix == ".csv":
        return _read_csv(path, head)
    if suffix == ".xls":
        raise ImportFileError(
            "不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 后再导入。"
        )
    raise ImportFileError("只能导入 Excel（.xlsx）或 CSV（.csv）文件。")


# xlsx ----------------------------------------------------------------------------------------


def _read_xlsx(path: Path, head: bytes) -> Table:
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            "这是旧版 Excel（.xls）文件，只是扩展名改成了 .xlsx。请在 Excel 中“另存为” .xlsx 后再导入。"
        )
    not_excel = ImportFileError(
        "文件不是有效的 Excel（.xlsx）文件，可能是其他类型的文件改了扩展名。"
        "请用 Excel 打开后“另存为” .xlsx 再导入。"
    )
    if not head.startswith(ZIP_MAGIC):
        raise not_excel
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise not_excel
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > 25 * max_bytes():
                raise ImportFileError("文件解压后过大，疑似异常文件，已拒绝导入。")
            sheet_name, sheet_path = _data_sheet(archive)
            _refuse_formulas(archive, sheet_path)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        raise not_excel from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_name(sheet_name)
        merged = sheet.merged_cell_ranges or []
        if merged:
            ranges = "、".join(
                f"{cell_name(*start)}:{cell_name(*end)}" for start, end in merged[:5]
            )
            more = f" 等 {len(merged)} 处" if len(merged) > 5 else ""
            raise ImportFileError(
                f"工作表“{sheet_name}”中有合并单元格（{ranges}{more}）。"
                "请取消合并并在每个单元格中填写完整内容后再导入。"
            )
        # iter_rows yields every row from the first row of the sheet, so the index is the row number.
        rows = [(index + 1, list(cells)) for index, cells in enumerate(sheet.iter_rows())]
        workbook.close()
    except CalamineError:
        raise not_excel from None
    return _table(rows, sheet_name)


def _data_sheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The sheet named 人员, else the first sheet: its name and its XML part inside the zip."""
    # ElementTree never fetches external entities and Python's expat (>= 2.4) caps entity
    # expansion, so these two small parts are safe to parse without defusedxml.
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    sheets = [
        (sheet.get("name", ""), sheet.get(NS_REL_ATTR, ""))
        for sheet in workbook.iter(f"{NS_MAIN}sheet")
    ]
    if not sheets:
        raise ImportFileError("文件中没有工作表。")
    name, rel_id = next((s for s in sheets if s[0] == PREFERRED_SHEET), sheets[0])
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return name, target
    raise KeyError(rel_id)


def _refuse_formulas(archive: zipfile.ZipFile, sheet_path: str) -> None:
    """Stream the sheet XML and refuse any cell holding a formula (its cached value may be stale).

    A regular-expression scan over the decompressed bytes: fast enough for 100,000 rows.
    """
    found: list[str] = []
    count = 0
    buffer = b""
    scan_from = 0
    with archive.open(sheet_path) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer += chunk
            # Leave the last bytes for the next round unless this is the end: a tag may straddle.
            end = len(buffer) if not chunk else max(scan_from, len(buffer) - 64)
            for match in FORMULA_TAG.finditer(buffer, scan_from):
                if match.start() >= end:
                    break
                count += 1
                if len(found) < MAX_FORMULAS_NAMED:
                    cell = buffer.rfind(b"<c", 0, match.start())
                    ref = CELL_REF.match(buffer, cell) if cell >= 0 else None
                    found.append(ref.group(1).decode() if ref else "?")
            if not chunk:
                break
            # Keep some scanned bytes as context to find the cell a later formula sits in.
            keep_from = max(0, end - 4096)
            buffer = buffer[keep_from:]
            scan_from = end - keep_from
    if count:
        cells = "、".join(found)
        more = f" 等 {count} 处" if count > len(found) else ""
        raise ImportFileError(
            f"文件中有公式（{cells}{more}）。公式的结果可能没有保存在文件中，无法可靠导入。"
            "请选中这些单元格，复制后“选择性粘贴 → 数值”，保存后再导入。"
        )


# csv -----------------------------------------------------------------------------------------


def _read_csv(path: Path, head: bytes) -> Table:
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        raise ImportFileError(
            "文件内容是 Excel 格式，但扩展名是 .csv。请把扩展名改回 .xlsx 再导入。"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ImportFileError("文件不是文本格式的 CSV 文件，可能是其他类型的文件改了扩展名。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            "无法识别文件的文字编码，请用 UTF-8 或 GB18030（GBK）编码保存 CSV 文件。"
        )
    try:
        rows = [
            (index, list(cells))
            for index, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
        ]
    except csv.Error as exc:
        raise ImportFileError(f"CSV 文件格式错误：{exc}") from None
    return _table(rows, "")


# both ----------------------------------------------------------------------------------------


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(rows: list[tuple[int, list]], sheet_name: str) -> Table:
    rows = [(number, cells) for number, cells in rows if not all(is_blank(c) for c in cells)]
    where = f"工作表“{sheet_name}”" if sheet_name else "文件"
    if not rows:
        raise ImportFileError(
            f"{where}中没有任何内容。请在第一行填写表头，从第二行起每行填写一个人员。"
        )
    header_row, header = rows[0]
    if len(rows) == 1:
        raise ImportFileError(f"{where}只有表头，没有数据行。")
    header = [str(c).strip() if not is_blank(c) else "" for c in header]
    return Table(header=header, rows=rows[1:], header_row=header_row)
