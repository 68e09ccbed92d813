"""The Django admin for the catalogue and profiles, driven as a superuser would."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from django_coursehub.accounts.models import Profile
from django_coursehub.catalog import services
from django_coursehub.catalog.models import Course, Lesson, Section
from django_coursehub.learning.services import enrollment_grant
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def lesson_count(course: Course) -> int:
    course.refresh_from_db()
    return course.lesson_count


def orders(queryset: Any) -> list[int]:
    return list(queryset.order_by("order").values_list("pk", flat=True))


def lesson_form(section: Section, **overrides: Any) -> dict[str, Any]:
    return {
        "section": section.pk,
        "title": "Admin lesson",
        "kind": "text",
        "video_url": "",
        "attachment_url": "",
        "content": "Body",
        "duration": 60,
        **overrides,
    }


ADMIN_MODELS = ["category", "course", "section", "lesson", "profile"]


def inline_management(prefix: str, objects: list[Any]) -> dict[str, Any]:
    """Management form data plus one unchanged row per existing inline object."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(objects),
        f"{prefix}-INITIAL_FORMS": len(objects),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, obj in enumerate(objects):
        data[f"{prefix}-{index}-id"] = obj.pk
        data[f"{prefix}-{index}-title"] = obj.title
        if isinstance(obj, Lesson):
            data[f"{prefix}-{index}-kind"] = obj.kind
            data[f"{prefix}-{index}-duration"] = obj.duration
            data[f"{prefix}-{index}-section"] = obj.section_id
        else:
            data[f"{prefix}-{index}-course"] = obj.course_id
    return data


@pytest.fixture
def catalogue() -> dict[str, Any]:
    course = CourseFactory()
    section = SectionFactory(course=course)
    return {
        "category": course.category,
        "course": course,
        "section": section,
        "lesson": LessonFactory(section=section),
        "profile": Profile.objects.create(user=UserFactory(), headline="Teacher"),
    }


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_loads_for_a_superuser(admin_client, catalogue, model):
    response = admin_client.get(f"/admin/coursehub/{model}/")

    assert response.status_code == 200
    assert str(catalogue[model]).encode() in response.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_change_page_loads_for_a_superuser(admin_client, catalogue, model):
    response = admin_client.get(f"/admin/coursehub/{model}/{catalogue[model].pk}/change/")

    assert response.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_add_page_loads_for_a_superuser(admin_client, catalogue, model):
    assert admin_client.get(f"/admin/coursehub/{model}/add/").status_code == 200


@pytest.mark.parametrize("model", ["category", "course", "section", "lesson"])
def test_changelist_search_works(admin_client, catalogue, model):
    response = admin_client.get(f"/admin/coursehub/{model}/", {"q": str(catalogue[model])})

    assert response.status_code == 200
    assert str(catalogue[model]).encode() in response.content


