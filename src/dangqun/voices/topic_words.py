"""The words hot topics are made of: each voice segmented once by jieba and kept in ``TopicWords``
(filled for new voices by a periodic task, for any voice a topic reads that still has none, and by
the command ``index_voice_topics``), and read back as terms — words and two-word phrases — less
the stop list of ``data/topic_stopwords.txt`` and ``smart.STOPWORDS``.

A stored row is the voice's title and the first ``MAX_CHARS`` characters of its content, lower
case, as jieba's words of two characters or more in order, a ``|`` where a clause breaks
(punctuation, a number, two or more one-character words in a row). One one-character word between
two words (食堂的饭菜) does not break them: they may still make the phrase 食堂饭菜. The stop list
is applied when reading, so editing it needs no rewrite.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import jieba
import jieba.analyse
from django.core.cache import cache
from django.db import connection

from dangqun.voices.models import TopicWords, Voice
from dangqun.voices.smart import STOPWORDS, normalize

jieba.setLogLevel(logging.WARNING)

VERSION = 1
MAX_CHARS = 1000  # of a voice's content: its opening says what it is about; 50,000 would not
BREAK = "|"
STOPWORDS_FILE = Path(__file__).with_name("data") / "topic_stopwords.txt"
FILL_BATCH = 2000
FILL_MARK = "voices:topic-words:mark"  # the last voice the periodic task reached


def read_words(path: Path) -> frozenset[str]:
    """The words of a word-list file: separated by white space, ``#`` starts a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines for word in line.split("#", 1)[0].split())


TOPIC_STOPWORDS = STOPWORDS | read_words(STOPWORDS_FILE)
_WORD = re.compile(r"\w")
_DIGITS = re.compile(r"^[\d.]+$")
# jieba.analyse's IDF table (it ships inside the package): how rare a word is in general Chinese
_IDF = jieba.analyse.default_tfidf.idf_freq
_MEDIAN_IDF = jieba.analyse.default_tfidf.median_idf


def segment(title: str, content: str) -> str:
    """The stored form of a voice's words (see the module's docstring)."""
    text = normalize(f"{title}\n{content[:MAX_CHARS]}") if (title or content) else ""
    out: list[str] = []
    singles = 0
    for token in jieba.cut(text):
        if not _WORD.search(token) or _DIGITS.match(token):
            singles = 2  # punctuation, space or a number: a clause break
            continue
        if len(token) == 1:
            singles += 1
            continue
        if singles >= 2 and out and out[-1] != BREAK:
            out.append(BREAK)
        singles = 0
        out.append(token)
    return " ".join(out)


def terms(stored: str) -> set[str]:
    """The distinct terms of a stored row: its words less the stop list, and each two such words
    next to each other as a phrase (``"食堂 饭菜"``, shown as 食堂饭菜). A stop word breaks a
    phrase."""
    found: set[str] = set()
    previous = None
    for word in stored.split():
        if word == BREAK or word in TOPIC_STOPWORDS:
            previous = None
            continue
        found.add(word)
        if previous is not None and previous != word:
            found.add(f"{previous} {word}")
        previous = word
    return found


def general_weight(term: str) -> float:
    """How much a term says in general Chinese (jieba's IDF; a phrase the mean of its words', a
    little more): a word found in most texts anywhere (情况, 没有) weighs less in a topic."""
    parts = term.split()
    weight = sum(_IDF.get(part, _MEDIAN_IDF) for part in parts) / len(parts)
    return weight * (1.2 if len(parts) > 1 else 1.0) / _MEDIAN_IDF


def display(term: str) -> str:
    return term.replace(" ", "")


def words_of(ids: Iterable[int]) -> dict[int, str]:
    """The stored words of the voices ``ids`` (as many as a topic samples), segmenting and storing
    those that have none yet: two queries when all are stored, three or four otherwise."""
    ids = list(ids)
    found = _stored(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        found.update(store(Voice.objects.filter(pk__in=missing)))
    return found


def _stored(ids: list[int]) -> dict[int, str]:
    if connection.vendor == "postgresql":
        # one array parameter: 4,000 placeholders cost psycopg and Django ~0.2 s to prepare
        table = TopicWords._meta.db_table  # the model's own name, not input
        sql = f"SELECT voice_id, words FROM {table} WHERE version = %s AND voice_id = ANY(%s)"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [VERSION, ids])
            return dict(cursor.fetchall())
    rows = TopicWords.objects.filter(voice_id__in=ids, version=VERSION)
    return dict(rows.values_list("voice_id", "words"))


def store(voices) -> dict[int, str]:
    """Segment and store the words of ``voices`` (a queryset); returns them by voice id."""
    rows = {
        pk: segment(title, content)
        for pk, title, content in voices.values_list("pk", "title", "content").iterator(
            chunk_size=FILL_BATCH
        )
    }
    if rows:
        TopicWords.objects.filter(voice_id__in=list(rows)).exclude(version=VERSION).delete()
        TopicWords.objects.bulk_create(
            [TopicWords(voice_id=pk, words=words, version=VERSION) for pk, words in rows.items()],
            batch_size=FILL_BATCH,
            ignore_conflicts=True,  # a concurrent request stored the same voice's words
        )
    return rows


def fill_new(limit: int = FILL_BATCH * 2) -> int:
    """Segment the voices added since the last run that have no words yet (at most ``limit``,
    oldest first; the last voice reached is kept in the cache): the periodic task, so topics find
    new voices' words ready. Returns how many were stored."""
    mark = cache.get(FILL_MARK, 0)
    ids = list(
        Voice.objects.filter(pk__gt=mark, topic_words__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    stored = store(Voice.objects.filter(pk__in=ids))
    cache.set(FILL_MARK, ids[-1], None)
    return len(stored)


def fill_all(batch: int = FILL_BATCH) -> int:
    """Segment every voice that has no words yet (the command ``index_voice_topics``)."""
    done, last = 0, 0
    while True:
        ids = list(
            Voice.objects.filter(pk__gt=last, topic_words__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        done += len(store(Voice.objects.filter(pk__in=ids)))
        last = ids[-1]
