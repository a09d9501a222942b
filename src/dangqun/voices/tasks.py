"""Background work for voices, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="15", hour="*"))
def close_unrated_voices() -> int:
    """Close answered voices nobody rated within the configured days (rule voices.auto_close)."""
    from dangqun.voices.services import close_unrated

    return close_unrated()


@db_periodic_task(crontab(minute="*/10"))
def remind_voice_deadlines() -> dict:
    """Warn before deadlines and report passed ones to the supervisor (rule voices.reminders)."""
    from dangqun.voices.notify import remind_deadlines

    return remind_deadlines()
