"""The ``dangqun`` command: Django's management commands under the project's own name.

dangqun demo                  migrate, seed the demo enterprise, serve on 127.0.0.1:8000
dangqun serve                 production server (gunicorn + whitenoise) and the task worker
dangqun seed --scale small    generate data (small = the demo, large = 300,000 employees)
dangqun createtoken USERNAME  print a new API token for a user
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dangqun", *sys.argv[1:]])


if __name__ == "__main__":
    main()
