"""Anonymity below the tables (decision 0037, after the security review): a participation and its
response are written in one transaction, so the database itself pairs them — rows inserted in the
same order (SQLite's rowid, PostgreSQL's physical position) and, on PostgreSQL, stamped with the
same transaction id (``xmin``); the tally rows an answer updates carry that id too. ``shuffle``
rewrites an anonymous survey's responses as new rows in the order of their random keys and
touches its tallies in one transaction: afterwards no hidden column of a response or tally
matches its participation's. Freed rows are overwritten (SQLite's ``secure_delete``) or vacuumed
(PostgreSQL). The periodic task runs it every few minutes for every anonymous survey that has
answers it has not shuffled (``Survey.shuffled``), and closing a survey runs it at once. Only
surveys that may still get answers are counted: open ones, and closed ones until a shuffle
``SETTLE`` after closing (an answer under way when the survey closed may commit after the
closing's shuffle: answering does not lock the survey), after which they are settled
(``Survey.shuffled_at``) and never counted again. What stays: the database's write-ahead log and
any backup taken in between."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from dangqun.surveys.models import Response, Status, Survey, Tally

DELETE_BATCH = 5000
# longer than any answer's transaction: after it, nothing started before closing can commit
SETTLE = dt.timedelta(minutes=10)


def shuffle(survey_id: int) -> int:
    """Rewrite the survey's responses in key order (new rows, one transaction) and touch its
    tallies; returns how many responses were rewritten."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey_id)
        now = timezone.now()  # before reading: an answer committed after it is not among them
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
        survey.shuffled_at = now
        survey.save(update_fields=["shuffled", "shuffled_at"])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction
            cursor.execute("VACUUM surveys_response, surveys_tally")
    return len(rows)


def unsettled():
    """Anonymous surveys that may have answers no shuffle has read: open ones, and closed ones
    whose last shuffle was not ``SETTLE`` after closing (drafts have none)."""
    return Survey.objects.filter(anonymous=True).filter(
        Q(status=Status.OPEN)
        | Q(status=Status.CLOSED)
        & (Q(shuffled_at__isnull=True) | Q(shuffled_at__lt=F("closed_at") + SETTLE))
    )


def due() -> list[int]:
    """Unsettled anonymous surveys with answers since their last shuffle."""
    counted = unsettled().annotate(n=Count("responses"))
    return list(counted.exclude(n=F("shuffled")).values_list("pk", flat=True))


def settle() -> int:
    """Closed surveys whose answers were all shuffled, checked ``SETTLE`` after closing: marked
    as shuffled now, so they are not counted again. Returns how many."""
    now = timezone.now()
    quiet = (
        unsettled()
        .filter(status=Status.CLOSED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__lte=now - SETTLE))
        .annotate(n=Count("responses"))
        .filter(n=F("shuffled"))
    )
    ids = list(quiet.values_list("pk", flat=True))
    return Survey.objects.filter(pk__in=ids).update(shuffled_at=now) if ids else 0


def shuffle_due() -> int:
    """The periodic task's body: shuffle what is due, then settle what has closed for good."""
    done = sum(shuffle(pk) for pk in due())
    settle()
    return done
