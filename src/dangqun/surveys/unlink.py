"""Anonymity below the tables (decision 0037, after the security review): a participation and its
response are written in one transaction, so the database itself pairs them — rows inserted in the
same order (SQLite's rowid, PostgreSQL's physical position) and, on PostgreSQL, stamped with the
same transaction id (``xmin``); the tally rows an answer updates carry that id too. ``shuffle``
rewrites an anonymous survey's responses as new rows in the order of their random keys and
touches its tallies in one transaction: afterwards no hidden column of a response or tally
matches its participation's. Freed rows are overwritten (SQLite's ``secure_delete``) or vacuumed
(PostgreSQL). The periodic task runs it every few minutes for every anonymous survey that has
answers it has not shuffled (``Survey.shuffled``), and closing a survey runs it at once. What
stays: the database's write-ahead log and any backup taken in between."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, F

from dangqun.surveys.models import Response, Survey, Tally

DELETE_BATCH = 5000


def shuffle(survey_id: int) -> int:
    """Rewrite the survey's responses in key order (new rows, one transaction) and touch its
    tallies; returns how many responses were rewritten."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey_id)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        rows = list(Response.objects.filter(survey=survey).order_by("id"))
        ids = [row.pk for row in rows]
        # only the rows read: an answer committed meanwhile (answering does not lock the survey)
        # must not be deleted with them; it waits for the next shuffle
        for start in range(0, len(ids), DELETE_BATCH):
            Response.objects.filter(pk__in=ids[start : start + DELETE_BATCH]).delete()
        Response.objects.bulk_create(rows, batch_size=2000)
        Tally.objects.filter(survey=survey).update(count=F("count"))
        survey.shuffled = len(rows)
        survey.save(update_fields=["shuffled"])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction
            cursor.execute("VACUUM surveys_response, surveys_tally")
    return len(rows)


def due() -> list[int]:
    """Anonymous surveys with answers since their last shuffle."""
    counted = Survey.objects.filter(anonymous=True).annotate(n=Count("responses"))
    return list(counted.exclude(n=F("shuffled")).values_list("pk", flat=True))


def shuffle_due() -> int:
    return sum(shuffle(pk) for pk in due())
