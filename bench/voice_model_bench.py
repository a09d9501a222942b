"""The category model (``voices.classifier``), measured → ``bench/results/voice_model.json``:

1. **Features**, 5-fold stratified cross-validation on generated 12345-style messages
   (``voice_messages.py``: 7 categories, long bodies, greetings, overlapping vocabulary, 5 %
   mislabelled): character 1–2 grams (the model's), jieba words, both (a ``FeatureUnion``), each
   at the ``ALPHAS`` ``train_on`` chooses among; and characters on the whole text instead of the
   first ``MAX_TEXT``. Accuracy, macro-F1, top-2, top-3.
2. **First suggestion** in a fresh process, without and with the warm-up a worker now runs at its
   start (``core.warmup``), with a model trained on those messages.
3. **A 50,000-character body**: suggesting from the whole text vs the first ``MAX_TEXT``.
4. **Smoke test** on the database's voices (the demo's, ``dangqun demo --no-serve``): what
   ``train_voice_model --folds 3`` reports. Seeded texts are few and repeated: no measure of
   real accuracy.

Run on any database with its voices' categories (it adds 7 only where fewer than 3 are active)::

    DATABASE_URL=postgres://…/dq_x DANGQUN_DATA_DIR=/tmp/x .venv/bin/python bench/voice_model_bench.py

``BENCH_MESSAGES`` (default 7000) sets how many messages are generated. The retraining time on
100,000 voices of the large data set is kept from its last run (``BENCH_TRAIN_LIMIT`` to redo it
on the large database).
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

import jieba
import numpy as np
import run  # sets up Django first, as every bench script does
import voice_messages
from django.db import connection
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import accuracy_score, f1_score, top_k_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion

from dangqun.voices import classifier, smart
from dangqun.voices.models import Category

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "7000"))
LIMIT = os.environ.get("BENCH_TRAIN_LIMIT")
RESULT = run.RESULTS / "voice_model.json"

CHILD = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")
import django
django.setup()
from dangqun.core import warmup
from dangqun.voices import suggestions
start = time.perf_counter()
if sys.argv[1] == "warm":
    warmup.run()
ready = time.perf_counter()
found = suggestions.suggest_categories("", "小区楼下烧烤店的油烟太大，晚上还很吵")
first = time.perf_counter()
suggestions.suggest_categories("", "公交车早高峰太挤，建议加密班次")
second = time.perf_counter()
print(json.dumps({"warmup": ready - start, "first": first - ready, "second": second - first,
                  "found": len(found.top)}))
"""


def _words() -> CountVectorizer:
    """jieba words (precise mode), otherwise as the model's character counts."""
    return CountVectorizer(
        tokenizer=_jieba_words,
        token_pattern=None,
        lowercase=False,
        preprocessor=smart.normalize,
        min_df=2,
        max_features=classifier.MAX_FEATURES,
        dtype=np.float32,
    )


def _jieba_words(text: str) -> list[str]:
    return [word for word in jieba.lcut(text) if not word.isspace()]


def _scores(x, y, alpha, clean) -> dict:
    """Scored against the labels as filed, and (``*_clean``) on the messages filed right only."""
    start = time.perf_counter()
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    proba = cross_val_predict(classifier.learner(alpha), x, y, cv=cv, method="predict_proba")
    classes = np.unique(y)
    predicted = classes[proba.argmax(axis=1)]
    return {
        "accuracy": round(accuracy_score(y, predicted), 4),
        "macro_f1": round(f1_score(y, predicted, average="macro"), 4),
        "top2": round(top_k_accuracy_score(y, proba, k=2, labels=classes), 4),
        "top3": round(top_k_accuracy_score(y, proba, k=3, labels=classes), 4),
        "macro_f1_clean": round(f1_score(y[clean], predicted[clean], average="macro"), 4),
        "top3_clean": round(top_k_accuracy_score(y[clean], proba[clean], k=3, labels=classes), 4),
        "seconds": round(time.perf_counter() - start, 1),
    }


