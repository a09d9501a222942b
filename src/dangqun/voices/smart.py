"""Smart help for 群众呼声, offline on a CPU: near duplicates (合并重复), a category suggestion learned
from the organisation's own handled voices, and a month's hot topics. Nothing is downloaded at run
time: scikit-learn for the models, jieba (its dictionary ships inside the package) for keywords.

Choices, and what they were measured on (synthetic voices made from templates with shared phrasing;
no real history was available, so re-measure with ``train_voice_model`` on real data):

- Text of a voice = title + newline + content, lower-cased, runs of non-word characters → a space.
- Category features: TF-IDF (sublinear tf) of character 1–2 grams within words (``char_wb``), the
  ``MAX_FEATURES`` most frequent seen at least twice. On 10,000 voices of 8 categories, 5-fold CV
  was 1.00 for char n-grams and jieba words alike; on 3,000 held-out voices whose subject and issue
  words never occur in training (饭堂 for 食堂, 漏打卡…) char 1–2 grams scored 0.989 accuracy
  (macro-F1 0.989), jieba words 0.916 (0.915): characters carry over to unseen compounds, need no
  segmentation and vectorise faster.
- Category model: ``SGDClassifier(loss="log_loss", alpha=1e-6)`` (one-vs-rest logistic
  regression; its normalised probabilities are the confidence). Against multinomial
  ``LogisticRegression(C=4)`` on 20,000 noisy voices of 30 categories: accuracy 0.878 vs 0.870, log
  loss 0.57 vs 1.23, and 10× faster (LogisticRegression would need ~10 minutes for 100,000).
  Cross-validation fits IDF and model on the training folds only; the count vocabulary is built
  once over all texts (it sees no labels, and n-grams seen only in a test fold get no weight).
- Retraining time: see ``train_on``.
- Near duplicates live in ``duplicates.py`` (decision 0022): candidates from a MinHash index over
  all of history, re-scored by the cosine of sublinear-tf character bigrams, stopwords removed, no
  IDF (with an IDF fitted on the candidates a score depended on how many there were: paraphrases
  scored 0.30–0.52 among 2 candidates, 0.44–0.61 among 300). Threshold 0.45: paraphrases of one
  matter scored 0.57–0.77, other matters of the same category ≤ 0.29; among 1,000 synthetic
  voices, pairs of different categories: 99.9th percentile 0.33, 0.002 % ≥ 0.45. A suggestion for
  a person to confirm, never a merge by itself.
- Hot topics: jieba (precise mode) words of ≥ 2 characters less ``STOPWORDS``, the function,
  greeting and form words of ``data/topic_stopwords.txt`` (its comment says where they come from)
  and numbers, each counted once per voice; a word in more than half of a month's voices (of 20 or
  more) is dropped as what every voice says.
"""

import datetime
import logging
import os
import re
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import jieba
import joblib
import numpy as np
import sklearn
from django.conf import settings
from django.utils import timezone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline

from dangqun.voices.models import Category, Status, Voice

jieba.setLogLevel(logging.WARNING)
log = logging.getLogger(__name__)

# An admin confirmed the category when the voice was assigned; later steps keep it.
TRAINING_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)
MODEL_FORMAT = 1
MAX_FEATURES = 100_000  # the most frequent n-grams; more gained nothing at 100k voices
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


def normalize(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def voice_text(title: str, content: str) -> str:
    return f"{title}\n{content}"


# ---- category classifier ---------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    samples: int  # voices the model learned from (skipped categories excluded)
    categories: int
    accuracy: float  # stratified k-fold cross-validated
    macro_f1: float
    skipped: dict  # category (id from train_on, display name from train) → its few examples
    seconds: float


@dataclass(frozen=True)
class Suggestion:
    category: Category
    confidence: float  # the model's probability, in (0, 1]


class NotEnoughData(Exception):
    """Fewer than two categories have enough confirmed examples to learn from."""


def _counts() -> CountVectorizer:
    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 2),
        preprocessor=normalize,
        min_df=2,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )


def _learner() -> Pipeline:
    return Pipeline(
        [
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ("model", SGDClassifier(loss="log_loss", alpha=1e-6, random_state=0)),
        ]
    )


