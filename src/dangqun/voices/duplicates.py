"""Near duplicates across all of history (decision 0022): a MinHash/LSH index over a voice's
character bigrams finds candidates among millions of voices in milliseconds, and the cosine of
``similarities`` (decision 0010's measure and threshold) decides which of them are shown.

- Shingles: the character bigrams the cosine uses (``char_wb``: each word of the stop-word-free
  text padded with a space), each coded exactly as two code points, as a set.
- Signature: ``BANDS × ROWS`` minima of multiply-shift hashes of the mixed codes; each band of
  ``ROWS`` minima hashes to a 32-bit key stored as a ``VoiceBand`` row (btree on key, voice).
  Two texts whose bigram sets have Jaccard similarity s share a band with probability
  1 − (1 − s³)²⁰: 0.93 at s = 0.5, 0.99 at 0.6, 0.9998 at 0.7, 0.15 at 0.2.
- Candidates: per band key the newest ``PER_KEY`` voices holding it (an index range each, so a
  text thousands of voices repeat costs no more), ranked by the number of bands shared; the best
  ``CANDIDATES`` that the caller's queryset lets through are re-scored by cosine.
- Kept in step by ``index_voices`` after a voice is saved (intake's task, edits, the importer's
  bulk writes) and rebuilt in batches by ``dangqun index_voice_duplicates``.
"""

from __future__ import annotations

import datetime
import itertools
import re

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer

from dangqun.voices.models import Voice, VoiceBand
from dangqun.voices.smart import STOPWORDS, normalize, voice_text

DUPLICATE_THRESHOLD = 0.45  # cosine; measured in decision 0010
BANDS, ROWS = 20, 3
PER_KEY = 1000  # newest voices read per band key
CANDIDATES = 100  # re-scored by cosine
FIELDS = ("id", "title", "content", "submitted_at")  # what a candidate reads (plus extra)

_STOP = re.compile("|".join(sorted(STOPWORDS, key=len, reverse=True)))
_RANDOM = np.random.default_rng(20261204)
_ODD = np.uint64(1)
_MULTIPLIERS = _RANDOM.integers(0, 2**63, BANDS * ROWS, dtype=np.uint64) * np.uint64(2) + _ODD
_OFFSETS = _RANDOM.integers(0, 2**63, BANDS * ROWS, dtype=np.uint64)
_BAND_SALT = _RANDOM.integers(0, 2**63, (BANDS, ROWS), dtype=np.uint64) * np.uint64(2) + _ODD


def content_only(text: str) -> str:
    """The text the cosine compares: normalised, stop words removed."""
    return _STOP.sub(" ", normalize(text))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingles(text: str) -> np.ndarray:
    """The distinct ``char_wb`` bigrams of ``text`` as uint64 codes (code point << 21 | next)."""
    codes = set()
    for word in content_only(text).split():
        padded = f" {word} "
        codes.update((ord(a) << 21) | ord(b) for a, b in itertools.pairwise(padded))
    return np.fromiter(codes, dtype=np.uint64, count=len(codes))


def band_keys(text: str) -> list[int]:
    """The ``BANDS`` signed 32-bit band keys of ``text``; empty when it has no bigram."""
    codes = shingles(text)
    if not codes.size:
        return []
    with np.errstate(over="ignore"):
        hashed = _mix(codes)[:, None] * _MULTIPLIERS[None, :] + _OFFSETS[None, :]
        minima = (hashed >> np.uint64(32)).min(axis=0).reshape(BANDS, ROWS)
        combined = (minima * _BAND_SALT).sum(axis=1) + np.arange(BANDS, dtype=np.uint64)
        keys = (_mix(combined) >> np.uint64(32)).astype(np.uint32).view(np.int32)
    return [int(k) for k in keys]


