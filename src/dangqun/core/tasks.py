"""The Huey consumer's own start: it runs the warm-up steps (``core.warmup``) once, so that a task
that needs, say, the category model does not read it first."""

from huey.contrib.djhuey import on_startup

from dangqun.core import warmup


@on_startup()
def warm_up() -> None:
    warmup.run()
