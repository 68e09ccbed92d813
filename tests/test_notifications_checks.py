"""The notifications' system checks (coursehub.E014–E016), each triggered on its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.test import override_settings

from django_coursehub.notifications.checks import check_notification_settings

pytestmark = pytest.mark.django_db

IN_APP = "django_coursehub.notifications.channels.InAppChannel"
EMAIL = "django_coursehub.notifications.channels.EmailChannel"


class InAppAndPush:
    """Not an in-app channel: it lacks ``deliver``."""


def make_channel() -> Any:
    return None


def errors_with(**coursehub: Any) -> list[Any]:
    with override_settings(COURSEHUB=coursehub):
        return check_notification_settings()


def only(errors: list[Any], check_id: str) -> Any:
    assert [e.id for e in errors] == [check_id], [str(e) for e in errors]
    return errors[0]


def test_the_defaults_pass():
    assert check_notification_settings() == []


def test_the_check_is_registered_with_django():
    assert check_notification_settings in checks.registry.registry.get_checks()


def test_the_check_framework_reports_no_notification_error():
    assert not [
        e
        for e in checks.run_checks()
        if e.id in ("coursehub.E014", "coursehub.E015", "coursehub.E016")
    ]


def test_custom_channels_beside_the_in_app_one_pass():
    channels = [IN_APP, "tests.test_notifications_delivery.RecordingChannel", EMAIL]

    assert errors_with(NOTIFICATION_CHANNELS=channels) == []


@pytest.mark.parametrize(
    ("channels", "says"),
    [
        ([], "non-empty list"),
        (IN_APP, "non-empty list"),
        ([IN_APP, 42], "not an import string"),
        ([IN_APP, "tests.nowhere.Channel"], "does not import"),
        ([IN_APP, "tests.test_notifications_checks.InAppAndPush"], "not a channel class"),
        ([IN_APP, "django_coursehub.notifications.checks.IN_APP"], "not a channel class"),
        ([EMAIL], "lacks the in-app channel"),
    ],
    ids=[
        "empty",
        "a-string",
        "not-a-string",
        "no-import",
        "no-deliver",
        "not-callable",
        "no-in-app",
    ],
)
def test_bad_channels_are_e014(channels, says):
    error = only(errors_with(NOTIFICATION_CHANNELS=channels), "coursehub.E014")

    assert says in error.msg


def test_a_channel_factory_callable_is_accepted_beside_the_in_app_channel():
    factory = "tests.test_notifications_checks.make_channel"

    assert errors_with(NOTIFICATION_CHANNELS=[IN_APP, factory]) == []


@pytest.mark.parametrize(
    "defaults",
    [["lesson_published"], {"newsletter": True}, {"lesson_published": "yes"}],
    ids=["not-a-dict", "unknown-kind", "not-a-bool"],
)
def test_bad_email_defaults_are_e015(defaults):
    only(errors_with(NOTIFICATION_EMAIL_DEFAULTS=defaults), "coursehub.E015")


def test_email_defaults_may_name_only_some_kinds():
    assert errors_with(NOTIFICATION_EMAIL_DEFAULTS={"review_received": False}) == []


@pytest.mark.parametrize("size", [0, -5, "1000", True, 2.5])
def test_a_bad_batch_size_is_e016(size):
    only(errors_with(NOTIFICATION_BATCH_SIZE=size), "coursehub.E016")


def test_a_task_backend_missing_from_tasks_is_e016():
    error = only(errors_with(TASK_BACKEND="notifications"), "coursehub.E016")

    assert "'notifications'" in error.msg
    assert "default" in error.hint


def test_a_task_backend_defined_in_tasks_passes(settings):
    settings.TASKS = {**settings.TASKS, "notifications": settings.TASKS["default"]}

    assert errors_with(TASK_BACKEND="notifications") == []


def test_without_a_tasks_setting_the_default_alias_exists(settings):
    del settings.TASKS

    assert errors_with(TASK_BACKEND="default") == []
    only(errors_with(TASK_BACKEND="other"), "coursehub.E016")
