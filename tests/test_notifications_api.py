"""The notifications API at its exact paths: my inbox, reading, the unread count, e-mail
preferences; nobody reads or marks another user's notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from django_coursehub.notifications.models import Notification, NotificationPreference
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    LessonFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/notifications/"
UNREAD_COUNT = "/api/notifications/unread-count/"
READ_ALL = "/api/notifications/read-all/"
PREFERENCES = "/api/notifications/preferences/"
ITEM_FIELDS = {
    "id",
    "kind",
    "title",
    "body",
    "course",
    "lesson",
    "created_at",
    "read_at",
    "is_read",
}
DEFAULT_EMAIL = {
    "lesson_published": False,
    "enrollment_confirmed": True,
    "certificate_issued": True,
    "review_received": True,
}


def read_path(notification_id: Any) -> str:
    return f"/api/notifications/{notification_id}/read/"


def body_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def inbox(user: Any, count: int, **fields: Any) -> list[Notification]:
    """``count`` notifications for ``user``, one minute apart, the last one newest."""
    start = timezone.now() - timedelta(hours=1)
    return [
        NotificationFactory(recipient=user, created_at=start + timedelta(minutes=i), **fields)
        for i in range(count)
    ]


@pytest.fixture
def api(student: Any) -> ApiClient:
    return ApiClient(student)


# The inbox ------------------------------------------------------------------------------------


def test_my_notifications_come_newest_first_with_their_course_and_lesson(api, student):
    course = CourseFactory(title="Python asoslari", slug="python-asoslari")
    lesson = LessonFactory(course=course, section__course=course, title="Decorators")
    older = NotificationFactory(recipient=student, created_at=timezone.now() - timedelta(days=1))
    newer = NotificationFactory(
        recipient=student,
        course=course,
        lesson=lesson,
        title="New lesson in “Python asoslari”",
        body="“Decorators” was added.",
    )

    body = body_of(api.get(LIST))

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert set(first) == ITEM_FIELDS
    assert first["kind"] == "lesson_published"
    assert first["title"] == "New lesson in “Python asoslari”"
    assert first["body"] == "“Decorators” was added."
    assert first["course"] == {"id": course.pk, "slug": "python-asoslari", "title": course.title}
    assert first["lesson"] == {"id": lesson.pk, "title": "Decorators"}
    # JSON carries milliseconds.
    assert parse_datetime(first["created_at"]) == newer.created_at.replace(
        microsecond=newer.created_at.microsecond // 1000 * 1000
    )
    assert first["read_at"] is None
    assert first["is_read"] is False
    assert body["items"][1]["course"] is None
    assert body["items"][1]["lesson"] is None


def test_nobody_sees_anyone_elses_notifications(api, student):
    mine = NotificationFactory(recipient=student)
    NotificationFactory.create_batch(3)

    body = body_of(api.get(LIST))

    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert body_of(api.get(UNREAD_COUNT)) == {"unread": 1}


@pytest.mark.parametrize(("value", "expected"), [("true", "unread"), ("false", "read")])
def test_the_inbox_filters_by_read_state(api, student, value, expected):
    unread = NotificationFactory(recipient=student)
    read = NotificationFactory(recipient=student, read_at=timezone.now())

    body = body_of(api.get(LIST, {"unread": value}))

    assert [item["id"] for item in body["items"]] == [{"unread": unread, "read": read}[expected].pk]


@pytest.mark.parametrize("value", ["maybe", "", "2"])
def test_a_bad_unread_filter_is_a_4xx_naming_the_parameter(api, value):
    response = api.get(LIST, {"unread": value})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "unread"


def test_the_inbox_costs_the_same_queries_whatever_the_page_size(
    api, student, django_assert_num_queries
):
    course = CourseFactory()
    inbox(student, 12, course=course, lesson=LessonFactory(course=course, section__course=course))
    # The caller (authentication), the count, the page.
    for page_size in (2, 10):
        with django_assert_num_queries(3):
            body = body_of(api.get(LIST, {"page_size": page_size}))
        assert len(body["items"]) == page_size


def test_a_page_past_the_end_is_404(api, student):
    inbox(student, 2)

    assert body_of(api.get(LIST, {"page": 3}), 404)["code"] == "page_not_found"


# Reading ---------------------------------------------------------------------------------------


def test_reading_a_notification_sets_read_at_once(api, student):
    notification = NotificationFactory(recipient=student)

    first = body_of(api.post(read_path(notification.pk)))
    second = body_of(api.post(read_path(notification.pk)))

    assert first["id"] == notification.pk
    assert first["is_read"] is True
    assert first["read_at"] is not None
    assert second["read_at"] == first["read_at"]
    assert body_of(api.get(UNREAD_COUNT)) == {"unread": 0}


def test_someone_elses_notification_cannot_be_read_and_looks_missing(api):
    theirs = NotificationFactory()

    mine_missing = body_of(api.post(read_path(10**9)), 404)
    theirs_response = body_of(api.post(read_path(theirs.pk)), 404)

    assert theirs_response == mine_missing
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize("bad_id", ["0", "abc", str(2**63)])
def test_a_malformed_id_is_a_4xx(api, bad_id):
    assert api.post(read_path(bad_id)).status_code in (404, 422)


def test_reading_all_marks_only_my_unread_ones(api, student):
    already = NotificationFactory(recipient=student, read_at=timezone.now() - timedelta(days=1))
    unread = inbox(student, 3)
    theirs = NotificationFactory()

    assert body_of(api.post(READ_ALL)) == {"marked": 3}

    assert Notification.objects.filter(pk__in=[n.pk for n in unread], read_at=None).count() == 0
    assert Notification.objects.get(pk=already.pk).read_at == already.read_at
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert body_of(api.post(READ_ALL)) == {"marked": 0}


def test_the_unread_count_counts_my_unread_ones(api, student, django_assert_num_queries):
    inbox(student, 4)
    NotificationFactory(recipient=student, read_at=timezone.now())

    with django_assert_num_queries(2):
        assert body_of(api.get(UNREAD_COUNT)) == {"unread": 4}


# Preferences -----------------------------------------------------------------------------------


def test_preferences_show_every_kind_with_the_defaults(api):
    assert body_of(api.get(PREFERENCES)) == {
        "email": DEFAULT_EMAIL,
        "in_app": dict.fromkeys(DEFAULT_EMAIL, True),
    }


def test_preferences_defaults_follow_the_settings(api, settings):
    settings.COURSEHUB = {"NOTIFICATION_EMAIL_DEFAULTS": dict.fromkeys(DEFAULT_EMAIL, False)}

    assert body_of(api.get(PREFERENCES))["email"] == dict.fromkeys(DEFAULT_EMAIL, False)


def test_updating_some_kinds_keeps_the_others(api, student):
    NotificationPreferenceFactory(user=student, kind="review_received", email=False)

    body = body_of(
        api.put(PREFERENCES, {"email": {"lesson_published": True, "certificate_issued": False}})
    )

    assert body["email"] == {
        "lesson_published": True,
        "enrollment_confirmed": True,
        "certificate_issued": False,
        "review_received": False,
    }
    assert body_of(api.get(PREFERENCES)) == body
    body_of(api.put(PREFERENCES, {"email": {"lesson_published": False}}))
    assert NotificationPreference.objects.filter(user=student).count() == 3
    assert not NotificationPreference.objects.get(user=student, kind="lesson_published").email


def test_preferences_are_per_user(api, student):
    other = UserFactory()
    body_of(api.put(PREFERENCES, {"email": {"enrollment_confirmed": False}}))

    assert body_of(ApiClient(other).get(PREFERENCES))["email"] == DEFAULT_EMAIL


def test_an_unknown_kind_is_a_400_naming_it(api, student):
    body = body_of(
        api.put(PREFERENCES, {"email": {"lesson_published": True, "newsletter": True}}), 400
    )

    assert body["code"] == "unknown_kind"
    assert "newsletter" in body["detail"]
    assert NotificationPreference.objects.filter(user=student).count() == 0


@pytest.mark.parametrize(
    "payload",
    [{"email": {"lesson_published": "false"}}, {"email": {"lesson_published": 1}}, {}, []],
    ids=["string", "number", "missing", "not-an-object"],
)
def test_a_malformed_preference_is_a_422(api, payload):
    assert api.put(PREFERENCES, payload).status_code == 422


# Permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST),
        ("get", UNREAD_COUNT),
        ("post", READ_ALL),
        ("post", read_path(1)),
        ("get", PREFERENCES),
        ("put", PREFERENCES),
    ],
)
def test_anonymous_callers_get_401_everywhere(anon, method, path):
    NotificationFactory()

    assert getattr(anon, method)(path).status_code == 401
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_the_openapi_schema_lists_every_kind_and_no_other(db):
    schema = ApiClient().get("/api/openapi.json").json()["components"]["schemas"]
    kinds = set(Notification.Kind.values)

    for email in (
        schema["PreferencesIn"]["properties"]["email"],
        schema["PreferencesOut"]["properties"]["email"],
    ):
        assert set(email["properties"]) == kinds
        assert email["additionalProperties"] is False
