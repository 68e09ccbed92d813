"""The stored number of published courses, which the unfiltered course list reads instead of
counting: the database keeps it exact whatever writes the courses."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from django_coursehub.catalog import selectors, services
from django_coursehub.catalog.models import CatalogueTotals, Course
from tests.factories import CategoryFactory, CourseFactory, DraftCourseFactory, InstructorFactory

pytestmark = pytest.mark.django_db


def stored_total() -> int | None:
    return selectors.published_course_total()


def true_total() -> int:
    return Course.objects.filter(status=Course.Status.PUBLISHED).count()


def test_every_kind_of_write_keeps_the_total_exact():
    owner = InstructorFactory()
    assert stored_total() == true_total() == 0

    published = CourseFactory.create_batch(3, owner=owner)
    draft = DraftCourseFactory(owner=owner)
    assert stored_total() == 3

    services.course_update(course=draft, changes={"is_published": True})
    services.course_update(course=published[0], changes={"is_published": False})
    services.course_update(course=published[1], changes={"title": "Only the title"})
    assert stored_total() == true_total() == 3

    Course.objects.filter(pk=published[1].pk).update(status=Course.Status.ARCHIVED)
    Course.objects.bulk_create(
        [
            Course(
                title=f"Bulk {n}",
                slug=f"bulk-{n}",
                owner=owner,
                status=Course.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            for n in range(4)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM coursehub_course WHERE slug = %s", ["bulk-0"])
    published[2].delete()
    assert stored_total() == true_total() == 4


def test_the_unfiltered_list_counts_from_the_total_and_filters_count_rows(anon):
    CourseFactory.create_batch(2)
    category = CategoryFactory()
    CourseFactory(category=category)
    CatalogueTotals.objects.update(published_courses=41)  # visible only where it is read

    assert anon.get("/api/courses/").json()["count"] == 41
    assert anon.get("/api/courses/", {"ordering": "popular"}).json()["count"] == 41
    assert anon.get("/api/courses/", {"category": category.pk}).json()["count"] == 1
    assert anon.get("/api/courses/", {"level": "all"}).json()["count"] == 3


def test_without_the_row_the_list_counts_and_the_reindex_command_writes_it_again(anon):
    CourseFactory.create_batch(2)
    DraftCourseFactory()
    CatalogueTotals.objects.all().delete()

    assert anon.get("/api/courses/").json()["count"] == 2
    call_command("coursehub_search_reindex", stdout=StringIO())
    assert stored_total() == 2
    CourseFactory()
    assert stored_total() == 3
