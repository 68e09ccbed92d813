"""Seeds a catalogue of a chosen size for the benchmark, fast, with exact stored counters.

Rows are generated in Python with explicit primary keys and written in bulk, a batch of 2,000
courses (and everything in them) per transaction: ``COPY`` on PostgreSQL, one parameterised
``INSERT`` per table run with ``executemany`` on SQLite. Model instances and
``QuerySet.bulk_create`` cost about 100 µs a row in SQL compilation, minutes for 100,000
courses. Columns the seed does not set get their model field's default, so new fields need no
change here. Nothing goes through the services, so
the counters they keep (``Course.lesson_count``, ``enrollment_count``, the rating fields and
histogram, ``Enrollment.completed_lessons``, the ``search_text`` document) are computed for each
batch from the rows generated, and :func:`verify` checks them against the database with
aggregate queries afterwards.

The catalogue (deterministic for a given size):

* 30 categories; one instructor per 20 courses; one learner per 2 courses (at least 500).
* Courses: 90 % published, 5 % drafts, 5 % archived; 40 % free; 2–5 sections of 2–5 lessons.
* Enrollments: a long-tailed number per course (about 2.5 on average); 75 % active, 15 % completed,
  10 % cancelled. Learners have completed the first lessons of the outline; about half of the
  learners with access review the course.
* Course 1 is a large course (20 sections × 25 lessons, 2,000 learners) and courses 2–21 are
  ordinary free courses: 200 benchmark learners (``bench-learner-N``) are enrolled in all of
  them with no progress, for the complete-a-lesson measurements.

``python benchmarks/run.py --courses N --seed-only`` seeds (or checks) without measuring.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.reviews.models import Review

#: Bump when the generated data changes: a database seeded by another version is reseeded.
SEED_VERSION = 1
MARKER_TABLE = "coursehub_bench_seed"
COURSE_BATCH = 2000
INSERT_BATCH = 2000

BIG_COURSE_ID = 1
BIG_COURSE_SECTIONS = 20
BIG_COURSE_LESSONS_PER_SECTION = 25
BIG_COURSE_LEARNERS = 2000
BENCH_COURSE_IDS = range(2, 22)
BENCH_LEARNERS = 200
BENCH_LEARNER_PREFIX = "bench-learner-"
BENCH_PASSWORD = "bench-password-not-secret"

TOPICS = [
    "Python",
    "Django",
    "JavaScript",
    "React",
    "SQL",
    "PostgreSQL",
    "Data Science",
    "Machine Learning",
    "Oʻzbek tili",
    "Ingliz tili",
    "Русский язык",
    "Matematika",
    "Fizika",
    "Kimyo",
    "Design",
    "Marketing",
    "Excel",
    "Photoshop",
    "Go",
    "Rust",
    "Kotlin",
    "Flutter",
    "Algoritmlar",
    "Biznes",
    "Moliya",
    "Buxgalteriya",
    "Программирование",
    "Веб-разработка",
    "Алгебра",
    "IELTS",
]
PREFIXES = [
    "Complete",
    "Practical",
    "Modern",
    "Boshlangʻich",
    "Professional",
    "Amaliy",
    "Intensive",
    "Основы",
    "Продвинутый",
    "Mastering",
]
SUFFIXES = [
    "from zero to pro",
    "for beginners",
    "noldan boshlab",
    "in 30 days",
    "amaliy mashgʻulotlar",
    "с нуля",
    "bootcamp",
    "masterclass",
    "for professionals",
    "2026 edition",
]
WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "darslar",
    "mashqlar",
    "loyiha",
    "amaliyot",
    "bilim",
    "koʻnikma",
    "урок",
    "задача",
    "проект",
    "практика",
    "знания",
    "навыки",
    "lesson",
    "project",
    "practice",
    "skills",
    "knowledge",
]
FIRST_NAMES = ["Aziz", "Dilnoza", "Jasur", "Madina", "Otabek", "Nilufar", "Sardor", "Gulnora"]
LAST_NAMES = ["Karimov", "Yusupova", "Rahimov", "Tosheva", "Aliyev", "Saidova", "Qodirov"]
CATEGORY_NAMES = [
    "Programming",
    "Web Development",
    "Data Science",
    "Mobile Development",
    "Databases",
    "DevOps",
    "Design",
    "Marketing",
    "Business",
    "Finance",
    "Accounting",
    "Languages",
    "Oʻzbek tili",
    "English",
    "Русский язык",
    "Mathematics",
    "Physics",
    "Chemistry",
    "Biology",
    "History",
    "Music",
    "Photography",
    "Office Software",
    "Personal Development",
    "Health",
    "Cooking",
    "Exam Preparation",
    "Teaching",
    "Law",
    "Kids",
]
PRICES = [Decimal(p) for p in ("49000.00", "99000.00", "149000.00", "199000.00", "299000.00")]
LEVELS = [value for value, _label in Course.Level.choices]
LANGUAGES = ["uz", "ru", "en"]
LESSON_KINDS = ["video", "text", "file"]
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SeedPlan:
    """How many of everything; derived from the number of courses."""

    courses: int
    categories: int = len(CATEGORY_NAMES)
    instructors: int = 0
    learners: int = 0
    random_seed: int = 20261101

    @classmethod
    def for_courses(cls, courses: int) -> SeedPlan:
        if courses < max(BENCH_COURSE_IDS) + 1:
            raise ValueError(f"Seed at least {max(BENCH_COURSE_IDS) + 1} courses.")
        return cls(
            courses=courses,
            instructors=max(10, courses // 20),
            learners=max(BIG_COURSE_LEARNERS + 500, courses // 2),
        )

    # User ids: instructors, then learners, then the benchmark learners.
    def instructor_id(self, index: int) -> int:
        return 1 + index

    def learner_id(self, index: int) -> int:
        return 1 + self.instructors + index

    def bench_learner_id(self, index: int) -> int:
        return 1 + self.instructors + self.learners + index


@dataclass
class SeedReport:
    plan: dict[str, Any]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Table:
    """Rows of one model, written in bulk: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    ``columns`` are field names given by the seed, in the order of the values passed to
    :meth:`add`; every other concrete field gets its default (``NOW`` for ``auto_now`` fields).
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        meta = model._meta
        by_name = {f.name: f for f in meta.concrete_fields}
        given = [by_name[name] for name in columns]
        others = [f for f in meta.concrete_fields if f.name not in columns]
        self.name = model.__name__
        self.constant = tuple(self._default(f) for f in others)
        table = connection.ops.quote_name(meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(str(f.column)) for f in [*given, *others])
        marks = ", ".join(["%s"] * (len(given) + len(others)))
        self.insert_sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
        self.copy_sql = f"COPY {table} ({quoted}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    @staticmethod
    def _default(model_field: Any) -> Any:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            return moment(NOW)
        return model_field.get_db_prep_save(model_field.get_default(), connection)

    def add(self, *values: Any) -> None:
        self.rows.append((*values, *self.constant))

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg 3's COPY, on the driver's cursor under Django's wrapper.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for start in range(0, len(self.rows), INSERT_BATCH):
                    cursor.executemany(self.insert_sql, self.rows[start : start + INSERT_BATCH])
        self.written += len(self.rows)
        self.rows = []


