"""Benchmark django-coursehub's API against plain Django (the limit) and DRF (the peer).

    python benchmarks/run.py --courses 10000 [--database-url URL] [--duration 10] [--http]

Seeds the catalogue (or reuses it), checks that the three implementations return the same JSON,
then measures interleaved (A B C A B C ...) on the same data: in-process with the Django test
client, and with ``--http`` over HTTP (gunicorn, 2 workers, 127.0.0.1, load from wrk). Prints a
table with the ratios ours/plain and ours/DRF and writes ``benchmarks/results/latest.json``.
See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

if TYPE_CHECKING:
    from benchmarks.loads import Scenario, Stats
    from django_coursehub.catalog.models import Lesson

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_DIR = BENCH_DIR / "data"

TARGET_VS_PLAIN = 0.8
TARGET_VS_DRF = 1.6
TARGET_SEARCH_P95_MS = 50.0
SEARCH_TERMS = ["python", "django", "oʻzbek", "marketing", "data science", "excel", "react", "go"]
SAMPLE = 50


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--courses", type=int, default=1000, help="catalogue size")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgresql://user:password@127.0.0.1:5432/name (default: SQLite)",
    )
    parser.add_argument(
        "--sqlite", default="", help="SQLite file (default: benchmarks/data/coursehub-N.sqlite3)"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds measured per scenario and mode"
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--http", action="store_true", help="also measure over HTTP")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--only", default="", help="comma-separated scenario keys or names")
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument("--seed-only", action="store_true", help="seed (or reuse), then stop")
    parser.add_argument(
        "--check-only",
        action="store_true",
        help="seed (or reuse), check that the three answer the same JSON, then stop",
    )
    parser.add_argument(
        "--profile", default="", metavar="KEY", help="cProfile one scenario (e.g. ours.list)"
    )
    parser.add_argument(
        "--output", default=str(RESULTS_DIR / "latest.json"), help="where to write the JSON"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600 or not 1 <= args.rounds <= 100:
        parser.error("--duration must be in (0, 600] and --rounds in [1, 100]")
    return args


def database_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment that points the benchmark site (here and in gunicorn) at the database."""
    if args.database_url:
        return {"DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    sqlite = args.sqlite or str(DATA_DIR / f"coursehub-{args.courses}.sqlite3")
    return {
        "DATABASE_URL": "",
        "COURSEHUB_BENCH_SQLITE": sqlite,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }


def setup_django(args: argparse.Namespace) -> dict[str, str]:
    env = database_env(args)
    os.environ.update(env)
    if "COURSEHUB_BENCH_SQLITE" in env:
        sqlite = Path(env["COURSEHUB_BENCH_SQLITE"])
        sqlite.parent.mkdir(parents=True, exist_ok=True)
        if args.reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def say(message: str) -> None:
    print(message, flush=True)


# Data and scenarios -------------------------------------------------------------------------


def access_token(user: Any) -> str:
    """A valid access token for ``user``, without writing a refresh token to the database."""
    from ninja_jwt.tokens import AccessToken

    from django_coursehub.accounts.tokens import PASSWORD_STAMP_CLAIM, password_stamp

    # ninja-jwt types ``for_user`` as if called on an instance (see accounts/tokens.py).
    token = cast(AccessToken, AccessToken.for_user(user))  # type: ignore[misc]
    token[PASSWORD_STAMP_CLAIM] = password_stamp(user)
    return str(token)


def bench_learners() -> list[Any]:
    from django.contrib.auth import get_user_model

    from benchmarks.seed import BENCH_LEARNER_PREFIX

    return list(
        get_user_model().objects.filter(username__startswith=BENCH_LEARNER_PREFIX).order_by("id")
    )


def reset_bench_progress() -> None:
    """Undo what earlier complete-a-lesson measurements did to the benchmark learners."""
    from django.db import transaction

    from django_coursehub.learning.models import Enrollment, LessonProgress

    users = bench_learners()
    with transaction.atomic():
        LessonProgress.objects.filter(enrollment__user__in=users).delete()
        Enrollment.objects.filter(user__in=users).update(
            completed_lessons=0, status=Enrollment.Status.ACTIVE, completed_at=None
        )


def search_available() -> bool:
    from django_coursehub.catalog.schemas import CourseFilters

    return "q" in CourseFilters.model_fields


def _outline(course_ids: list[int]) -> dict[int, list[Lesson]]:
    from django_coursehub.catalog.models import Lesson

    lessons: dict[int, list[Lesson]] = {course_id: [] for course_id in course_ids}
    queryset = Lesson.objects.filter(course_id__in=course_ids).order_by(
        "course_id", "section__order", "order"
    )
    for lesson in queryset:
        lessons[lesson.course_id].append(lesson)
    return lessons


def _completions(outline: dict[int, list[Lesson]], learners: list[Any]) -> list[tuple[Any, Lesson]]:
    """Every (learner, lesson) pair, lesson by lesson, so neighbours touch different rows."""
    longest = max((len(lessons) for lessons in outline.values()), default=0)
    pairs = []
    for position in range(longest):
        for lessons in outline.values():
            if position < len(lessons):
                pairs += [(learner, lessons[position]) for learner in learners]
    return pairs


def build_scenarios() -> list[Scenario]:
    from benchmarks.loads import Request, Scenario
    from benchmarks.seed import BENCH_COURSE_IDS, BIG_COURSE_ID
    from django_coursehub.catalog.models import Course
    from django_coursehub.learning import services
    from django_coursehub.learning.models import Enrollment

    rng = random.Random(7)
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    ids = list(published.exclude(pk=BIG_COURSE_ID).values_list("id", flat=True))
    detail_ids = rng.sample(ids, min(SAMPLE, len(ids)))
    reviewed = list(published.filter(rating_count__gt=0).values_list("id", flat=True))
    review_ids = rng.sample(reviewed, min(SAMPLE, len(reviewed)))
    pages = range(1, 6)

    learners = bench_learners()
    endpoint_learners, service_learners = (
        learners[: len(learners) // 2],
        learners[len(learners) // 2 :],
    )
    tokens = {user.pk: access_token(user) for user in endpoint_learners}
    typical = _outline(list(BENCH_COURSE_IDS))
    big = _outline([BIG_COURSE_ID])

    progress_rows = list(
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE,
            completed_lessons__gt=0,
            course__status=Course.Status.PUBLISHED,
        )
        .exclude(user__in=learners)
        .exclude(course_id=BIG_COURSE_ID)
        .select_related("user")
        .order_by("id")[:SAMPLE]
    )

    def complete_requests(outline: dict[int, list[Lesson]]) -> list[Request]:
        return [
            Request("POST", f"/api/enrollments/complete/{lesson.pk}/", tokens[learner.pk])
            for learner, lesson in _completions(outline, endpoint_learners)
        ]

    def service_scenario(name: str, title: str, outline: dict[int, list[Lesson]]) -> Scenario:
        pairs = _completions(outline, service_learners)
        remaining = iter(pairs)

        def call() -> None:
            learner, lesson = next(remaining)
            services.lesson_complete(user=learner, lesson=lesson)

        return Scenario(
            name, "ours", title, call=call, consumable=True, calls=len(pairs), http=False
        )

    if search_available():
        search = [Request("GET", f"/api/courses/?q={quote(term)}") for term in SEARCH_TERMS]
        search_note = ""
    else:
        search = [Request("GET", f"/api/courses/?category=category-{k}") for k in range(1, 11)]
        search_note = "no ?q= in this version: measured ?category=<slug> instead"

    def three(name: str, title: str, paths: Callable[[str], list[str]]) -> list[Scenario]:
        return [
            Scenario(name, impl, title, [Request("GET", path) for path in paths(prefix)])
            for impl, prefix in (("ours", "/api"), ("plain", "/plain"), ("drf", "/drf"))
        ]

    big_lessons = len(big[BIG_COURSE_ID])
    typical_lessons = sum(len(v) for v in typical.values()) / max(1, len(typical))
    return [
        *three(
            "list",
            "course list (page of 20)",
            lambda prefix: [f"{prefix}/courses/?page={page}" for page in pages],
        ),
        *three(
            "detail",
            "course detail with outline",
            lambda prefix: [f"{prefix}/courses/{course_id}/" for course_id in detail_ids],
        ),
        Scenario(
            "detail_big",
            "ours",
            f"course detail, {big_lessons}-lesson outline",
            [Request("GET", f"/api/courses/{BIG_COURSE_ID}/")],
            http=False,
        ),
        Scenario("search", "ours", "search", search, note=search_note),
        Scenario(
            "filter",
            "ours",
            "list filtered by category slug",
            [Request("GET", f"/api/courses/?category=category-{k}") for k in range(1, 31)],
            http=False,
        ),
        Scenario(
            "progress",
            "ours",
            "my progress in a course",
            [
                Request(
                    "GET",
                    f"/api/enrollments/progress/{row.course_id}/",
                    access_token(row.user),
                )
                for row in progress_rows
            ],
        ),
        Scenario(
            "complete",
            "ours",
            f"complete a lesson ({typical_lessons:.0f}-lesson course)",
            complete_requests(typical),
            consumable=True,
        ),
        Scenario(
            "complete_big",
            "ours",
            f"complete a lesson ({big_lessons}-lesson course)",
            complete_requests(big),
            consumable=True,
            http=False,
        ),
        service_scenario("complete_service", "lesson_complete() service, typical course", typical),
        service_scenario(
            "complete_service_big", f"lesson_complete() service, {big_lessons}-lesson course", big
        ),
        Scenario(
            "reviews",
            "ours",
            "reviews of a course",
            [Request("GET", f"/api/reviews/?course={course_id}") for course_id in review_ids],
        ),
        Scenario(
            "reviews_all",
            "ours",
            "all reviews, newest first",
            [Request("GET", f"/api/reviews/?page={page}") for page in pages],
            http=False,
        ),
    ]


def select(scenarios: list[Scenario], only: str) -> list[Scenario]:
    if not only:
        return scenarios
    wanted = {item.strip() for item in only.split(",") if item.strip()}
    return [s for s in scenarios if s.key in wanted or s.name in wanted]


# Same JSON ------------------------------------------------------------------------------------

ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def normalise(value: Any) -> Any:
    """JSON with datetimes in UTC to the millisecond (DRF writes microseconds, Django ms)."""
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str) and ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()
    return value


def _first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """Where ``b`` (a peer's answer) differs from ``a`` (ours); keys ours sends as null and the
    peer leaves out (an optional part such as ``facets``) do not count."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        a = {key: value for key, value in a.items() if key in b or value is not None}
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def check_same_json(scenarios: list[Scenario]) -> list[str]:
    """Ours, plain and DRF must answer the same JSON for the same list page and course."""
    from django.test import Client

    from benchmarks.seed import BIG_COURSE_ID

    client = Client()
    by_key = {s.key: s for s in scenarios}
    paths = ["/courses/?page=1", "/courses/?page=3", f"/courses/{BIG_COURSE_ID}/"]
    if "ours.detail" in by_key:
        paths += [r.path.removeprefix("/api") for r in by_key["ours.detail"].requests[:5]]
    problems = []
    for path in paths:
        bodies = {}
        for impl, prefix in (("ours", "/api"), ("plain", "/plain"), ("drf", "/drf")):
            response = client.get(prefix + path)
            if response.status_code != 200:
                problems.append(f"{prefix}{path}: status {response.status_code}")
                continue
            bodies[impl] = normalise(json.loads(response.content))
        for impl in ("plain", "drf"):
            if "ours" in bodies and impl in bodies:
                found = _first_difference(bodies["ours"], bodies[impl])
                if found:
                    problems.append(f"ours vs {impl} on {path}: {found}")
    return problems


# Profiling ------------------------------------------------------------------------------------


def profile(scenario: Scenario, duration: float) -> str:
    from django.test import Client

    from benchmarks.loads import _step

    client = Client()
    for _ in range(min(20, scenario.remaining)):
        _step(client, scenario)
    profiler = cProfile.Profile()
    deadline = time.perf_counter() + duration
    budget = min(100_000, scenario.remaining)
    count = 0
    profiler.enable()
    while time.perf_counter() < deadline and count < budget:
        _step(client, scenario)
        count += 1
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"{scenario.key}: {count} requests profiled\n")
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


# Report ---------------------------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    from django.db import connection

    versions: dict[str, str | None] = {}
    for package in (
        "django",
        "django-ninja",
        "pydantic",
        "djangorestframework",
        "gunicorn",
        "django-coursehub",
    ):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        database_version = str(cursor.fetchone()[0])
    wrk_version: str | None = None
    if args.http:
        from benchmarks.loads import wrk_path

        wrk = wrk_path()
        if wrk:
            probe = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)
            wrk_version = (probe.stdout or probe.stderr).split("\n")[0].strip()
    return {
        "database": connection.vendor,
        "database_version": database_version.split(" on ")[0],
        "courses": args.courses,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "wrk": wrk_version,
        "duration_per_scenario_s": args.duration,
        "rounds": args.rounds,
        "gunicorn_workers": args.workers,
        "wrk_connections": args.connections,
    }


def ratios(stats: dict[str, Stats]) -> dict[str, float]:
    found = {}
    for name in ("list", "detail"):
        ours = stats.get(f"ours.{name}")
        for peer in ("plain", "drf"):
            other = stats.get(f"{peer}.{name}")
            if ours and other and other.rps:
                found[f"{name}: ours/{peer}"] = round(ours.rps / other.rps, 3)
    return found


def targets(
    in_process: dict[str, Stats], http: dict[str, Stats] | None, database: str, courses: int
) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for mode, stats in (("in-process", in_process), ("http", http)):
        if not stats:
            continue
        for key, value in ratios(stats).items():
            minimum = TARGET_VS_PLAIN if key.endswith("/plain") else TARGET_VS_DRF
            checks.append(
                {
                    "target": f"{key} throughput ≥ {minimum} ({mode})",
                    "value": value,
                    "met": value >= minimum,
                }
            )
        search = stats.get("ours.search")
        # Latency of one request at a time; over HTTP, wrk's queue of 4 connections for 2
        # workers adds waiting time, so that figure is reported but not held to the target.
        if search and mode == "in-process":
            p95 = round(search.percentile(95), 2)
            applies = database == "postgresql" and courses >= 100_000
            checks.append(
                {
                    "target": f"search p95 < {TARGET_SEARCH_P95_MS:.0f} ms ({mode})"
                    + ("" if applies else "; set for PostgreSQL with 100k courses, not this run"),
                    "value": p95,
                    "met": p95 < TARGET_SEARCH_P95_MS if applies else None,
                }
            )
    pairs = [
        ("ours.complete", "ours.complete_big", "complete-a-lesson queries, typical = big course"),
        ("ours.complete_service", "ours.complete_service_big", "lesson_complete() queries"),
        ("ours.detail", "ours.detail_big", "course detail queries, any outline size"),
    ]
    for small, large, label in pairs:
        if small in in_process and large in in_process:
            a, b = in_process[small].queries, in_process[large].queries
            checks.append({"target": label, "value": f"{a} vs {b}", "met": a == b})
    typical = in_process.get("ours.complete_service")
    big = in_process.get("ours.complete_service_big")
    if typical and big and typical.percentile(50):
        growth = round(big.percentile(50) / typical.percentile(50), 2)
        checks.append(
            {
                "target": "lesson_complete() p50, big / typical course ≈ 1 (O(1))",
                "value": growth,
                "met": growth < 1.5,
            }
        )
    return checks


def table(title: str, scenarios: list[Scenario], stats: dict[str, Stats]) -> str:
    lines = [title, "-" * len(title)]
    header = f"{'scenario':<44} {'impl':<6} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
    header += f"{'p99 ms':>8} {'queries':>7}"
    lines.append(header)
    for scenario in scenarios:
        result = stats.get(scenario.key)
        if result is None:
            continue
        queries = "-" if result.queries is None else str(result.queries)
        lines.append(
            f"{scenario.title[:44]:<44} {scenario.impl:<6} {result.rps:>9.1f} "
            f"{result.percentile(50):>8.2f} {result.percentile(95):>8.2f} "
            f"{result.percentile(99):>8.2f} {queries:>7}"
            + (f"  errors: {result.errors}" if result.errors else "")
        )
    for key, value in ratios(stats).items():
        minimum = TARGET_VS_PLAIN if key.endswith("/plain") else TARGET_VS_DRF
        mark = "ok" if value >= minimum else "BELOW TARGET"
        lines.append(f"  {key:<20} {value:>6.2f}×   (target ≥ {minimum}: {mark})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = setup_django(args)

    from django.core.management import call_command
    from django.db import connection

    from benchmarks import loads, seed

    say(f"Database: {connection.vendor}, {args.courses} courses")
    call_command("migrate", verbosity=0)
    seed_started = time.perf_counter()
    report, check = seed.ensure(args.courses, reseed=args.reseed, progress=say)
    if report is None:
        say("Reusing the seeded catalogue (--reseed to seed again).")
    else:
        say(f"Seeded in {report.seconds:.1f} s: {report.rows}")
        say(f"Stored counters that disagree with the data: {check}")
        if check and any(check.values()):
            say("The seed's counters are inconsistent: stopping.")
            return 1
    seed_seconds = time.perf_counter() - seed_started
    if args.seed_only:
        return 0

    reset_bench_progress()
    scenarios = select(build_scenarios(), args.only)
    if not scenarios:
        say("No scenario matches --only.")
        return 2

    if args.profile:
        chosen = [s for s in scenarios if s.key == args.profile]
        if not chosen:
            say(f"No scenario {args.profile!r}.")
            return 2
        say(profile(chosen[0], args.duration))
        return 0

    problems = check_same_json(scenarios)
    for problem in problems:
        say(f"JSON differs: {problem}")
    if problems:
        return 1
    say("Ours, plain and DRF return the same JSON for the same list pages and courses.")
    if args.check_only:
        return 0

    say(f"In-process: {len(scenarios)} scenarios × {args.duration:g} s, {args.rounds} rounds")
    in_process = loads.run_in_process(
        scenarios, duration=args.duration, rounds=args.rounds, say=say
    )
    http_stats: dict[str, Stats] | None = None
    http_scenarios = [s for s in scenarios if s.http and s.call is None]
    if args.http and http_scenarios:
        reset_bench_progress()
        for scenario in http_scenarios:
            if scenario.consumable:
                scenario.position = 0
        log_path = RESULTS_DIR / "gunicorn.log"
        RESULTS_DIR.mkdir(exist_ok=True)
        say(
            f"HTTP: gunicorn ({args.workers} workers) + wrk ({args.connections} connections), "
            f"{len(http_scenarios)} scenarios × {args.duration:g} s"
        )
        with loads.Gunicorn(
            workers=args.workers, env=loads.server_env(env), log_path=log_path
        ) as server:
            http_stats = loads.run_http(
                http_scenarios,
                port=server.port,
                duration=args.duration,
                rounds=args.rounds,
                connections=args.connections,
                say=say,
            )

    info = environment(args)
    label = f"{info['database']} {info['database_version']}, {args.courses:,} courses"
    say("")
    say(table(f"In-process (Django test client, one thread) — {label}", scenarios, in_process))
    if http_stats:
        say("")
        say(
            table(
                f"HTTP (gunicorn {args.workers} sync workers, wrk -c{args.connections}) — {label}",
                http_scenarios,
                http_stats,
            )
        )
    checks = targets(in_process, http_stats, info["database"], args.courses)
    say("")
    for item in checks:
        mark = {True: "ok  ", False: "MISS", None: "info"}[item["met"]]
        say(f"{mark} {item['target']}: {item['value']}")
    for scenario in scenarios:
        if scenario.note:
            say(f"note: {scenario.key}: {scenario.note}")

    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": re.sub(
            r"://([^:/@]+):[^@]*@",
            r"://\1:***@",
            " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
        ),
        "environment": info,
        "seed": {
            "reused": report is None,
            "seconds": round(seed_seconds, 1),
            "rows": report.rows if report else None,
            "counter_mismatches": check,
        },
        "scenarios": {s.key: {"title": s.title, "note": s.note, "http": s.http} for s in scenarios},
        "in_process": {key: value.as_dict() for key, value in in_process.items()},
        "http": {key: value.as_dict() for key, value in http_stats.items()} if http_stats else None,
        "ratios": {
            "in_process": ratios(in_process),
            "http": ratios(http_stats) if http_stats else None,
        },
        "targets": checks,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    output.write_text(text, encoding="utf-8")
    mode = "http" if http_stats else "inprocess"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = RESULTS_DIR / f"{info['database']}-{args.courses}-{mode}-{stamp}.json"
    if output.resolve().parent == RESULTS_DIR.resolve():
        archive.write_text(text, encoding="utf-8")
    say(f"\nWrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
