"""Production server: gunicorn + whitenoise for pages, a Huey consumer for background work."""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def run_server(host: str, port: int, workers: int, *, manifest: bool) -> int:
    """Start the task consumer and gunicorn as children; stop both on exit or Ctrl-C."""
    env = dict(os.environ)
    if manifest:
        env["DANGQUN_MANIFEST_STATIC"] = "1"
    manage = [sys.executable, "-m", "dangqun"]
    consumer = subprocess.Popen([*manage, "run_huey", "--workers", "1", "--quiet"], env=env)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dangqun.wsgi:application",
            # post_worker_init: each worker reads the category model before its first request
            "--config",
            "python:dangqun.core.gunicorn_hooks",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            # No client address, browser or referrer: an access log must not identify the author
            # of an anonymous voice by its time (decisions/0008).
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ],
        env=env,
    )
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in (server, consumer):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in (server, consumer):
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def collect_static(*, manifest: bool) -> None:
    """Collect static files in a child process, so the storage setting matches the server's."""
    env = dict(os.environ)
    if manifest:
        env["DANGQUN_MANIFEST_STATIC"] = "1"
    subprocess.run(
        [sys.executable, "-m", "dangqun", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        check=True,
    )


class Command(BaseCommand):
    help = "以生产方式启动平台（gunicorn + whitenoise，另启后台任务进程）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DANGQUN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("DANGQUN_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("DANGQUN_WORKERS", "3"))
        )
        parser.add_argument("--no-migrate", action="store_true", help="不执行数据库迁移")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        collect_static(manifest=True)
        self.stdout.write(f"平台已启动：http://{options['host']}:{options['port']}/")
        raise SystemExit(
            run_server(options["host"], options["port"], options["workers"], manifest=True)
        )
