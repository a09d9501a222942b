"""File names of uploads: what is shown (no control or format characters) and what is stored
(the extension the content says)."""

from __future__ import annotations

import re
import unicodedata


def display_name(name: str) -> str:
    """The basename without control/format characters (RTL overrides), at most 100 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(clean_char(ch) for ch in name)
    return re.sub(r'[<>:"|?*]', "_", name).strip()[:100] or "附件"


def clean_char(ch: str) -> str:
    category = unicodedata.category(ch)  # Cc controls, Cf format (U+202E RLO, zero widths), Zl, Zp
    if category[0] == "C" or category in ("Zl", "Zp"):
        return ""
    return " " if category == "Zs" else ch


def safe_name(name: str, extension: str) -> str:
    """``display_name`` with its extension replaced by the one the content says."""
    stem = display_name(name)
    stem = (stem.rsplit(".", 1)[0] if "." in stem else stem).strip(" .")
    return f"{(stem or '附件')[: 99 - len(extension)]}.{extension}"
