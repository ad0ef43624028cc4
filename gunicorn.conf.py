"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``. Every value can be set from the
environment, so one file serves the demo and production."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:" + os.environ.get("PORT", "5000"))
# Threads let one worker wait on WeCom while it serves others; processes use the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Behind a reverse proxy that sets X-Forwarded-*; trust only the proxy on this host by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):  # noqa: ARG001 - gunicorn's hook signature
    """Check the settings once, before any worker starts: a wrong setting stops gunicorn with one line
    saying what to change, instead of workers failing to boot one after another."""
    from sidebar.config import ConfigError

    try:
        from sidebar import create_app

        create_app()
    except ConfigError as exc:
        import sys

        sys.stderr.write(f"Beside cannot start: {exc}\n")
        raise SystemExit(1) from None


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """A worker gone: its live gauges (connections in use) stop counting in /metrics (multiprocess mode,
    ``PROMETHEUS_MULTIPROC_DIR``)."""
    from sidebar.metrics import mark_process_dead

    mark_process_dead(worker.pid)
