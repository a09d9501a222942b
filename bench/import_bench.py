"""Wall time of importing 100,000 people from one xlsx file into the large data set.

Builds the file the way a 党群工作部 would fill the template (a third of the rows party members,
units and branches taken from existing members so every row is valid), then runs the import job
in-process exactly as the Huey worker does: first as new people, then the same file again
(nothing may change). The imported people are removed before and after, so runs repeat.

    DATABASE_URL=postgres://… python bench/import_bench.py [ROWS]
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

import django

django.setup()

import xlsxwriter  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402

from dangqun.accounts.models import User  # noqa: E402
from dangqun.accounts.services import grant_role  # noqa: E402
from dangqun.core import crypto, idnumber  # noqa: E402
from dangqun.orgs.models import Org  # noqa: E402
from dangqun.people.imports import jobs  # noqa: E402
from dangqun.people.imports.rows import LABELS  # noqa: E402
from dangqun.people.models import ImportJob, Person  # noqa: E402
from dangqun.seed.names import NameMaker  # noqa: E402

RESULTS = Path(__file__).with_name("results")
PREFIX = "IMPB"  # employee numbers of the bench's people


def remove_earlier_run() -> None:
    people = "SELECT id FROM people_person WHERE employee_no LIKE %s"
    with connection.cursor() as cursor:
        for table in ("people_memberevent", "people_partyprofile"):
            cursor.execute(f"DELETE FROM {table} WHERE person_id IN ({people})", [PREFIX + "%"])
        cursor.execute("DELETE FROM people_person WHERE employee_no LIKE %s", [PREFIX + "%"])
        if connection.vendor == "postgresql":
            # Leave the table as seeded: 100,000 rows added and removed leave its indexes three
            # times their size, and bench/run.py would then measure this bench's leftovers.
            cursor.execute("REINDEX TABLE people_person")
            cursor.execute(
                "VACUUM (ANALYZE) people_person, people_partyprofile, people_memberevent"
            )


def importer() -> User:
    user, _ = User.objects.get_or_create(
        username="bench_import", defaults={"first_name": "导入基准"}
    )
    for root in Org.objects.filter(depth=1):
        grant_role(None, user, "party_admin", root)
    return user


def id_number(rng: random.Random, serial: int) -> tuple[str, datetime.date]:
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(13_000))
    first17 = f"650102{birth:%Y%m%d}{serial % 1000:03d}"  # 乌鲁木齐天山区: unused by the seed
    return first17 + idnumber.check_char(first17), birth


def build_file(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    names = NameMaker(rng)  # the seed's names: frequent surnames, era-typical given names
    pairs = list(
        Person.objects.filter(party_branch__isnull=False, party_profile__left_on__isnull=True)
        .values_list("unit__name", "party_branch__name")
        .distinct()[:5000]
    )
    units = [unit for unit, _ in pairs]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("人员")
    sheet.write_row(0, 0, LABELS)
    used = set(Person.objects.exclude(id_number_hash=None).values_list("id_number_hash", flat=True))
    for r in range(1, rows + 1):
        while True:
            number, birth = id_number(rng, r)
            key = crypto.keyed_hash(number)
            if key not in used:  # a new person, not one the seed already made
                used.add(key)
                break
        member = r % 3 == 0
        unit, branch = rng.choice(pairs) if member else (rng.choice(units), "")
        joined = birth + datetime.timedelta(days=25 * 366) if member else None
        values = {
            "工号": f"{PREFIX}{r:06d}",
            "姓名": names.name("M" if int(number[16]) % 2 else "F", birth.year),
            "民族": "汉族",
            "公民身份号码": number,
            "学历": rng.choice(["大学本科", "大专", "硕士研究生", "高中"]),
            "所在单位": unit,
            "工作岗位": rng.choice(["技术员", "操作工", "干事", "工程师"]),
            "联系电话": f"139{rng.randrange(10**8):08d}",
            "政治面貌": "中共党员" if member else rng.choice(["群众", "群众", "共青团员"]),
            "所在党支部": branch,
            "加入党组织日期": joined.isoformat() if joined else "",
            "转为正式党员日期": (joined + datetime.timedelta(days=366)).isoformat()
            if joined
            else "",
            "人员类别": "在岗职工" if member else "",
        }
        sheet.write_row(r, 0, [values.get(label, "") for label in LABELS])
    book.close()


def run_import(user: User, path: Path) -> dict:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    started = time.perf_counter()
    job = jobs.start_import(user, upload, valid_rows_only=False)  # runs the job on commit
    seconds = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job.pk)
    return {
        "status": job.status,
        "seconds": round(seconds, 1),
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "errors": job.errors[:5],
        "phases": phases.copy(),
    }


phases: list[str] = []


class PhaseLog(logging.Handler):
    def emit(self, record):
        phases.append(record.getMessage())


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    log = logging.getLogger("dangqun.people.imports")
    log.setLevel(logging.INFO)
    log.addHandler(PhaseLog())
    remove_earlier_run()
    user = importer()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "人员导入基准.xlsx"
        started = time.perf_counter()
        build_file(path, rows)
        print(
            f"file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        first = run_import(user, path)
        print("first import:", first)
        phases.clear()
        again = run_import(user, path)
        print("same file again:", again)
    remove_earlier_run()  # leave the data set as seeded, for bench/run.py
    result = {
        "what": "new people from xlsx (a third party members)",
        "database": connection.vendor,
        "rows": rows,
        "seconds": first["seconds"],
        "first": first,
        "same_file_again": again,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