def moment(value: datetime | None) -> Any:
    """A datetime as the database driver takes it (Django's own conversion)."""
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def money(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value, 12, 2)


class _Tables:
    """One :class:`_Table` per model the catalogue writes, in dependency order."""

    def __init__(self, *, search_text: bool) -> None:
        self.search_text = search_text
        course_columns = [
            "id",
            "title",
            "slug",
            "short_description",
            "description",
            "category",
            "owner",
            "price",
            "currency",
            "level",
            "language",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "lesson_count",
            "enrollment_count",
            "rating_avg",
            "rating_count",
            "rating_1_count",
            "rating_2_count",
            "rating_3_count",
            "rating_4_count",
            "rating_5_count",
        ]
        if search_text:
            course_columns.append("search_text")
        self.courses = _Table(Course, course_columns)
        self.sections = _Table(Section, ["id", "course", "title", "order"])
        self.lessons = _Table(
            Lesson,
            [
                "id",
                "section",
                "course",
                "title",
                "kind",
                "video_url",
                "attachment_url",
                "content",
                "duration",
                "is_preview",
                "order",
            ],
        )
        self.enrollments = _Table(
            Enrollment,
            [
                "id",
                "user",
                "course",
                "status",
                "source",
                "enrolled_at",
                "completed_at",
                "updated_at",
                "completed_lessons",
            ],
        )
        self.progress = _Table(LessonProgress, ["id", "enrollment", "lesson", "completed_at"])
        self.reviews = _Table(
            Review, ["id", "course", "user", "rating", "comment", "created_at", "updated_at"]
        )

    def all(self) -> list[_Table]:
        return [
            self.courses,
            self.sections,
            self.lessons,
            self.enrollments,
            self.progress,
            self.reviews,
        ]