def similarities(text: str, others: list[str]) -> np.ndarray:
    """Cosine similarity of ``text`` to each of ``others``: sublinear-tf char bigrams, stopwords
    removed. No IDF, so a score does not depend on which other voices happen to be candidates."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 2),
        preprocessor=content_only,
        use_idf=False,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([text, *others])
    except ValueError:  # not a single bigram anywhere
        return np.zeros(len(others))
    return (matrix[1:] @ matrix[0].T).toarray().ravel()


_CANDIDATES_SQL = """
SELECT c.voice_id FROM unnest(%s::integer[]) AS k(key)
CROSS JOIN LATERAL (
    SELECT b.voice_id FROM voices_voiceband b
    WHERE b.key = k.key AND b.voice_id <> %s ORDER BY b.voice_id DESC LIMIT %s
) c
GROUP BY c.voice_id ORDER BY count(*) DESC, c.voice_id DESC LIMIT %s
"""


def candidate_ids(keys: list[int], *, exclude: int | None = None) -> list[int]:
    """Ids of the voices sharing the most band keys with ``keys`` (best first), at most
    ``CANDIDATES``; of each key only the newest ``PER_KEY`` holders are read."""
    if not keys:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CANDIDATES_SQL, [keys, exclude or 0, PER_KEY, CANDIDATES])
            return [row[0] for row in cursor.fetchall()]
    rows = VoiceBand.objects.filter(key__in=keys).exclude(voice_id=exclude or 0)
    counts: dict[int, int] = {}
    for voice_id in rows.values_list("voice_id", flat=True):
        counts[voice_id] = counts.get(voice_id, 0) + 1
    ranked = sorted(counts, key=lambda pk: (-counts[pk], -pk))
    return ranked[:CANDIDATES]


def near_duplicates(
    text: str, *, queryset, exclude: int | None = None, limit: int = 5, extra: tuple = ()
) -> list[tuple[Voice, float]]:
    """Voices of ``queryset``, from all of history, that say much the same as ``text``, most
    similar first, with their cosine similarity (≥ ``DUPLICATE_THRESHOLD``).

    The caller scopes ``queryset`` (what the user may see, not merged…). Two queries: the index,
    then the candidates it lets through, reading ``FIELDS`` and ``extra`` only.
    """
    ids = candidate_ids(band_keys(text), exclude=exclude)
    if not ids:
        return []
    candidates = list(
        queryset.filter(pk__in=ids).select_related(None).only(*FIELDS, *extra).order_by("-pk")
    )
    if not candidates:
        return []
    scores = similarities(text, [voice_text(v.title, v.content) for v in candidates])
    order = np.argsort(-scores, kind="stable")[:limit]
    return [
        (candidates[i], round(float(scores[i]), 4))
        for i in order
        if scores[i] >= DUPLICATE_THRESHOLD
    ]


# ---- keeping the index -----------------------------------------------------------------------

INDEX_BATCH = 2000


def band_rows(voice_id: int, title: str, content: str) -> list[VoiceBand]:
    return [
        VoiceBand(voice_id=voice_id, band=band, key=key)
        for band, key in enumerate(band_keys(voice_text(title, content)))
    ]


def index_voices(ids) -> int:
    """(Re)write the band rows of the voices ``ids`` from their current title and content; ids
    of voices that are gone are skipped. Batched: the importer's bulk writes call it with
    thousands. Returns the number of voices indexed."""
    ids = sorted(set(ids))
    done = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = ids[start : start + INDEX_BATCH]
        texts = Voice.objects.filter(pk__in=chunk).values_list("pk", "title", "content")
        rows = [row for pk, title, content in texts for row in band_rows(pk, title, content)]
        with transaction.atomic():
            VoiceBand.objects.filter(voice_id__in=chunk).delete()
            insert_bands(rows)
        done += len(texts)
    return done


def insert_bands(rows: list[VoiceBand]) -> None:
    """Write band rows: COPY on PostgreSQL (no ids to fetch: the key is composite)."""
    if connection.vendor != "postgresql":
        VoiceBand.objects.bulk_create(rows, batch_size=500)
        return
    if not rows:
        return
    sql = "COPY voices_voiceband (voice_id, band, key) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((row.voice_id, row.band, row.key))


INDEX_LOCK = 0x766F6963  # PostgreSQL advisory lock: one catch-up indexer at a time


def index_missing(days: int = 2) -> int:
    """Index the voices of the last ``days`` that have no band rows (and some text): read from
    the submission-time index, each probed in the band index's primary key. Two runs at once
    (two consumers, or the nightly catch-up meeting a batch) take turns, so the second finds
    the first's voices indexed instead of writing their rows twice."""
    since = timezone.now() - datetime.timedelta(days=days)
    banded = VoiceBand.objects.filter(voice_id=OuterRef("pk"), band=0)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK])
        ids = (
            Voice.objects.filter(submitted_at__gte=since)
            .exclude(Exists(banded))
            .values_list("pk", flat=True)
        )
        return index_voices(list(ids))


def rebuild(*, batch: int = 5000, progress=None) -> int:
    """Index every voice, ``batch`` at a time in id order (a run can be repeated: each batch
    replaces its voices' rows). Returns the number of voices indexed."""
    done, last = 0, 0
    while True:
        ids = list(
            Voice.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        done += index_voices(ids)
        last = ids[-1]
        if progress:
            progress(done)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE voices_voiceband")
    return done
