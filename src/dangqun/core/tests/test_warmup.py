"""Warm-up at a serving process's start: the steps apps register run once in a gunicorn worker,
the Huey consumer and runserver's serving child, never in other commands; a failing step does not
stop the worker."""

import logging

from huey.contrib.djhuey import HUEY

from dangqun.core import gunicorn_hooks, tasks, warmup


def test_registered_steps_run_and_a_failing_one_is_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(warmup, "_steps", {})
    ran = []
    warmup.register("first", lambda: ran.append("first"))
    warmup.register("broken", lambda: 1 / 0)
    warmup.register("first", lambda: ran.append("again"))  # the same name replaces

    with caplog.at_level(logging.ERROR, logger="dangqun.core.warmup"):
        took = warmup.run()

    assert ran == ["again"]
    assert set(took) == {"first", "broken"} and all(t >= 0 for t in took.values())
    assert "warm-up step broken failed" in caplog.text


def test_gunicorn_workers_and_the_task_consumer_warm_up(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "run", lambda: calls.append("run"))
    monkeypatch.setattr(warmup, "run_in_background", lambda: calls.append("background"))
    gunicorn_hooks.post_worker_init(worker=None)
    assert HUEY._startup["warm_up"] is tasks.warm_up
    tasks.warm_up()
    assert calls == ["background", "run"]


def test_only_runserver_serving_process_warms_up_at_setup():
    serving = warmup.serving_under_runserver
    assert serving(["manage.py", "runserver"], {"RUN_MAIN": "true"})
    assert serving(["manage.py", "runserver", "--noreload"], {})
    assert not serving(["manage.py", "runserver"], {})  # the autoreloader's watcher
    assert not serving(["manage.py", "migrate"], {"RUN_MAIN": "true"})
    assert not serving(["pytest"], {})


def test_the_voices_register_their_category_model():
    assert "voices.category_model" in warmup._steps


def test_warming_in_the_background_waits_for_the_registry(monkeypatch):
    ran = []
    monkeypatch.setattr(warmup, "run", lambda: ran.append(1))
    warmup.run_in_background().join(timeout=10)
    assert ran == [1]
