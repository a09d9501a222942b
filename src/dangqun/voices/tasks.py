"""Background work for voices, on Huey's schedule."""

import time

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from dangqun.core.imports.files import sweep_error_files
from dangqun.core.tallies import nightly_check
from dangqun.voices import tally
from dangqun.voices.attachments import sweep_orphan_files
from dangqun.voices.followup import close_unrated
from dangqun.voices.import_run import run_job
from dangqun.voices.models import VoiceImportJob
from dangqun.voices.notify import remind_deadlines


@db_periodic_task(crontab(minute="15", hour="*"))
def close_unrated_voices() -> int:
    """Close answered voices nobody rated within the configured days (rule voices.auto_close)."""
    return close_unrated()


@db_periodic_task(crontab(minute="*/10"))
def remind_voice_deadlines() -> dict:
    """Warn before deadlines and report passed ones to the supervisor (rule voices.reminders)."""
    return remind_deadlines()


@db_periodic_task(crontab(hour="2", minute="40"))
def check_voice_tallies() -> list[str]:
    """Every night: recompute recent months of 三率 tallies from the voices and correct any that
    drifted (only voices changed around ``Voice.save`` can make one drift). Each month locks voice
    writes for the seconds it takes."""
    return nightly_check(tally.rebuild, "三率月度统计")


@db_periodic_task(crontab(hour="2", minute="20"))
def sweep_orphan_voice_files() -> int:
    """Every night: delete attachment files left by uploads whose transaction failed."""
    return sweep_orphan_files()


@db_periodic_task(crontab(day_of_week="0", hour="3", minute="30"))
def retrain_voice_model() -> dict | None:
    """Every Sunday night: learn categories again from the voices handled since."""
    # import here: the classifier loads jieba and scikit-learn, which the other tasks never need
    from dangqun.voices import classifier

    try:
        report = classifier.train()
    except classifier.NotEnoughData:
        return None
    return {
        "samples": report.samples,
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "top3": report.top3,
    }


@db_task()
def run_voice_import(job_id: int) -> None:
    """Check and write one VoiceImportJob; progress is saved on the job as it goes."""
    run_job(job_id)


@db_periodic_task(crontab(hour="4", minute="20"))
def sweep_voice_import_error_files() -> int:
    """Every night: delete the error files of imports finished more than 30 days ago."""
    return sweep_error_files(VoiceImportJob)


@db_periodic_task(crontab(minute="*/10"))
def index_voice_topic_words() -> int:
    """Segment the words of voices added since the last run, so hot topics find them stored."""
    # import here: topic_words loads jieba, which the other tasks never need
    from dangqun.voices import topic_words

    return topic_words.fill_new()


# Indexing is asked for after each submission but runs at most once per process every
# INDEX_DELAY seconds, for every voice submitted meanwhile: under load one batch (one read, one
# COPY) instead of a task, a queue write and a transaction per voice; when quiet, a voice is
# findable a few seconds after it was submitted.
INDEX_DELAY = 3.0
_next_index_at = 0.0  # this process's: when it may ask again


def index_soon() -> None:
    """Ask for new voices to be indexed for near duplicates, unless this process asked less
    than INDEX_DELAY seconds ago (that task, not yet run, will find this voice too)."""
    global _next_index_at
    if HUEY.immediate:  # tests, and set-ups without a consumer: index now
        index_new_voices.call_local()
        return
    now = time.monotonic()
    if now < _next_index_at:
        return
    _next_index_at = now + INDEX_DELAY
    index_new_voices.schedule(delay=INDEX_DELAY)


@db_task(retries=3, retry_delay=30)
def index_new_voices() -> int:
    """What new voices need once their authors have their answers: near-duplicate index rows
    for every voice of the last two days that has none (decision 0022). The smart help a
    manager sees (duplicates, the category suggestion) is read from the index when the voice is
    opened."""
    # import here: duplicates loads scikit-learn and jieba, which the web process never needs
    # for submitting
    from dangqun.voices import duplicates

    return duplicates.index_missing(days=2)


@db_task(retries=3, retry_delay=30)
def after_submit(voice_id: int) -> int:
    """One voice into the near-duplicate index: what submitting enqueued before
    ``index_soon``; kept so that tasks queued before an upgrade still run."""
    from dangqun.voices import duplicates  # heavy libraries: see index_new_voices

    return duplicates.index_voices([voice_id])


@db_task(retries=3, retry_delay=30)
def index_imported_voices(voice_ids: list[int]) -> int:
    """An import chunk's voices into the near-duplicate index, after the chunk committed: the
    import itself stays fast (indexing costs ~10 ms a voice) and history is findable soon after."""
    from dangqun.voices import duplicates  # heavy libraries: see index_new_voices

    return duplicates.index_voices(voice_ids)


@db_periodic_task(crontab(hour="2", minute="50"))
def index_recent_voices() -> int:
    """Every night: index the last two days' voices that have no index rows (a task lost with a
    stopped worker, voices written by other paths), so no voice stays unfindable."""
    from dangqun.voices import duplicates  # heavy libraries: see index_new_voices

    return duplicates.index_missing()
