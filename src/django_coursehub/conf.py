"""The ``COURSEHUB`` settings dict, read live.

Every attribute access merges the host's ``settings.COURSEHUB`` over :data:`DEFAULTS`, so
``override_settings(COURSEHUB=...)`` takes effect at once. Keys listed in
:data:`IMPORT_STRINGS` hold dotted paths and are imported when read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

#: Every setting with its default. Literals only: nothing here may touch Django at import time.
DEFAULTS: dict[str, Any] = {
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
    "IS_INSTRUCTOR": "django_coursehub.accounts.permissions.holds_add_course_permission",
    "CURRENCIES": ["UZS", "USD", "EUR", "RUB"],
    "DEFAULT_CURRENCY": "UZS",
    "COURSE_LANGUAGES": ["uz", "ru", "en"],
    "REGISTRATION_OPEN": True,
    "USE_PROFILE_LANGUAGE": True,
    "LOGIN_FAILURE_LIMIT": 5,
    "LOGIN_ACCOUNT_FAILURE_LIMIT": 25,
    "LOGIN_FAILURE_WINDOW": 900,
    "THROTTLE_CACHE": "default",
    "NUM_PROXIES": 0,
    # Enabled payment providers and their keys (see payments/providers.py); none by default.
    "PAYMENTS": {},
    "CERTIFICATE_RENDERER": "django_coursehub.certificates.rendering.render_certificate_pdf",
    "CERTIFICATE_ISSUER_NAME": "",
    "CERTIFICATE_VERIFY_URL": "",
    "CERTIFICATE_STORAGE": "default",
    "NOTIFICATION_CHANNELS": [
        "django_coursehub.notifications.channels.InAppChannel",
        "django_coursehub.notifications.channels.EmailChannel",
    ],
    "NOTIFICATION_EMAIL_DEFAULTS": {
        "lesson_published": False,
        "enrollment_confirmed": True,
        "certificate_issued": True,
        "review_received": True,
    },
    "NOTIFICATION_BATCH_SIZE": 1000,
    "TASK_BACKEND": "default",
}

#: Settings whose value is a dotted path to a callable, resolved on every read.
IMPORT_STRINGS: frozenset[str] = frozenset({"IS_INSTRUCTOR", "CERTIFICATE_RENDERER"})


class AppSettings:
    """Attribute access to the live ``COURSEHUB`` settings; nothing is cached."""

    @property
    def user_settings(self) -> dict[str, Any]:
        return getattr(settings, "COURSEHUB", None) or {}

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown COURSEHUB setting: {name!r}")
        value = self.user_settings.get(name, DEFAULTS[name])
        if name in IMPORT_STRINGS and isinstance(value, str):
            return import_string(value)
        return value


app_settings = AppSettings()
