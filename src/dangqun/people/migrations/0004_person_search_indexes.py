"""Indexes for the people list's filters and search (measured in docs/benchmarks.md).

On PostgreSQL, a covering index in the list's order holds every column the filters and the pinyin
search test, so a page and its count can be read from the index alone; trigram indexes (pg_trgm) let
a search by pinyin initials or by the last digits of a phone read only the matching rows, and an
index on UPPER(employee_no) serves the case-insensitive prefix search. SQLite has none of these; the
embedded database is small enough to scan.
"""

import logging

from django.db import migrations, models, transaction

logger = logging.getLogger(__name__)

SEARCH_INDEXES = [
    # The list's order with every column its filters test: a page of a filtered or searched
    # list, and its count, are read from this index alone (an index-only scan).
    "CREATE INDEX IF NOT EXISTS person_list_idx ON people_person (employee_no) INCLUDE "
    "(id, political_status, is_current_member, name_pinyin, unit_id, party_branch_id)",
    "CREATE INDEX IF NOT EXISTS person_pinyin_trgm ON people_person "
    "USING gin (name_pinyin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_phone_trgm ON people_person USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_employee_no_upper ON people_person "
    "(UPPER(employee_no) varchar_pattern_ops)",
]


def create_search_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # no right to create extensions: search still works, by scanning
        logger.warning("pg_trgm 扩展不可用，人员搜索将不使用三元组索引：%s", exc)
        available = [sql for sql in SEARCH_INDEXES if "gin_trgm_ops" not in sql]
    else:
        available = SEARCH_INDEXES
    with connection.cursor() as cursor:
        for sql in available:
            cursor.execute(sql)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in (
            "person_list_idx",
            "person_pinyin_trgm",
            "person_phone_trgm",
            "person_employee_no_upper",
        ):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_is_current_member"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["is_current_member", "political_status"], name="person_member_idx"
            ),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
