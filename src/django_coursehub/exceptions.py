"""Domain errors raised by services and selectors.

They carry no HTTP knowledge beyond a suggested status: the API layer turns them into JSON
responses (see :mod:`django_coursehub.api`). ``code`` is a stable machine-readable identifier.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class CoursehubError(Exception):
    status_code = 400
    code = "error"
    default_message: Any = _("The request could not be processed.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.errors = errors or {}
        super().__init__(str(self.message))


class InvalidInput(CoursehubError):
    status_code = 400
    code = "invalid"
    default_message = _("The submitted data is not valid.")


class NotAuthenticated(CoursehubError):
    status_code = 401
    code = "not_authenticated"
    default_message = _("Authentication credentials were not provided or are not valid.")


class PaymentRequired(CoursehubError):
    status_code = 402
    code = "payment_required"
    default_message = _("This course must be bought first.")


class PermissionDenied(CoursehubError):
    status_code = 403
    code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")


class NotFound(CoursehubError):
    status_code = 404
    code = "not_found"
    default_message = _("Not found.")


class MethodNotAllowed(CoursehubError):
    status_code = 405
    code = "method_not_allowed"
    default_message = _("This method is not allowed on this path.")


class Conflict(CoursehubError):
    status_code = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class RequestTooLarge(CoursehubError):
    status_code = 413
    code = "request_too_large"
    default_message = _("The request body is too large.")


class Throttled(CoursehubError):
    status_code = 429
    code = "throttled"
    default_message = _("Too many attempts. Try again later.")

    def __init__(self, message: Any = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(CoursehubError):
    """Not raised by services: the answer to an unexpected exception (a bug), which is logged."""

    status_code = 500
    code = "server_error"
    default_message = _("Something went wrong on our side. Try again later.")


class ProviderUnavailable(CoursehubError):
    """A payment provider could not be reached or refused our request; nothing was charged."""

    status_code = 502
    code = "provider_unavailable"
    default_message = _("The payment provider is not available right now. Try again later.")
