"""Entry point for gunicorn (``gunicorn -c gunicorn.conf.py wsgi:app``) and the huey consumer
(``huey_consumer wsgi.huey``).

Settings that cannot run the app are said in one line, without a traceback in front of them: the person
reading it is setting the app up, and the line says what to change."""

import sys

from sidebar import create_app
from sidebar.config import ConfigError
from sidebar.extensions import huey

try:
    app = create_app()
except ConfigError as exc:
    sys.stderr.write(f"Beside cannot start: {exc}\n")
    raise SystemExit(1) from None

__all__ = ["app", "huey"]
