"""The Django admin for enrollments and lesson progress, driven as a superuser would.

Both are read-mostly: rows are made and changed by the services that keep counters exact, so
the admin offers neither adding nor deleting them.
"""

from __future__ import annotations

from typing import Any

import pytest

from django_coursehub.catalog import services as catalog_services
from django_coursehub.learning import services
from django_coursehub.learning.models import Enrollment, LessonProgress
from tests.factories import CourseFactory, LessonFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["enrollment", "lessonprogress"]


@pytest.fixture
def learning() -> dict[str, Any]:
    course = CourseFactory(title="Python asoslari")
    lessons = LessonFactory.create_batch(2, section=SectionFactory(course=course))
    learner = UserFactory(username="dilnoza")
    enrollment, _ = services.enrollment_create(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=lessons[0])
    return {
        "course": course,
        "lessons": lessons,
        "enrollment": enrollment,
        "lessonprogress": LessonProgress.objects.get(),
    }


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_loads_for_a_superuser(admin_client, learning, model):
    response = admin_client.get(f"/admin/coursehub/{model}/")

    assert response.status_code == 200
    assert b"dilnoza" in response.content
    assert b"Python asoslari" in response.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_change_page_loads_for_a_superuser(admin_client, learning, model):
    response = admin_client.get(f"/admin/coursehub/{model}/{learning[model].pk}/change/")

    assert response.status_code == 200
    assert b"dilnoza" in response.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_adding_is_not_offered(admin_client, learning, model):
    changelist = admin_client.get(f"/admin/coursehub/{model}/")

    assert admin_client.get(f"/admin/coursehub/{model}/add/").status_code == 403
    assert f"/admin/coursehub/{model}/add/".encode() not in changelist.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_deleting_is_not_offered(admin_client, learning, model):
    pk = learning[model].pk
    changelist = admin_client.get(f"/admin/coursehub/{model}/")
    change = admin_client.get(f"/admin/coursehub/{model}/{pk}/change/")

    assert admin_client.get(f"/admin/coursehub/{model}/{pk}/delete/").status_code == 403
    assert b"delete_selected" not in changelist.content
    assert f"/admin/coursehub/{model}/{pk}/delete/".encode() not in change.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_bulk_delete_action_is_refused(admin_client, learning, model):
    response = admin_client.post(
        f"/admin/coursehub/{model}/",
        {"action": "delete_selected", "_selected_action": [learning[model].pk], "post": "yes"},
    )

    assert response.status_code in (200, 302)
    assert Enrollment.objects.count() == LessonProgress.objects.count() == 1


def test_enrollment_changelist_filters_by_status_and_course(admin_client, learning):
    other = CourseFactory(title="Figma UI")
    services.enrollment_cancel(
        enrollment=services.enrollment_create(user=UserFactory(username="aziz"), course=other)[0]
    )

    active = admin_client.get("/admin/coursehub/enrollment/", {"status__exact": "active"})
    by_course = admin_client.get(
        "/admin/coursehub/enrollment/", {"course__id__exact": learning["course"].pk}
    )

    assert active.status_code == by_course.status_code == 200
    for response in (active, by_course):
        assert b"dilnoza" in response.content
        assert b"aziz" not in response.content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_search_finds_the_learner(admin_client, learning, model):
    response = admin_client.get(f"/admin/coursehub/{model}/", {"q": "dilnoza"})

    assert response.status_code == 200
    assert b"dilnoza" in response.content


def test_enrollment_change_page_shows_its_progress_inline(admin_client, learning):
    response = admin_client.get(f"/admin/coursehub/enrollment/{learning['enrollment'].pk}/change/")

    assert learning["lessons"][0].title.encode() in response.content


def test_saving_an_enrollment_changes_only_its_expiry(admin_client, learning):
    enrollment = learning["enrollment"]
    data = {
        "expires_at_0": "2030-01-31",
        "expires_at_1": "12:00:00",
        # Read-only fields a forged form might carry: ignored.
        "status": "completed",
        "completed_lessons": "99",
        "progress-TOTAL_FORMS": "1",
        "progress-INITIAL_FORMS": "1",
        "progress-MIN_NUM_FORMS": "0",
        "progress-MAX_NUM_FORMS": "1000",
        "progress-0-id": learning["lessonprogress"].pk,
        "progress-0-enrollment": enrollment.pk,
    }

    response = admin_client.post(f"/admin/coursehub/enrollment/{enrollment.pk}/change/", data)

    assert response.status_code == 302, response.content
    saved = Enrollment.objects.get(pk=enrollment.pk)
    assert saved.expires_at is not None
    assert (saved.status, saved.completed_lessons) == ("active", 1)


def test_progress_of_a_deleted_lesson_still_shows_in_the_admin(admin_client, learning):
    catalog_services.lesson_delete(lesson=learning["lessons"][0])
    progress = learning["lessonprogress"]

    changelist = admin_client.get("/admin/coursehub/lessonprogress/")
    change = admin_client.get(f"/admin/coursehub/lessonprogress/{progress.pk}/change/")
    enrollment = admin_client.get(
        f"/admin/coursehub/enrollment/{learning['enrollment'].pk}/change/"
    )

    assert changelist.status_code == change.status_code == enrollment.status_code == 200
    assert LessonProgress.objects.get().lesson is None


def test_anonymous_visitors_are_sent_to_the_admin_login(client, learning):
    response = client.get("/admin/coursehub/enrollment/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
