"""Which of the site's languages a user is spoken to in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation


def site_language(code: str | None) -> str | None:
    """``code`` when it is one of the site's ``LANGUAGES``, else None.

    A profile keeps the code it was saved with, and the site may drop that language later.
    """
    if code and code in dict(settings.LANGUAGES):
        return code
    return None


def profile_language(user: Any) -> str | None:
    """The user's ``preferred_language`` when set and still offered by the site, else None."""
    try:
        profile = user.coursehub_profile
    except ObjectDoesNotExist:
        return None
    return site_language(profile.preferred_language)


def speak_profile_language(request: Any, user: Any) -> None:
    """Answer this request in the user's preferred language, if they chose one the site offers.

    The API's caller is an account, not a browser: a mobile client's ``Accept-Language`` is the
    device's, while the profile says what the person picked. The language stays active until the
    package's view returns (see ``django_coursehub.api.restore_language``).
    """
    language = profile_language(user)
    if language is not None:
        translation.activate(language)
        request.LANGUAGE_CODE = language
