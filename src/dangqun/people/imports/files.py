"""Where an import keeps its files: the stored upload (under a random name) and its error file."""

from __future__ import annotations

import secrets
from pathlib import Path, PurePosixPath

from django.conf import settings

from dangqun.people.models import ImportJob

ALLOWED_SUFFIXES = {".xlsx", ".csv", ".xls"}


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def error_file_path(job: ImportJob) -> Path:
    return import_dir() / f"{PurePosixPath(job.stored_file).stem}-errors.xlsx"


def store_upload(uploaded) -> str:
    """Write the upload under a random name (keeping a known suffix); returns that name."""
    suffix = PurePosixPath(uploaded.name.lower()).suffix
    stored = secrets.token_hex(16) + (suffix if suffix in ALLOWED_SUFFIXES else ".bin")
    with (import_dir() / stored).open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return stored
