"""An import's files: the upload, stopped at the size limit while it streams in and stored under a
random name; the file as a whole refused (``ImportFileError``); the error file of the rows with
errors, which can be corrected and imported again as it is, kept ``ERROR_FILE_DAYS`` days."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path, PurePosixPath

import xlsxwriter
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone

ALLOWED_SUFFIXES = {".xlsx", ".csv", ".xls"}
MULTIPART_SLACK = 64 * 1024  # room for the form fields and multipart boundaries
# The error file adds this column; importing a corrected error file ignores it.
ERROR_COLUMN = "错误原因"
# how long a finished job's error file is kept (the nightly sweep of each import deletes it)
ERROR_FILE_DAYS = 30
SWEEP_BATCH = 500


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def size_message(size: int) -> str:
    return (
        f"文件大小 {size / 1024 / 1024:.1f} MB，超过了 {max_bytes() // 1024 // 1024} MB 的上限。"
        "请把文件拆分成几个较小的文件分别导入。"
    )


class SizeLimitHandler(FileUploadHandler):
    """Stop storing an upload as soon as it passes the size limit.

    The rest of the body is drained unstored, so the browser still gets the page with the message
    (the API answers 413: ``api/uploads.py``).
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > max_bytes() + MULTIPART_SLACK:
            self.too_large = True
            self.received = content_length

    def receive_data_chunk(self, raw_data, start):
        self.received = max(self.received, start + len(raw_data))
        if self.too_large or start + len(raw_data) > max_bytes():
            self.too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(uploaded) -> str:
    """Write the upload under a random name (keeping a known suffix); returns that name."""
    suffix = PurePosixPath(uploaded.name.lower()).suffix
    stored = secrets.token_hex(16) + (suffix if suffix in ALLOWED_SUFFIXES else ".bin")
    with (import_dir() / stored).open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return stored


def error_file_path(job) -> Path:
    return _error_file_of(job.stored_file)


def _error_file_of(stored_file: str) -> Path:
    return import_dir() / f"{PurePosixPath(stored_file).stem}-errors.xlsx"


def sweep_error_files(model, days: int = ERROR_FILE_DAYS) -> int:
    """Delete the files of ``model``'s jobs that finished (done, invalid, failed) more than
    ``days`` ago — the error file, and the upload if one is left — and clear their
    ``stored_file``, by which the files are found: the pages stop offering the error file. Jobs
    still running or waiting for their owner keep theirs. Returns how many jobs were swept."""
    Status = model.Status
    old = (
        model.objects.filter(
            status__in=[Status.DONE, Status.INVALID, Status.FAILED],
            finished_at__lt=timezone.now() - datetime.timedelta(days=days),
        )
        .exclude(stored_file="")
        .order_by("pk")
    )
    swept = 0
    while batch := list(old.values_list("pk", "stored_file")[:SWEEP_BATCH]):
        for _, stored in batch:  # the files first: a file is never left without its name
            _error_file_of(stored).unlink(missing_ok=True)
            (import_dir() / PurePosixPath(stored).name).unlink(missing_ok=True)
        swept += model.objects.filter(pk__in=[pk for pk, _ in batch]).update(stored_file="")
    return swept


def write_error_file(path: Path, header: list[str], rows) -> None:
    """The rows with errors (each with ``number``, ``cells`` and ``errors`` — (column, message)
    pairs), as they were in the file, plus a 错误原因 column.

    The header is the file's own, so the corrected file can be imported again as it is.
    """
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB"})
    reason_format = book.add_format({"font_color": "#9C0006"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("错误行")
    columns = list(header)
    if ERROR_COLUMN in columns:
        reason_col = columns.index(ERROR_COLUMN)
    else:
        reason_col = len(columns)
        columns.append(ERROR_COLUMN)
    sheet.set_column(0, len(columns) - 1, 14)
    sheet.set_column(reason_col, reason_col, 60)
    sheet.write_row(0, 0, columns, bold)
    for out, row in enumerate(rows, start=1):
        for col, value in enumerate(row.cells[: len(header)]):
            if col == reason_col:
                continue
            _write_cell(sheet, out, col, value, date)
        reason = "；".join(
            f"{column}：{message}" if column else message for column, message in row.errors
        )
        sheet.write_string(out, reason_col, f"原第 {row.number} 行 · {reason}", reason_format)
    book.close()


def _write_cell(sheet, row: int, col: int, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        sheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))
