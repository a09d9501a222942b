"""Work a process does once when it starts to serve, so that no request pays for it: a gunicorn
worker after it loaded the application (``gunicorn_hooks.post_worker_init``, in a background
thread), the Huey consumer
(``on_startup`` in ``core/tasks.py``), and ``runserver``'s serving process (``CoreConfig.ready``).
Apps register their steps in their ``AppConfig.ready`` (the voices' category model: ``voices/
apps.py``); management commands such as ``migrate`` never run them."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from django.apps import apps

log = logging.getLogger(__name__)

_steps: dict[str, Callable[[], object]] = {}


def register(name: str, step: Callable[[], object]) -> None:
    """Run ``step`` when a serving process starts (once per name: re-registering replaces)."""
    _steps[name] = step


def run() -> dict[str, float]:
    """Run every registered step; the seconds each took. A failing step is logged, never raised:
    a worker must start even if, say, the model file is broken."""
    took = {}
    for name, step in list(_steps.items()):
        start = time.perf_counter()
        try:
            step()
        except Exception:
            log.exception("warm-up step %s failed", name)
        took[name] = round(time.perf_counter() - start, 3)
        log.info("warm-up %s: %.2f s", name, took[name])
    return took


def serving_under_runserver(argv: list[str] | None = None, environ=None) -> bool:
    """Whether this process is ``runserver``'s serving child (not the autoreloader's watcher, not
    any other command)."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    command = argv[1] if len(argv) > 1 else ""
    if command != "runserver":
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def _when_ready() -> None:
    for _ in range(600):  # every app's ready() has registered its steps once the registry is
        if apps.ready:
            run()
            return
        time.sleep(0.1)


def run_in_background() -> threading.Thread:
    """``run`` in a daemon thread once the app registry is ready: the server listens at once, and
    a suggestion waits for the model only within the first seconds."""
    thread = threading.Thread(target=_when_ready, name="warmup", daemon=True)
    thread.start()
    return thread
