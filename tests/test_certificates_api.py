"""Certificates over HTTP: earned by finishing a course, listed by their holder, verified by
anyone holding the code."""

from __future__ import annotations

from typing import Any

import pytest

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from tests.conftest import ApiClient
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/certificates/"
CERTIFICATE_FIELDS = {
    "code",
    "valid",
    "status",
    "issued_at",
    "revoked_at",
    "revoked_reason",
    "holder_name",
    "course_title",
    "course",
    "instructor_name",
    "lesson_count",
    "total_duration",
    "language",
    "issuer_name",
    "replaces",
    "verify_url",
    "pdf_url",
}


@pytest.fixture(autouse=True)
def _pdfs_in_memory(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def detail(code: str) -> str:
    return f"{LIST}{code}/"


def certificates_of(user: Any, count: int) -> list[Certificate]:
    return [
        CertificateFactory(enrollment=CompletedEnrollmentFactory(user=user)) for _ in range(count)
    ]


def test_finishing_a_course_over_http_earns_one_certificate_anyone_can_verify(
    django_capture_on_commit_callbacks, api_as, anon
):
    course = CourseFactory(title="Django asoslari")
    for section in SectionFactory.create_batch(2, course=course):
        LessonFactory.create_batch(2, section=section, duration=450)
    learner = UserFactory(first_name="Qiyomat", last_name="Gʻulomova")
    api = api_as(learner)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/enrollments/", {"course": course.pk}).status_code == 201
        for lesson in Lesson.objects.filter(course=course):
            assert api.post(f"/api/enrollments/complete/{lesson.pk}/").status_code == 200
        # Completing a lesson again changes nothing.
        assert api.post(f"/api/enrollments/complete/{lesson.pk}/").status_code == 200

    mine = api.get(LIST).json()
    assert mine["count"] == 1
    code = mine["items"][0]["code"]
    assert Certificate.objects.get().code == code

    response = anon.get(detail(code))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == CERTIFICATE_FIELDS
    assert body == {
        **body,
        "code": code,
        "valid": True,
        "status": "issued",
        "revoked_at": None,
        "revoked_reason": "",
        "holder_name": "Qiyomat Gʻulomova",
        "course_title": "Django asoslari",
        "course": {"id": course.pk, "slug": course.slug},
        "instructor_name": "Aziz Karimov",
        "lesson_count": 4,
        "total_duration": 1800,
        "language": "uz",
        "issuer_name": "Kurslar markazi",  # the app's name, in the course's language
        "replaces": None,
        "verify_url": f"http://testserver/api/certificates/{code}/",
        "pdf_url": f"http://testserver/api/certificates/{code}/pdf/",
    }
    assert mine["items"][0] == body


def test_the_verify_url_follows_the_configured_template(settings, anon):
    settings.COURSEHUB = {"CERTIFICATE_VERIFY_URL": "https://academy.uz/certificates/{code}"}
    certificate = CertificateFactory()

    body = anon.get(detail(certificate.code)).json()

    assert body["verify_url"] == f"https://academy.uz/certificates/{certificate.code}"


def test_a_revoked_certificate_is_still_verifiable_and_says_why(anon):
    certificate = CertificateFactory()
    services.certificate_revoke(certificate=certificate, reason="Academic dishonesty")

    response = anon.get(detail(certificate.code))

    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["status"], body["revoked_reason"]) == (
        False,
        "revoked",
        "Academic dishonesty",
    )
    assert body["revoked_at"] is not None


def test_a_reissued_certificate_names_the_one_it_replaces(anon):
    old = CertificateFactory()
    services.certificate_revoke(certificate=old, reason="Typo in the name")
    new = services.certificate_reissue(certificate=old)

    body = anon.get(detail(new.code)).json()

    assert (body["valid"], body["replaces"]) == (True, old.code)
    assert anon.get(detail(old.code)).json()["valid"] is False


def test_the_public_answer_never_follows_later_edits(anon):
    certificate = CertificateFactory()
    before = anon.get(detail(certificate.code)).json()
    Course.objects.filter(pk=certificate.course_id).update(title="Renamed", language="en")
    for user in (certificate.user, certificate.course.owner):
        user.first_name = "Renamed"
        user.save()

    after = anon.get(detail(certificate.code)).json()

    assert after == before


