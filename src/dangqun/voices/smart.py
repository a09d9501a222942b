"""Smart help for 群众呼声, offline on a CPU: near duplicates (合并重复). The category suggestion
lives in ``classifier.py`` (its choices and measurements are in its docstring), hot topics in
``topics.py`` (decisions/0023). Nothing is downloaded at run time.

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
"""

import datetime
import logging
import re

import numpy as np
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer

from dangqun.voices.models import Voice

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
