"""gunicorn settings module (``gunicorn -c python:dangqun.core.gunicorn_hooks``, as ``serve``
starts it): each worker runs the warm-up steps (``core.warmup``) once it has loaded the
application and before it accepts a request."""

from dangqun.core import warmup


def post_worker_init(worker) -> None:
    warmup.run()
