"""Log lines, and the request id that ties a request to the jobs it enqueued.

Every request has an id: the reverse proxy's ``X-Request-Id`` when it sends a well-formed one, else a new
one; it is answered in ``X-Request-Id``. A job enqueued while a request is served carries it (in the
task's id, ``<request id>.<task id>``), so the consumer's lines for that job name the same id.

``LOG_FORMAT=json`` writes one JSON object a line (time, level, logger, message, request_id and the
fields of the line), and one line per request (method, route, path, status, milliseconds); ``text``, the
default, is for people reading a terminal (``make run``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("beside_request_id", default=None)
_WELL_FORMED = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SEPARATOR = "."  # between a request id and a task's own id (neither contains it)


def request_id() -> str | None:
    """The id of the request (or of the job's request) being served in this context."""
    return _request_id.get()


def begin(incoming: str | None) -> str:
    """Start a request's (or job's) context with the id given if well formed, else a new one."""
    rid = incoming if incoming and _WELL_FORMED.match(incoming) else uuid.uuid4().hex
    _request_id.set(rid)
    return rid


def end() -> None:
    _request_id.set(None)


def enter(rid: str | None) -> Token[str | None]:
    """A job's context, inside whatever context it runs in (a request, when jobs run at once in tests);
    ``leave`` puts the outer one back."""
    return _request_id.set(rid or _request_id.get())


def leave(token: Token[str | None]) -> None:
    _request_id.reset(token)


def task_id_with_request(task_id: str) -> str:
    """A job's id carrying the current request's id, when there is one."""
    rid = _request_id.get()
    if not rid or SEPARATOR in task_id:
        return task_id
    return f"{rid}{SEPARATOR}{task_id}"


def request_of_task(task_id: str) -> str | None:
    rid, sep, _ = task_id.partition(SEPARATOR)
    return rid if sep and _WELL_FORMED.match(rid) else None


class JsonLines(logging.Formatter):
    """One JSON object a line: what log collectors (Loki, ELK, CLS) read without a parser."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid and rid != "-":
            line["request_id"] = rid
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_plain_record = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every log record carries the request id of the context it was made in (a job logging in a
    thread of the consumer names its own request, not whatever another thread serves)."""
    record = _plain_record(*args, **kwargs)
    record.request_id = _request_id.get()
    return record


if getattr(_plain_record, "__name__", "") != _record_with_request_id.__name__:
    logging.setLogRecordFactory(_record_with_request_id)


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or "-"
        return True


def unconfigure() -> None:
    """Take our handler off the root logger (tests that configured JSON logs put things back)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "beside", False)]:
        root.removeHandler(old)


def configure(log_format: str, level: str = "INFO") -> None:
    """The root logger's one handler on stderr, in the format chosen (called once per process)."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.addFilter(_WithRequestId())
    unconfigure()
    handler.beside = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
