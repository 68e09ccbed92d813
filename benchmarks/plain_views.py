"""The practical limit: hand-written Django views answering the same JSON as our API.

The same queries as django-coursehub's course list (the stored count of published courses, and
one page) and course detail (the course, its sections, their lessons), read with ``.values()``
so no model instance is built, and encoded by ``JsonResponse`` (Django's encoder, as
django-ninja's). They serve anonymous callers,
the case the benchmark measures: no enrollment, nothing in a wishlist, published courses only.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse

from django_coursehub.catalog.models import Course, Lesson, Section

# The very columns ours reads, and its stored total: the same queries, shaped by hand below.
from django_coursehub.catalog.selectors import (
    CARD_FIELDS,
    DETAIL_FIELDS,
    published_course_total,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _not_found(detail: str, code: str = "not_found") -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=404)


def _positive_int(raw: str | None, default: int) -> int | None:
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return None
    return int(raw)


def _card(row: dict[str, Any]) -> dict[str, Any]:
    category_id = row["category_id"]
    full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return {
        "id": row["id"],
        "title": row["title"],
        "slug": row["slug"],
        "short_description": row["short_description"],
        "category": (
            None
            if category_id is None
            else {"id": category_id, "name": row["category__name"], "slug": row["category__slug"]}
        ),
        "instructor": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            "full_name": full_name,
        },
        "price": row["price"],
        "currency": row["currency"],
        "is_free": row["price"] == Decimal(0),
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


def course_list(request: HttpRequest) -> JsonResponse:
    """``GET /plain/courses/?page=N``: published courses, newest first, 20 a page."""
    page = _positive_int(request.GET.get("page"), 1)
    page_size = _positive_int(request.GET.get("page_size"), PAGE_SIZE)
    if page is None or page_size is None:
        return JsonResponse({"detail": "Invalid page.", "code": "invalid"}, status=422)
    page_size = min(page_size, MAX_PAGE_SIZE)
    # Published courses always have a date: the order of our list and of its index.
    courses = Course.objects.filter(status=Course.Status.PUBLISHED).order_by("-published_at", "-id")
    # The same count as ours: the total the database keeps, rows counted only without it.
    total = published_course_total()
    count = courses.count() if total is None else total
    offset = (page - 1) * page_size
    if page > 1 and offset >= count:
        return _not_found("That page contains no results.", "page_not_found")
    rows = courses.values(*CARD_FIELDS)[offset : offset + page_size]
    return JsonResponse({"items": [_card(row) for row in rows], "count": count})


def course_detail(request: HttpRequest, course_id: int) -> JsonResponse:
    """``GET /plain/courses/<id>/``: one published course with its ordered outline."""
    row = (
        Course.objects.filter(pk=course_id, status=Course.Status.PUBLISHED)
        .values(*DETAIL_FIELDS)
        .first()
    )
    if row is None:
        return _not_found("Course not found.")
    sections = list(
        Section.objects.filter(course_id=course_id).order_by("order").values("id", "title", "order")
    )
    lessons_by_section: dict[int, list[dict[str, Any]]] = defaultdict(list)
    total_duration = 0
    lessons = (
        Lesson.objects.filter(section_id__in=[s["id"] for s in sections])
        .order_by("order")
        .values("id", "section_id", "title", "kind", "order", "duration", "is_preview")
    )
    for lesson in lessons:
        total_duration += lesson["duration"]
        lessons_by_section[lesson.pop("section_id")].append(lesson)
    for section in sections:
        section["lessons"] = lessons_by_section.get(section["id"], [])
    body = _card(row)
    body.update(
        description=row["description"],
        updated_at=row["updated_at"],
        total_duration=total_duration,
        rating_histogram={str(star): row[f"rating_{star}_count"] for star in range(1, 6)},
        sections=sections,
        enrollment=None,
        in_wishlist=False,
    )
    return JsonResponse(body)
