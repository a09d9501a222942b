"""Pinyin search keys for Chinese names: initials ("zs") and full spelling ("zhangsan")."""

from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, pinyin

MAX_VARIANTS = 4
MAX_KEY_LENGTH = 200  # people.Person.name_pinyin


def _readings(name: str) -> list[tuple[str, ...]]:
    """Whole-name readings: the usual one, each reading of the surname, then a few others."""
    syllables = pinyin(name, style=Style.NORMAL, heteronym=True, errors="ignore")
    syllables = [[s.lower() for s in options if s] for options in syllables]
    syllables = [options for options in syllables if options]
    if not syllables:
        return []
    usual = tuple(options[0] for options in syllables)
    surname = [(reading, *usual[1:]) for reading in syllables[0]]
    others = islice(product(*syllables), MAX_VARIANTS)
    return list(dict.fromkeys([usual, *surname, *others]))


@lru_cache(maxsize=50_000)  # names repeat (张伟, 王芳…): an import computes each once
def search_key(name: str) -> str:
    """Space-led keys for every reading of the name (surnames like 单 or 曾 have several).

    ``" zs zhangsan"``: search with ``contains(" " + query)`` to match a prefix of any key.
    """
    name = (name or "").strip()
    if not name:
        return ""
    keys: dict[str, None] = {}
    for reading in _readings(name):
        keys["".join(s[0] for s in reading)] = None
        keys["".join(reading)] = None
    result = ""
    for key in keys:
        if len(result) + 1 + len(key) > MAX_KEY_LENGTH:
            if not result:  # one very long name: keep its initials, cut to fit
                result = " " + key[: MAX_KEY_LENGTH - 1]
            break
        result += " " + key
    return result
