"""Property-based fuzzing of every operation of the served OpenAPI schema (schemathesis 4).

Each operation gets generated requests, valid and invalid (the examples, coverage and fuzzing
phases), sent in-process to the Django WSGI application with a real user's access token, and
every response goes through every check schemathesis has: no 5xx, a documented status code,
content type and headers, a body matching the documented schema, invalid input refused,
authentication enforced where the schema demands it, deleted resources gone.

Not collected by the default test run (``--ignore=tests/fuzz`` in pyproject.toml); the ``fuzz``
tox env runs it with a fixed seed:  ``pytest tests/fuzz -p no:randomly``.

The caller is an instructor who owns a published course (sections, lessons) and is enrolled in
another instructor's course, with a review, a certificate, a notification, an order and a
wishlist entry of their own: owner-only writes succeed on their course and are refused on the
other one, and the learner's operations find rows. Every table is seeded before anything else,
so ids 1 and 2 (the smallest valid id, which the coverage phase always tries) are those rows.
Every example runs in a transaction rolled back afterwards, so one example's writes never
change what the next sees.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
import stripe
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from django_coursehub.accounts.tokens import token_pair_for_user
from django_coursehub.payments.stripe_checkout import client as stripe_client_module
from django_coursehub.reviews.services import review_create
from django_coursehub.wishlist.services import wishlist_add
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    LessonFactory,
    NotificationFactory,
    OrderFactory,
    PaidCourseFactory,
    SectionFactory,
)

#: Generated examples per operation in the fuzzing phase (the examples and coverage phases add
#: their own, a few dozen per operation). Chosen to keep the whole run within a few minutes on a
#: two-core machine.
MAX_EXAMPLES = 25
#: Any fixed number: the same requests on every run, so a failure in CI reproduces locally.
SEED = 20261107
#: The seeded certificate's verification code (``GET /certificates/{code}/``).
CERTIFICATE_CODE = "FUZZ-CERT-0001"
#: The username of the seeded caller.
CALLER = "fuzzer"
#: Stands for the caller's access token until a request is sent (see ``CallerToken``).
TOKEN_MARK = "caller-access-token"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            # Positive and negative data both.
            "mode": "all",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            # Stateful (link-following) testing needs a live server and spans operations.
            "stateful": {"enabled": False},
        },
        # Every check schemathesis ships (the default), stated so a reader need not look it up.
        "checks": {"enabled": True},
        "operations": [
            {
                # The payment providers' callbacks answer every request 200 with the error in
                # their own protocol's shape (Payme JSON-RPC errors, Click's `error` field):
                # a provider treats any other status as a delivery failure and retries. An
                # invalid request is refused, just not by its HTTP status; the answers are still
                # checked against their documented schemas.
                "include-path-regex": "^/api/payments/(payme|click/prepare|click/complete)/$",
                "checks": {
                    "negative_data_rejection": {"enabled": False},
                    # Payme's protocol answers any other method with its JSON-RPC error -32300.
                    "unsupported_method": {"enabled": False},
                },
            },
            {
                # Payme's protocol has the endpoint answer GET, PUT, PATCH and DELETE itself
                # (-32300, see above), so `Allow` rightly lists them; the schema leaves them out
                # because they are no operations a client may use.
                "include-path": "/api/payments/payme/",
                "checks": {"allow_header_conformance": {"enabled": False}},
            },
            {
                # Rules about the data, not the request's shape, which OpenAPI cannot state: a
                # new password must pass AUTH_PASSWORD_VALIDATORS (not too common, not like the
                # username) and the current one must be right (also to delete the account); a
                # position must be within the current list (its length is the database's); a
                # course's category, and the category filter, must name an existing category;
                # lessons are listed by `section` or `course`, one of two optional parameters.
                # A schema-valid request breaking them is a 400 (`invalid`), so 400 is accepted;
                # a 422 (the request does not match its schema) still fails.
                "include-name": [
                    "POST /api/auth/register/",
                    "POST /api/auth/password/",
                    "POST /api/auth/delete-account/",
                    "POST /api/sections/",
                    "POST /api/sections/{section_id}/move/",
                    "GET /api/lessons/",
                    "POST /api/lessons/",
                    "POST /api/lessons/{lesson_id}/move/",
                    "GET /api/courses/",
                    "POST /api/courses/",
                    "PUT /api/courses/{course_id}/",
                    "PATCH /api/courses/{course_id}/",
                ],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                    }
                },
            },
            {
                # A Stripe webhook is accepted only with a Stripe-Signature made with the
                # endpoint's secret, which no generated request can carry: schema-valid requests
                # are rightly refused (400, `bad_signature`).
                "include-path": "/api/payments/stripe/webhook/",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
        ],
    }
)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers every Stripe API call with an open Checkout Session: orders through Stripe are
    fuzzed like the others, without the network."""

    name = "coursehub-fuzz"

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any
    ) -> tuple[str, int, dict[str, str]]:
        session = {
            "id": "cs_test_fuzz",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_fuzz",
            "status": "open",
            "payment_status": "unpaid",
        }
        return json.dumps(session), 200, {}

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the package never streams")

    def close(self) -> None:
        pass


@pytest.fixture
def world(db: None, payments: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeds the world described in the module docstring."""
    monkeypatch.setattr(stripe_client_module, "http_client", FakeStripeHTTP)
    caller = InstructorFactory(username=CALLER)
    own_course = CourseFactory(owner=caller, title="Fuzzing for beginners")
    for section in SectionFactory.create_batch(2, course=own_course):
        LessonFactory.create_batch(2, section=section)
    other_course = CourseFactory(title="Someone else's course")
    LessonFactory(section=SectionFactory(course=other_course), is_preview=True)
    EnrollmentFactory(user=caller, course=other_course)
    review_create(user=caller, course=other_course, rating=4, comment="Clear and useful.")
    paid_course = PaidCourseFactory(price=Decimal("150000.00"))
    OrderFactory(buyer=caller, course=paid_course)
    wishlist_add(user=caller, course=paid_course)
    NotificationFactory(recipient=caller)
    certificate_course = CourseFactory(title="Finished course")
    certificate = CertificateFactory(
        enrollment=CompletedEnrollmentFactory(user=caller, course=certificate_course)
    )
    type(certificate).objects.filter(pk=certificate.pk).update(code=CERTIFICATE_CODE)


@schema.auth(refresh_interval=None)
class CallerToken:
    """Marks the requests that carry the caller's token; schemathesis leaves the mark out where
    a negative example drops the ``Authorization`` header on purpose.

    The coverage phase builds its requests while pytest collects, before the test database
    exists and minutes before they are sent (an access token lives five minutes), so the mark is
    replaced by a freshly minted token when the request is sent.
    """

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        return TOKEN_MARK

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
# The fixture's world is shared by an operation's examples on purpose: each example runs in its
# own rolled-back transaction, so none sees another's writes.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation_conforms_to_its_schema(case: schemathesis.Case, world: None) -> None:
    for cache in caches.all():
        # Throttle counters: every example starts with a fresh allowance.
        cache.clear()
    with transaction.atomic():
        if (case.headers or {}).get("Authorization") == f"Bearer {TOKEN_MARK}":
            caller = get_user_model().objects.get(username=CALLER)
            case.headers["Authorization"] = f"Bearer {token_pair_for_user(caller)['access']}"
        case.call_and_validate()
        transaction.set_rollback(True)
