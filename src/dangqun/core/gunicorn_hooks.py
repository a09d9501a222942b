"""gunicorn settings module (``gunicorn -c python:dangqun.core.gunicorn_hooks``, as ``serve``
starts it): each worker runs the warm-up steps (``core.warmup``) as soon as it has loaded the
application. In a background thread: gunicorn kills a worker that has not entered its request
loop within ``--timeout`` (30 s), and reading jieba's dictionary and the model took 9–14 s on
this 2-core machine under load; a request arriving meanwhile waits for the model, once."""

from dangqun.core import warmup


def post_worker_init(worker) -> None:
    warmup.run_in_background()
