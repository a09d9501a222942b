"""Hot topics of 群众呼声 for any period and scope: what the voices are about, as clusters of voices
that share phrases, each with its label phrases, how many voices it holds, its trend against the
previous period of equal length and a representative voice (decisions/0023).

- Which voices: ``topic_voices(scope, start, end)`` — the one place that says so.
- Words: ``topic_words`` (jieba, stored once per voice; the stop list as data; two-word phrases).
- A period of tens of thousands of voices is read as an evenly spread sample of at most
  ``SAMPLE`` voices (in submission order, every n-th), and each cluster's count is its
  share of the sample times the period's count, marked approximate. Within ``SAMPLE`` the counts
  are exact.
- Terms: words and phrases in at least ``MIN_DF`` sampled voices and, from ``COMMON_MIN_VOICES``
  voices on, in no more than ``COMMON_SHARE`` of them (what every voice says is no topic),
  weighted by how rare they are in the period and in general Chinese (jieba.analyse's IDF).
- Clusters: k-means on those weights (k up to ``MAX_CLUSTERS``), then clusters with the same
  leading term or alike centres merged (``MERGE_SIMILARITY``); the representative voice is the
  one nearest the cluster's centre.
- Trend: the previous period's sample is put in the nearest cluster when it is about as close as
  the cluster's own voices; 新 when none was, 上升/下降 beyond ``TREND_CHANGE``, else 持平.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter

import numpy as np
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from scipy import sparse
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from dangqun.voices import topic_words
from dangqun.voices.models import Voice
from dangqun.voices.periods import Window

SAMPLE = 2000  # voices read per period, whatever its length
MAX_CLUSTERS = 24  # k-means' clusters before those about one thing are merged
MERGE_SIMILARITY = 0.5
SHOWN = 10
MIN_DF = 2
COMMON_SHARE = 0.5
COMMON_MIN_VOICES = 20
MAX_TERMS = 5000
LABEL_TERMS = 3
MIN_SIMILARITY = 0.2  # a previous voice this far from every cluster belongs to none
TREND_CHANGE = 0.2  # ±20 % is 上升 / 下降; within it 持平
UP, DOWN, FLAT, NEW = "up", "down", "flat", "new"
TREND_LABELS = {UP: "上升", DOWN: "下降", FLAT: "持平", NEW: "新出现"}


@dataclasses.dataclass(frozen=True)
class Topic:
    terms: tuple[str, ...]  # label terms, a phrase's words separated by a space
    voices: int
    previous: int
    trend: str
    representative_id: int
    representative_title: str

    @property
    def label(self) -> str:
        return "、".join(topic_words.display(term) for term in self.terms)

    @property
    def search(self) -> str:
        """What the inbox's search looks for: the leading term (every word of a phrase)."""
        return self.terms[0]

    @property
    def trend_label(self) -> str:
        return TREND_LABELS[self.trend]


@dataclasses.dataclass(frozen=True)
class HotTopics:
    window: Window
    previous_window: Window
    total: int  # voices in the period
    previous_total: int
    read: int  # voices of the period read (the sample)
    topics: list[Topic]

    @property
    def sampled(self) -> bool:
        """Whether counts are estimated from a sample of the period's voices."""
        return self.read < self.total


