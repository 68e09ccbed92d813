"""The messages of django-ninja's 422 answers, in the caller's language.

A body or query that does not match an operation's schema is refused by django-ninja before the
package sees it, with pydantic's English messages (``"Field required"``). The answer's shape is
the host's ``NinjaAPI``'s, so the package rewrites only what it recognises, after the fact: each
entry's ``msg``, chosen by its stable ``type``. Entries of other types keep pydantic's words.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext

#: pydantic error type -> its message in the active language, from the entry's ``ctx``.
MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda ctx: gettext("This field is required."),
    "string_type": lambda ctx: gettext("A text is expected."),
    "string_too_short": lambda ctx: (
        ngettext(
            "Enter at least %(min_length)d character.",
            "Enter at least %(min_length)d characters.",
            ctx["min_length"],
        )
        % ctx
    ),
    "string_too_long": lambda ctx: (
        ngettext(
            "Enter at most %(max_length)d character.",
            "Enter at most %(max_length)d characters.",
            ctx["max_length"],
        )
        % ctx
    ),
    "string_pattern_mismatch": lambda ctx: gettext("The value does not have the expected form."),
    "int_type": lambda ctx: gettext("A whole number is expected."),
    "int_parsing": lambda ctx: gettext("A whole number is expected."),
    "int_from_float": lambda ctx: gettext("A whole number is expected."),
    "bool_type": lambda ctx: gettext("true or false is expected."),
    "bool_parsing": lambda ctx: gettext("true or false is expected."),
    "list_type": lambda ctx: gettext("A list is expected."),
    "dict_type": lambda ctx: gettext("An object is expected."),
    "model_type": lambda ctx: gettext("An object is expected."),
    "model_attributes_type": lambda ctx: gettext("An object is expected."),
    "greater_than_equal": lambda ctx: gettext("Enter a value of at least %(ge)s.") % ctx,
    "greater_than": lambda ctx: gettext("Enter a value greater than %(gt)s.") % ctx,
    "less_than_equal": lambda ctx: gettext("Enter a value of at most %(le)s.") % ctx,
    "less_than": lambda ctx: gettext("Enter a value less than %(lt)s.") % ctx,
    "too_short": lambda ctx: (
        ngettext(
            "Give at least %(min_length)d item.",
            "Give at least %(min_length)d items.",
            ctx["min_length"],
        )
        % ctx
    ),
    "too_long": lambda ctx: (
        ngettext(
            "Give at most %(max_length)d item.",
            "Give at most %(max_length)d items.",
            ctx["max_length"],
        )
        % ctx
    ),
    # pydantic joins the choices with an English "or": the message lists them with commas.
    "literal_error": lambda ctx: (
        gettext("Choose one of: %(expected)s.")
        % {"expected": str(ctx["expected"]).replace(" or ", ", ")}
    ),
    "enum": lambda ctx: (
        gettext("Choose one of: %(expected)s.")
        % {"expected": str(ctx["expected"]).replace(" or ", ", ")}
    ),
    # The package's own validators raise messages already translated; pydantic prefixes them.
    "value_error": lambda ctx: str(ctx["error"]),
}


def translated_entry(entry: Any) -> Any:
    """One entry of a 422's ``detail`` with its ``msg`` in the active language, when known."""
    if not isinstance(entry, dict) or entry.get("type") not in MESSAGES:
        return entry
    try:
        message = MESSAGES[entry["type"]](entry.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return entry  # a context of another shape than pydantic's: keep its own words
    return {**entry, "msg": message}


def translate_validation_errors(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: a 422 of ninja's shape gets its messages in the active language."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        if (
            response.status_code != 422
            or response.streaming
            or "json" not in response.get("Content-Type", "")
        ):
            return response
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(body, dict) or not isinstance(body.get("detail"), list):
            return response
        body["detail"] = [translated_entry(entry) for entry in body["detail"]]
        response.content = json.dumps(body, ensure_ascii=False).encode()
        return response

    return wrapper
