"""Reads of the notifications module: a user's inbox and their e-mail choices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from django_coursehub.conf import app_settings
from django_coursehub.exceptions import NotFound
from django_coursehub.notifications.models import Notification, NotificationPreference

INBOX_FIELDS = (
    "kind",
    "title",
    "body",
    "created_at",
    "read_at",
    "course__id",
    "course__slug",
    "course__title",
    "lesson__id",
    "lesson__title",
    # django-ordered-model reads a lesson's section when it is loaded.
    "lesson__section",
)


def notification_list(*, user: Any, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; ``unread=True`` keeps the unread, ``False`` the
    read ones."""
    notifications = Notification.objects.filter(recipient=user)
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return (
        notifications.select_related("course", "lesson")
        .only(*INBOX_FIELDS)
        .order_by("-created_at", "-id")
    )


def notification_get_own(*, user: Any, notification_id: int) -> Notification:
    """One of the user's notifications; someone else's is as unknown as a missing one."""
    notification = notification_list(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification


def unread_count(*, user: Any) -> int:
    """How many of the user's notifications are unread (answered from the partial index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_choices(*, user_ids: Iterable[int]) -> dict[tuple[int, str], bool]:
    """The e-mail choices these users saved, by (user id, kind), in one query."""
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "kind", "email"
    )
    return {(user_id, kind): email for user_id, kind, email in rows}


def preferences_of(*, user: Any) -> dict[str, dict[str, bool]]:
    """Every kind with its effective choice: e-mail as saved or by default, in-app always on."""
    saved = email_choices(user_ids=[user.pk])
    defaults = app_settings.NOTIFICATION_EMAIL_DEFAULTS
    kinds = Notification.Kind.values
    return {
        "email": {
            kind: saved.get((user.pk, kind), bool(defaults.get(kind, False))) for kind in kinds
        },
        "in_app": dict.fromkeys(kinds, True),
    }
