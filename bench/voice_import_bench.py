"""Wall time of importing 100,000 past voices from one xlsx file (issue #15 §1: ≤ 60 s).

Builds the file as an archive arrives: most rows "message + category" with no title, no answer
and no 编号 (history, identified by a hash of time, unit and content), the rest handled with an
answer, a rating and a 编号; bodies from a sentence to a few thousand characters (a few over
12,000). Units and categories are the data set's own. Then runs the import job in-process exactly
as the Huey worker does, first into an empty archive, then the same file again (nothing may
change). Imported voices are removed before and after, so runs repeat.

    DATABASE_URL=postgres://… python bench/voice_import_bench.py [ROWS]
"""

import datetime
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")
os.environ.setdefault("DANGQUN_AXES_ENABLED", "0")
os.environ["DANGQUN_HUEY_IMMEDIATE"] = "1"  # the job runs in this process, as the worker runs it
os.environ.setdefault("DANGQUN_IMPORT_MAX_MB", "100")  # 100,000 long messages pass 20 MB

import django

django.setup()

import xlsxwriter  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402

from dangqun.accounts.models import User  # noqa: E402
from dangqun.accounts.services import grant_role  # noqa: E402
from dangqun.orgs.models import Org, System  # noqa: E402
from dangqun.voices import import_jobs, importer, tally  # noqa: E402
from dangqun.voices.models import Category, Voice, VoiceImportJob  # noqa: E402

RESULTS = Path(__file__).with_name("results")
PREFIX = "VIB-"  # the 编号 of the bench's answered rows
SUBJECTS = ["食堂", "班车", "宿舍", "工资", "加班", "安全帽", "停车场", "澡堂", "培训", "体检"]
ISSUES = ["价格上涨太快", "经常晚点", "热水不稳定", "发放延迟", "没有按规定计算", "数量不够"]
ISSUES += ["排队时间太长", "设施老化", "通知太晚", "流程太复杂"]
DETAIL = "我们班组的同事都反映这个情况，已经持续了一段时间，影响了正常工作和休息，"
ASKS = ["希望尽快解决。", "建议公司重视。", "能否调整一下？", "请相关部门核实处理。"]


def remove_earlier_run() -> None:
    imported = Voice.objects.filter(external_id__startswith="import:")
    months = {tally.month_of(moment) for moment in imported.values_list("submitted_at", flat=True)}
    voices = "SELECT id FROM voices_voice WHERE external_id LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM voices_voiceevent WHERE voice_id IN ({voices})",
            ["import:%"],
        )
        cursor.execute("DELETE FROM voices_voice WHERE external_id LIKE %s", ["import:%"])
    tally.rebuild(months)
    VoiceImportJob.objects.filter(created_by__username="bench_voice_import").delete()


def importer_user() -> User:
    user, _ = User.objects.get_or_create(
        username="bench_voice_import", defaults={"first_name": "呼声导入基准"}
    )
    for root in Org.objects.filter(depth=1, system=System.ENTERPRISE):
        grant_role(None, user, "mass_admin", root)
    return user


def body(rng: random.Random, serial: int) -> str:
    subject, issue = rng.choice(SUBJECTS), rng.choice(ISSUES)
    text = f"尊敬的领导：您好！{subject}{issue}，{rng.choice(ASKS)}（{serial}）"
    roll = rng.random()
    if roll < 0.001:
        return text + DETAIL * 300  # ~12,000 characters: the long complaints real archives hold
    if roll < 0.2:
        return text + DETAIL * rng.randrange(2, 20)
    return text + DETAIL[: rng.randrange(0, len(DETAIL))]


def build_file(path: Path, rows: int, seed: int = 15) -> None:
    rng = random.Random(seed)
    units = list(
        Org.objects.filter(system=System.ENTERPRISE, dissolved_on__isnull=True)
        .values_list("name", flat=True)
        .distinct()
    )
    # names that are unique: a namesake would (rightly) ask the importer which one is meant
    counts = {}
    for name in Org.objects.filter(system=System.ENTERPRISE).values_list("name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    units = [u for u in units if counts[u] == 1][:2000]
    categories = [str(c) for c in Category.objects.filter(active=True).select_related("parent")]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("呼声")
    header = list(importer.COLUMNS)
    sheet.write_row(0, 0, header)
    start = datetime.datetime(2021, 1, 1, 8, 0)
    for r in range(1, rows + 1):
        submitted = start + datetime.timedelta(minutes=r * 13 + rng.randrange(10))
        answered = r % 10 < 3  # three in ten handled with an answer, the rest history
        unit = rng.choice(units)
        values = {
            "编号": f"{PREFIX}{r:06d}" if answered else "",
            "提交时间": submitted.strftime("%Y-%m-%d %H:%M"),
            "渠道": rng.choice(["电话", "意见箱", "网页"]),
            "标题": f"{rng.choice(SUBJECTS)}问题" if rng.random() < 0.24 else "",
            "内容": body(rng, r),
            "反映单位": unit,
            "类别": rng.choice(categories),
        }
        if answered:
            values |= {
                "承办单位": unit,
                "答复": "经核实，已协调相关部门处理，并将持续跟进。",
                "答复时间": (submitted + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
                "是否解决": "是",
                "评价": rng.choice(["满意", "基本满意", "不满意"]),
            }
        sheet.write_row(r, 0, [values.get(name, "") for name in header])
    book.close()


def backend_cpu() -> float | None:
    """CPU seconds the database server spent for this connection (a local PostgreSQL's process),
    or None where it cannot be read."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def load() -> float:
    return round(os.getloadavg()[0], 1)


def run_import(user: User, path: Path) -> dict:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    load_before, db_before = load(), backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    job = import_jobs.start_import(user, upload, valid_rows_only=False)  # runs on commit
    seconds = time.perf_counter() - started
    cpu, db_after = time.process_time() - cpu, backend_cpu()
    job = VoiceImportJob.objects.get(pk=job.pk)
    return {
        "status": job.status,
        "seconds": round(seconds, 1),
        # On a shared machine the wall time depends on what else runs: the CPU time spent by
        # this process and by its database connection is what the import itself costs.
        "cpu_seconds_python": round(cpu, 1),
        "cpu_seconds_database": round(db_after - db_before, 1) if db_after is not None else None,
        "load_average_before": load_before,
        "load_average_after": load(),
        "created": job.created_count,
        "history": job.history_count,
        "unchanged": job.unchanged_count,
        "message": job.message,
        "errors": job.errors[:5],
        "phases": phases.copy(),
    }


phases: list[str] = []


class PhaseLog(logging.Handler):
    def emit(self, record):
        phases.append(record.getMessage())


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    log = logging.getLogger("dangqun.voices.import_run")
    log.setLevel(logging.INFO)
    log.addHandler(PhaseLog())
    remove_earlier_run()
    user = importer_user()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "呼声导入基准.xlsx"
        started = time.perf_counter()
        build_file(path, rows)
        size = path.stat().st_size
        print(
            f"file: {rows:,} rows, {size / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s"
        )
        first = run_import(user, path)
        print("first import:", first)
        phases.clear()
        again = run_import(user, path)
        print("same file again:", again)
    remove_earlier_run()  # leave the data set as seeded
    result = {
        "what": "past voices from xlsx (7 in 10 history without title or answer)",
        "database": connection.vendor,
        "voices_before": Voice.objects.count(),
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "seconds": first["seconds"],
        "first": first,
        "same_file_again": again,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "voice_import.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
