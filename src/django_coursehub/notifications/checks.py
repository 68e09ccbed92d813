"""System checks for the notifications settings.

* ``coursehub.E014`` ``NOTIFICATION_CHANNELS`` is not a non-empty list of import strings naming
  channel classes (or callables), or lacks the in-app channel.
* ``coursehub.E015`` ``NOTIFICATION_EMAIL_DEFAULTS`` is not a dict of known kinds to booleans.
* ``coursehub.E016`` ``NOTIFICATION_BATCH_SIZE`` is not a positive integer, or ``TASK_BACKEND``
  is not an alias of the ``TASKS`` setting.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from django_coursehub.conf import DEFAULTS
from django_coursehub.notifications.channels import InAppChannel
from django_coursehub.notifications.models import Notification

IN_APP = "django_coursehub.notifications.channels.InAppChannel"
# Django 6 always has a TASKS setting; the 5.2 backport reads a missing one as this alias alone.
DEFAULT_TASK_ALIASES = ("default",)


def _merged(key: str) -> Any:
    user_settings = getattr(settings, "COURSEHUB", None)
    if not isinstance(user_settings, dict):
        return DEFAULTS[key]  # coursehub.E001 already
    return user_settings.get(key, DEFAULTS[key])


@register()
def check_notification_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        *_check_channels(_merged("NOTIFICATION_CHANNELS")),
        *_check_email_defaults(_merged("NOTIFICATION_EMAIL_DEFAULTS")),
        *_check_batch_size(_merged("NOTIFICATION_BATCH_SIZE")),
        *_check_task_backend(_merged("TASK_BACKEND")),
    ]


def _channel_error(message: str, hint: str | None = None) -> Error:
    return Error(message, hint=hint, id="coursehub.E014")


def _check_channels(value: Any) -> list[Error]:
    if not isinstance(value, list | tuple) or not value:
        return [
            _channel_error(
                f"COURSEHUB['NOTIFICATION_CHANNELS'] must be a non-empty list of import "
                f"strings, got {value!r}."
            )
        ]
    errors: list[Error] = []
    has_in_app = False
    for path in value:
        if not isinstance(path, str):
            errors.append(_channel_error(f"Notification channel {path!r} is not an import string."))
            continue
        try:
            channel = import_string(path)
        except ImportError as exc:
            errors.append(_channel_error(f"Notification channel {path!r} does not import: {exc}"))
            continue
        if not callable(channel) or (
            inspect.isclass(channel) and not callable(getattr(channel, "deliver", None))
        ):
            errors.append(
                _channel_error(
                    f"Notification channel {path!r} is not a channel class "
                    "(one with a deliver(notifications) method) or a callable making one."
                )
            )
            continue
        has_in_app = has_in_app or (inspect.isclass(channel) and issubclass(channel, InAppChannel))
    if not errors and not has_in_app:
        errors.append(
            _channel_error(
                "COURSEHUB['NOTIFICATION_CHANNELS'] lacks the in-app channel, which stores the "
                "notifications and cannot be turned off.",
                hint=f"Add {IN_APP!r}.",
            )
        )
    return errors


def _check_email_defaults(value: Any) -> list[Error]:
    if not isinstance(value, dict):
        return [
            Error(
                "COURSEHUB['NOTIFICATION_EMAIL_DEFAULTS'] must be a dict of notification kinds "
                f"to True or False, got {value!r}.",
                id="coursehub.E015",
            )
        ]
    errors = [
        Error(
            f"Unknown notification kind {kind!r} in COURSEHUB['NOTIFICATION_EMAIL_DEFAULTS'].",
            hint=f"Kinds: {', '.join(Notification.Kind.values)}.",
            id="coursehub.E015",
        )
        for kind in value
        if kind not in Notification.Kind.values
    ]
    errors.extend(
        Error(
            f"COURSEHUB['NOTIFICATION_EMAIL_DEFAULTS'][{kind!r}] must be True or False, "
            f"got {on!r}.",
            id="coursehub.E015",
        )
        for kind, on in value.items()
        if kind in Notification.Kind.values and not isinstance(on, bool)
    )
    return errors


def _check_batch_size(value: Any) -> list[Error]:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return []
    return [
        Error(
            f"COURSEHUB['NOTIFICATION_BATCH_SIZE'] must be a positive integer, got {value!r}.",
            id="coursehub.E016",
        )
    ]


def _check_task_backend(value: Any) -> list[Error]:
    tasks = getattr(settings, "TASKS", None)
    aliases = DEFAULT_TASK_ALIASES if tasks is None else tuple(tasks)
    if isinstance(value, str) and value in aliases:
        return []
    return [
        Error(
            f"COURSEHUB['TASK_BACKEND'] is {value!r}, which is not an alias of the TASKS setting.",
            hint=f"Aliases: {', '.join(map(str, aliases)) or 'none'}.",
            id="coursehub.E016",
        )
    ]
