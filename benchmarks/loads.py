"""Measurement machinery for ``run.py``: scenarios, the in-process loop, gunicorn and wrk.

Every loop here is bounded twice, by time and by a count, and every socket is on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WRK_SCRIPT = BENCH_DIR / "wrk_requests.lua"
HOST = "127.0.0.1"

#: Upper bound on requests in one timed slice, whatever the duration.
MAX_REQUESTS_PER_SLICE = 200_000
#: Requests sent before measuring, to warm imports, caches and connections.
WARMUP_REQUESTS = 20


class BenchmarkError(RuntimeError):
    """A scenario answered something other than success."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str | None = None


@dataclass
class Scenario:
    """One thing measured: a cycle of HTTP requests, or a Python call (in-process only)."""

    name: str
    impl: str
    title: str
    requests: list[Request] = field(default_factory=list)
    call: Callable[[], None] | None = None
    #: Each request (or call) changes state once (complete-a-lesson): never replay one.
    consumable: bool = False
    #: How many times ``call`` may run, for a consumable call.
    calls: int = 0
    http: bool = True
    note: str = ""
    position: int = 0

    @property
    def key(self) -> str:
        return f"{self.impl}.{self.name}"

    @property
    def remaining(self) -> int:
        if not self.consumable:
            return MAX_REQUESTS_PER_SLICE
        return (self.calls if self.call is not None else len(self.requests)) - self.position

    def next_request(self) -> Request:
        request = self.requests[self.position % len(self.requests)]
        self.position += 1
        return request


@dataclass
class Stats:
    """Throughput and latency of one scenario; latencies in milliseconds."""

    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    #: Over HTTP: (latency in µs, weight) points, each a quantile of one wrk segment.
    weighted_us: list[tuple[int, float]] = field(default_factory=list)
    queries: int | None = None
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if self.latencies_ms:
            ordered = sorted(self.latencies_ms)
            return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]
        total = sum(weight for _value, weight in self.weighted_us)
        if not total:
            return 0.0
        rank = p / 100 * total
        seen = 0.0
        points = sorted(self.weighted_us)
        for value, weight in points:
            seen += weight
            if seen >= rank - 1e-9:
                return value / 1000
        return points[-1][0] / 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 3),
            "p95_ms": round(self.percentile(95), 3),
            "p99_ms": round(self.percentile(99), 3),
            "queries": self.queries,
            "errors": self.errors,
        }


# In-process ---------------------------------------------------------------------------------


def _send(client: Client, request: Request) -> Any:
    headers = {"Authorization": f"Bearer {request.token}"} if request.token else {}
    if request.method == "GET":
        return client.get(request.path, headers=headers)
    return client.generic(request.method, request.path, b"", "application/json", headers=headers)


def _step(client: Client, scenario: Scenario) -> None:
    if scenario.call is not None:
        scenario.call()
        scenario.position += 1
        return
    request = scenario.next_request()
    response = _send(client, request)
    if response.status_code >= 400:
        raise BenchmarkError(
            f"{scenario.key}: {request.method} {request.path} answered "
            f"{response.status_code}: {response.content[:300]!r}"
        )


def count_queries(client: Client, scenario: Scenario) -> int:
    with CaptureQueriesContext(connection) as captured:
        _step(client, scenario)
    return len(captured.captured_queries)


def run_in_process(
    scenarios: list[Scenario],
    *,
    duration: float,
    rounds: int,
    say: Callable[[str], None],
) -> dict[str, Stats]:
    """Interleave the scenarios (A B C A B C ...) for ``duration`` seconds each in total."""
    client = Client()
    stats = {scenario.key: Stats() for scenario in scenarios}
    for scenario in scenarios:
        warmup = 3 if scenario.consumable else WARMUP_REQUESTS
        for _ in range(min(warmup, scenario.remaining)):
            _step(client, scenario)
        stats[scenario.key].queries = count_queries(client, scenario)
    slice_seconds = duration / rounds
    for round_number in range(rounds):
        for scenario in scenarios:
            result = stats[scenario.key]
            timer = time.perf_counter
            started = timer()
            deadline = started + slice_seconds
            budget = min(MAX_REQUESTS_PER_SLICE, scenario.remaining)
            done = 0
            now = started
            while now < deadline and done < budget:
                before = timer()
                _step(client, scenario)
                now = timer()
                result.latencies_ms.append((now - before) * 1000)
                done += 1
            result.requests += done
            result.seconds += now - started
        say(f"  round {round_number + 1}/{rounds} done")
    return stats