def topic_voices(scope: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """The voices hot topics read: those of ``scope`` (voices a viewer may see, perhaps narrowed to
    an organisation) submitted on ``start`` up to ``end`` (excluded), local dates."""
    return scope.filter(submitted_at__gte=_aware(start), submitted_at__lt=_aware(end))


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


def sample_ids(voices: QuerySet, window: Window, size: int = SAMPLE) -> tuple[list, list]:
    """For ``window`` and the period before it: at most ``size`` ids of ``voices`` each, spread
    evenly in submission order, and how many there are. One query reading ids only."""
    before = window.previous()
    rows = (
        topic_voices(voices, before.start, window.end)
        .order_by("submitted_at")  # the order of the index the ids are read from
        .values_list(
            "pk", ExpressionWrapper(Q(submitted_at__gte=_aware(window.start)), BooleanField())
        )
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:  # plain rows: 150,000 through the ORM took 0.2 s more
        cursor.execute(sql, params)
        found = cursor.fetchall()
    now = [pk for pk, current in found if current]
    then = [pk for pk, current in found if not current]
    return [_even(ids, size) for ids in (now, then)], [len(now), len(then)]


def _even(ids: list[int], size: int) -> list[int]:
    total = len(ids)
    return ids if total <= size else [ids[i * total // size] for i in range(size)]


def hot_topics(scope: QuerySet, window: Window, *, size: int = SAMPLE) -> HotTopics:
    """The hot topics of ``scope``'s voices in ``window``, most voices first, with the trend
    against the previous period of equal length. Three queries when the sampled voices' words
    are stored (ids, words, the representatives' titles), more to store missing ones."""
    before = window.previous()
    (ids, old_ids), (total, old_total) = sample_ids(scope, window, size)
    words = topic_words.words_of([*ids, *old_ids])
    docs = [topic_words.terms(words.get(pk, "")) for pk in ids]
    old_docs = [topic_words.terms(words.get(pk, "")) for pk in old_ids]
    clusters = _clusters(docs)
    shown = clusters[:SHOWN]
    titles = dict(
        Voice.objects.filter(pk__in=[ids[c.representative] for c in shown]).values_list(
            "pk", "title"
        )
    )
    previous = _previous_counts(clusters, old_docs)[:SHOWN]
    topics = []
    for cluster, before_n in zip(shown, previous, strict=True):
        count = _scaled(len(cluster.members), len(ids), total)
        earlier = _scaled(before_n, len(old_ids), old_total)
        topics.append(
            Topic(
                terms=cluster.terms,
                voices=count,
                previous=earlier,
                trend=trend(count, earlier),
                representative_id=ids[cluster.representative],
                representative_title=titles.get(ids[cluster.representative], ""),
            )
        )
    return HotTopics(window, before, total, old_total, len(ids), topics)


def _scaled(part: int, sampled: int, total: int) -> int:
    return round(part * total / sampled) if sampled else 0


def trend(count: int, previous: int) -> str:
    if previous == 0:
        return NEW
    if count >= previous * (1 + TREND_CHANGE):
        return UP
    if count <= previous * (1 - TREND_CHANGE):
        return DOWN
    return FLAT


@dataclasses.dataclass
class _Cluster:
    members: list[int]  # indexes into the period's sample
    terms: tuple[str, ...]
    representative: int
    centre: np.ndarray
    threshold: float
    vocabulary: dict = dataclasses.field(repr=False, default_factory=dict)
    weights: np.ndarray | None = dataclasses.field(repr=False, default=None)


def _vocabulary(docs: list[set[str]]) -> tuple[dict[str, int], np.ndarray]:
    """The terms worth clustering on and their weights (period IDF × general IDF)."""
    n = len(docs)
    df = Counter(term for doc in docs for term in doc)
    common = n * COMMON_SHARE if n >= COMMON_MIN_VOICES else math.inf
    kept = [t for t, f in df.items() if f >= min(MIN_DF, n) and f <= common]
    kept = sorted(kept, key=lambda t: (-df[t], t))[:MAX_TERMS]
    vocabulary = {term: i for i, term in enumerate(kept)}
    weights = np.array(
        [(math.log((1 + n) / (1 + df[t])) + 1) * topic_words.general_weight(t) for t in kept]
    )
    return vocabulary, weights


def _matrix(docs: list[set[str]], vocabulary: dict[str, int], weights) -> sparse.csr_matrix:
    """Rows of weighted terms, each of unit length (or zero: no term of the vocabulary)."""
    rows: list[int] = []
    cols: list[int] = []
    for i, doc in enumerate(docs):
        found = [vocabulary[term] for term in doc if term in vocabulary]
        cols.extend(found)
        rows.extend([i] * len(found))
    values = weights[cols] if cols else np.zeros(0)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(docs), len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ matrix)


def _clusters(docs: list[set[str]]) -> list[_Cluster]:
    """The sample's clusters, largest first."""
    vocabulary, weights = _vocabulary(docs)
    if not vocabulary:
        return []
    matrix = _matrix(docs, vocabulary, weights)
    rows = np.flatnonzero(matrix.getnnz(axis=1))
    if not len(rows):
        return []
    distinct = {frozenset(term for term in docs[i] if term in vocabulary) for i in rows}
    k = min(MAX_CLUSTERS, len(distinct))
    # one thread: on a busy server OpenMP's threads wait for each other (3× slower measured)
    with threadpool_limits(1):
        kmeans = KMeans(n_clusters=k, n_init=1, max_iter=60, tol=1e-3, random_state=0)
        labels = kmeans.fit_predict(matrix[rows])
    terms = np.array(list(vocabulary))
    groups = _merged([rows[labels == c].tolist() for c in range(k)], matrix, terms)
    least = 2 if len(docs) >= 50 else 1
    clusters = []
    for members in groups:
        if len(members) < least:
            continue
        centre = _centre(matrix, members)
        closeness = np.asarray(matrix[members] @ centre).ravel()
        clusters.append(
            _Cluster(
                members=members,
                terms=_label(centre, terms),
                representative=members[int(closeness.argmax())],
                centre=centre,
                threshold=max(MIN_SIMILARITY, float(np.percentile(closeness, 10))),
                vocabulary=vocabulary,
                weights=weights,
            )
        )
    return sorted(clusters, key=lambda c: (-len(c.members), c.terms))


def _merged(groups: list[list[int]], matrix, terms) -> list[list[int]]:
    """k-means' clusters, those about one thing made one: the same leading term, or centres at
    least ``MERGE_SIMILARITY`` alike (k-means is run with more clusters than are shown)."""
    groups = [g for g in groups if g]
    while len(groups) > 1:
        centres = np.vstack([_centre(matrix, g) for g in groups])
        alike = centres @ centres.T
        np.fill_diagonal(alike, -1)
        leads = [_label(c, terms)[:1] for c in centres]
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                if leads[a] == leads[b]:
                    alike[a, b] = alike[b, a] = 2
        a, b = np.unravel_index(int(alike.argmax()), alike.shape)
        if alike[a, b] < MERGE_SIMILARITY:
            break
        groups[a] = groups[a] + groups[b]
        del groups[b]
    return groups


def _centre(matrix, members: list[int]) -> np.ndarray:
    centre = np.asarray(matrix[members].mean(axis=0)).ravel()
    norm = np.linalg.norm(centre)
    return centre / norm if norm else centre


def _label(centre: np.ndarray, terms: np.ndarray) -> tuple[str, ...]:
    """The centre's heaviest terms, a phrase in place of its own words, and none that another
    already chosen holds (宿舍热水 beside 宿舍热水器)."""
    chosen: list[str] = []
    for j in np.argsort(-centre, kind="stable")[: LABEL_TERMS * 4]:
        if centre[j] <= 0 or len(chosen) == LABEL_TERMS:
            break
        term = str(terms[j])
        shown = topic_words.display(term)
        if any(shown in topic_words.display(c) for c in chosen):
            continue
        chosen = [c for c in chosen if topic_words.display(c) not in shown]
        chosen.append(term)
    return tuple(chosen)


def _previous_counts(clusters: list[_Cluster], old_docs: list[set[str]]) -> list[int]:
    """How many of the previous period's sampled voices each cluster would hold."""
    if not clusters or not old_docs:
        return [0] * len(clusters)
    matrix = _matrix(old_docs, clusters[0].vocabulary, clusters[0].weights)
    closeness = np.asarray(matrix @ np.vstack([c.centre for c in clusters]).T)
    nearest = closeness.argmax(axis=1)
    best = closeness[np.arange(len(old_docs)), nearest]
    thresholds = np.array([c.threshold for c in clusters])
    held = best >= thresholds[nearest]
    return [int(np.sum(held & (nearest == i))) for i in range(len(clusters))]


def text_topics(texts: list[str], *, least: int = 2, limit: int = 6) -> list[tuple[str, int]]:
    """Topics of short free texts that are not voices (a survey's answers, issue #18): the same
    words and clustering as hot topics; each topic's label and how many texts it holds, only
    topics held by at least ``least`` texts."""
    docs = [topic_words.terms(topic_words.segment("", text)) for text in texts[:SAMPLE]]
    found = []
    for cluster in _clusters(docs):
        if len(cluster.members) >= least:
            label = "、".join(topic_words.display(t) for t in cluster.terms)
            found.append((label, len(cluster.members)))
    return found[:limit]
