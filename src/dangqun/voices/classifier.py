"""The category suggestion for 群众呼声, learned offline on a CPU from the organisation's own voices
whose category an admin confirmed (decisions 0010 and 0021). scikit-learn; nothing is downloaded at
run time.

Choices, and what they were measured on (``bench/voice_model_bench.py`` →
``bench/results/voice_model.json``; no real history here: re-measure with ``train_voice_model``):

- Text of a voice = title + newline + body (an empty title is fine), cut to ``MAX_TEXT`` (2,000)
  characters: a complaint says what it is about first. A 45,600-character body took 0.093 s read
  whole, 0.011 s cut; cross-validated scores were the same (macro-F1 0.9252 vs 0.925).
  Lower-cased, runs of non-word characters → a space.
- Features: TF-IDF (sublinear tf) of character 1–2 grams within words (``char_wb``), the
  ``MAX_FEATURES`` most frequent seen at least twice. jieba words, alone or added to the
  characters (a ``FeatureUnion``), were measured by 5-fold CV on 7,000 generated 12345-style
  messages in 7 categories (``bench/voice_messages.py``: greetings, long bodies, 76 % untitled,
  overlapping vocabulary, 5 % mislabelled): macro-F1 chars 0.925, words 0.925, both 0.925 (top-3
  0.969 each; on the 95 % filed rightly 0.980 and 1.000; a second generated set: 0.923 / 0.923 /
  0.923). Words added nothing measurable and
  would cost jieba's dictionary in every worker, so characters alone. Earlier, on template voices
  whose words never occurred in training, characters beat words (0.989 vs 0.916).
- Model: ``SGDClassifier(loss="log_loss")`` (one-vs-rest logistic regression; its normalised
  probabilities are the confidence), 10× faster than multinomial ``LogisticRegression`` at the same
  accuracy on 20,000 noisy voices. Its regularisation ``alpha`` is chosen among ``ALPHAS`` by
  cross-validated macro-F1: on the generated messages 1e-6 (the former constant) scored 0.894,
  1e-5 0.920, 1e-4 0.925. Cross-validation fits IDF and model on the training folds only; the
  count vocabulary is built once over all texts (it sees no labels).
- Only active categories are learned (``training_voices``) and suggested; the top ``TOP`` are
  shown, the first pre-filled only at the confidence of the rule ``voices.suggestions``
  (``suggestions.py``).
- The model is read when a web or task worker starts (``warm``, through ``core.warmup``): the
  first suggestion in a fresh process took 4.0 s before, 0.04 s after a 4.2 s warm-up at start. A
  retrained file is read again by the next suggestion.
"""

import logging
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import joblib
import numpy as np
import sklearn
from django.conf import settings
from django.utils import timezone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import make_scorer, top_k_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline

from dangqun.voices.models import Category, Status, Voice
from dangqun.voices.smart import normalize, voice_text

log = logging.getLogger(__name__)

# An admin confirmed the category when the voice was assigned; later steps keep it.
TRAINING_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)
TRAINING_STATUSES += (Status.HISTORY,)  # imported history came with its category (0020)
MODEL_FORMAT = 1  # the pipeline's shape; models saved before top-3 and alpha still load
MAX_FEATURES = 100_000  # the most frequent n-grams (and words); more gained nothing at 100k voices
MAX_TEXT = 2000  # characters of title + body fed to the model
TOP = 3
# SGD's regularisation tried by train_on; the best cross-validated macro-F1 wins (bench: 1e-6
# overfits 7,000 noisy messages, 0.894 vs 0.925 at 1e-4; a larger history wants less)
ALPHAS = (1e-6, 1e-5, 1e-4)


@dataclass(frozen=True)
class Report:
    samples: int  # voices the model learned from (skipped categories excluded)
    categories: int
    accuracy: float  # stratified k-fold cross-validated
    macro_f1: float
    skipped: dict  # category (id from train_on, display name from train) → its few examples
    seconds: float
    top3: float = 0.0  # share whose category is among the 3 most likely
    alpha: float = 0.0  # the regularisation chosen among ALPHAS


@dataclass(frozen=True)
class Suggestion:
    category: Category
    confidence: float  # the model's probability, in (0, 1]


class NotEnoughData(Exception):
    """Fewer than two categories have enough confirmed examples to learn from."""


def model_text(title: str, content: str) -> str:
    """What the model reads of a voice: title and body, at most ``MAX_TEXT`` characters."""
    return voice_text(title or "", content or "")[:MAX_TEXT]


def counts() -> CountVectorizer:
    """Character 1–2 grams within words, the ``MAX_FEATURES`` most frequent seen twice or more."""
    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 2),
        preprocessor=normalize,
        min_df=2,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )


def learner(alpha: float = ALPHAS[-1]) -> Pipeline:
    return Pipeline(
        [
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ("model", SGDClassifier(loss="log_loss", alpha=alpha, random_state=0)),
        ]
    )


def _top3(y_true, probabilities, labels) -> float:
    if len(labels) <= TOP:
        return 1.0
    return top_k_accuracy_score(y_true, probabilities, k=TOP, labels=labels)


