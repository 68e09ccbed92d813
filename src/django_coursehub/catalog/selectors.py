"""Catalogue reads. Each returns a queryset or object with its joins and prefetches set."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog import search
from django_coursehub.catalog.models import CatalogueTotals, Category, Course, Lesson, Section
from django_coursehub.catalog.permissions import can_view_course, can_view_course_fields
from django_coursehub.conf import app_settings
from django_coursehub.exceptions import InvalidInput, NotFound
from django_coursehub.schemas import MAX_ID

COURSE_NOT_FOUND = _("Course not found.")
SECTION_NOT_FOUND = _("Section not found.")
LESSON_NOT_FOUND = _("Lesson not found.")


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    ).order_by("name")


def category_get(*, category_id: int) -> Category:
    try:
        return category_list().get(pk=category_id)
    except Category.DoesNotExist as error:
        raise NotFound(_("Category not found.")) from error


def _courses() -> QuerySet[Course]:
    # The search document can be as long as the description: list and detail never need it.
    return Course.objects.select_related("category", "owner").defer("search_text")


@dataclass(frozen=True, kw_only=True)
class CourseCriteria:
    """What a course list is narrowed to; every criterion is optional and all combine (AND).

    ``category`` is an id or a slug; ``instructor`` an id or ``"me"`` (all of the caller's own
    courses, in any status, instead of the published ones); ``price`` is ``"free"`` or
    ``"paid"``; ``q`` is a search query (see :mod:`django_coursehub.catalog.search`).
    """

    q: str | None = None
    category: str | None = None
    instructor: str | None = None
    min_rating: Decimal | None = None
    price: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    level: str | None = None
    language: str | None = None


#: Orderings of the course list; ``relevance`` needs a search query and is its default.
COURSE_ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": ("-published_at", "-id"),
    "popular": ("-enrollment_count", "-id"),
    "rating": ("-rating_avg", "-rating_count", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "title": (Lower("title"), "id"),
}
RELEVANCE = "relevance"


def _invalid(parameter: str, message: Any) -> InvalidInput:
    return InvalidInput(message, errors={parameter: [str(message)]})


def _category_lookup(category: str) -> dict[str, Any]:
    """How a category given as an id or a slug is looked up on ``Category``."""
    # isdigit() alone also accepts digits int() cannot read, such as "²".
    if category.isascii() and category.isdigit() and int(category) <= MAX_ID:
        return {"pk": int(category)}
    return {"slug": category}


def _filtered(*, user: Any, criteria: CourseCriteria) -> QuerySet[Course]:
    """Courses matching every criterion, unordered."""
    if criteria.language is not None and criteria.language not in app_settings.COURSE_LANGUAGES:
        raise _invalid(
            "language", _("Choose one of: %s.") % ", ".join(app_settings.COURSE_LANGUAGES)
        )
    if (
        criteria.min_price is not None
        and criteria.max_price is not None
        and criteria.min_price > criteria.max_price
    ):
        raise _invalid("max_price", _("The maximum price is below the minimum price."))
    if criteria.instructor == "me":
        courses = Course.objects.filter(owner=user)
    else:
        courses = Course.objects.filter(status=Course.Status.PUBLISHED)
        if criteria.instructor is not None:
            courses = courses.filter(owner_id=int(criteria.instructor))
    conditions = Q()
    if criteria.category is not None:
        lookup = _category_lookup(criteria.category)
        conditions &= Q(**{f"category__{key}": value for key, value in lookup.items()})
    if criteria.min_rating is not None:
        conditions &= Q(rating_avg__gte=criteria.min_rating)
    if criteria.price == "free":
        conditions &= Q(price=0)
    elif criteria.price == "paid":
        conditions &= Q(price__gt=0)
    if criteria.min_price is not None:
        conditions &= Q(price__gte=criteria.min_price)
    if criteria.max_price is not None:
        conditions &= Q(price__lte=criteria.max_price)
    if criteria.level is not None:
        conditions &= Q(level=criteria.level)
    if criteria.language is not None:
        conditions &= Q(language=criteria.language)
    if conditions:
        courses = courses.filter(conditions)
    words = search.query_words(criteria.q or "")
    if not words:
        return courses
    if _on_postgresql(courses):
        from django_coursehub.catalog import search_postgres  # needs psycopg: see its docstring

        return courses.alias(fts=search_postgres.SearchVectorColumn()).filter(
            fts=search_postgres.postgres_query(words)
        )
    return courses.filter(search.fallback_filter(words))


def _on_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _search_rank(courses: QuerySet[Course], criteria: CourseCriteria) -> Any:
    words = search.query_words(criteria.q or "")
    if not words:
        return None
    if _on_postgresql(courses):
        from django_coursehub.catalog import search_postgres  # needs psycopg: see its docstring

        return search_postgres.postgres_rank(words)
    return search.fallback_rank(words)


class PublishedCourses:
    """Every published course, in order: the unfiltered list, counted from the stored total
    (:class:`~django_coursehub.catalog.models.CatalogueTotals`) instead of row by row."""

    def __init__(self, courses: QuerySet[Course]) -> None:
        self.courses = courses

    def count(self) -> int:
        total = published_course_total()
        return self.courses.count() if total is None else total

    def __getitem__(self, page: slice) -> QuerySet[Course]:
        return self.courses[page]


def published_course_total() -> int | None:
    """The stored number of published courses, or None where the database keeps none."""
    return (
        CatalogueTotals.objects.filter(pk=CatalogueTotals.TOTALS_ID)
        .values_list("published_courses", flat=True)
        .first()
    )


class SearchResults:
    """The courses a search found, in order, counted and read a page at a time.

    On PostgreSQL one statement ranks every match once, counts them with a window and keeps
    the page's ids; a second reads those courses' cards. Ranking and counting in two passes
    would visit each matching row twice, and most of a search's time is spent visiting them.
    The ranked rows are narrow (id and sort keys), and ``OFFSET 0`` keeps PostgreSQL from
    carrying the text vectors up to the window, where they would spill to disk.
    """

    def __init__(self, matches: QuerySet[Course], rank: Any, ordering: tuple[Any, ...]) -> None:
        self.matches = matches
        self.rank = rank
        self.ordering = ordering

    def counted_page(self, offset: int, limit: int) -> tuple[QuerySet[Course], int]:
        """The courses of one page, in order, and the number of all matches."""
        if not _on_postgresql(self.matches):
            ranked = self.matches.annotate(search_rank=self.rank).order_by(*self.ordering)
            page = Course.objects.filter(pk__in=ranked.values("pk")[offset : offset + limit])
            return page.annotate(search_rank=self.rank).order_by(*self.ordering), (
                self.matches.count()
            )
        from django_coursehub.catalog import search_postgres  # needs psycopg: see its docstring

        ids, total = self._ranked_ids(offset, limit)
        if total is None:
            # No row on this page: nothing matched, or the page is past the last one.
            return Course.objects.none(), self.matches.count()
        return Course.objects.filter(pk__in=ids).order_by(search_postgres.position_in(ids)), total

    def _sort_keys(self) -> list[tuple[Any, bool, str]]:
        """(expression, descending, nulls clause) for each term of the ordering."""
        keys: list[tuple[Any, bool, str]] = []
        for term in self.ordering:
            if isinstance(term, OrderBy):
                nulls = " NULLS LAST" if term.nulls_last else ""
                keys.append((term.expression, term.descending, nulls))
            elif isinstance(term, str):
                name = term.removeprefix("-")
                expression = self.rank if name == "search_rank" else F(name)
                keys.append((expression, term.startswith("-"), ""))
            else:
                keys.append((term, False, ""))
        return keys

    def _ranked_ids(self, offset: int, limit: int) -> tuple[list[int], int | None]:
        keys = self._sort_keys()
        columns = {f"sort_{index}": expression for index, (expression, _, _) in enumerate(keys)}
        ranked = (
            self.matches.order_by().annotate(row_id=F("pk"), **columns).values("row_id", *columns)
        )
        sql, params = ranked.query.sql_with_params()
        order = ", ".join(
            f'"sort_{index}" {"DESC" if descending else "ASC"}{nulls}'
            for index, (_, descending, nulls) in enumerate(keys)
        )
        statement = (
            f'SELECT "row_id", COUNT(*) OVER () FROM ({sql} OFFSET 0) AS "ranked" '
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connections[self.matches.db].cursor() as cursor:
            cursor.execute(statement, (*params, limit, offset))
            rows = cursor.fetchall()
        if not rows:
            return [], None
        return [row[0] for row in rows], rows[0][1]


def course_list(
    *, user: Any, criteria: CourseCriteria | None = None, ordering: str | None = None
) -> QuerySet[Course] | PublishedCourses | SearchResults:
    """Published courses matching ``criteria`` (all of the caller's own with ``instructor="me"``).

    ``ordering`` is a key of :data:`COURSE_ORDERINGS` or ``"relevance"``, the default when
    ``criteria.q`` holds words; otherwise, and for ``"relevance"`` without words, newest first.
    A search answers :class:`SearchResults`, the unfiltered list :class:`PublishedCourses`;
    both count and slice like a queryset.
    """
    criteria = criteria or CourseCriteria()
    courses = _filtered(user=user, criteria=criteria)
    if criteria.instructor == "me":
        # Unpublished drafts (no date) come last on every database.
        newest: tuple[Any, ...] = (F("published_at").desc(nulls_last=True), "-id")
    else:
        # Published courses always have a date; this order matches the partial index.
        newest = COURSE_ORDERINGS["newest"]
    orderings = {**COURSE_ORDERINGS, "newest": newest, RELEVANCE: ("-search_rank", *newest)}
    rank = _search_rank(courses, criteria)
    if rank is None:
        # Without search words there is nothing to rank: relevance means newest.
        key = "newest" if ordering in (None, RELEVANCE) else ordering
        courses = courses.order_by(*orderings[key])
        if criteria == CourseCriteria():
            return PublishedCourses(courses)
        return courses
    return SearchResults(courses, rank, orderings[ordering or RELEVANCE])


def course_list_check(*, criteria: CourseCriteria) -> None:
    """Explain an empty list: raise ``InvalidInput`` if the category or instructor is unknown.

    Called only when a list came back empty, so a normal request pays no query for it: a
    category or instructor that has courses exists.
    """
    category = criteria.category
    if category is not None and not Category.objects.filter(**_category_lookup(category)).exists():
        raise _invalid("category", _("Unknown category."))
    instructor = criteria.instructor
    if (
        instructor not in (None, "me")
        and not get_user_model().objects.filter(pk=int(instructor)).exists()
    ):
        raise _invalid("instructor", _("Unknown instructor."))


def course_facets(*, user: Any, criteria: CourseCriteria) -> dict[str, list[dict[str, Any]]]:
    """How many of the courses matching ``criteria`` fall in each category, level, language and
    price class (free or paid), in one grouped query.

    Only values with at least one course are listed, most frequent first.
    """
    combinations = (
        _filtered(user=user, criteria=criteria)
        .order_by()
        .annotate(free=ExpressionWrapper(Q(price=0), output_field=BooleanField()))
        .values("category_id", "category__name", "category__slug", "level", "language", "free")
        .annotate(count=Count("id"))
    )
    categories: Counter[tuple[int, str, str]] = Counter()
    levels: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    prices: Counter[str] = Counter()
    for row in combinations:
        if row["category_id"] is not None:
            key = (row["category_id"], row["category__name"], row["category__slug"])
            categories[key] += row["count"]
        levels[row["level"]] += row["count"]
        languages[row["language"]] += row["count"]
        prices["free" if row["free"] else "paid"] += row["count"]
    return {
        "category": [
            {"id": pk, "name": name, "slug": slug, "count": count}
            for (pk, name, slug), count in sorted(
                categories.items(), key=lambda item: (-item[1], item[0][1])
            )
        ],
        "level": _buckets(levels),
        "language": _buckets(languages),
        "price": _buckets(prices),
    }


def _buckets(counts: Counter[str]) -> list[dict[str, Any]]:
    return [
        {"value": value, "count": count}
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


#: What a course card reads, through ``.values()``: the course, its category and instructor.
CARD_FIELDS = (
    "id",
    "title",
    "slug",
    "short_description",
    "category_id",
    "category__name",
    "category__slug",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "price",
    "currency",
    "level",
    "language",
    "status",
    "rating_avg",
    "rating_count",
    "enrollment_count",
    "lesson_count",
    "created_at",
    "published_at",
)
_RATING_FIELDS = tuple(f"rating_{stars}_count" for stars in range(1, 6))
DETAIL_FIELDS = (*CARD_FIELDS, "description", "updated_at", *_RATING_FIELDS)


def course_card(row: dict[str, Any]) -> dict[str, Any]:
    """The card of a course (``schemas.CourseListItem``) from a row of :data:`CARD_FIELDS`."""
    category_id = row["category_id"]
    return {
        "id": row["id"],
        "title": row["title"],
        "slug": row["slug"],
        "short_description": row["short_description"],
        "category": None
        if category_id is None
        else {"id": category_id, "name": row["category__name"], "slug": row["category__slug"]},
        "instructor": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            # As Django's AbstractUser.get_full_name(), which UserRef calls on user objects.
            "full_name": f"{row['owner__first_name']} {row['owner__last_name']}".strip(),
        },
        "price": row["price"],
        "currency": row["currency"],
        "is_free": row["price"] == 0,
        "level": row["level"],
        "language": row["language"],
        "status": row["status"],
        "is_published": row["status"] == Course.Status.PUBLISHED,
        "rating_avg": row["rating_avg"],
        "rating_count": row["rating_count"],
        "enrollment_count": row["enrollment_count"],
        "lesson_count": row["lesson_count"],
        "created_at": row["created_at"],
        "published_at": row["published_at"],
    }


def course_card_of(course: Course) -> dict[str, Any]:
    """The card of a course already loaded with its category and instructor (no query)."""
    row = {}
    for lookup in CARD_FIELDS:
        value: Any = course
        for attribute in lookup.split("__"):
            value = getattr(value, attribute) if value is not None else None
        row[lookup] = value
    return course_card(row)


def course_cards(courses: QuerySet[Course]) -> list[dict[str, Any]]:
    """The cards of ``courses`` (already sliced to a page), read in one query."""
    return [course_card(row) for row in courses.values(*CARD_FIELDS)]


def course_get_visible(*, user: Any, course_id: int) -> Course:
    """The course if ``user`` may see it; 404 otherwise, so drafts do not leak their existence."""
    try:
        course = _courses().get(pk=course_id)
    except Course.DoesNotExist as error:
        raise NotFound(COURSE_NOT_FOUND) from error
    if not can_view_course(user, course):
        raise NotFound(COURSE_NOT_FOUND)
    return course


def course_detail(*, user: Any, course_id: int) -> dict[str, Any]:
    """A visible course's page (``schemas.CourseDetail``): its card, description, rating
    histogram and ordered outline of sections and lessons, in three queries.

    Read with ``.values()``: a course page with hundreds of lessons builds no model instance.
    """
    row = Course.objects.filter(pk=course_id).values(*DETAIL_FIELDS).first()
    if row is None or not can_view_course_fields(
        user, course_id=course_id, owner_id=row["owner_id"], status=row["status"]
    ):
        raise NotFound(COURSE_NOT_FOUND)
    sections = list(
        Section.objects.filter(course_id=course_id).order_by("order").values("id", "title", "order")
    )
    lessons_of: dict[int, list[dict[str, Any]]] = {section["id"]: [] for section in sections}
    lessons = (
        Lesson.objects.filter(section_id__in=list(lessons_of))
        .order_by("order")
        .values("id", "section_id", "title", "kind", "order", "duration", "is_preview")
    )
    total_duration = 0
    for lesson in lessons:
        total_duration += lesson["duration"]
        lessons_of[lesson.pop("section_id")].append(lesson)
    for section in sections:
        section["lessons"] = lessons_of[section["id"]]
    return {
        **course_card(row),
        "description": row["description"],
        "updated_at": row["updated_at"],
        "total_duration": total_duration,
        "rating_histogram": {
            str(stars): row[field] for stars, field in enumerate(_RATING_FIELDS, start=1)
        },
        "sections": sections,
    }


def section_list(*, course: Course) -> QuerySet[Section]:
    return (
        Section.objects.filter(course=course)
        .annotate(lesson_count=Count("lessons"), duration=Coalesce(Sum("lessons__duration"), 0))
        .order_by("order")
    )


def section_get(*, section_id: int) -> Section:
    try:
        return Section.objects.select_related("course__owner").get(pk=section_id)
    except Section.DoesNotExist as error:
        raise NotFound(SECTION_NOT_FOUND) from error


def section_with_lessons(*, section: Section) -> Section:
    section.lesson_items = list(section.lessons.order_by("order"))
    return section


def lesson_list(*, course: Course, section: Section | None = None) -> QuerySet[Lesson]:
    lessons = Lesson.objects.filter(course=course)
    if section is not None:
        lessons = lessons.filter(section=section)
    return lessons.select_related("section").order_by("section__order", "order")


def lesson_get(*, lesson_id: int) -> Lesson:
    try:
        return Lesson.objects.select_related("course__owner", "section").get(pk=lesson_id)
    except Lesson.DoesNotExist as error:
        raise NotFound(LESSON_NOT_FOUND) from error
