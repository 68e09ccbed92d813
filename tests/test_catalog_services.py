"""Catalogue services called directly: slugs, publication, deletion, ordering and counters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from django_coursehub import signals
from django_coursehub.catalog import services
from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    DraftCourseFactory,
    LessonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def orders(queryset: Any) -> list[tuple[int, int]]:
    return list(queryset.order_by("order").values_list("pk", "order"))


def titles(queryset: Any) -> list[str]:
    return list(queryset.order_by("order").values_list("title", flat=True))


def stored_lesson_count(course: Course) -> int:
    course.refresh_from_db()
    return course.lesson_count


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def course(instructor: Any) -> Course:
    return CourseFactory(owner=instructor)


# Slugs ------------------------------------------------------------------------------------


def test_course_slug_is_generated_from_the_title(instructor):
    course = services.course_create(owner=instructor, title="Django REST asoslari")

    assert course.slug == "django-rest-asoslari"


def test_cyrillic_title_keeps_a_unicode_slug(instructor):
    course = services.course_create(owner=instructor, title="Основы Python: часть 1")

    assert course.slug == "основы-python-часть-1"


def test_uzbek_latin_apostrophe_letters_stay_in_the_slug(instructor):
    category = services.category_create(name="Oʻzbek tili")

    assert category.slug == "oʻzbek-tili"


def test_same_title_gets_a_distinct_slug(instructor):
    first = services.course_create(owner=instructor, title="Python")
    second = services.course_create(owner=instructor, title="Python")

    assert first.slug == "python"
    assert second.slug.startswith("python-")
    assert second.slug != first.slug


def test_slug_that_only_shares_a_prefix_is_not_a_clash(instructor):
    CourseFactory(slug="python-advanced")

    course = services.course_create(owner=instructor, title="Python")

    assert course.slug == "python"


def test_title_without_letters_falls_back_to_the_model_name(instructor):
    course = services.course_create(owner=instructor, title="!!! ???")

    assert course.slug == "course"


def test_very_long_title_gives_a_slug_that_fits_its_column(instructor):
    first = services.course_create(owner=instructor, title="a" * 200)
    second = services.course_create(owner=instructor, title="a" * 200)

    max_length = Course._meta.get_field("slug").max_length
    assert len(first.slug) <= max_length
    assert len(second.slug) <= max_length
    assert first.slug != second.slug


def test_given_slug_that_is_taken_is_a_conflict(instructor):
    CourseFactory(slug="taken")

    with pytest.raises(Conflict) as raised:
        services.course_create(owner=instructor, title="Anything", slug="taken")

    assert raised.value.code == "duplicate"
    assert Course.objects.filter(slug="taken").count() == 1


def test_changing_a_course_to_a_taken_slug_is_a_conflict(course):
    CourseFactory(slug="taken")

    with pytest.raises(Conflict):
        services.course_update(course=course, changes={"slug": "taken"})

    assert fresh(course).slug == course.slug


def test_keeping_its_own_slug_on_update_is_not_a_conflict(course):
    updated = services.course_update(course=course, changes={"slug": course.slug, "title": "T"})

    assert (updated.slug, updated.title) == (course.slug, "T")


def test_category_names_are_unique():
    services.category_create(name="Python")

    with pytest.raises(Conflict):
        services.category_create(name="Python")

    assert Category.objects.count() == 1


def test_category_given_a_taken_slug_is_a_conflict():
    CategoryFactory(slug="web")

    with pytest.raises(Conflict):
        services.category_create(name="Web development", slug="web")


def test_category_update_with_an_empty_slug_regenerates_it():
    category = CategoryFactory(name="Old", slug="old")

    services.category_update(category=category, changes={"name": "Dizayn", "slug": None})

    assert fresh(category).slug == "dizayn"


# Validation -------------------------------------------------------------------------------


def test_course_defaults_come_from_the_live_settings(instructor):
    with override_settings(COURSEHUB={"DEFAULT_CURRENCY": "USD", "COURSE_LANGUAGES": ["ru"]}):
        course = services.course_create(owner=instructor, title="X")

    assert (course.currency, course.language) == ("USD", "ru")


@pytest.mark.parametrize(
    "changes", [{"currency": "GBP"}, {"language": "fr"}, {"category_id": 999999}]
)
def test_course_create_refuses_values_outside_the_settings_or_unknown_ids(instructor, changes):
    with pytest.raises(InvalidInput):
        services.course_create(owner=instructor, title="X", **changes)

    assert not Course.objects.exists()


def test_course_update_ignores_read_only_fields(course, student):
    services.course_update(
        course=course,
        changes={"owner": student, "owner_id": student.pk, "lesson_count": 9, "rating_avg": 5},
    )

    stored = fresh(course)
    assert (stored.owner_id, stored.lesson_count, stored.rating_avg) == (
        course.owner_id,
        0,
        Decimal("0"),
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_lesson_links_must_be_web_urls(course, url):
    section = SectionFactory(course=course)

    with pytest.raises(InvalidInput) as raised:
        services.lesson_create(section=section, title="X", attachment_url=url)

    assert "attachment_url" in raised.value.errors
    assert stored_lesson_count(course) == 0


# Publication ------------------------------------------------------------------------------


def test_new_course_is_a_draft_without_a_publication_date(instructor):
    course = services.course_create(owner=instructor, title="X")

    assert course.status == Course.Status.DRAFT
    assert course.published_at is None


def test_course_created_as_published_gets_its_publication_date(instructor):
    course = services.course_create(owner=instructor, title="X", is_published=True)

    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None


def test_publication_date_is_set_once_and_survives_unpublishing(instructor):
    course = services.course_create(owner=instructor, title="X", is_published=True)
    first_published_at = course.published_at

    services.course_update(course=course, changes={"is_published": True})
    assert fresh(course).published_at == first_published_at

    services.course_update(course=course, changes={"is_published": False})
    assert fresh(course).status == Course.Status.DRAFT

    services.course_update(course=course, changes={"is_published": True})
    assert fresh(course).published_at == first_published_at
    assert fresh(course).status == Course.Status.PUBLISHED


def test_publishing_a_draft_stamps_the_current_time():
    draft = DraftCourseFactory()
    before = timezone.now()

    services.course_update(course=draft, changes={"is_published": True})

    assert before - timedelta(seconds=1) <= fresh(draft).published_at <= timezone.now()


def test_unpublishing_keeps_an_archived_course_archived():
    archived = CourseFactory(status=Course.Status.ARCHIVED)

    services.course_update(course=archived, changes={"is_published": False})

    assert fresh(archived).status == Course.Status.ARCHIVED


def test_publishing_an_archived_course_restores_it():
    archived = CourseFactory(status=Course.Status.ARCHIVED)

    services.course_update(course=archived, changes={"is_published": True})

    assert fresh(archived).status == Course.Status.PUBLISHED


def test_editing_other_fields_does_not_change_the_status(course):
    services.course_update(course=course, changes={"title": "New"})

    assert fresh(course).status == Course.Status.PUBLISHED


# Deletion ---------------------------------------------------------------------------------
# Nothing in the package protects a course row yet (enrollments, orders and certificates are
# the planned dependents), so only the plain deletion path can be exercised with real rows.


def test_course_nobody_depends_on_is_deleted_with_its_sections_and_lessons(course):
    LessonFactory.create_batch(2, section=SectionFactory(course=course))

    deleted = services.course_delete(course=course)

    assert deleted is True
    assert not Course.objects.filter(pk=course.pk).exists()
    assert not Section.objects.exists()
    assert not Lesson.objects.exists()


def test_deleting_one_course_leaves_the_others(course):
    other = LessonFactory()

    services.course_delete(course=course)

    assert Lesson.objects.get() == other
    assert stored_lesson_count(other.course) == 1


def test_category_with_courses_cannot_be_deleted():
    category = CategoryFactory()
    DraftCourseFactory(category=category)

    with pytest.raises(Conflict) as raised:
        services.category_delete(category=category)

    assert raised.value.code == "category_in_use"
    assert Category.objects.filter(pk=category.pk).exists()


def test_empty_category_is_deleted():
    category = CategoryFactory()

    services.category_delete(category=category)

    assert not Category.objects.exists()


# Ordering ---------------------------------------------------------------------------------


def test_sections_are_added_last_unless_a_position_is_given(course):
    a = services.section_create(course=course, title="a")
    b = services.section_create(course=course, title="b")
    c = services.section_create(course=course, title="c", position=0)
    d = services.section_create(course=course, title="d", position=2)

    assert orders(course.sections) == [(c.pk, 0), (a.pk, 1), (d.pk, 2), (b.pk, 3)]


def test_section_position_beyond_the_end_is_refused(course):
    services.section_create(course=course, title="a")

    with pytest.raises(InvalidInput) as raised:
        services.section_create(course=course, title="b", position=2)

    assert "position" in raised.value.errors
    assert course.sections.count() == 1


def test_section_order_is_per_course(course):
    SectionFactory.create_batch(3)

    section = services.section_create(course=course, title="first")

    assert section.order == 0


@pytest.mark.parametrize(
    ("moved", "position", "expected"),
    [
        ("a", 3, ["b", "c", "d", "a"]),
        ("d", 0, ["d", "a", "b", "c"]),
        ("b", 2, ["a", "c", "b", "d"]),
        ("c", 2, ["a", "b", "c", "d"]),
    ],
)
def test_section_move_reorders_without_gaps(course, moved, position, expected):
    sections = {title: SectionFactory(course=course, title=title) for title in "abcd"}

    services.section_move(section=sections[moved], position=position)

    assert titles(course.sections) == expected
    assert [order for _pk, order in orders(course.sections)] == [0, 1, 2, 3]


def test_section_move_beyond_the_last_position_is_refused(course):
    first, _second = SectionFactory.create_batch(2, course=course)

    with pytest.raises(InvalidInput):
        services.section_move(section=first, position=2)

    assert fresh(first).order == 0


def test_deleting_a_section_closes_the_gap_and_recounts_lessons(course):
    a, b, c = SectionFactory.create_batch(3, course=course)
    LessonFactory.create_batch(3, section=b)
    LessonFactory(section=c)

    services.section_delete(section=b)

    assert orders(course.sections) == [(a.pk, 0), (c.pk, 1)]
    assert stored_lesson_count(course) == 1


def test_lessons_are_added_last_unless_a_position_is_given(course):
    section = SectionFactory(course=course)
    a = services.lesson_create(section=section, title="a")
    b = services.lesson_create(section=section, title="b", position=0)
    c = services.lesson_create(section=section, title="c", position=2)

    assert orders(section.lessons) == [(b.pk, 0), (a.pk, 1), (c.pk, 2)]
    assert {a.course_id, b.course_id, c.course_id} == {course.pk}


def test_lesson_order_is_per_section(course):
    first, second = SectionFactory.create_batch(2, course=course)
    LessonFactory.create_batch(2, section=first)

    lesson = services.lesson_create(section=second, title="x")

    assert lesson.order == 0


def test_lesson_moves_within_its_section(course):
    section = SectionFactory(course=course)
    a, b, c = (LessonFactory(section=section, title=t) for t in "abc")

    services.lesson_move(lesson=c, position=0)
    assert titles(section.lessons) == ["c", "a", "b"]

    services.lesson_move(lesson=fresh(c), position=2)
    assert titles(section.lessons) == ["a", "b", "c"]
    assert [lesson.pk for lesson in section.lessons.order_by("order")] == [a.pk, b.pk, c.pk]


@pytest.mark.parametrize(
    ("moved", "move", "expected"),
    [
        ("c", "up", ["a", "c", "b"]),
        ("a", "down", ["b", "a", "c"]),
        ("c", "top", ["c", "a", "b"]),
        ("a", "bottom", ["b", "c", "a"]),
        ("a", "up", ["a", "b", "c"]),  # already first: nothing moves
        ("c", "bottom", ["a", "b", "c"]),
    ],
)
def test_shifts_move_one_place_or_to_an_end_without_gaps(course, moved, move, expected):
    sections = {title: SectionFactory(course=course, title=title) for title in "abc"}
    section = SectionFactory()  # of another course
    lessons = {title: LessonFactory(section=section, title=title) for title in "abc"}

    services.outline_shift(item=sections[moved], move=move)
    services.outline_shift(item=lessons[moved], move=move)

    assert titles(course.sections) == expected
    assert titles(section.lessons) == expected
    assert [order for _pk, order in orders(course.sections)] == [0, 1, 2]
    assert [order for _pk, order in orders(section.lessons)] == [0, 1, 2]


def test_a_shift_works_on_the_rows_as_they_are_now_not_a_stale_copy(course):
    *_, c = (SectionFactory(course=course, title=t) for t in "abc")
    stale_c = Section.objects.get(pk=c.pk)
    services.section_move(section=c, position=0)  # c, a, b meanwhile

    services.outline_shift(item=stale_c, move="down")

    assert titles(course.sections) == ["a", "c", "b"]


def test_an_unknown_shift_or_a_deleted_row_is_refused(course):
    lesson = LessonFactory(section=SectionFactory(course=course))

    with pytest.raises(InvalidInput) as raised:
        services.outline_shift(item=lesson, move="sideways")
    assert "move" in raised.value.errors

    Lesson.objects.filter(pk=lesson.pk).delete()
    with pytest.raises(NotFound):
        services.outline_shift(item=lesson, move="up")


def test_lesson_moves_into_another_section_of_its_course(course):
    source, target = SectionFactory.create_batch(2, course=course)
    a, b, c = (LessonFactory(section=source, title=t) for t in "abc")
    x, y = (LessonFactory(section=target, title=t) for t in "xy")

    services.lesson_move(lesson=b, position=0, section=target)

    assert orders(source.lessons) == [(a.pk, 0), (c.pk, 1)]
    assert orders(target.lessons) == [(b.pk, 0), (x.pk, 1), (y.pk, 2)]
    assert fresh(b).course_id == course.pk
    assert stored_lesson_count(course) == 5


def test_lesson_cannot_move_into_another_course(course):
    lesson = LessonFactory(section=SectionFactory(course=course))
    foreign = SectionFactory()

    with pytest.raises(InvalidInput) as raised:
        services.lesson_move(lesson=lesson, position=0, section=foreign)

    assert "section" in raised.value.errors
    assert fresh(lesson).section_id == lesson.section_id


def test_refused_move_into_another_section_changes_nothing(course):
    source, target = SectionFactory.create_batch(2, course=course)
    a, b = LessonFactory.create_batch(2, section=source)
    x = LessonFactory(section=target)

    with pytest.raises(InvalidInput):
        services.lesson_move(lesson=a, position=5, section=target)

    assert orders(source.lessons) == [(a.pk, 0), (b.pk, 1)]
    assert orders(target.lessons) == [(x.pk, 0)]


def test_deleting_a_lesson_closes_the_gap_and_recounts(course):
    section = SectionFactory(course=course)
    a, b, c = LessonFactory.create_batch(3, section=section)

    services.lesson_delete(lesson=b)

    assert orders(section.lessons) == [(a.pk, 0), (c.pk, 1)]
    assert stored_lesson_count(course) == 2


# Stale instances: the API loads an object before the service locks its course, so a service
# must act on the row as it is now, not as the caller last saw it.


def test_updating_a_stale_section_keeps_its_current_position(course):
    a, b = SectionFactory.create_batch(2, course=course)
    stale_a = fresh(a)
    services.section_move(section=fresh(a), position=1)

    services.section_update(section=stale_a, changes={"title": "Renamed"})

    assert orders(course.sections) == [(b.pk, 0), (a.pk, 1)]
    assert fresh(a).title == "Renamed"


def test_updating_a_stale_lesson_keeps_its_current_section_and_position(course):
    source, target = SectionFactory.create_batch(2, course=course)
    a, b = LessonFactory.create_batch(2, section=source)
    stale_a = fresh(a)
    services.lesson_move(lesson=fresh(a), position=0, section=target)

    services.lesson_update(lesson=stale_a, changes={"title": "Renamed"})

    assert orders(source.lessons) == [(b.pk, 0)]
    assert orders(target.lessons) == [(a.pk, 0)]
    assert fresh(a).title == "Renamed"


def test_moving_a_stale_lesson_starts_from_where_it_is_now(course):
    first, second, third = SectionFactory.create_batch(3, course=course)
    a, b, x, y = LessonFactory.create_batch(4, section=first)
    c = LessonFactory(section=second)
    stale_a = fresh(a)
    services.lesson_move(lesson=fresh(a), position=1, section=second)

    services.lesson_move(lesson=stale_a, position=0, section=third)

    assert orders(first.lessons) == [(b.pk, 0), (x.pk, 1), (y.pk, 2)]
    assert orders(second.lessons) == [(c.pk, 0)]
    assert orders(third.lessons) == [(a.pk, 0)]


def test_deleting_a_stale_lesson_closes_the_gap_where_it_is_now(course):
    first, second = SectionFactory.create_batch(2, course=course)
    a, b = LessonFactory.create_batch(2, section=first)
    c = LessonFactory(section=second)
    stale_a = fresh(a)
    services.lesson_move(lesson=fresh(a), position=0, section=second)

    services.lesson_delete(lesson=stale_a)

    assert orders(first.lessons) == [(b.pk, 0)]
    assert orders(second.lessons) == [(c.pk, 0)]
    assert stored_lesson_count(course) == 2


def test_acting_on_a_lesson_deleted_meanwhile_is_not_found(course):
    lesson = LessonFactory(section=SectionFactory(course=course))
    stale = fresh(lesson)
    services.lesson_delete(lesson=lesson)

    with pytest.raises(NotFound):
        services.lesson_update(lesson=stale, changes={"title": "Ghost"})
    with pytest.raises(NotFound):
        services.lesson_move(lesson=stale, position=0)


# Stored lesson count ----------------------------------------------------------------------


def test_lesson_count_follows_every_structural_change(course):
    first = services.section_create(course=course, title="1")
    second = services.section_create(course=course, title="2")
    made = [services.lesson_create(section=s, title="L") for s in (first, first, second)]
    assert stored_lesson_count(course) == 3

    services.lesson_move(lesson=made[0], position=0, section=second)
    assert stored_lesson_count(course) == 3

    services.lesson_delete(lesson=made[1])
    assert stored_lesson_count(course) == 2

    services.section_delete(section=second)
    assert stored_lesson_count(course) == 0


def test_lesson_count_of_other_courses_is_untouched(course):
    other = LessonFactory()

    services.lesson_create(section=SectionFactory(course=course), title="x")

    assert stored_lesson_count(course) == 1
    assert stored_lesson_count(other.course) == 1


def test_recount_repairs_a_drifted_lesson_count(course):
    LessonFactory.create_batch(2, section=SectionFactory(course=course))
    Course.objects.filter(pk=course.pk).update(lesson_count=40)

    services.course_recount(course=course)

    assert stored_lesson_count(course) == 2


# Announcing new lessons -------------------------------------------------------------------


@pytest.fixture
def published_lessons() -> Iterator[list[Lesson]]:
    """The lessons ``lesson_published`` announced, in order."""
    announced: list[Lesson] = []

    def receive(sender: Any, lesson: Lesson, **kwargs: Any) -> None:
        announced.append(lesson)

    signals.lesson_published.connect(receive, weak=False)
    yield announced
    signals.lesson_published.disconnect(receive)


def test_a_lesson_added_to_a_published_course_is_announced_after_commit(
    course, published_lessons, django_capture_on_commit_callbacks
):
    section = SectionFactory(course=course)

    with django_capture_on_commit_callbacks(execute=True):
        lesson = services.lesson_create(section=section, title="Yangi dars")
        assert published_lessons == []

    assert published_lessons == [lesson]


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_a_lesson_added_to_a_course_nobody_can_join_is_not_announced(
    status, published_lessons, django_capture_on_commit_callbacks
):
    course = DraftCourseFactory()
    Course.objects.filter(pk=course.pk).update(status=status)
    section = SectionFactory(course=course)

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_create(section=section, title="Qoralama")

    assert published_lessons == []


def test_editing_or_moving_a_lesson_announces_nothing(
    course, published_lessons, django_capture_on_commit_callbacks
):
    section = SectionFactory(course=course)
    first, second = LessonFactory.create_batch(2, section=section)

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_update(lesson=first, changes={"title": "Yangilangan"})
        services.lesson_move(lesson=second, position=0)

    assert published_lessons == []
