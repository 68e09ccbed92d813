"""Delivery channels: where a notification goes once it exists.

``COURSEHUB["NOTIFICATION_CHANNELS"]`` lists channels by import string. Each names a class (or
any callable taking no arguments) whose instances have one method::

    def deliver(self, notifications: Sequence[Notification]) -> None: ...

A delivery builds one instance of each channel and calls ``deliver`` once per chunk of
recipients, with the notifications that are new for that chunk only (a retried delivery never
hands a channel the same recipient twice). :class:`InAppChannel` is required: it stores the
rows, inside the chunk's transaction, and gets them unsaved; every other channel runs after that
transaction commits and gets saved rows, with ``recipient`` loaded (its e-mail included), so
reading ``notification.recipient`` costs no query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import django
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from django_coursehub.conf import app_settings
from django_coursehub.notifications import selectors
from django_coursehub.notifications.models import Notification


def mail_connection() -> BaseEmailBackend:
    """A connection of the default mailer (``MAILERS`` from Django 6.1, ``EMAIL_BACKEND``)."""
    if django.VERSION >= (6, 1):
        from django.core.mail import mailers

        return mailers.default
    return get_connection()


class NotificationChannel(Protocol):
    def deliver(self, notifications: Sequence[Notification]) -> None: ...


class InAppChannel:
    """The notifications themselves, shown by the API; cannot be turned off."""

    def deliver(self, notifications: Sequence[Notification]) -> None:
        Notification.objects.bulk_create(notifications)


class EmailChannel:
    """E-mail through Django's mail backend, one connection per chunk.

    Sent to recipients with an e-mail address whose choice for that kind is on: their
    :class:`~django_coursehub.notifications.models.NotificationPreference`, else
    ``COURSEHUB["NOTIFICATION_EMAIL_DEFAULTS"][kind]``. Subject is the title, text the body,
    sender ``DEFAULT_FROM_EMAIL``.
    """

    def deliver(self, notifications: Sequence[Notification]) -> None:
        addressed = [n for n in notifications if n.recipient.email]
        if not addressed:
            return
        choices = selectors.email_choices(user_ids={n.recipient_id for n in addressed})
        defaults = app_settings.NOTIFICATION_EMAIL_DEFAULTS
        messages = [
            EmailMessage(
                # A mail header cannot hold line breaks; a title never needs them.
                subject=" ".join(n.title.split()),
                body=n.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[n.recipient.email],
            )
            for n in addressed
            if choices.get((n.recipient_id, n.kind), defaults.get(n.kind, False))
        ]
        if messages:
            with mail_connection() as connection:
                connection.send_messages(messages)