class _Ids:
    """Next primary key per model: rows get explicit ids so relations need no round trip."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, name: str) -> int:
        value = self.next.get(name, 1)
        self.next[name] = value + 1
        return value


# Marker ------------------------------------------------------------------------------------


def _ensure_marker_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(id INTEGER PRIMARY KEY, courses INTEGER NOT NULL, version INTEGER NOT NULL, "
            "report TEXT NOT NULL)"
        )


def seeded_size() -> tuple[int, int] | None:
    """``(courses, seed version)`` of the data in the database, or None if not seeded here."""
    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT courses, version FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else None


def _write_marker(report: SeedReport) -> None:
    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, courses, version, report) VALUES (1, %s, %s, %s)",
            [report.plan["courses"], SEED_VERSION, json.dumps(asdict(report))],
        )


def _clear_marker() -> None:
    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")


# Generation --------------------------------------------------------------------------------


def _first_name(index: int) -> str:
    return FIRST_NAMES[index % len(FIRST_NAMES)]


def _last_name(index: int) -> str:
    return LAST_NAMES[index // len(FIRST_NAMES) % len(LAST_NAMES)]


def _stores_search_text() -> bool:
    return any(f.name == "search_text" for f in Course._meta.get_fields())


def _search_text(
    *, title: str, short_description: str, description: str, category_id: int, instructor: int
) -> str:
    """The course's derived search document, computed by the package's own function.

    The services rewrite it on every save; a bulk seed bypasses them.
    """
    from django_coursehub.catalog import search

    return str(
        search.search_document(
            title=title,
            short_description=short_description,
            description=description,
            category=CATEGORY_NAMES[category_id - 1],
            instructor=(
                f"{_first_name(instructor)} {_last_name(instructor)} instructor-{instructor}"
            ),
        )
    )


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def _enrollment_total(rng: random.Random, learners: int) -> int:
    # Long-tailed: most courses have a handful of learners, a few have hundreds.
    return min(learners, int(rng.paretovariate(1.6) * 1.8) - 1)


def _rating(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 12, 35, 46))[0]


def _past(rng: random.Random, days: int) -> datetime:
    return NOW - timedelta(seconds=rng.randint(0, days * 86400))


def _outline_size(course_id: int, rng: random.Random) -> list[int]:
    if course_id == BIG_COURSE_ID:
        return [BIG_COURSE_LESSONS_PER_SECTION] * BIG_COURSE_SECTIONS
    return [rng.randint(2, 5) for _ in range(rng.randint(2, 5))]


def _is_bench_course(course_id: int) -> bool:
    return course_id == BIG_COURSE_ID or course_id in BENCH_COURSE_IDS


def _course_status(course_id: int, rng: random.Random) -> str:
    if _is_bench_course(course_id):
        return Course.Status.PUBLISHED
    draw = rng.random()
    if draw < 0.05:
        return Course.Status.DRAFT
    if draw < 0.10:
        return Course.Status.ARCHIVED
    return Course.Status.PUBLISHED


def _learners_of(course_id: int, status: str, plan: SeedPlan, rng: random.Random) -> list[int]:
    if status == Course.Status.DRAFT:
        return []
    if course_id == BIG_COURSE_ID:
        learners = rng.sample(range(plan.learners), BIG_COURSE_LEARNERS)
    else:
        learners = rng.sample(range(plan.learners), max(0, _enrollment_total(rng, plan.learners)))
    ids = [plan.learner_id(index) for index in learners]
    if _is_bench_course(course_id):
        ids += [plan.bench_learner_id(index) for index in range(BENCH_LEARNERS)]
    return ids


@dataclass
class _Counters:
    """What the services would have stored on the course, tallied while generating."""

    enrollments: int = 0
    stars: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @property
    def rating_count(self) -> int:
        return sum(self.stars.values())

    @property
    def rating_avg(self) -> Decimal:
        if not self.rating_count:
            return Decimal("0.00")
        total = sum(star * count for star, count in self.stars.items())
        return (Decimal(total) / self.rating_count).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _generate_course(
    course_id: int, plan: SeedPlan, rng: random.Random, ids: _Ids, tables: _Tables
) -> None:
    status = _course_status(course_id, rng)
    topic = rng.choice(TOPICS)
    title = f"{rng.choice(PREFIXES)} {topic}: {rng.choice(SUFFIXES)}"
    free = _is_bench_course(course_id) or rng.random() < 0.4
    price = Decimal("0.00") if free else rng.choice(PRICES)
    created_at = _past(rng, 3 * 365)
    published_at = (
        None
        if status == Course.Status.DRAFT
        else created_at + timedelta(seconds=rng.randint(0, 30 * 86400))
    )
    short_description = f"{topic}: {_sentence(rng, 10)}"
    description = " ".join(_sentence(rng, 14) for _ in range(4))
    category_id = 1 + rng.randrange(plan.categories)
    instructor = rng.randrange(plan.instructors)

    outline: list[int] = []  # lesson ids in outline order
    for section_order, lesson_total in enumerate(_outline_size(course_id, rng)):
        section_id = ids.take("section")
        section_title = f"Part {section_order + 1}: {rng.choice(WORDS).capitalize()}"
        tables.sections.add(section_id, course_id, section_title, section_order)
        for lesson_order in range(lesson_total):
            lesson_id = ids.take("lesson")
            kind = rng.choice(LESSON_KINDS)
            tables.lessons.add(
                lesson_id,
                section_id,
                course_id,
                f"Lesson {lesson_order + 1}: {_sentence(rng, 4)}",
                kind,
                f"https://video.example.uz/{lesson_id}" if kind == "video" else "",
                f"https://files.example.uz/{lesson_id}.pdf" if kind == "file" else "",
                _sentence(rng, 40) if kind == "text" else "",
                rng.randint(60, 1800),
                section_order == 0 and lesson_order == 0,
                lesson_order,
            )
            outline.append(lesson_id)

    counters = _Counters()
    for user_id in _learners_of(course_id, status, plan, rng):
        _generate_enrollment(course_id, free, user_id, outline, plan, rng, ids, tables, counters)
    row = [
        course_id,
        title,
        f"course-{course_id}",
        short_description,
        description,
        category_id,
        plan.instructor_id(instructor),
        money(price),
        "UZS",
        rng.choice(LEVELS),
        rng.choice(LANGUAGES),
        status,
        moment(published_at),
        moment(created_at),
        moment(published_at or created_at),
        len(outline),
        counters.enrollments,
        money(counters.rating_avg),
        counters.rating_count,
        *(counters.stars[star] for star in range(1, 6)),
    ]
    if tables.search_text:
        row.append(
            _search_text(
                title=title,
                short_description=short_description,
                description=description,
                category_id=category_id,
                instructor=instructor,
            )
        )
    tables.courses.add(*row)


def _generate_enrollment(
    course_id: int,
    free: bool,
    user_id: int,
    outline: Sequence[int],
    plan: SeedPlan,
    rng: random.Random,
    ids: _Ids,
    tables: _Tables,
    counters: _Counters,
) -> None:
    bench = user_id >= plan.bench_learner_id(0)
    draw = rng.random()
    if bench:
        status, done = Enrollment.Status.ACTIVE, 0
    elif draw < 0.15 and course_id != BIG_COURSE_ID:
        status, done = Enrollment.Status.COMPLETED, len(outline)
    else:
        status = Enrollment.Status.CANCELLED if draw > 0.90 else Enrollment.Status.ACTIVE
        started = rng.random() < 0.5
        done = rng.randint(1, len(outline) - 1) if started else 0
        if course_id == BIG_COURSE_ID:
            done = min(done, rng.randint(0, 50))
    enrollment_id = ids.take("enrollment")
    enrolled_at = _past(rng, 365)
    completed_at = (
        enrolled_at + timedelta(days=rng.randint(1, 60))
        if status == Enrollment.Status.COMPLETED
        else None
    )
    tables.enrollments.add(
        enrollment_id,
        user_id,
        course_id,
        status,
        Enrollment.Source.FREE if free else Enrollment.Source.PURCHASE,
        moment(enrolled_at),
        moment(completed_at),
        moment(completed_at or enrolled_at),
        done,
    )
    lesson_done_at = moment(enrolled_at + timedelta(hours=1))
    for lesson_id in outline[:done]:
        tables.progress.add(ids.take("progress"), enrollment_id, lesson_id, lesson_done_at)
    if status in Enrollment.ACCESS_STATUSES:
        counters.enrollments += 1
        if not bench and rng.random() < 0.5:
            rating = _rating(rng)
            counters.stars[rating] += 1
            reviewed_at = moment(enrolled_at + timedelta(days=rng.randint(0, 30)))
            comment = _sentence(rng, rng.randint(3, 30)) if rng.random() < 0.7 else ""
            tables.reviews.add(
                ids.take("review"), course_id, user_id, rating, comment, reviewed_at, reviewed_at
            )


# Writing -----------------------------------------------------------------------------------


def _seed_people(plan: SeedPlan, counts: dict[str, int]) -> None:
    users = _Table(
        get_user_model(), ["id", "username", "email", "first_name", "last_name", "password"]
    )
    password = make_password(BENCH_PASSWORD)
    for index in range(plan.instructors):
        name = f"instructor-{index}"
        users.add(
            plan.instructor_id(index),
            name,
            f"{name}@example.uz",
            _first_name(index),
            _last_name(index),
            password,
        )
    for index in range(plan.learners):
        name = f"learner-{index}"
        users.add(
            plan.learner_id(index),
            name,
            f"{name}@example.uz",
            _first_name(index),
            _last_name(index),
            password,
        )
    for index in range(BENCH_LEARNERS):
        name = f"{BENCH_LEARNER_PREFIX}{index}"
        users.add(plan.bench_learner_id(index), name, f"{name}@example.uz", "", "", password)
    users.flush()
    categories = _Table(Category, ["id", "name", "slug", "description"])
    for index, name in enumerate(CATEGORY_NAMES[: plan.categories]):
        categories.add(index + 1, name, f"category-{index + 1}", f"Courses about {name}.")
    categories.flush()
    counts["User"] = users.written
    counts["Category"] = categories.written


def _reset_sequences() -> None:
    models_with_ids: list[type[models.Model]] = [
        get_user_model(),
        Category,
        Course,
        Section,
        Lesson,
        Enrollment,
        LessonProgress,
        Review,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models_with_ids)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _empty_database() -> None:
    """Delete every row the seed writes (and what earlier benchmark runs left behind).

    Raw statements: the ORM's delete would run the lesson signals row by row.
    """
    tables = [
        model._meta.db_table
        for model in (LessonProgress, Review, Enrollment, Lesson, Section, Course, Category)
    ]
    tables += [
        "token_blacklist_blacklistedtoken",
        "token_blacklist_outstandingtoken",
        get_user_model()._meta.db_table,
    ]
    quoted = [connection.ops.quote_name(table) for table in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
            return
        for table in quoted:
            cursor.execute(f"DELETE FROM {table}")


def seed(courses: int, *, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Empty the catalogue and seed ``courses`` courses with everything around them."""
    say = progress or (lambda message: None)
    plan = SeedPlan.for_courses(courses)
    report = SeedReport(plan=asdict(plan))
    started = time.perf_counter()
    _clear_marker()
    _empty_database()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    with transaction.atomic():
        _seed_people(plan, report.rows)
    say(f"  users and categories: {time.perf_counter() - started:.1f} s")

    rng = random.Random(plan.random_seed)
    ids = _Ids()
    tables = _Tables(search_text=_stores_search_text())
    for first in range(1, courses + 1, COURSE_BATCH):
        last = min(first + COURSE_BATCH - 1, courses)
        for course_id in range(first, last + 1):
            _generate_course(course_id, plan, rng, ids, tables)
        with transaction.atomic():
            for table in tables.all():
                table.flush()
        if last % (COURSE_BATCH * 5) == 0 or last == courses:
            say(f"  {last:>7} courses: {time.perf_counter() - started:.1f} s")
    for table in tables.all():
        report.rows[table.name] = table.written

    _reset_sequences()
    if connection.vendor == "postgresql":
        # What autovacuum does on a live database: planner statistics, and the visibility map
        # that lets PostgreSQL count from an index alone.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")
            cursor.execute("VACUUM ANALYZE")
    report.seconds = round(time.perf_counter() - started, 1)
    _write_marker(report)
    return report


