"""What the system is doing, in Prometheus' terms: request latency by route, job durations and failures by
task, the job queue's depth, WeCom and WeChat Pay calls by API and answer, callback lag (received by us →
applied), and database connections in use. Exposed at ``/metrics`` (``web.observability``).

Under gunicorn each worker is a process: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty folder per host,
emptied at every start, shared by the web workers and the job consumer of that host) the values are
written there and ``/metrics`` adds up every process's, as prometheus_client's multiprocess mode does.
Without it (``make run``, tests) they live in this process. The queue's depth is read from the queue when
scraped.

There is no archive yet (issue 34): its lag is added with it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# A counter's *_created series (its creation time) says nothing an operator acts on; it doubles the lines.
disable_created_metrics()

# Seconds: a profile opens in tens of milliseconds; a slow page or a WeCom wait in seconds.
LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_SECONDS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
LAG_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)

http_seconds = Histogram(
    "beside_http_request_duration_seconds",
    "Time to answer a request, by route (the URL rule, not the URL), method and status.",
    ["route", "method", "status"],
    buckets=LATENCY,
)
job_seconds = Histogram(
    "beside_job_duration_seconds", "Time a background job ran, by task.", ["task"], buckets=JOB_SECONDS
)
job_failures = Counter("beside_job_failures_total", "Background jobs that raised, by task.", ["task"])
wecom_calls = Counter(
    "beside_wecom_calls_total",
    "Calls to WeCom's API by API and errcode (0: success; http: no answer or not JSON).",
    ["api", "errcode"],
)
pay_calls = Counter(
    "beside_pay_calls_total",
    "Calls to WeChat Pay by API and answer (SUCCESS, the err_code, or http).",
    ["api", "result"],
)
callback_lag = Histogram(
    "beside_callback_lag_seconds",
    "From a WeCom callback reaching Beside to its change being applied.",
    buckets=LAG_SECONDS,
)
db_connections_in_use = Gauge(
    "beside_db_connections_in_use",
    "Database connections checked out of the pools, all processes of this host together.",
    multiprocess_mode="livesum",
)

_ID_LIKE = re.compile(r"/\d+(?=/|$)")


def api_name(url_or_endpoint: str) -> str:
    """A WeCom or Pay endpoint as a label: the path without host, query or numbers in it
    (``https://…/cgi-bin/externalcontact/get?x=1`` → ``externalcontact/get``)."""
    path = url_or_endpoint.split("?", 1)[0]
    path = path.split("/cgi-bin/", 1)[-1] if "/cgi-bin/" in path else path
    if "://" in path:
        path = path.split("://", 1)[1].split("/", 1)[-1]
    return _ID_LIKE.sub("/:id", path.strip("/"))[:80] or "(root)"


class QueueDepth(Collector):
    """The job queue's depth, read from the queue (Redis or SQLite) when scraped."""

    def __init__(self, huey: Any):
        self.huey = huey

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pending = GaugeMetricFamily("beside_jobs_queued", "Jobs waiting in the queue for a consumer.")
        scheduled = GaugeMetricFamily(
            "beside_jobs_scheduled", "Jobs waiting for their time (retries, delayed steps)."
        )
        try:
            pending.add_metric([], float(self.huey.pending_count()))
            scheduled.add_metric([], float(self.huey.scheduled_count()))
        except Exception:  # noqa: BLE001 - the queue unreachable: the gauges are left out, /readyz says why
            return
        yield pending
        yield scheduled


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(huey: Any) -> tuple[bytes, str]:
    """Every metric of this host in Prometheus' text format, and its content type."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ThisProcess())
    registry.register(QueueDepth(huey))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ThisProcess(Collector):
    """This process's own metrics (the default registry's), inside a registry made for one scrape."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit``: a worker's live gauges no longer count."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
