"""Stripe's webhook endpoint: ``POST <mount>/payments/stripe/webhook/``."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from django_coursehub.exceptions import CoursehubError, NotFound
from django_coursehub.payments.providers import STRIPE, provider_settings
from django_coursehub.payments.stripe_checkout import webhooks
from django_coursehub.schemas import ErrorOut

logger = logging.getLogger("django_coursehub.payments")

router = Router(tags=["payments"])


class WebhookReceivedOut(Schema):
    received: bool


@router.post(
    "/webhook/",
    auth=None,
    response={200: WebhookReceivedOut, 400: ErrorOut, 404: ErrorOut, 413: ErrorOut, 503: ErrorOut},
    summary="Stripe webhook (called by Stripe, not by clients)",
    description="Register this URL in Stripe's dashboard with the events "
    "`checkout.session.completed`, `checkout.session.async_payment_succeeded`, "
    "`checkout.session.async_payment_failed`, `checkout.session.expired` and "
    "`charge.refunded`. The raw body must carry a valid `Stripe-Signature` made with the "
    "endpoint's signing secret within the tolerance (400 `bad_signature` otherwise); a body "
    "that is not an event is 400 `bad_payload`, an event of the other mode (test or live) than "
    "the secret key 400 `livemode_mismatch`. An accepted event, a repeated one or one of "
    'another type answers 200 `{"received": true}`; a failure on our side answers 503 so '
    "that Stripe delivers it again. 404 when Stripe is not enabled.",
    url_name="coursehub-stripe-webhook",
)
def stripe_webhook(request: HttpRequest) -> Any:
    config = provider_settings(STRIPE)
    if config is None:
        raise NotFound()
    try:
        webhooks.webhook_receive(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature"),
            config=config,
        )
    except CoursehubError:
        raise
    except Exception:
        logger.exception("Stripe webhook failed; Stripe will deliver the event again")
        # Any non-2xx makes Stripe deliver again; 503 says the failure is ours and passing.
        return Status(
            503,
            {
                "detail": _("The event could not be processed. It will be retried."),
                "code": "retry_later",
            },
        )
    return {"received": True}
