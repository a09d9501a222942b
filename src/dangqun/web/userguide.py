"""The help page's content: ``docs/user-guide.md`` rendered to HTML on the server.

markdown-it-py (CommonMark, with tables) renders it with raw HTML switched off; each ``##``
section gets an anchor for the page's table of contents. The result is kept in memory until the
file changes (its modification time), so the file is read and rendered once per process and
change, not per request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Guide:
    title: str
    html: str
    sections: list[tuple[str, str]]  # (anchor, heading) of each ## section


_lock = threading.Lock()
_cache: dict[tuple[str, int], Guide] = {}


def guide() -> Guide:
    """The rendered user guide (from ``settings.USER_GUIDE``), cached until the file changes."""
    path = Path(settings.USER_GUIDE)
    key = (str(path), path.stat().st_mtime_ns)
    cached = _cache.get(key)
    if cached is None:
        with _lock:
            cached = render(path.read_text(encoding="utf-8"))
            _cache.clear()
            _cache[key] = cached
    return cached


CODE_TOKENS = {"code_inline", "code_block", "fence"}


def render(text: str) -> Guide:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    tokens = md.parse(text)
    title, sections = "使用说明", []
    for token in tokens:
        for inline in [token, *(token.children or [])]:
            if inline.type in CODE_TOKENS:
                inline.attrSet("translate", "no")  # commands and settings: never translated
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        heading = tokens[index + 1].content
        if token.tag == "h1":
            title = heading
        elif token.tag == "h2":
            anchor = f"section-{len(sections) + 1}"
            token.attrSet("id", anchor)
            sections.append((anchor, heading))
    # The page shows the title itself; the guide's body starts after its first heading.
    body_tokens = tokens
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        body_tokens = tokens[3:]
    html = md.renderer.render(body_tokens, md.options, {})
    return Guide(title=title, html=html, sections=sections)
