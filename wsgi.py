"""Entry point for gunicorn (``gunicorn -c gunicorn.conf.py wsgi:app``) and the huey consumer
(``huey_consumer wsgi.huey``)."""

from sidebar import create_app
from sidebar.extensions import huey

app = create_app()

__all__ = ["app", "huey"]