def test_anonymous_visitors_are_sent_to_the_admin_login(client, catalogue):
    response = client.get("/admin/coursehub/lesson/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_adding_a_lesson_takes_its_course_from_the_section_and_recounts(admin_client):
    section = SectionFactory()
    LessonFactory(section=section)

    response = admin_client.post("/admin/coursehub/lesson/add/", lesson_form(section))

    assert response.status_code == 302, response.content
    lesson = Lesson.objects.get(title="Admin lesson")
    assert lesson.course_id == section.course_id
    assert lesson.order == 1
    assert lesson_count(section.course) == 2


def test_a_saved_lesson_cannot_be_moved_to_another_course_in_the_admin(admin_client):
    lesson = LessonFactory()
    old_course = lesson.course
    target = SectionFactory()

    response = admin_client.post(
        f"/admin/coursehub/lesson/{lesson.pk}/change/",
        lesson_form(target, title="Renamed"),
    )

    assert response.status_code == 302, response.content
    lesson.refresh_from_db()
    assert (lesson.title, lesson.course_id) == ("Renamed", old_course.pk)
    assert lesson_count(old_course) == 1
    assert lesson_count(target.course) == 0


def test_adding_lessons_inline_on_a_section_sets_their_course_and_recounts(admin_client):
    section = SectionFactory()
    existing = LessonFactory(section=section)
    data = {"course": section.course_id, "title": section.title}
    data.update(inline_management("lessons", [existing]))
    data.update(
        {
            "lessons-TOTAL_FORMS": 2,
            "lessons-1-title": "Inline lesson",
            "lessons-1-kind": "video",
            "lessons-1-duration": 30,
            "lessons-1-section": section.pk,
        }
    )

    response = admin_client.post(f"/admin/coursehub/section/{section.pk}/change/", data)

    assert response.status_code == 302, response.content
    added = Lesson.objects.get(title="Inline lesson")
    assert added.course_id == section.course_id
    assert orders(section.lessons) == [existing.pk, added.pk]
    assert lesson_count(section.course) == 2


def test_a_section_cannot_be_moved_to_another_course_in_the_admin(admin_client):
    section = SectionFactory()
    lesson = LessonFactory(section=section)
    course = section.course
    other = CourseFactory()
    data = {"course": other.pk, "title": "Renamed"}
    data.update(inline_management("lessons", [lesson]))

    response = admin_client.post(f"/admin/coursehub/section/{section.pk}/change/", data)

    assert response.status_code == 302, response.content
    section.refresh_from_db()
    lesson.refresh_from_db()
    assert section.title == "Renamed"
    assert section.course_id == lesson.course_id == course.pk
    assert (lesson_count(course), lesson_count(other)) == (1, 0)


def test_deleting_a_lesson_in_the_admin_recounts_and_closes_the_gap(admin_client):
    section = SectionFactory()
    first, second, third = LessonFactory.create_batch(3, section=section)

    response = admin_client.post(f"/admin/coursehub/lesson/{second.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert list(section.lessons.order_by("order").values_list("pk", "order")) == [
        (first.pk, 0),
        (third.pk, 1),
    ]
    assert lesson_count(section.course) == 2


def test_deleting_lessons_in_bulk_in_the_admin_recounts(admin_client):
    section = SectionFactory()
    lessons = LessonFactory.create_batch(3, section=section)

    response = admin_client.post(
        "/admin/coursehub/lesson/",
        {
            "action": "delete_selected",
            "_selected_action": [lessons[0].pk, lessons[2].pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(section.lessons.values_list("pk", "order")) == [(lessons[1].pk, 0)]
    assert lesson_count(section.course) == 1


def test_deleting_a_section_in_the_admin_recounts_the_course(admin_client):
    course = CourseFactory()
    kept, dropped = SectionFactory.create_batch(2, course=course)
    LessonFactory(section=kept)
    LessonFactory.create_batch(2, section=dropped)

    response = admin_client.post(f"/admin/coursehub/section/{dropped.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert lesson_count(course) == 1
    assert orders(course.sections) == [kept.pk]


def test_course_change_page_saves_with_its_section_inline(admin_client):
    course = CourseFactory()
    section = SectionFactory(course=course)
    LessonFactory(section=section)
    Course.objects.filter(pk=course.pk).update(lesson_count=7)
    data = {
        "title": "Edited in admin",
        "slug": course.slug,
        "short_description": course.short_description,
        "description": course.description,
        "category": course.category_id,
        "owner": course.owner_id,
        "price": "10.00",
        "currency": "UZS",
        "level": "all",
        "language": "uz",
        "status": "published",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
    }
    data.update(inline_management("sections", [section]))

    response = admin_client.post(f"/admin/coursehub/course/{course.pk}/change/", data)

    assert response.status_code == 302, response.content
    course.refresh_from_db()
    assert course.title == "Edited in admin"
    assert course.lesson_count == 1


def move_button(url: str) -> bytes:
    return f'formaction="{url}" formmethod="post"'.encode()


def test_lesson_changelist_shows_move_buttons_that_post_the_page_form(admin_client):
    lesson = LessonFactory()

    response = admin_client.get("/admin/coursehub/lesson/")

    for direction in ("top", "up", "down", "bottom"):
        assert move_button(f"/admin/coursehub/lesson/{lesson.pk}/move-{direction}/") in (
            response.content
        )
    assert b'aria-label="Move up"' in response.content


def test_move_buttons_are_labelled_in_the_admins_language(admin_client):
    LessonFactory()

    response = admin_client.get("/admin/coursehub/lesson/", HTTP_ACCEPT_LANGUAGE="ru")

    assert 'aria-label="Переместить выше"'.encode() in response.content


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_move_is_never_made_by_following_a_link(admin_client, method):
    section = SectionFactory()
    first, second = LessonFactory.create_batch(2, section=section)

    response = getattr(admin_client, method)(f"/admin/coursehub/lesson/{second.pk}/move-up/")

    assert response.status_code == 405
    assert orders(section.lessons) == [first.pk, second.pk]


def test_a_move_posted_without_the_admins_csrf_token_is_refused():
    section = SectionFactory()
    first, second = LessonFactory.create_batch(2, section=section)
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(f"/admin/coursehub/lesson/{second.pk}/move-up/")

    assert response.status_code == 403
    assert orders(section.lessons) == [first.pk, second.pk]


def test_a_move_keeps_the_changelists_filters(admin_client):
    section = SectionFactory()
    lesson = LessonFactory(section=section)

    response = admin_client.post(f"/admin/coursehub/lesson/{lesson.pk}/move-up/?kind__exact=video")

    assert response["Location"] == "/admin/coursehub/lesson/?kind__exact=video"


@pytest.mark.parametrize(
    ("moved", "direction", "expected"),
    [(0, "down", [1, 0, 2]), (2, "up", [0, 2, 1]), (2, "top", [2, 0, 1]), (0, "bottom", [1, 2, 0])],
)
def test_lesson_move_links_reorder_within_the_section(admin_client, moved, direction, expected):
    section = SectionFactory()
    lessons = LessonFactory.create_batch(3, section=section)
    LessonFactory()

    response = admin_client.post(f"/admin/coursehub/lesson/{lessons[moved].pk}/move-{direction}/")

    assert response.status_code == 302
    assert orders(section.lessons) == [lessons[i].pk for i in expected]
    assert lesson_count(section.course) == 3


@pytest.mark.parametrize(
    ("moved", "direction", "expected"), [(0, "down", [1, 0]), (1, "up", [1, 0])]
)
def test_section_move_links_reorder_within_the_course(admin_client, moved, direction, expected):
    course = CourseFactory()
    sections = SectionFactory.create_batch(2, course=course)

    response = admin_client.post(f"/admin/coursehub/section/{sections[moved].pk}/move-{direction}/")

    assert response.status_code == 302
    assert orders(course.sections) == [sections[i].pk for i in expected]


def test_inline_move_links_on_the_course_page_reorder_its_sections(admin_client):
    course = CourseFactory()
    first, second = SectionFactory.create_batch(2, course=course)

    page = admin_client.get(f"/admin/coursehub/course/{course.pk}/change/")
    link = f"/admin/coursehub/course/{course.pk}/section/{second.pk}/move-up/"
    response = admin_client.post(link)

    assert move_button(link) in page.content
    assert response.status_code == 302
    assert orders(course.sections) == [second.pk, first.pk]


def test_inline_move_links_on_the_section_page_reorder_its_lessons(admin_client):
    section = SectionFactory()
    first, second = LessonFactory.create_batch(2, section=section)

    page = admin_client.get(f"/admin/coursehub/section/{section.pk}/change/")
    link = f"/admin/coursehub/section/{section.pk}/lesson/{first.pk}/move-down/"
    response = admin_client.post(link)

    assert move_button(link) in page.content
    assert response.status_code == 302
    assert orders(section.lessons) == [second.pk, first.pk]


def test_an_inline_move_only_moves_rows_of_the_page_it_was_posted_from(admin_client):
    section, other = SectionFactory.create_batch(2)
    first, second = LessonFactory.create_batch(2, section=other)

    response = admin_client.post(
        f"/admin/coursehub/section/{section.pk}/lesson/{second.pk}/move-up/"
    )

    assert response.status_code == 404
    assert orders(other.lessons) == [first.pk, second.pk]


@pytest.mark.parametrize(
    "link",
    [
        "/admin/coursehub/lesson/abc/move-up/",
        "/admin/coursehub/lesson/987654/move-up/",
        "/admin/coursehub/lesson/{lesson}/move-sideways/",
        "/admin/coursehub/section/abc/lesson/{lesson}/move-up/",
        "/admin/coursehub/section/{section}/lesson/abc/move-up/",
        "/admin/coursehub/course/abc/section/{section}/move-up/",
    ],
)
def test_a_move_of_an_unknown_or_malformed_row_or_direction_is_a_404(admin_client, link):
    section = SectionFactory()
    lesson = LessonFactory(section=section)

    response = admin_client.post(link.format(lesson=lesson.pk, section=section.pk))

    assert response.status_code == 404


def test_a_row_deleted_while_the_page_was_open_is_reported_not_moved(admin_client):
    section = SectionFactory()
    lesson = LessonFactory(section=section)

    def deleted_meanwhile(**kwargs: Any) -> Any:
        Lesson.objects.filter(pk=lesson.pk).delete()
        return real_shift(**kwargs)

    real_shift = services.outline_shift
    with mock.patch.object(services, "outline_shift", deleted_meanwhile):
        response = admin_client.post(f"/admin/coursehub/lesson/{lesson.pk}/move-up/", follow=True)

    assert response.status_code == 200
    assert "Lesson not found." in [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    "link",
    [
        "/admin/coursehub/lesson/{lesson}/move-top/",
        "/admin/coursehub/section/{section}/lesson/{lesson}/move-top/",
        "/admin/coursehub/section/{section}/move-top/",
        "/admin/coursehub/course/{course}/section/{section}/move-top/",
    ],
)
def test_every_move_button_goes_through_the_locking_service(admin_client, link):
    section = SectionFactory()
    lesson = LessonFactory(section=section)

    with mock.patch.object(services, "outline_shift", wraps=services.outline_shift) as spy:
        response = admin_client.post(
            link.format(lesson=lesson.pk, section=section.pk, course=section.course_id)
        )

    assert response.status_code == 302
    moved = lesson if "/lesson/" in link else section
    assert spy.call_args.kwargs == {"item": moved, "move": "top"}


def test_category_admin_adds_a_category(admin_client):
    response = admin_client.post(
        "/admin/coursehub/category/add/", {"name": "Tillar", "slug": "tillar", "description": ""}
    )

    assert response.status_code == 302
    assert CategoryFactory._meta.model.objects.filter(slug="tillar").exists()


def staff_client(*permissions: str) -> Client:
    user = StaffFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="coursehub", codename__in=permissions)
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "link",
    [
        "/admin/coursehub/lesson/{lesson}/move-up/",
        "/admin/coursehub/section/{section}/lesson/{lesson}/move-up/",
    ],
)
def test_staff_who_may_only_view_lessons_cannot_reorder_them(link):
    section = SectionFactory()
    first, second = LessonFactory.create_batch(2, section=section)
    client = staff_client("view_lesson", "view_section")

    response = client.post(link.format(lesson=second.pk, section=section.pk))

    assert response.status_code == 403
    assert orders(section.lessons) == [first.pk, second.pk]


@pytest.mark.parametrize(
    "link",
    [
        "/admin/coursehub/section/{section}/move-up/",
        "/admin/coursehub/course/{course}/section/{section}/move-up/",
    ],
)
def test_staff_who_may_only_view_sections_cannot_reorder_them(link):
    course = CourseFactory()
    first, second = SectionFactory.create_batch(2, course=course)
    client = staff_client("view_section", "view_course")

    response = client.post(link.format(section=second.pk, course=course.pk))

    assert response.status_code == 403
    assert orders(course.sections) == [first.pk, second.pk]


def test_staff_who_may_change_lessons_can_reorder_them():
    section = SectionFactory()
    first, second = LessonFactory.create_batch(2, section=section)
    client = staff_client("view_lesson", "change_lesson")

    response = client.post(f"/admin/coursehub/lesson/{second.pk}/move-up/")

    assert response.status_code == 302
    assert orders(section.lessons) == [second.pk, first.pk]


def test_deleting_a_course_with_learners_in_the_admin_archives_it(admin_client):
    course = CourseFactory()
    enrollment_grant(user=UserFactory(), course=course)

    response = admin_client.post(
        f"/admin/coursehub/course/{course.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert Course.objects.get(pk=course.pk).status == Course.Status.ARCHIVED


def test_deleting_a_course_nobody_learns_in_the_admin_deletes_it(admin_client):
    course = CourseFactory()

    admin_client.post(f"/admin/coursehub/course/{course.pk}/delete/", {"post": "yes"})

    assert not Course.objects.filter(pk=course.pk).exists()
