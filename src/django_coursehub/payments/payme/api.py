"""The endpoint Payme Business calls: JSON-RPC over HTTP, every answer an HTTP 200.

This module only reads the HTTP request (the Basic credentials, then the JSON body) and writes
the JSON-RPC answer; :mod:`.protocol` does the rest. The body is read by hand, never by a ninja
schema, so a malformed call gets a JSON-RPC error rather than a 422.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from django_coursehub.exceptions import NotFound
from django_coursehub.payments.payme import protocol
from django_coursehub.payments.payme.protocol import PaymeError
from django_coursehub.payments.providers import PAYME, provider_settings
from django_coursehub.schemas import ErrorOut

logger = logging.getLogger("django_coursehub.payments")

router = Router(tags=["payments"])

#: Payme's answers are JSON whatever the request's content type.
CONTENT_TYPE = "application/json; charset=utf-8"

_EXAMPLE_CALL = {
    "method": "CheckPerformTransaction",
    "params": {"amount": 15000000, "account": {"order_id": "1001"}},
    "id": 1,
}


def _settings() -> Mapping[str, Any]:
    config = provider_settings(PAYME)
    if config is None:
        raise NotFound()
    return config


def _answer(
    request_id: Any, *, result: Any = None, error: PaymeError | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if error is None:
        body["result"] = result
    else:
        body["error"] = error.as_json()
    return JsonResponse(body, status=200, content_type=CONTENT_TYPE)


def _authenticated(request: HttpRequest, config: Mapping[str, Any]) -> bool:
    """Whether the Basic credentials are ``LOGIN:KEY`` (or ``LOGIN:`` a previous key).

    The whole decoded ``login:key`` is compared in constant time against each accepted pair,
    all of them every time, so neither the login, the key nor which key matched shows in the
    timing.
    """
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    accepted = False
    for key in [config["KEY"], *config["PREVIOUS_KEYS"]]:
        expected = f"{config['LOGIN']}:{key}".encode()
        accepted |= hmac.compare_digest(decoded, expected)
    return accepted


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        # ValueError covers bad JSON, bad UTF-8 and integers too long to convert.
        raise PaymeError(protocol.PARSE_ERROR) from error


def _request_id(payload: Any) -> Any:
    """The call's id when it is a JSON-RPC id (a string or a number), else None."""
    if not isinstance(payload, dict):
        return None
    request_id = payload.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    return request_id


def _envelope(payload: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(payload, dict):
        raise PaymeError(protocol.INVALID_REQUEST)
    if payload.get("id") is not None and _request_id(payload) is None:
        raise PaymeError(protocol.INVALID_REQUEST, data="id")
    method, params = payload.get("method"), payload.get("params")
    if not isinstance(method, str):
        raise PaymeError(protocol.INVALID_REQUEST, data="method")
    if not isinstance(params, dict):
        raise PaymeError(protocol.INVALID_REQUEST, data="params")
    return method, params


def _id_of(body: bytes) -> Any:
    """The call's id, to echo it, when nothing else of the call may or can be read."""
    try:
        return _request_id(_parse(body))
    except PaymeError:
        return None


def _call(request: HttpRequest, config: Mapping[str, Any]) -> JsonResponse:
    if not _authenticated(request, config):
        logger.warning("Payme call refused: bad credentials")
        return _answer(_id_of(request.body), error=PaymeError(protocol.INSUFFICIENT_PRIVILEGES))
    try:
        payload = _parse(request.body)
    except PaymeError as error:
        return _answer(None, error=error)
    request_id = _request_id(payload)
    try:
        method, params = _envelope(payload)
    except PaymeError as error:
        return _answer(request_id, error=error)
    try:
        result = protocol.dispatch(method, params, config)
    except PaymeError as error:
        logger.info("Payme %s of %r answered %s", method, params.get("id"), error.code)
        return _answer(request_id, error=error)
    logger.info("Payme %s of %r done", method, params.get("id"))
    return _answer(request_id, result=result)


@router.post(
    "/",
    auth=None,
    response={200: dict[str, Any], 404: ErrorOut, 413: ErrorOut},
    summary="Payme Merchant API (JSON-RPC), called by Payme Business",
    description="Set `https://<your site>/api/payments/payme/` as the web-kassa's endpoint in "
    "the Payme Business cabinet. Payme authenticates with HTTP Basic (`LOGIN:KEY`) and calls "
    "CheckPerformTransaction, CreateTransaction, PerformTransaction, CancelTransaction, "
    "CheckTransaction and GetStatement. Every answer is HTTP 200 with a JSON-RPC `result` or "
    "`error` (`code`, `message` in ru/uz/en, `data`); any other method is -32601. A 404 means "
    "Payme is not enabled in `COURSEHUB['PAYMENTS']`.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}, "example": _EXAMPLE_CALL}
            },
        }
    },
    url_name="coursehub-payme",
)
def payme_endpoint(request: HttpRequest) -> JsonResponse:
    config = _settings()
    try:
        return _call(request, config)
    except Exception:
        logger.exception("Payme call failed")
        return _answer(_id_of(request.body), error=PaymeError(protocol.SYSTEM_ERROR))


@router.api_operation(["GET", "PUT", "PATCH", "DELETE"], "/", auth=None, include_in_schema=False)
def payme_endpoint_not_post(request: HttpRequest) -> JsonResponse:
    """Payme's own answer to a request that is not a POST (-32300, HTTP 200)."""
    _settings()
    return _answer(None, error=PaymeError(protocol.NOT_POST))