def train_on(texts: list[str], labels: list, folds: int = 5) -> tuple[Report, Pipeline]:
    """Cross-validate, then fit on everything; the pure core of ``train``.

    Labels with fewer than ``folds`` examples are left out (and reported). Raises ``NotEnoughData``
    when fewer than two labels remain.
    Measured on this 2-core machine (one core is used), 100,000 voices in 30 categories, 5 folds:
    ~70 characters each 95 s in all (peak memory 0.8 GB), ~130 characters each 214 s (1.2 GB);
    model file 12 MB. Time grows with text length and folds (about 1/6 of it per fit, 1/6 to
    count n-grams); ``folds=3`` cuts a third.
    """
    if folds < 2:
        raise ValueError("folds must be at least 2")
    start = time.perf_counter()
    sizes = Counter(labels)
    skipped = {label: n for label, n in sizes.items() if n < folds}
    if len(sizes) - len(skipped) < 2:
        raise NotEnoughData(
            f"可用于训练的类别不足：至少需要 2 个类别各有不少于 {folds} 条已确认类别的呼声，"
            f"目前只有 {len(sizes) - len(skipped)} 个。"
        )
    kept = [i for i, label in enumerate(labels) if label not in skipped]
    y = np.asarray([labels[i] for i in kept])
    counts = _counts()
    x = counts.fit_transform(texts[i] for i in kept)
    scores = cross_validate(
        _learner(),
        x,
        y,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0),
        scoring=("accuracy", "f1_macro"),
    )
    learner = _learner().fit(x, y)
    pipeline = Pipeline([("counts", counts), *learner.steps])
    report = Report(
        samples=len(y),
        categories=len(sizes) - len(skipped),
        accuracy=round(float(scores["test_accuracy"].mean()), 4),
        macro_f1=round(float(scores["test_f1_macro"].mean()), 4),
        skipped=skipped,
        seconds=round(time.perf_counter() - start, 2),
    )
    return report, pipeline


def train(queryset=None, *, folds=5, limit=None) -> Report:
    """Learn the categories admins confirmed (active categories, ``TRAINING_STATUSES``) from the
    newest ``limit`` voices of ``queryset`` (all voices by default), report the cross-validated
    scores and save the model over the previous one."""
    start = time.perf_counter()
    queryset = Voice.objects.all() if queryset is None else queryset
    rows = (
        queryset.filter(category__isnull=False, category__active=True, status__in=TRAINING_STATUSES)
        .order_by("-submitted_at", "-id")
        .values_list("title", "content", "category_id")
    )
    if limit:
        rows = rows[:limit]
    texts, labels = [], []
    for title, content, category_id in rows.iterator(chunk_size=2000):
        texts.append(voice_text(title, content))
        labels.append(category_id)
    report, pipeline = train_on(texts, labels, folds)
    save_model(pipeline, report)
    names = Category.objects.select_related("parent").filter(pk__in=report.skipped)
    skipped = {str(category): report.skipped[category.pk] for category in names}
    return replace(report, skipped=skipped, seconds=round(time.perf_counter() - start, 2))


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "models" / "voice_category.joblib"


def save_model(pipeline: Pipeline, report: Report) -> Path:
    """Write the model with what it knows (category ids, when, from how many) atomically."""
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": MODEL_FORMAT,
        "sklearn": sklearn.__version__,
        "pipeline": pipeline,
        "category_ids": [int(c) for c in pipeline.classes_],
        "trained_at": timezone.now().isoformat(),
        "samples": report.samples,
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".voice_category.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            joblib.dump(payload, out, compress=3)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a web server run as another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_cache_lock = threading.Lock()
_cache: dict = {"key": None, "payload": None}


def load_model() -> dict | None:
    """The saved model's payload, cached in-process and read again when the file changes; None
    when there is none, or it is unreadable or from another format or scikit-learn version."""
    path = model_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        if _cache["key"] != key:
            _cache.update(key=key, payload=_read(path))
        return _cache["payload"]


def _read(path: Path) -> dict | None:
    # Only this fixed path in our own data directory, written by save_model, is ever loaded.
    try:
        payload = joblib.load(path)
    except Exception:
        log.exception("voice category model %s is unreadable", path)
        return None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        log.warning("voice category model %s has an unknown format", path)
        return None
    if payload.get("sklearn") != sklearn.__version__:
        log.warning("voice category model %s needs retraining for this scikit-learn", path)
        return None
    return payload


def model_info() -> dict | None:
    """When the saved model was trained, on how many voices and how well (for an admin page)."""
    payload = load_model()
    if payload is None:
        return None
    return {k: payload[k] for k in ("trained_at", "samples", "accuracy", "macro_f1")}


def suggest_category(text: str) -> Suggestion | None:
    """The most likely category of ``text`` and its probability; None without a model, when the
    text shares nothing with what the model learned, or when that category is gone or inactive."""
    payload = load_model()
    if payload is None or not normalize(text):
        return None
    pipeline = payload["pipeline"]
    x = pipeline[0].transform([text])
    if not set(x.indices) - {pipeline[0].vocabulary_.get(" ")}:  # only word-boundary padding
        return None
    probabilities = pipeline[1:].predict_proba(x)[0]
    best = int(probabilities.argmax())
    category = Category.objects.filter(pk=int(pipeline.classes_[best]), active=True).first()
    if category is None:
        return None
    return Suggestion(category=category, confidence=round(float(probabilities[best]), 4))


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
