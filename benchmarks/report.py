"""Render the tables of docs/performance.md from result files written by ``run.py``.

    python benchmarks/report.py results/sqlite-1k.json results/pg-100k.json ...

Prints Markdown: the ratios, list and detail throughput and latency (in-process and over
HTTP), and the other endpoints. Each file is one run (one database and catalogue size).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

RATIOS = ["list: ours/plain", "list: ours/drf", "detail: ours/plain", "detail: ours/drf"]
COMPARED = [("list", "list"), ("detail", "detail")]
OTHERS = [
    ("detail_big", "course detail, 500-lesson outline"),
    ("search", "search (`?q=`)"),
    ("filter", "list filtered by category slug"),
    ("progress", "my progress in a course"),
    ("complete", "complete a lesson (12-lesson course)"),
    ("complete_big", "complete a lesson (500-lesson course)"),
    ("complete_service", "`lesson_complete()` service, 12-lesson course"),
    ("complete_service_big", "`lesson_complete()` service, 500-lesson course"),
    ("reviews", "reviews of a course"),
    ("reviews_all", "all reviews, newest first"),
]


def label(run: dict[str, Any]) -> str:
    environment = run["environment"]
    database = "PostgreSQL" if environment["database"] == "postgresql" else "SQLite"
    return f"{database}, {environment['courses']:,}"


def ratio_rows(runs: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| Database, courses | Mode | List ours/plain | List ours/DRF "
        "| Detail ours/plain | Detail ours/DRF |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for run in runs:
        for mode, name in (("in_process", "in-process"), ("http", "HTTP")):
            ratios = run["ratios"].get(mode)
            if ratios:
                values = " | ".join(f"{ratios[key]:.2f}" for key in RATIOS)
                rows.append(f"| {label(run)} | {name} | {values} |")
    return rows


def compared_rows(runs: list[dict[str, Any]], mode: str) -> list[str]:
    rows = [
        "| Database, courses | Endpoint | ours req/s | plain req/s | DRF req/s "
        "| ours p50 / p99 ms | plain p50 / p99 ms | DRF p50 / p99 ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        figures = run.get(mode) or {}
        for key, name in COMPARED:
            cells = [figures.get(f"{impl}.{key}") for impl in ("ours", "plain", "drf")]
            if None in cells:
                continue
            throughput = " | ".join(f"{cell['rps']:.0f}" for cell in cells)
            latency = " | ".join(f"{cell['p50_ms']:.1f} / {cell['p99_ms']:.1f}" for cell in cells)
            rows.append(f"| {label(run)} | {name} | {throughput} | {latency} |")
    return rows


def other_rows(runs: list[dict[str, Any]], mode: str) -> list[str]:
    rows = [
        "| Endpoint | " + " | ".join(label(run) for run in runs) + " |",
        "|---|" + "--:|" * len(runs),
    ]
    for key, name in OTHERS:
        cells = [(run.get(mode) or {}).get(f"ours.{key}") for run in runs]
        if all(cell is None for cell in cells):
            continue
        rows.append(f"| {name} | " + " | ".join(_other_cell(cell) for cell in cells) + " |")
    return rows


def _other_cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "–"
    text = f"{cell['rps']:.0f} req/s, p95 {cell['p95_ms']:.0f} ms"
    return text if cell["queries"] is None else f"{text}, {cell['queries']} q"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("results", nargs="+", type=Path, help="JSON files written by run.py")
    args = parser.parse_args(argv)
    runs = [json.loads(path.read_text()) for path in args.results]
    sections = [
        ("Ratios (throughput of ours divided by the reference)", ratio_rows(runs)),
        ("Course list and detail, in-process", compared_rows(runs, "in_process")),
        ("Course list and detail, over HTTP", compared_rows(runs, "http")),
        ("Other endpoints, in-process", other_rows(runs, "in_process")),
        ("Other endpoints, over HTTP", other_rows(runs, "http")),
    ]
    for title, rows in sections:
        print(f"### {title}\n")
        print("\n".join(rows))
        print()


if __name__ == "__main__":
    main()
