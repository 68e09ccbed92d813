"""Measure the fan-out of a new lesson to every learner of a course.

    python benchmarks/notifications_fanout.py [--learners 20000] [--database-url URL]

Creates one course with N learners (or reuses it), then for each batch size adds a lesson and
runs the ``lesson_published`` task directly, as a worker would: once timed, once under
tracemalloc for the peak memory. Prints rows per second, chunks, queries per chunk and peak
memory. Notifications created are deleted afterwards; the learners are kept for the next run.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LEARNER_PREFIX = "fanout-learner-"
COURSE_SLUG = "notifications-fanout-benchmark"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--learners", type=int, default=20_000, help="learners of the course")
    parser.add_argument(
        "--batch-sizes", default="500,1000,5000", help="comma-separated NOTIFICATION_BATCH_SIZE"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgresql://user:password@127.0.0.1:5432/name (default: SQLite)",
    )
    parser.add_argument(
        "--sqlite",
        default=str(BENCH_DIR / "data" / "notifications-fanout.sqlite3"),
        help="SQLite file when no --database-url is given",
    )
    parser.add_argument(
        "--email", action="store_true", help="e-mail every learner too (to the locmem backend)"
    )
    args = parser.parse_args(argv)
    try:
        args.batch_sizes = [int(size) for size in args.batch_sizes.split(",")]
    except ValueError:
        parser.error("--batch-sizes must be integers separated by commas")
    if args.learners < 1 or any(size < 1 for size in args.batch_sizes):
        parser.error("--learners and every batch size must be positive")
    return args


def setup_django(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DATABASE_URL"] = args.database_url
    if not args.database_url:
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        os.environ["COURSEHUB_BENCH_SQLITE"] = args.sqlite
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def say(message: str) -> None:
    print(message, flush=True)


def seed(learners: int) -> Any:
    """The benchmark course with exactly ``learners`` active enrollments (made once)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from django_coursehub.catalog.models import Category, Course, Section
    from django_coursehub.learning.models import Enrollment

    user_model = get_user_model()
    course = Course.objects.filter(slug=COURSE_SLUG).first()
    if course is not None and course.enrollments.count() == learners:
        return course
    with transaction.atomic():
        if course is not None:
            Enrollment.objects.filter(course=course).delete()
        user_model.objects.filter(username__startswith=LEARNER_PREFIX).delete()
        owner, _ = user_model.objects.get_or_create(username="fanout-instructor")
        category, _ = Category.objects.get_or_create(
            slug="fanout-benchmark", defaults={"name": "Fan-out benchmark"}
        )
        course, _ = Course.objects.get_or_create(
            slug=COURSE_SLUG,
            defaults={
                "title": "Notifications fan-out",
                "owner": owner,
                "category": category,
                "status": Course.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        if not course.sections.exists():
            Section.objects.create(course=course, title="Benchmark")
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=f"{LEARNER_PREFIX}{i}",
                    email=f"{LEARNER_PREFIX}{i}@example.uz",
                    password="!",
                )
                for i in range(learners)
            ],
            batch_size=2000,
        )
        if users[0].pk is None:  # a database that does not return ids from bulk inserts
            users = list(user_model.objects.filter(username__startswith=LEARNER_PREFIX))
        Enrollment.objects.bulk_create(
            [Enrollment(user=user, course=course) for user in users], batch_size=2000
        )
        Course.objects.filter(pk=course.pk).update(enrollment_count=learners)
    return course


def new_lesson(course: Any, title: str) -> Any:
    # Created directly: the catalogue service would send lesson_published and run the fan-out.
    from django_coursehub.catalog.models import Lesson

    return Lesson.objects.create(section=course.sections.first(), course=course, title=title)


class QueryCounter:
    """Counts queries without keeping their SQL (which would distort the memory figures)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self.count += 1
        return execute(*args)


def measure(course: Any, batch_size: int, email: bool) -> dict[str, Any]:
    from django.core import mail
    from django.db import connection
    from django.test import override_settings

    from django_coursehub.notifications.models import Notification
    from django_coursehub.notifications.tasks import notify_lesson_published

    kinds = ("lesson_published", "enrollment_confirmed", "certificate_issued", "review_received")
    coursehub = {
        "NOTIFICATION_BATCH_SIZE": batch_size,
        "NOTIFICATION_EMAIL_DEFAULTS": dict.fromkeys(kinds, email),
    }
    import django

    locmem = "django.core.mail.backends.locmem.EmailBackend"
    mail_settings: dict[str, Any] = (
        {"MAILERS": {"default": {"BACKEND": locmem}}}
        if django.VERSION >= (6, 1)
        else {"EMAIL_BACKEND": locmem}
    )
    with override_settings(COURSEHUB=coursehub, **mail_settings):
        timed = new_lesson(course, f"Timed, batch {batch_size}")
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            rows = notify_lesson_published.call(timed.pk)
            elapsed = time.perf_counter() - started
        sent = len(getattr(mail, "outbox", []))

        traced = new_lesson(course, f"Traced, batch {batch_size}")
        tracemalloc.start()
        notify_lesson_published.call(traced.pk)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        Notification.objects.filter(lesson__in=[timed, traced]).delete()
        timed.delete()
        traced.delete()
    chunks = math.ceil(rows / batch_size)
    return {
        "batch": batch_size,
        "rows": rows,
        "seconds": elapsed,
        "rows_per_second": rows / elapsed,
        "chunks": chunks,
        "queries": counter.count,
        "queries_per_chunk": counter.count / chunks,
        "peak_mb": peak / 1_000_000,
        "emails": sent,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    say(f"Seeding {args.learners} learners (reused when present)...")
    course = seed(args.learners)
    say(
        f"Database: {connection.vendor}; learners: {args.learners}; "
        f"e-mail: {'on' if args.email else 'off (preferences still read)'}"
    )
    say("")
    header = f"{'batch':>6} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'chunks':>6} "
    header += f"{'queries':>7} {'q/chunk':>7} {'peak MB':>8}"
    say(header)
    for batch_size in args.batch_sizes:
        result = measure(course, batch_size, args.email)
        say(
            f"{result['batch']:>6} {result['rows']:>7} {result['seconds']:>8.2f} "
            f"{result['rows_per_second']:>9.0f} {result['chunks']:>6} {result['queries']:>7} "
            f"{result['queries_per_chunk']:>7.1f} {result['peak_mb']:>8.1f}"
        )
        if args.email and result["emails"] != result["rows"]:
            say(f"  expected {result['rows']} e-mails, got {result['emails']}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
