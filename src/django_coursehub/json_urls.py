"""A ``NinjaAPI``'s URLs that answer JSON where Django and django-ninja would not.

Inside an API's prefix a client expects JSON for every answer. Two are not the package's to
render from its router: a path that matches no operation (Django's ``handler404``, an HTML page)
and a known path called with a method it does not have (django-ninja's plain-text 405).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from django_coursehub.api import error_response
from django_coursehub.exceptions import MethodNotAllowed, NotFound

NO_OPERATION = _("No API operation at this path.")


def json_urls(api: NinjaAPI) -> tuple[list[URLPattern | URLResolver], str, str]:
    """``api.urls``, answering JSON 404s under the prefix and JSON 405s on its paths.

    Use it where you would use ``api.urls``: ``path("api/", json_urls(api))``. Every path below
    the prefix is then the API's: URL patterns of your own that start with the same prefix must
    come before it.
    """
    patterns, app_name, namespace = api.urls
    answered_in_json = [_with_json_answers(pattern) for pattern in patterns]
    return [*answered_in_json, re_path("", unknown_path)], app_name, namespace


def _with_json_answers(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if not isinstance(pattern, URLPattern):
        return pattern
    return URLPattern(
        pattern.pattern,
        _answering_in_json(pattern.callback),
        pattern.default_args,
        pattern.name,
    )


def _as_json(response: HttpResponseBase) -> HttpResponseBase:
    if not isinstance(response, HttpResponseNotAllowed):
        return response
    answer = error_response(MethodNotAllowed())
    answer["Allow"] = response["Allow"]
    return answer


def _no_operation() -> HttpResponse:
    return error_response(NotFound(NO_OPERATION))


def _answering_in_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` with django-ninja's 405 in JSON, and a 404 it raises too.

    Operations answer their own 404s; what raises ``Http404`` here is a view of the API that is
    not an operation, such as the bare prefix, which only exists so that django-ninja can
    reverse it.
    """
    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                return _as_json(await view(request, *args, **kwargs))
            except Http404:
                return _no_operation()

        return async_wrapper

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return _as_json(view(request, *args, **kwargs))
        except Http404:
            return _no_operation()

    return wrapper


@csrf_exempt
def unknown_path(request: HttpRequest) -> HttpResponse:
    """JSON 404 for a path under the API's prefix that names no operation.

    Every operation's path ends with a slash; a client that left it out is told which path it
    meant, rather than redirected by ``APPEND_SLASH``, which drops a POST's body.
    """
    slashed = request.path_info + "/"
    if not request.path_info.endswith("/") and _names_an_operation(request, slashed):
        return error_response(
            NotFound(
                _("No API operation at this path. Paths end with a slash: %(path)s")
                % {"path": request.path + "/"}
            )
        )
    return _no_operation()


def _names_an_operation(request: HttpRequest, path: str) -> bool:
    try:
        match = resolve(path, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.func is not unknown_path