# Checks ------------------------------------------------------------------------------------


def _count_subquery(queryset: models.QuerySet[Any], group: str) -> Subquery:
    return Subquery(
        queryset.order_by().values(group).annotate(n=Count("*")).values("n")[:1],
        output_field=models.IntegerField(),
    )


def verify() -> dict[str, int]:
    """Count the rows whose stored counters disagree with the data; all zeros when exact."""
    lessons = _count_subquery(Lesson.objects.filter(course=OuterRef("pk")), "course")
    learners = _count_subquery(
        Enrollment.objects.filter(course=OuterRef("pk"), status__in=Enrollment.ACCESS_STATUSES),
        "course",
    )
    reviews = _count_subquery(Review.objects.filter(course=OuterRef("pk")), "course")
    stars = {
        star: _count_subquery(Review.objects.filter(course=OuterRef("pk"), rating=star), "course")
        for star in range(1, 6)
    }
    courses = Course.objects.annotate(
        true_lessons=Coalesce(lessons, 0),
        true_learners=Coalesce(learners, 0),
        true_reviews=Coalesce(reviews, 0),
        **{f"true_{star}": Coalesce(sub, 0) for star, sub in stars.items()},
    )
    star_mismatch = Q()
    for star in range(1, 6):
        star_mismatch |= ~Q(**{f"rating_{star}_count": F(f"true_{star}")})
    done = _count_subquery(
        LessonProgress.objects.filter(
            enrollment=OuterRef("pk"), completed_at__isnull=False, lesson__isnull=False
        ),
        "enrollment",
    )
    enrollments = Enrollment.objects.annotate(true_done=Coalesce(done, 0))
    return {
        "lesson_count": courses.exclude(lesson_count=F("true_lessons")).count(),
        "enrollment_count": courses.exclude(enrollment_count=F("true_learners")).count(),
        "rating_count": courses.exclude(rating_count=F("true_reviews")).count(),
        "rating_histogram": courses.filter(star_mismatch).count(),
        "rating_avg": _rating_avg_mismatches(),
        "completed_lessons": enrollments.exclude(completed_lessons=F("true_done")).count(),
        "search_text": _search_text_mismatches(),
        "completed_enrollments": Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
        .exclude(completed_lessons=F("course__lesson_count"))
        .count(),
    }


