"""Near-duplicate checks against two million voices on PostgreSQL (issue #15 §4, decision 0022).

Builds its own database ``dq_dup_bench`` (created, migrated and seeded small when missing), adds
``BENCH_VOICES`` (2,000,000) voices with COPY and indexes them (band keys computed in
``BENCH_PROCESSES`` processes, the index built after the load), then times the check a voice page
and ``GET /api/voices/{id}/suggestion/`` make (``duplicates.near_duplicates`` over an admin's
visible voices: the index query, the candidates' texts, the cosine), for

- ``edited``: edited copies of stored voices (a few characters inserted, deleted or replaced and
  two sentences swapped): is the original found?
- ``unrelated``: new texts from the same vocabulary: is anything (wrongly) found?

Texts: words drawn from jieba's dictionary by frequency (a Zipf-like vocabulary, so voices share
common bigrams as real ones do) mixed with the seed's complaint phrases; one voice in ten is an
edited copy of an earlier one, so the index holds clusters of near duplicates. Not real data.

Writes bench/results/duplicates.json. ``BENCH_DROP=1`` drops the database at the end.
Knobs: BENCH_VOICES (2000000), BENCH_QUERIES per case (500), BENCH_PROCESSES (2).
"""

import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATABASE = os.environ.get("BENCH_DATABASE", "dq_dup_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("DANGQUN_DATA_DIR", "/tmp/dq-dup-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")
VOICES = int(os.environ.get("BENCH_VOICES", "2000000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "500"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
BATCH = 50_000
RESULTS = Path(__file__).with_name("results")

created = subprocess.run(
    ["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], capture_output=True, text=True
)
if created.returncode != 0 and "already exists" not in created.stderr:
    sys.exit(f"createdb failed: {created.stderr}")

import django  # noqa: E402

django.setup()

import jieba  # noqa: E402
import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangqun.accounts.models import User  # noqa: E402
from dangqun.orgs.models import Org, System  # noqa: E402
from dangqun.seed.voices import ANSWERS, TOPICS  # noqa: E402
from dangqun.voices import duplicates, services  # noqa: E402
from dangqun.voices.models import Status, Voice  # noqa: E402
from dangqun.voices.smart import voice_text  # noqa: E402


class Words:
    """Random text from jieba's dictionary by frequency, with the seed's phrases mixed in."""

    def __init__(self, seed: int):
        path = Path(jieba.__file__).with_name("dict.txt")
        words, freqs = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            word, freq, *_ = line.split(" ")
            if all("\u4e00" <= ch <= "\u9fff" for ch in word):
                words.append(word)
                freqs.append(int(freq))
        self.words = np.array(words, dtype=object)
        cumulative = np.cumsum(np.array(freqs, dtype=np.float64))
        self.cumulative = cumulative / cumulative[-1]
        self.phrases = [piece for t in TOPICS for piece in (t[2], t[3])]
        self.rng = np.random.default_rng(seed)

    def sentence(self) -> str:
        n = int(self.rng.integers(5, 14))
        picks = np.searchsorted(self.cumulative, self.rng.random(n))
        return "".join(self.words[np.minimum(picks, len(self.words) - 1)])

    def voice(self) -> tuple[str, str]:
        sentences = [self.sentence() for _ in range(int(self.rng.integers(2, 6)))]
        if self.rng.random() < 0.3:
            sentences.insert(0, self.phrases[int(self.rng.integers(len(self.phrases)))])
        return self.sentence()[:30], "，".join(sentences) + "。"


def edited(text: str, rng: random.Random, edits: int = 3) -> str:
    """A copy with a few characters inserted, deleted or replaced and two sentences swapped."""
    pieces = text.split("，")
    if len(pieces) > 2:
        i = rng.randrange(len(pieces) - 1)
        pieces[i], pieces[i + 1] = pieces[i + 1], pieces[i]
    chars = list("，".join(pieces))
    for _ in range(edits):
        at = rng.randrange(len(chars))
        kind = rng.choice("idr")
        if kind == "i":
            chars.insert(at, chr(rng.randint(0x4E00, 0x9FA5)))
        elif kind == "d" and len(chars) > 10:
            del chars[at]
        else:
            chars[at] = chr(rng.randint(0x4E00, 0x9FA5))
    return "".join(chars)


def keys_of(rows: list[tuple[int, str, str]]) -> list[tuple[int, int, int]]:
    return [
        (pk, band, key)
        for pk, title, content in rows
        for band, key in enumerate(duplicates.band_keys(voice_text(title, content)))
    ]


def load(units: list[int], batches_done: int) -> None:
    """COPY the voices, BATCH at a time, and their band rows (the index built afterwards)."""
    words = Words(seed=7 + batches_done)
    rng = random.Random(11 + batches_done)
    template = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in Voice._meta.concrete_fields
    }
    columns = [c for c in template if c != "id"]
    now = timezone.now()
    recent: list[tuple[str, str]] = []
    pool = multiprocessing.get_context("fork").Pool(PROCESSES)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE voices_voiceband DISABLE TRIGGER ALL")
        cursor.execute("DROP INDEX IF EXISTS voice_band_key")
    written = batches_done * BATCH
    while written < VOICES:
        size = min(BATCH, VOICES - written)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('voices_voice', 'id')) "
                "FROM generate_series(1, %s)",
                [size],
            )
            ids = [row[0] for row in cursor.fetchall()]
        rows = []
        for pk in ids:
            if recent and rng.random() < 0.1:
                title, content = rng.choice(recent)
                content = edited(content, rng)
            else:
                title, content = words.voice()
            recent.append((title, content))
            del recent[:-2000]
            rows.append((pk, title, content))
        sql = f"COPY voices_voice (id, {', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for n, (pk, title, content) in enumerate(rows):
                submitted = now - datetime.timedelta(seconds=(VOICES - written - n) * 47)
                values = dict(
                    template,
                    title=title,
                    content=content,
                    unit_id=units[pk % len(units)],
                    query_code_hash=hashlib.sha256(f"dup:{pk}".encode()).hexdigest(),
                    status=Status.CLOSED,
                    submitted_at=submitted,
                    answered_at=submitted + datetime.timedelta(days=3),
                    closed_at=submitted + datetime.timedelta(days=5),
                    answer=ANSWERS[pk % len(ANSWERS)],
                    solved=True,
                )
                copy.write_row([pk, *(values[c] for c in columns)])
        chunks = [rows[i : i + 2000] for i in range(0, len(rows), 2000)]
        bands = [row for part in pool.map(keys_of, chunks) for row in part]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy("COPY voices_voiceband (voice_id, band, key) FROM STDIN") as copy,
        ):
            for row in bands:
                copy.write_row(row)
        written += size
        print(f"{written:,} voices, {len(bands):,} band rows this batch", flush=True)
    pool.close()


