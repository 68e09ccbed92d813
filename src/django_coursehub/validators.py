"""The e-mail and web addresses a request may carry.

Django's validators accept more than a regular expression can state (quoted local parts, IP
addresses, host names up to 253 characters in total), so each is narrowed here to a pattern
that the OpenAPI schema states as it is: every string the pattern matches passes Django's
validator, and a string it does not match is refused like one Django refuses.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_email

_EMAIL_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: Dot-separated atoms, then a domain name whose top-level domain is letters.
EMAIL_PATTERN = f"^{_EMAIL_ATOM}(?:\\.{_EMAIL_ATOM})*@(?:{_DOMAIN_LABEL}\\.)+[A-Za-z]{{2,63}}$"

# Up to five labels of up to 40 characters before a top-level domain of up to 24 letters keep a
# host name within URLValidator's 253 characters by the pattern alone.
_HOST_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?"
_HOST = f"(?:(?:{_HOST_LABEL}\\.){{1,5}}[A-Za-z]{{2,24}}|localhost)"
#: An http(s) address with a host name (no user info, no IP address), an optional port and a
#: printable-ASCII path, or "" (none).
WEB_URL_PATTERN = f"^(?:https?://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#][!-~]*)?)?$"

_validate_url = URLValidator(schemes=["http", "https"])


def validate_email_address(value: str) -> None:
    """Django's ``validate_email``, narrowed to :data:`EMAIL_PATTERN`."""
    if re.fullmatch(EMAIL_PATTERN, value) is None:
        raise ValidationError(EmailValidator.message, code="invalid", params={"value": value})
    validate_email(value)


def validate_web_url(value: str) -> None:
    """Django's ``URLValidator`` for http and https, narrowed to :data:`WEB_URL_PATTERN`."""
    if re.fullmatch(WEB_URL_PATTERN, value) is None:
        raise ValidationError(URLValidator.message, code="invalid", params={"value": value})
    _validate_url(value)
