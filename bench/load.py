"""A small load tool for the benchmarks: N keep-alive HTTP/1.1 connections, each sending its next
request as soon as the last one is answered, for a fixed time. Plain asyncio sockets (no client
library in the way), so the same tool drives every endpoint compared and costs each alike.

    result = load.run("127.0.0.1", 8000, next_request, connections=50, seconds=20)

``next_request(n)`` returns the requests of one unit of work (a list of ``Request``: a profile may be
several; none ends the connection, when a prepared set is used up); a unit counts once, when all its
requests were answered, and its latency is the sum of theirs. A ``follow`` function may add requests
from an answer (the parts a page loads by itself).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    path: str
    method: str = "GET"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    units: int
    seconds: float
    latencies: list[float]  # seconds per unit
    errors: list[str]

    @property
    def per_second(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"{self.per_second:,.0f}/s ({self.units:,} in {self.seconds:.1f} s), "
            f"p50 {self.percentile(50) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms, "
            f"{len(self.errors)} errors"
        )

    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        data = bytes(body)
    else:
        data = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, data, headers.get("connection", "").lower() == "close"


async def _connection(
    host: str,
    port: int,
    next_request: Callable[[int], list[Request]],
    follow: Callable[[Request, bytes], list[Request]] | None,
    deadline: float,
    counter: list[int],
    result: Result,
    common_headers: dict[str, str],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < deadline:
            counter[0] += 1
            pending = list(next_request(counter[0]))
            if not pending:
                break
            spent, failed = 0.0, False
            while pending:
                req = pending.pop(0)
                headers = {"Host": f"{host}:{port}", **common_headers, **req.headers}
                if req.body:
                    headers["Content-Length"] = str(len(req.body))
                raw = f"{req.method} {req.path} HTTP/1.1\r\n" + "".join(
                    f"{k}: {v}\r\n" for k, v in headers.items()
                )
                started = time.perf_counter()
                writer.write(raw.encode() + b"\r\n" + req.body)
                status, body, close = await _read_response(reader)
                spent += time.perf_counter() - started
                if status >= 400:
                    result.errors.append(f"{status} {req.path}")
                    failed = True
                elif follow is not None:
                    pending += follow(req, body)
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
            if not failed and time.monotonic() <= deadline:
                result.units += 1
                result.latencies.append(spent)
    finally:
        writer.close()


def run(
    host: str,
    port: int,
    next_request: Callable[[int], list[Request]],
    *,
    connections: int = 50,
    seconds: float = 20.0,
    follow: Callable[[Request, bytes], list[Request]] | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    """Drive the server for ``seconds`` with ``connections`` keep-alive connections."""
    result = Result(0, 0.0, [], [])

    async def main() -> None:
        deadline = time.monotonic() + seconds
        counter = [0]
        started = time.monotonic()
        await asyncio.gather(
            *(
                _connection(host, port, next_request, follow, deadline, counter, result, headers or {})
                for _ in range(connections)
            )
        )
        result.seconds = min(time.monotonic(), deadline) - started

    asyncio.run(main())
    return result