@pytest.mark.parametrize(
    "code",
    ["doesNotExist123", "x" * 64, "x" * 65, "not%20safe", "abc$def", "%D0%BA%D0%BE%D0%B4", "%00"],
    ids=["unknown", "longest", "too-long", "space", "symbol", "cyrillic", "nul"],
)
def test_unknown_or_malformed_codes_are_not_found(anon, code):
    CertificateFactory()

    for path in (detail(code), f"{detail(code)}pdf/"):
        response = anon.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_the_pdf_is_served_with_a_file_name(anon):
    certificate = CertificateFactory()

    response = anon.get(f"{detail(certificate.code)}pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="certificate-{certificate.code}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_a_revoked_certificate_has_no_pdf(anon):
    certificate = CertificateFactory()
    services.certificate_revoke(certificate=certificate, reason="Revoked")

    response = anon.get(f"{detail(certificate.code)}pdf/")

    assert response.status_code == 410
    assert response.json()["code"] == "certificate_revoked"


# My certificates ---------------------------------------------------------------------------


def test_listing_needs_a_login(anon):
    response = anon.get(LIST)

    assert response.status_code == 401


def test_nobody_lists_anyone_elses_certificates(api_as):
    mine = certificates_of(UserFactory(), 2)
    theirs = UserFactory()
    certificates_of(theirs, 1)

    body = api_as(mine[0].user).get(LIST).json()

    assert body["count"] == 2
    assert {item["code"] for item in body["items"]} == {c.code for c in mine}
    assert api_as(UserFactory()).get(LIST).json() == {"items": [], "count": 0}


def test_revoked_certificates_are_listed_newest_first(api_as):
    user = UserFactory()
    first, second = certificates_of(user, 2)
    services.certificate_revoke(certificate=first, reason="Revoked")

    items = api_as(user).get(LIST).json()["items"]

    assert [(item["code"], item["valid"]) for item in items] == [
        (second.code, True),
        (first.code, False),
    ]


def test_the_list_is_paginated(api_as):
    user = UserFactory()
    certificates_of(user, 3)
    api = api_as(user)

    first = api.get(LIST, {"page_size": 2}).json()
    second = api.get(LIST, {"page": 2, "page_size": 2}).json()

    assert (first["count"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert api.get(LIST, {"page": 3, "page_size": 2}).json()["code"] == "page_not_found"
    assert api.get(LIST, {"page": 0}).status_code == 422


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_listing_costs_the_same_queries_whatever_the_page_size(
    api_as, django_assert_num_queries, size
):
    user = UserFactory()
    certificates = certificates_of(user, size)
    old = certificates[0]
    services.certificate_revoke(certificate=old, reason="Typo")
    services.certificate_reissue(certificate=old)
    api = api_as(user)

    # The token's user, the count, the page (with its courses and replaced certificates).
    with django_assert_num_queries(3):
        body = api.get(LIST, {"page_size": size + 1}).json()

    assert len(body["items"]) == size + 1


@pytest.mark.parametrize("revoked", [False, True])
def test_verifying_costs_one_query(anon, django_assert_num_queries, revoked):
    certificate = CertificateFactory()
    if revoked:
        services.certificate_revoke(certificate=certificate, reason="Typo")
        certificate = services.certificate_reissue(certificate=certificate)

    with django_assert_num_queries(1):
        assert anon.get(detail(certificate.code)).status_code == 200


def test_a_cached_pdf_costs_one_query(anon, django_assert_num_queries):
    certificate = CertificateFactory()
    anon.get(f"{detail(certificate.code)}pdf/")

    with django_assert_num_queries(1):
        assert anon.get(f"{detail(certificate.code)}pdf/").status_code == 200


def test_a_token_sent_to_a_public_endpoint_must_be_valid():
    # As everywhere in the API: a broken token is a 401, never a silent fall back to anonymous.
    certificate = CertificateFactory()
    client = ApiClient(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert client.get(detail(certificate.code)).status_code == 401
    assert client.get(f"{detail(certificate.code)}pdf/").status_code == 401
    assert ApiClient(UserFactory()).get(detail(certificate.code)).status_code == 200
