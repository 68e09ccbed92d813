"""The package's ninja ``router``: every domain router, with domain errors rendered as JSON.

django-ninja exception handlers belong to the host's ``NinjaAPI``, which this package does not
own. Errors are therefore turned into responses inside the router's own operations, so a host
that registers no handler still answers every failure with a JSON 4xx.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from django_coursehub.accounts.api import router as accounts_router
from django_coursehub.catalog.api import (
    categories_router,
    courses_router,
    lessons_router,
    sections_router,
)
from django_coursehub.certificates.api import router as certificates_router
from django_coursehub.exceptions import CoursehubError, RequestTooLarge, ServerError, Throttled
from django_coursehub.learning.api import router as learning_router
from django_coursehub.notifications.api import router as notifications_router
from django_coursehub.payments.api import router as payments_router
from django_coursehub.reviews.api import router as reviews_router
from django_coursehub.validation_errors import translate_validation_errors
from django_coursehub.wishlist.api import router as wishlist_router

logger = logging.getLogger(__name__)

#: Exceptions that Django or ninja already answer with a 4xx: not bugs, so left to them.
CLIENT_ERRORS = (
    Http404,
    DjangoPermissionDenied,
    SuspiciousOperation,
    BadRequest,
    HttpError,
    NinjaValidationError,
)


def error_response(error: CoursehubError) -> JsonResponse:
    body: dict[str, Any] = {"detail": str(error.message), "code": error.code}
    if error.errors:
        body["errors"] = {field: [str(m) for m in msgs] for field, msgs in error.errors.items()}
    # UTF-8, not \u escapes: a Russian message is a third of the size and readable in logs.
    response = JsonResponse(
        body, status=error.status_code, json_dumps_params={"ensure_ascii": False}
    )
    if isinstance(error, Throttled):
        response["Retry-After"] = str(error.retry_after)
    return response


def _roll_back_request_transactions() -> None:
    # Under ATOMIC_REQUESTS the view runs in a transaction that commits when a response is
    # returned: a bug answered with a response must still undo what it half wrote.
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
            connection.set_rollback(True)


def render_domain_errors(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Operation decorator: a ``CoursehubError`` raised by a view becomes its JSON response.

    Any other exception is a bug: it is logged with its traceback and answered with a JSON 500
    that reveals nothing about it, whatever ``DEBUG`` says (ninja would print the traceback in
    the body under ``DEBUG``, and Django's HTML error page otherwise).
    """

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view_func(request, *args, **kwargs)
        except CoursehubError as error:
            return error_response(error)
        except CLIENT_ERRORS:
            raise
        except Exception:
            logger.exception("Unexpected error in %s %s", request.method, request.path)
            _roll_back_request_transactions()
            return error_response(ServerError())

    return wrapper


def refuse_oversized_bodies(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: read the body up front, so Django's size limit answers 413 JSON."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            request.body  # noqa: B018  (reading enforces DATA_UPLOAD_MAX_MEMORY_SIZE)
        except RequestDataTooBig:
            return error_response(RequestTooLarge())
        return run(request, *args, **kwargs)

    return wrapper


def restore_language(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: the caller's profile language, activated by authentication, ends here.

    Without it, a host with no ``LocaleMiddleware`` would keep answering the thread's next
    request in that language. ``Content-Language`` names the language the answer is written in
    (``LocaleMiddleware`` only fills it in when the view has not).
    """

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request_language = translation.get_language()
        with translation.override(request_language):
            response = run(request, *args, **kwargs)
            answered_in = translation.get_language()
        if answered_in != request_language:
            response.headers["Content-Language"] = answered_in
        return response

    return wrapper


router = Router()
router.add_router("/auth/", accounts_router)
router.add_router("/categories/", categories_router)
router.add_router("/courses/", courses_router)
router.add_router("/sections/", sections_router)
router.add_router("/lessons/", lessons_router)
router.add_router("/enrollments/", learning_router)
router.add_router("/reviews/", reviews_router)
router.add_router("/payments/", payments_router)
router.add_router("/wishlist/", wishlist_router)
router.add_router("/certificates/", certificates_router)
router.add_router("/notifications/", notifications_router)
router.add_decorator(render_domain_errors, mode="operation")
router.add_decorator(refuse_oversized_bodies, mode="view")
router.add_decorator(translate_validation_errors, mode="view")
router.add_decorator(restore_language, mode="view")