def finish_index() -> float:
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS voice_band_key ON voices_voiceband (key, voice_id)"
        )
        cursor.execute("ALTER TABLE voices_voiceband ENABLE TRIGGER ALL")
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE voices_voiceband")
        cursor.execute("VACUUM ANALYZE voices_voice")
    return time.perf_counter() - began


def sizes() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname IN ('voices_voice', 'voices_voiceband', 'voice_band_key', "
            "'voices_voiceband_pkey')"
        )
        return {name: round(size / 2**20) for name, size in cursor.fetchall()}


def measure(user, texts: list[tuple[int, str]]) -> dict:
    """Time near_duplicates for each text; for edited copies, was the original found?"""
    queryset = services.visible_to(user).exclude(status__in=(Status.MERGED, Status.RETURNED))
    times, found, any_found, index_ms = [], 0, 0, []
    for original, text in texts:
        began = time.perf_counter()
        keys = duplicates.band_keys(text)
        duplicates.candidate_ids(keys)
        index_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        hits = duplicates.near_duplicates(text, queryset=queryset, extra=("answer", "status"))
        times.append((time.perf_counter() - began) * 1000)
        any_found += bool(hits)
        found += any(v.pk == original for v, _ in hits)
    times.sort()
    index_ms.sort()
    return {
        "checks": len(texts),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 1),
        "max_ms": round(times[-1], 1),
        "index_only_p95_ms": round(index_ms[int(len(index_ms) * 0.95) - 1], 1),
        "original_found": found,
        "any_found": any_found,
    }


def main() -> None:
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="qungong").exists():
        call_command("seed", scale="small", seed=1)
    units = list(
        Org.objects.filter(system=System.ENTERPRISE, depth__gt=1).values_list("pk", flat=True)
    )
    have = Voice.objects.count()
    load_s = 0.0
    if have < VOICES:
        started = time.perf_counter()
        load(units, have // BATCH)
        load_s = time.perf_counter() - started
    index_s = finish_index()
    total = Voice.objects.count()
    admin = User.objects.get(username="qungong")
    rng = random.Random(5)
    top = Voice.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = [rng.randint(1, top) for _ in range(QUERIES * 2)]
    stored = dict(Voice.objects.filter(pk__in=picks).values_list("pk", "content"))
    titles = dict(Voice.objects.filter(pk__in=picks).values_list("pk", "title"))
    edited_texts = [
        (pk, voice_text(titles[pk], edited(stored[pk], rng))) for pk in list(stored)[:QUERIES]
    ]
    words = Words(seed=99)
    unrelated = [(0, voice_text(*words.voice())) for _ in range(QUERIES)]
    measure(admin, edited_texts[:20])  # warm the caches and the imports
    results = {
        "what": "duplicates.near_duplicates over an admin's visible voices (index + cosine)",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "voices": total,
        "band_rows": total * duplicates.BANDS,
        "parameters": {
            "bands": duplicates.BANDS,
            "rows": duplicates.ROWS,
            "per_key": duplicates.PER_KEY,
            "candidates": duplicates.CANDIDATES,
            "threshold": duplicates.DUPLICATE_THRESHOLD,
        },
        "sizes_mb": sizes(),
        "load_seconds": round(load_s, 1),
        "index_build_seconds": round(index_s, 1),
        "edited": measure(admin, edited_texts),
        "unrelated": measure(admin, unrelated),
        "seconds": round(time.perf_counter() - began, 1),
    }
    began_one = time.perf_counter()
    duplicates.index_voices([top])
    results["index_one_voice_ms"] = round((time.perf_counter() - began_one) * 1000, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "duplicates.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    connection.close()
    if os.environ.get("BENCH_DROP") == "1":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)


if __name__ == "__main__":
    main()