def train_on(texts: list[str], labels: list, folds: int = 5) -> tuple[Report, Pipeline]:
    """Cross-validate, then fit on everything; the pure core of ``train``.

    Labels with fewer than ``folds`` examples are left out (and reported). Raises ``NotEnoughData``
    when fewer than two labels remain. Each of ``ALPHAS`` is cross-validated on the same folds
    and the best macro-F1 is kept and reported (chosen on those folds: slightly optimistic). Time
    grows with text length, folds and alphas; ``folds=3`` cuts a third.
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
    vocabulary = counts()
    x = vocabulary.fit_transform([texts[i] for i in kept])
    top3 = make_scorer(_top3, response_method="predict_proba", labels=np.unique(y))
    tried = {
        alpha: cross_validate(
            learner(alpha),
            x,
            y,
            cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0),
            scoring={"accuracy": "accuracy", "f1_macro": "f1_macro", "top3": top3},
        )
        for alpha in ALPHAS
    }
    alpha = max(ALPHAS, key=lambda a: (tried[a]["test_f1_macro"].mean(), a))
    scores = tried[alpha]
    fitted = learner(alpha).fit(x, y)
    pipeline = Pipeline([("counts", vocabulary), *fitted.steps])
    report = Report(
        samples=len(y),
        categories=len(sizes) - len(skipped),
        accuracy=round(float(scores["test_accuracy"].mean()), 4),
        macro_f1=round(float(scores["test_f1_macro"].mean()), 4),
        top3=round(float(scores["test_top3"].mean()), 4),
        alpha=alpha,
        skipped=skipped,
        seconds=round(time.perf_counter() - start, 2),
    )
    return report, pipeline


def training_voices(queryset=None):
    """The voices the model learns from: those of ``queryset`` (all by default) whose category an
    admin confirmed (``TRAINING_STATUSES``), of an active category."""
    queryset = Voice.objects.all() if queryset is None else queryset
    return queryset.filter(
        category__isnull=False, category__active=True, status__in=TRAINING_STATUSES
    )


def train(queryset=None, *, folds=5, limit=None) -> Report:
    """Learn the categories of ``training_voices(queryset)`` from their newest ``limit``, report
    the cross-validated scores and save the model over the previous one."""
    start = time.perf_counter()
    rows = (
        training_voices(queryset)
        .order_by("-submitted_at", "-id")
        .values_list("title", "content", "category_id")
    )
    if limit:
        rows = rows[:limit]
    texts, labels = [], []
    for title, content, category_id in rows.iterator(chunk_size=2000):
        texts.append(model_text(title, content))
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
        "top3": report.top3,
        "alpha": report.alpha,
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
        log.warning("voice category model %s has an unknown format: retrain it", path)
        return None
    if payload.get("sklearn") != sklearn.__version__:
        log.warning("voice category model %s needs retraining for this scikit-learn", path)
        return None
    return payload


def warm() -> float:
    """Read the model now, at a worker's start, so that the first suggestion does not pay for
    it; the seconds it took. Never raises: a worker must start."""
    start = time.perf_counter()
    try:
        payload = load_model()
        if payload is not None:  # one prediction loads what scikit-learn imports lazily
            payload["pipeline"].predict_proba([model_text("热身", "食堂班车")])
    except Exception:
        log.exception("warming the voice category model failed")
    return time.perf_counter() - start


def model_info() -> dict | None:
    """When the saved model was trained, on how many voices and how well (for an admin page)."""
    payload = load_model()
    if payload is None:
        return None
    keys = ("trained_at", "samples", "accuracy", "macro_f1", "top3", "alpha")
    return {k: payload.get(k) for k in keys}


def suggest(title: str, content: str, top: int = TOP) -> list[Suggestion]:
    """The ``top`` most likely active categories of a voice, most likely first, with the model's
    probability; empty without a model or when the text shares nothing with what it learned."""
    payload = load_model()
    text = model_text(title, content)
    if payload is None or not normalize(text):
        return []
    pipeline = payload["pipeline"]
    x = pipeline[0].transform([text])
    if not set(x.indices) - {pipeline[0].vocabulary_.get(" ")}:  # only word-boundary padding
        return []
    probabilities = pipeline[1:].predict_proba(x)[0]
    order = np.argsort(-probabilities, kind="stable")[: top + 5]  # room for gone categories
    ids = [int(pipeline.classes_[i]) for i in order]
    active = Category.objects.select_related("parent").filter(pk__in=ids, active=True).in_bulk()
    found = [
        Suggestion(category=active[pk], confidence=round(float(probabilities[i]), 4))
        for i, pk in zip(order, ids, strict=True)
        if pk in active
    ]
    return found[:top]


def suggest_category(text: str) -> Suggestion | None:
    """The most likely active category of ``text`` (title, newline, body) and its probability;
    None without a model or when the text shares nothing with what the model learned."""
    title, _, content = text.partition("\n")
    found = suggest(title, content, top=1)
    return found[0] if found else None
