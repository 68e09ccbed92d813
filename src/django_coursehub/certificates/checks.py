"""System checks for the certificates settings.

* ``coursehub.E012`` ``CERTIFICATE_VERIFY_URL`` is not a string, or is set without ``{code}``.
* ``coursehub.E013`` ``CERTIFICATE_STORAGE`` is not an alias of ``STORAGES``, or
  ``CERTIFICATE_ISSUER_NAME`` is not a string.

``CERTIFICATE_RENDERER`` is an import string, checked with the others (``coursehub.E004``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import storages

from django_coursehub.conf import DEFAULTS


@register()
def check_certificate_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    user_settings = getattr(settings, "COURSEHUB", None) or {}
    if not isinstance(user_settings, dict):
        return []  # coursehub.E001 already
    merged = {**DEFAULTS, **user_settings}
    errors: list[Error] = []

    verify_url = merged["CERTIFICATE_VERIFY_URL"]
    if not isinstance(verify_url, str):
        errors.append(
            Error(
                f"COURSEHUB['CERTIFICATE_VERIFY_URL'] must be a string, got {verify_url!r}.",
                id="coursehub.E012",
            )
        )
    elif verify_url and "{code}" not in verify_url:
        errors.append(
            Error(
                f"COURSEHUB['CERTIFICATE_VERIFY_URL'] ({verify_url!r}) does not contain "
                "'{code}', so every certificate's QR code would point at the same page.",
                hint="For example 'https://academy.example/certificates/{code}', or '' to "
                "use the API's own verification endpoint.",
                id="coursehub.E012",
            )
        )

    storage = merged["CERTIFICATE_STORAGE"]
    if not isinstance(storage, str) or storage not in storages.backends:
        errors.append(
            Error(
                f"COURSEHUB['CERTIFICATE_STORAGE'] is {storage!r}, which is not a key of STORAGES.",
                id="coursehub.E013",
            )
        )
    issuer = merged["CERTIFICATE_ISSUER_NAME"]
    if not isinstance(issuer, str):
        errors.append(
            Error(
                f"COURSEHUB['CERTIFICATE_ISSUER_NAME'] must be a string, got {issuer!r}.",
                id="coursehub.E013",
            )
        )
    return errors
