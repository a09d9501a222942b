"""Smart help for 群众呼声, offline on a CPU: near duplicates (合并重复) and a month's hot topics.
The category suggestion lives in ``classifier.py`` (its choices and measurements are in its
docstring). Nothing is downloaded at run time: scikit-learn for the models, jieba (its dictionary
ships inside the package) for keywords.

Choices, and what they were measured on (synthetic voices made from templates with shared phrasing;
no real history was available):

- Text of a voice = title + newline + content, lower-cased, runs of non-word characters → a space.
- Near duplicates: cosine of sublinear-tf character bigrams, stopwords removed, no IDF (with an
  IDF fitted on the candidates a score depended on how many there were: paraphrases scored
  0.30–0.52 among 2 candidates, 0.44–0.61 among 300). Threshold ``DUPLICATE_THRESHOLD`` = 0.45:
  paraphrases of one matter scored 0.57–0.77, other matters of the same category ≤ 0.29; among
  1,000 synthetic voices, pairs of different categories: 99.9th percentile 0.33, 0.002 % ≥ 0.45.
  At most the newest ``DUPLICATE_CANDIDATES`` (2,000) voices of the window are read. A suggestion
  for a person to confirm, never a merge by itself.
- Hot topics: jieba (precise mode) words of ≥ 2 characters less ``STOPWORDS``, the function,
  greeting and form words of ``data/topic_stopwords.txt`` (its comment says where they come from)
  and numbers, each counted once per voice; a word in more than half of a month's voices (of 20 or
  more) is dropped as what every voice says.
"""

import datetime
import logging
import re
from collections import Counter
from pathlib import Path

import jieba
import numpy as np
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer

from dangqun.voices.models import Voice

jieba.setLogLevel(logging.WARNING)
log = logging.getLogger(__name__)

DUPLICATE_THRESHOLD = 0.45
DUPLICATE_CANDIDATES = 2000
_STOPWORDS = """
    的 了 希望 建议 问题 我们 公司 能否 一下 反映 是否 没有 一个 现在 目前 领导 相关 部门 单位
    大家 员工 职工 同事 情况 进行 解决 增加 加强 提高 及时 谢谢 请问 可以 这个 那个 还是 已经
    因为 所以 但是 如果 非常 比较 有些 一些 时候 什么 怎么 为什么 能不能 是不是 尽快 处理 关注
    重视 改进 答复 回复 你好 您好 本人 自己 他们 存在 出现 需要 应该 最近 经常 一直 不能 不是
    就是 还有 而且 以及 或者 这样 一样
"""
STOPWORDS = frozenset(_STOPWORDS.split())
TOPIC_STOPWORDS_FILE = Path(__file__).with_name("data") / "topic_stopwords.txt"
# A word in more than this share of a month's voices is what every voice says, not a topic; only
# judged on at least COMMON_MIN_VOICES voices (among 3 voices about the canteen, 食堂 is the topic).
COMMON_SHARE = 0.5
COMMON_MIN_VOICES = 20


def read_words(path: Path) -> frozenset[str]:
    """The words of a word-list file: separated by white space, ``#`` starts a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines for word in line.split("#", 1)[0].split())


TOPIC_STOPWORDS = STOPWORDS | read_words(TOPIC_STOPWORDS_FILE)
_NON_WORD = re.compile(r"[\W_]+")
_STOP = re.compile("|".join(sorted(STOPWORDS, key=len, reverse=True)))


def normalize(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def voice_text(title: str, content: str) -> str:
    return f"{title}\n{content}"


# ---- near duplicates -------------------------------------------------------------------------


def near_duplicates(text, *, queryset, days=30, now=None, limit=5) -> list[tuple[Voice, float]]:
    """Voices of ``queryset`` submitted in the ``days`` before ``now`` that say much the same as
    ``text``, most similar first, with the cosine similarity (≥ ``DUPLICATE_THRESHOLD``).

    The caller scopes ``queryset`` (same handling unit, not merged, not the voice itself…). Only the
    newest ``DUPLICATE_CANDIDATES`` of the window are read, with ``id, title, content,
    submitted_at`` only: reading any other field of a returned voice costs a query.
    """
    if not normalize(text):
        return []
    now = now or timezone.now()
    window = queryset.filter(
        submitted_at__gte=now - datetime.timedelta(days=days), submitted_at__lte=now
    )
    candidates = list(
        window.select_related(None)
        .only("id", "title", "content", "submitted_at")
        .order_by("-submitted_at", "-id")[:DUPLICATE_CANDIDATES]
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


def _content_only(text: str) -> str:
    return _STOP.sub(" ", normalize(text))


def similarities(text: str, others: list[str]) -> np.ndarray:
    """Cosine similarity of ``text`` to each of ``others``: sublinear-tf char bigrams, stopwords
    removed. No IDF, so a score does not depend on which other voices happen to be candidates."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 2),
        preprocessor=_content_only,
        use_idf=False,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([text, *others])
    except ValueError:  # not a single bigram anywhere
        return np.zeros(len(others))
    return (matrix[1:] @ matrix[0].T).toarray().ravel()


# ---- category classifier: moved to voices/classifier.py ---------------------------------------

_MOVED = frozenset(
    [
        "Report",
        "Suggestion",
        "NotEnoughData",
        "TRAINING_STATUSES",
        "MODEL_FORMAT",
        "MAX_FEATURES",
        "train_on",
        "train",
        "model_path",
        "save_model",
        "load_model",
        "model_info",
        "suggest_category",
    ]
)


def __getattr__(name: str):
    """``smart.train`` and the other names of the category model, for callers not yet moved."""
    if name in _MOVED:
        # import here: a real cycle (classifier reads normalize and voice_text from this module)
        from dangqun.voices import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- hot topics ------------------------------------------------------------------------------


def keywords(text: str) -> set[str]:
    """The distinct jieba words of ``text`` worth counting: ≥ 2 characters, not numbers, not in
    ``TOPIC_STOPWORDS`` (``data/topic_stopwords.txt`` and ``STOPWORDS``)."""
    return {
        word
        for word in jieba.lcut(normalize(text))
        if len(word) >= 2
        and word not in TOPIC_STOPWORDS
        and not word.isspace()
        and not word.isdigit()
    }


HOT_TOPIC_VOICES = 5000  # a month's newest voices read for its topics: ~1 s, not a minute


def hot_topics(
    queryset, *, month: datetime.date, top=10, limit=HOT_TOPIC_VOICES
) -> list[tuple[str, int]]:
    """The ``top`` keywords of the voices submitted in ``month`` (local calendar month) and in how
    many voices each occurs, most frequent first (ties alphabetically). A month of a whole group
    holds tens of thousands of voices: its newest ``limit`` are read (counts are of those). A
    word in more than ``COMMON_SHARE`` of them (when there are ``COMMON_MIN_VOICES`` or more)
    is what every voice says and is left out."""
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
    following = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    end = timezone.make_aware(datetime.datetime(following.year, following.month, 1))
    rows = queryset.filter(submitted_at__gte=start, submitted_at__lt=end).values_list(
        "title", "content"
    )
    mentions, read = Counter(), 0
    for title, content in rows.order_by("-submitted_at")[:limit].iterator(chunk_size=2000):
        mentions.update(keywords(voice_text(title, content)))
        read += 1
    if read >= COMMON_MIN_VOICES:
        mentions = Counter({w: n for w, n in mentions.items() if n <= read * COMMON_SHARE})
    return sorted(mentions.items(), key=lambda item: (-item[1], item[0]))[:top]
