"""One valid certificate per enrollment under parallel requests; real threads on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from django_coursehub.catalog.models import Lesson
from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning import services as learning_services
from django_coursehub.learning.models import Enrollment
from django_coursehub.signals import certificate_issued
from tests.concurrency.threads import run_in_parallel
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)


@pytest.fixture
def issued() -> list[Any]:
    received: list[Any] = []

    def receive(sender: type, certificate: Certificate, **kwargs: Any) -> None:
        received.append(certificate.pk)

    certificate_issued.connect(receive, dispatch_uid="test_certificates_concurrency")
    yield received
    certificate_issued.disconnect(dispatch_uid="test_certificates_concurrency")


def test_twenty_parallel_issues_for_one_enrollment_make_one_certificate(issued):
    enrollment = EnrollmentFactory()
    # Completed without the completion signal, so that no certificate exists before the race.
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )

    codes = run_in_parallel(lambda _: services.certificate_issue(enrollment=enrollment).code, 20)

    certificate = Certificate.objects.get()
    assert set(codes) == {certificate.code}
    assert issued == [certificate.pk]


def test_completing_the_last_two_lessons_in_parallel_earns_one_certificate(issued):
    course = CourseFactory()
    LessonFactory.create_batch(4, section=SectionFactory(course=course))
    learner = UserFactory()
    learning_services.enrollment_create(user=learner, course=course)
    lessons = list(Lesson.objects.filter(course=course).order_by("order"))
    for lesson in lessons[:2]:
        learning_services.lesson_complete(user=learner, lesson=lesson)
    token = ApiClient(learner).defaults["HTTP_AUTHORIZATION"]
    # Each of the last two lessons requested five times at once.
    targets = [lesson for lesson in lessons[2:] for _ in range(5)]

    def complete(index: int) -> int:
        api = ApiClient(raise_request_exception=False, HTTP_AUTHORIZATION=token)
        return api.post(f"/api/enrollments/complete/{targets[index].pk}/").status_code

    statuses = run_in_parallel(complete, len(targets))

    assert Counter(statuses) == {200: len(targets)}
    certificate = Certificate.objects.get()
    assert certificate.is_valid
    assert certificate.lesson_count == 4
    assert issued == [certificate.pk]
    assert ApiClient().get(f"/api/certificates/{certificate.code}/").json()["valid"] is True


def test_parallel_revokes_of_one_certificate_revoke_it_once():
    enrollment = EnrollmentFactory()
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    certificate = services.certificate_issue(enrollment=enrollment)

    def revoke(index: int) -> str:
        try:
            services.certificate_revoke(certificate=certificate, reason=f"Reason {index}")
        except services.Conflict as error:
            return error.code
        return "revoked"

    outcomes = run_in_parallel(revoke, 10)

    assert Counter(outcomes) == {"revoked": 1, "certificate_revoked": 9}
    stored = Certificate.objects.get()
    assert stored.status == Certificate.Status.REVOKED
    assert stored.revoked_reason == f"Reason {outcomes.index('revoked')}"


def test_parallel_reissues_of_one_certificate_make_one_replacement():
    enrollment = EnrollmentFactory()
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    old = services.certificate_issue(enrollment=enrollment)
    services.certificate_revoke(certificate=old, reason="Typo")

    def reissue(_: int) -> str:
        try:
            return services.certificate_reissue(certificate=old).code
        except services.Conflict as error:
            return error.code

    outcomes = run_in_parallel(reissue, 10)

    new = Certificate.objects.get(status=Certificate.Status.ISSUED)
    assert new.replaces_id == old.pk
    assert Counter(outcomes) == {new.code: 1, "certificate_already_reissued": 9}
