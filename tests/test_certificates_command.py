"""``manage.py coursehub_issue_certificates``: the certificates a failed automatic issue missed."""

from __future__ import annotations

from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.management.commands import coursehub_issue_certificates
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    EnrollmentFactory,
)

pytestmark = pytest.mark.django_db


def issue_certificates(*arguments: str) -> str:
    output = StringIO()
    call_command("coursehub_issue_certificates", *arguments, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_completed_enrollments_without_a_certificate_get_one(django_capture_on_commit_callbacks):
    # In a test transaction the automatic issue (after commit) never ran: exactly the gap.
    first, second = CompletedEnrollmentFactory(), CompletedEnrollmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        output = issue_certificates()

    for enrollment in (first, second):
        certificate = Certificate.objects.get(enrollment=enrollment)
        assert certificate.status == Certificate.Status.ISSUED
        assert f"#{enrollment.pk}\t" in output and certificate.code in output
    assert output.endswith("2 certificate(s) issued.\n")


def test_it_sends_certificate_issued_so_the_learner_is_notified(django_capture_on_commit_callbacks):
    enrollment = CompletedEnrollmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        issue_certificates()

    assert enrollment.user.coursehub_notifications.filter(kind="certificate_issued").count() == 1


def test_enrollments_that_are_not_completed_or_already_have_a_certificate_are_left_alone():
    EnrollmentFactory()
    certified = CertificateFactory()

    assert issue_certificates() == "0 certificate(s) issued.\n"
    assert list(Certificate.objects.all()) == [certified]


def test_a_revoked_certificate_is_not_replaced_behind_staffs_back():
    revoked = services.certificate_revoke(certificate=CertificateFactory(), reason="Copied work")

    issue_certificates()

    assert list(Certificate.objects.all()) == [revoked]


def test_running_it_again_issues_nothing_more():
    CompletedEnrollmentFactory()
    issue_certificates()

    assert issue_certificates() == "0 certificate(s) issued.\n"
    assert Certificate.objects.count() == 1


def test_a_dry_run_lists_what_it_would_issue_and_issues_nothing():
    enrollment = CompletedEnrollmentFactory()

    output = issue_certificates("--dry-run")

    user, course = enrollment.user.get_username(), enrollment.course.title
    assert f"#{enrollment.pk}\t{user}\t{course}" in output
    assert output.endswith("1 completed enrollment(s) without a certificate.\n")
    assert not Certificate.objects.exists()


def test_course_limits_it_to_one_course():
    course = CourseFactory()
    inside, outside = CompletedEnrollmentFactory(course=course), CompletedEnrollmentFactory()

    issue_certificates("--course", str(course.pk))

    assert Certificate.objects.filter(enrollment=inside).exists()
    assert not Certificate.objects.filter(enrollment=outside).exists()


def test_one_failure_does_not_stop_the_others_and_fails_the_command():
    broken, fine = CompletedEnrollmentFactory(), CompletedEnrollmentFactory()
    issue = services.certificate_issue_for_completion

    def issue_or_fail(*, enrollment: Any) -> Any:
        if enrollment.pk == broken.pk:
            raise RuntimeError("storage unavailable")
        return issue(enrollment=enrollment)

    with (
        mock.patch.object(services, "certificate_issue_for_completion", issue_or_fail),
        pytest.raises(CommandError, match=f"1 enrollment\\(s\\) .*#{broken.pk}"),
    ):
        issue_certificates()

    assert Certificate.objects.filter(enrollment=fine).exists()
    assert not Certificate.objects.filter(enrollment=broken).exists()


def test_a_backlog_larger_than_a_batch_is_issued_whole(monkeypatch):
    monkeypatch.setattr(coursehub_issue_certificates, "BATCH_SIZE", 2)
    course = CourseFactory()
    CompletedEnrollmentFactory.create_batch(5, course=course)

    assert issue_certificates().endswith("5 certificate(s) issued.\n")
    assert Certificate.objects.filter(enrollment__course=course).count() == 5
