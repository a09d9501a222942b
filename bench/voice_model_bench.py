"""Retrain the category model on 100,000 voices of the large data set and record how long it takes
(``smart.train``: streaming the voices, 5-fold cross-validation, the final fit and the save)."""

import json
import os
import resource

import run  # sets up Django first, as every bench script does
from django.conf import settings
from django.db import connection

from dangqun.voices import smart

LIMIT = int(os.environ.get("BENCH_TRAIN_LIMIT", "100000"))


def main() -> None:
    report = smart.train(limit=LIMIT, folds=5)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {
        "database": connection.vendor,
        "limit": LIMIT,
        "samples": report.samples,
        "categories": report.categories,
        "folds": 5,
        "seconds": round(report.seconds, 1),
        "accuracy": round(report.accuracy, 4),
        "macro_f1": round(report.macro_f1, 4),
        "peak_memory_mb": round(peak_mb),
        "model_bytes": smart.model_path().stat().st_size,
        "data_dir": str(settings.DATA_DIR),
        "note": "seeded texts are few and repeated: the scores say nothing of real accuracy",
    }
    print(results)
    (run.RESULTS / "voice_model.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
