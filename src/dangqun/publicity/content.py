"""An item's rich text, sanitised by nh3 (ammonia's bindings) before it is stored: headings,
paragraphs, lists, emphasis, tables, links (http, https, mailto) and images of this item's own
stored files only. Scripts, styles, event handlers and everything else are dropped with their
content. Plain text (no tags) becomes paragraphs."""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    *("p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup"),
    *("ul", "ol", "li", "blockquote", "hr", "a", "img", "figure", "figcaption"),
    *("table", "thead", "tbody", "tr", "th", "td", "span"),
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan"}, "th": {"colspan"}}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
OWN_FILES = re.compile(r"^/publicity/files/\d+/$")
_TAG = re.compile(r"<[a-zA-Z/!]")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if OWN_FILES.match(value) else None
    return value


def clean(text: str) -> str:
    """The HTML a reading page may show, from what an editor typed or pasted."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _TAG.search(text):  # plain text: paragraphs by blank lines, line breaks kept
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        text = "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_keep,
    ).strip()


def plain(body: str, length: int = 80) -> str:
    """A short plain-text excerpt of the body for lists."""
    text = re.sub(r"\s+", " ", html.unescape(nh3.clean(body or "", tags=set()))).strip()
    return text[:length] + ("…" if len(text) > length else "")
