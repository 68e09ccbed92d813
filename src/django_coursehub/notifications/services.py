"""What a user does with their notifications: read them, and choose what is e-mailed.

Creating notifications is :mod:`django_coursehub.notifications.delivery`'s job, run in tasks.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_coursehub.exceptions import InvalidInput
from django_coursehub.notifications import selectors
from django_coursehub.notifications.models import Notification, NotificationPreference


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent: ``read_at`` is set only once).

    Raises :class:`~django_coursehub.exceptions.NotFound` for an unknown id and for someone
    else's notification alike.
    """
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return selectors.notification_get_own(user=user, notification_id=notification_id)


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read, in one UPDATE; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_update(*, user: Any, email: dict[str, bool]) -> None:
    """Save the user's e-mail choice for each kind given; kinds left out keep theirs.

    Raises :class:`~django_coursehub.exceptions.InvalidInput` naming any unknown kind.
    """
    unknown = sorted(kind for kind in email if kind not in Notification.Kind.values)
    if unknown:
        raise InvalidInput(
            _("Unknown notification kind: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            code="unknown_kind",
            errors={
                "email": [
                    _("Choose among: %(kinds)s.") % {"kinds": ", ".join(Notification.Kind.values)}
                ]
            },
        )
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=kind, email=on) for kind, on in email.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email"],
    )