def features(data) -> dict:
    """Each feature set at each of the classifier's alphas (5-fold CV)."""
    texts = [classifier.model_text(title, body) for title, body, _, _ in data]
    y = np.asarray([label for _, _, label, _ in data])
    clean = np.asarray([label == true for _, _, label, true in data])
    kinds = {
        "chars": classifier.counts(),
        "words": _words(),
        "chars+words": FeatureUnion([("chars", classifier.counts()), ("words", _words())]),
    }
    out = {}
    for name, counts in kinds.items():
        start = time.perf_counter()
        x = counts.fit_transform(texts)
        counted = round(time.perf_counter() - start, 1)
        out[name] = {"features": x.shape[1], "count_seconds": counted}
        for alpha in classifier.ALPHAS:
            out[name][f"alpha={alpha:g}"] = _scores(x, y, alpha, clean)
    whole = [smart.voice_text(title, body) for title, body, _, _ in data]
    out["chars, whole text"] = _scores(classifier.counts().fit_transform(whole), y, 1e-4, clean)
    return out


def trained_on(data) -> None:
    """Save a model learned from the generated messages, for the timings: their categories are
    mapped onto the database's active ones (created only where there are fewer than 3, so a
    seeded database is left as it is)."""
    existing = list(
        Category.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)
    )
    if len(existing) < 3:
        existing = [
            Category.objects.get_or_create(parent=None, name=name)[0].pk
            for name in voice_messages.CATEGORIES
        ]
    ids = {name: existing[i % len(existing)] for i, name in enumerate(voice_messages.CATEGORIES)}
    texts = [classifier.model_text(title, body) for title, body, _, _ in data]
    report, pipeline = classifier.train_on(texts, [ids[label] for _, _, label, _ in data])
    classifier.save_model(pipeline, report)


def first_suggestion(times: int = 3) -> dict:
    out = {}
    for mode in ("cold", "warm"):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", CHILD, mode],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            for _ in range(times)
        ]
        out[mode] = {
            key: round(statistics.median(r[key] for r in runs), 3)
            for key in ("warmup", "first", "second")
        }
        assert all(r["found"] == 3 for r in runs), runs
    return out


def long_body() -> dict:
    payload = classifier.load_model()
    body = "尊敬的领导：我是幸福花园的业主，小区电梯经常困人，物业说维修资金申请不下来。" * 1200
    body = body[:50_000]
    out = {}
    for name, text in (
        ("whole", smart.voice_text("", body)),
        ("cut", classifier.model_text("", body)),
    ):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            payload["pipeline"].predict_proba([text])
            times.append(time.perf_counter() - start)
        out[name] = {"characters": len(text), "median_s": round(statistics.median(times), 4)}
    return out


def demo() -> dict:
    report = classifier.train(folds=3)
    keys = ("samples", "categories", "accuracy", "macro_f1", "top3", "alpha", "seconds")
    return {key: getattr(report, key) for key in keys}


def retrain_large(previous: dict) -> dict:
    if not LIMIT:
        keys = ("limit", "samples", "categories", "folds", "seconds", "accuracy", "macro_f1")
        kept = {key: previous[key] for key in (*keys, "peak_memory_mb", "model_bytes")}
        return {**kept, "note": previous.get("note", ""), "kept_from_last_run": True}
    report = classifier.train(limit=int(LIMIT), folds=5)
    return {
        "limit": int(LIMIT),
        "samples": report.samples,
        "categories": report.categories,
        "folds": 5,
        "seconds": round(report.seconds, 1),
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "model_bytes": classifier.model_path().stat().st_size,
        "note": "seeded texts are few and repeated: the scores say nothing of real accuracy",
    }


def main() -> None:
    previous = json.loads(RESULT.read_text()) if RESULT.exists() else {}
    data = voice_messages.messages(MESSAGES, seed=0, truth=True)
    lengths = sorted(len(body) for _, body, _, _ in data)
    results = {
        "database": connection.vendor,
        **retrain_large(previous),
        "generated": {
            "messages": len(data),
            "categories": len(voice_messages.CATEGORIES),
            "untitled_share": round(sum(1 for t, *_ in data if not t) / len(data), 3),
            "median_characters": lengths[len(lengths) // 2],
            "max_characters": lengths[-1],
            "mislabelled_share": round(sum(1 for *_, a, b in data if a != b) / len(data), 3),
            "folds": 5,
            "max_text": classifier.MAX_TEXT,
            "features": features(data),
        },
    }
    trained_on(data)
    results["first_suggestion_s"] = first_suggestion()
    results["long_body"] = long_body()
    results["demo_smoke"] = demo()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