def _search_text_mismatches(sample: int = 500) -> int:
    """Among the first courses, those whose search document is not what the services write."""
    if not _stores_search_text():
        return 0
    from django_coursehub.catalog import services

    document = getattr(services, "course_search_document", None)
    if document is None:
        return 0
    courses = Course.objects.select_related("category", "owner").order_by("pk")[:sample]
    return sum(course.search_text != document(course) for course in courses)


def _rating_avg_mismatches() -> int:
    """Courses whose stored average is not their reviews' average rounded half up."""
    mismatches = 0
    sums = dict(
        Review.objects.order_by()
        .values("course_id")
        .annotate(total=models.Sum("rating"), n=Count("*"))
        .values_list("course_id", "total")
    )
    for course_id, avg, count in Course.objects.values_list("id", "rating_avg", "rating_count"):
        expected = (
            (Decimal(sums[course_id]) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if count and course_id in sums
            else Decimal("0")
        )
        mismatches += expected != avg
    return mismatches


def ensure(
    courses: int, *, reseed: bool = False, progress: Callable[[str], None] | None = None
) -> tuple[SeedReport | None, dict[str, int] | None]:
    """Seed unless the database already holds this size from this seed version.

    Returns the seed report and the counter check when it seeded, ``(None, None)`` on reuse.
    """
    if not reseed and seeded_size() == (courses, SEED_VERSION):
        return None, None
    report = seed(courses, progress=progress)
    return report, verify()
