"""Database ids from text a person or a program sent (query strings, form fields)."""

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger number made the lookup fail with a 500


def parse_id(raw) -> int | None:
    """The id ``raw`` names: ASCII digits within a bigint, else None (``str.isdigit`` also
    accepts "²", which ``int`` refuses)."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