# HTTP ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """gunicorn serving the benchmark site on 127.0.0.1, started and stopped by us."""

    def __init__(self, *, workers: int, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.workers = workers
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        self._wait_ready(timeout=30.0)
        return self

    def _wait_ready(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise BenchmarkError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _body = http_get(self.port, Request("GET", "/plain/courses/"))
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchmarkError(f"gunicorn answered {status} to /plain/courses/")
        raise BenchmarkError(f"gunicorn did not answer within {timeout:.0f} s")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def http_get(port: int, request: Request) -> tuple[int, bytes]:
    connection_ = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {request.token}"} if request.token else {}
        body = b"" if request.method != "GET" else None
        connection_.request(request.method, request.path, body=body, headers=headers)
        response = connection_.getresponse()
        return response.status, response.read()
    finally:
        connection_.close()


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _write_requests(path: Path, requests: Iterable[Request]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for request in requests:
            file.write(f"{request.method} {request.path} {request.token or '-'}\n")


def _parse_wrk(output: str) -> tuple[int, float, int, list[tuple[int, float]]]:
    """``(requests, seconds, errors, weighted latency points in µs)`` from our script's output.

    Each of the 1,000 quantiles wrk reports stands for a thousandth of the segment's requests,
    so segments of different lengths merge in proportion.
    """
    requests, seconds, errors = 0, 0.0, 0
    quantiles: list[int] = []
    for line in output.splitlines():
        parts = line.split()
        if parts[:1] == ["WRK_SUMMARY"]:
            numbers = [int(value) for value in parts[1:]]
            seconds = numbers[0] / 1_000_000
            requests = numbers[1]
            errors = sum(numbers[3:])
        elif parts[:1] == ["WRK_QUANTILE"]:
            quantiles.append(int(parts[1]))
    weight = requests / len(quantiles) if quantiles else 0.0
    return requests, seconds, errors, [(value, weight) for value in quantiles]


def run_http(
    scenarios: list[Scenario],
    *,
    port: int,
    duration: float,
    rounds: int,
    connections: int,
    say: Callable[[str], None],
) -> dict[str, Stats]:
    """Interleaved wrk segments (A B C A B C ...) against a running server."""
    wrk = wrk_path()
    if wrk is None:
        raise BenchmarkError("wrk is not installed (apt-get install wrk / brew install wrk)")
    stats = {scenario.key: Stats() for scenario in scenarios}
    segment = max(1, round(duration / rounds))
    with tempfile.TemporaryDirectory(prefix="coursehub-bench-") as tmp:
        files: dict[str, Path] = {}
        for scenario in scenarios:
            files[scenario.key] = Path(tmp) / f"{scenario.key}.txt"
            _write_requests(files[scenario.key], scenario.requests)
            warmup = 3 if scenario.consumable else WARMUP_REQUESTS
            for _ in range(warmup):
                request = scenario.next_request()
                status, _body = http_get(port, request)
                if status >= 400:
                    raise BenchmarkError(f"{scenario.key}: {request.path} answered {status}")
        for round_number in range(rounds):
            for scenario in scenarios:
                command = [
                    wrk,
                    "-t1",
                    f"-c{connections}",
                    f"-d{segment}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(WRK_SCRIPT),
                    f"http://{HOST}:{port}",
                    "--",
                    str(files[scenario.key]),
                    str(scenario.position),
                ]
                completed = subprocess.run(
                    command, capture_output=True, text=True, timeout=segment + 60, check=False
                )
                if completed.returncode != 0:
                    raise BenchmarkError(f"wrk failed: {completed.stderr.strip()}")
                requests, seconds, errors, points = _parse_wrk(completed.stdout)
                result = stats[scenario.key]
                result.requests += requests
                result.seconds += seconds
                result.errors += errors
                result.weighted_us += points
                # Requests in flight when wrk stopped may have reached the server: skip them.
                scenario.position += requests + connections
            say(f"  round {round_number + 1}/{rounds} done")
    for scenario in scenarios:
        if scenario.consumable and scenario.position > len(scenario.requests):
            scenario.note = "request list wrapped: later requests repeated completed lessons"
    return stats


def server_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env
