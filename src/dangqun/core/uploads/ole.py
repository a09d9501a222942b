"""Legacy Office uploads (OLE2 compound files: .doc, .xls, .ppt): the directory is parsed to find
the main stream and any VBA or macro storage; encrypted files cannot be checked."""

from __future__ import annotations

import struct

from django.core.exceptions import ValidationError

from dangqun.core.uploads.refusals import corrupt, macro_error, not_allowed

MAIN_STREAMS = {
    "WordDocument": "doc",
    "Workbook": "xls",
    "Book": "xls",
    "PowerPoint Document": "ppt",
}
MACRO_STORAGES = {"MACROS", "VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR"}


def check_ole(data: bytes, name: str, _family: str) -> str:
    """Parses the compound-file directory; a VBA/Macros storage anywhere refuses the file."""
    try:
        entries = directory_entries(data)
    except (ValueError, struct.error, IndexError):
        raise corrupt(name) from None
    if any(n.upper() in MACRO_STORAGES for n, kind, *_ in entries if kind in (1, 2)):
        raise macro_error(name)
    top = child_names(entries, 0) if entries and entries[0][1] == 5 else []
    if "EncryptedPackage" in top:
        raise ValidationError(
            f"Office 文件「{name}」已加密，无法检查，请去掉密码后再上传", code="encrypted"
        )
    kind = next((MAIN_STREAMS[n] for n in top if n in MAIN_STREAMS), None)
    if kind is None:
        raise not_allowed(name)
    return kind


def directory_entries(data: bytes) -> list[tuple[str, int, int, int, int]]:
    """Directory entries as (name, type, left, right, child), following the FAT chain."""
    shift = struct.unpack_from("<H", data, 30)[0]
    n_fat, first_dir = struct.unpack_from("<2I", data, 44)
    if shift not in (9, 12):
        raise ValueError("sector size")
    size, per_sector = 1 << shift, (1 << shift) // 4

    def sector(sid: int) -> bytes:
        if (sid + 2) * size > len(data):
            raise ValueError("sector outside the file")
        return data[(sid + 1) * size : (sid + 2) * size]

    n_fat = min(n_fat, len(data) // size // per_sector + 1)  # a FAT beyond the file is no use
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    difat = struct.unpack_from("<I", data, 68)[0]
    while len(fat_sectors) < n_fat and difat < 0xFFFFFFFA:
        ids = struct.unpack(f"<{per_sector}I", sector(difat))
        fat_sectors += ids[:-1]
        difat = ids[-1]
    fat = [s for sid in fat_sectors[:n_fat] for s in struct.unpack(f"<{per_sector}I", sector(sid))]
    entries, sid, seen = [], first_dir, set()
    while sid < 0xFFFFFFFA:
        if sid in seen or sid >= len(fat):
            raise ValueError("broken directory chain")
        seen.add(sid)
        block = sector(sid)
        for at in range(0, size, 128):
            length = min(struct.unpack_from("<H", block, at + 64)[0], 64)
            name = block[at : at + max(length - 2, 0)].decode("utf-16-le", "replace")
            entries.append((name, block[at + 66], *struct.unpack_from("<3I", block, at + 68)))
        sid = fat[sid]
    return entries


def child_names(entries: list, parent: int) -> list[str]:
    """The names of the entries directly inside storage ``parent`` (its red-black tree)."""
    names, stack, seen = [], [entries[parent][4]], set()
    while stack:
        index = stack.pop()
        if index < len(entries) and index not in seen:
            seen.add(index)
            name, _kind, left, right, _child = entries[index]
            names.append(name)
            stack += [left, right]
    return names
