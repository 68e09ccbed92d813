"""Click's server-to-server endpoints: ``prepare/`` and ``complete/``.

Click posts form-encoded fields and reads a JSON answer whose ``error`` field carries the
outcome, so every answer is HTTP 200; the provider being disabled is the one exception (404,
like any unknown URL). The fields are read from ``request.POST`` as the raw strings the
signature covers, never through a ninja schema, so a malformed call gets Click's ``-8``
rather than a 422.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Router, Schema

from django_coursehub.exceptions import NotFound
from django_coursehub.payments.click import protocol
from django_coursehub.payments.click.protocol import Action, ClickError
from django_coursehub.payments.providers import CLICK, provider_settings
from django_coursehub.schemas import ErrorOut

logger = logging.getLogger("django_coursehub.payments")

router = Router(tags=["payments"], auth=None)

#: The only answers that are not Click's: the provider is disabled (404), and a body too large
#: for the site's upload limit (413), refused before it is read.
NON_CLICK_ANSWERS: dict[int, type[ErrorOut]] = {404: ErrorOut, 413: ErrorOut}


class ClickPrepareAnswer(Schema):
    click_trans_id: int | None
    merchant_trans_id: str
    merchant_prepare_id: int | None
    error: int
    error_note: str


class ClickCompleteAnswer(Schema):
    click_trans_id: int | None
    merchant_trans_id: str
    merchant_confirm_id: int | None
    error: int
    error_note: str


def _form_body(fields: tuple[str, ...]) -> dict[str, Any]:
    """The OpenAPI request body of a Click call: form fields, all strings."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": list(fields),
                        "properties": {
                            name: {"type": "string"} for name in (*fields, "error_note")
                        },
                    }
                }
            },
        }
    }


def _received_fields(request: HttpRequest) -> dict[str, str] | None:
    """Each form field's one value as sent; None when the body is not a usable form.

    A field sent twice is refused rather than guessed at: the signature covers one value.
    """
    try:
        form = request.POST
    except (MultiPartParserError, SuspiciousOperation):
        return None
    fields: dict[str, str] = {}
    for name, values in form.lists():
        if len(values) != 1:
            return None
        fields[name] = values[0]
    return fields


def _answer(request: HttpRequest, endpoint: Action) -> JsonResponse:
    config = provider_settings(CLICK)
    if config is None:
        raise NotFound()
    fields = _received_fields(request)
    if fields is None:
        return JsonResponse(protocol.click_answer({}, endpoint, ClickError.BAD_REQUEST))
    handle = protocol.click_prepare if endpoint is Action.PREPARE else protocol.click_complete
    try:
        answer = handle(fields, config)
    except Exception:
        # Click retries and finally flags the payment for review; -7 tells it the failure
        # is ours, not its request's.
        logger.exception(
            "Click %s failed for click_trans_id=%r merchant_trans_id=%r",
            endpoint.name.lower(),
            fields.get("click_trans_id"),
            fields.get("merchant_trans_id"),
        )
        answer = protocol.click_answer(fields, endpoint, ClickError.FAILED_TO_UPDATE_USER)
    return JsonResponse(answer)


@router.post(
    "/prepare/",
    response={200: ClickPrepareAnswer, **NON_CLICK_ANSWERS},
    summary="Click Prepare: may this order be paid? (called by Click)",
    description="Click's server calls this with a signed form (`action=0`) before debiting "
    "the buyer. The order (`merchant_trans_id`) is checked and reserved. The answer is always "
    "HTTP 200; its `error` is Click's code: 0 success, -1 bad signature, -2 wrong amount, "
    "-3 wrong action, -4 already paid, -5 unknown order, -8 malformed request, "
    "-9 cancelled, -7 our failure.",
    openapi_extra=_form_body(protocol.PREPARE_FIELDS),
    url_name="coursehub-click-prepare",
)
def click_prepare(request: HttpRequest) -> JsonResponse:
    return _answer(request, Action.PREPARE)


@router.post(
    "/complete/",
    response={200: ClickCompleteAnswer, **NON_CLICK_ANSWERS},
    summary="Click Complete: the debit's result (called by Click)",
    description="Click's server calls this with a signed form (`action=1`) after the debit. "
    "With `error=0` the order is paid and the buyer enrolled; with a negative `error` the "
    "payment is cancelled (a paid order is refunded unless `REFUND_ON_CANCEL_AFTER_PAYMENT` "
    "is off). The answer is always HTTP 200; its `error` is Click's code: 0 success, "
    "-1 bad signature, -2 wrong amount, -3 wrong action, -4 already paid, "
    "-6 unknown `merchant_prepare_id`, -7 our failure, -8 malformed request, -9 cancelled.",
    openapi_extra=_form_body(protocol.COMPLETE_FIELDS),
    url_name="coursehub-click-complete",
)
def click_complete(request: HttpRequest) -> JsonResponse:
    return _answer(request, Action.COMPLETE)
