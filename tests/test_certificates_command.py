"""The certificates commands: issuing what a failed automatic issue missed, pruning cached PDFs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.certificates.rendering import CertificateSnapshot
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


# coursehub_prune_certificate_pdfs -----------------------------------------------------------


def prune(*arguments: str) -> str:
    output = StringIO()
    call_command("coursehub_prune_certificate_pdfs", *arguments, stdout=output)
    return output.getvalue()


def cache_pdf(certificate: Certificate, verify_url: str = "https://academy.uz/v") -> str:
    services.certificate_pdf(certificate=certificate, verify_url=verify_url)
    snapshot = CertificateSnapshot.from_certificate(certificate)
    return services.pdf_storage_name(snapshot, verify_url=verify_url)


def cached() -> set[str]:
    folder = storages["certificates"].listdir(services.PDF_FOLDER)[1]
    return {f"{services.PDF_FOLDER}/{name}" for name in folder}


def test_pdfs_of_revoked_and_deleted_certificates_are_pruned_valid_ones_kept(certificate_storage):
    kept = cache_pdf(CertificateFactory())
    revoked_certificate = CertificateFactory()
    revoked = cache_pdf(revoked_certificate)
    services.certificate_revoke(certificate=revoked_certificate, reason="Copied work")
    deleted_certificate = CertificateFactory()
    deleted = cache_pdf(deleted_certificate)
    deleted_certificate.delete()

    output = prune()

    assert cached() == {kept}
    assert f"{revoked}\trevoked or deleted" in output
    assert f"{deleted}\trevoked or deleted" in output
    assert output.endswith("2 of 3 cached PDF(s) deleted.\n")


def test_older_than_also_prunes_valid_pdfs_not_written_for_that_long(certificate_storage):
    certificate = CertificateFactory()
    old = cache_pdf(certificate, "https://old.academy.uz/v")
    recent = cache_pdf(certificate, "https://academy.uz/v")
    days_ago = {old: 31, recent: 29}

    with mock.patch.object(
        type(certificate_storage),
        "get_modified_time",
        lambda storage, name: timezone.now() - timedelta(days=days_ago[name]),
    ):
        output = prune("--older-than", "30")

    assert cached() == {recent}
    assert f"{old}\tunused" in output


def test_older_than_needs_a_storage_that_knows_when_files_were_written(certificate_storage):
    cache_pdf(CertificateFactory())

    with (
        mock.patch.object(
            type(certificate_storage), "get_modified_time", side_effect=NotImplementedError
        ),
        pytest.raises(CommandError, match="run without --older-than"),
    ):
        prune("--older-than", "30")


def test_a_dry_run_of_prune_deletes_nothing(certificate_storage):
    certificate = CertificateFactory()
    name = cache_pdf(certificate)
    services.certificate_revoke(certificate=certificate, reason="Copied work")

    output = prune("--dry-run")

    assert cached() == {name}
    assert output.endswith("1 of 1 cached PDF(s) would be deleted.\n")


def test_prune_with_nothing_cached_has_nothing_to_do(certificate_storage):
    assert prune() == "0 of 0 cached PDF(s) deleted.\n"


def test_a_pdf_pruned_while_it_is_being_served_is_rendered_again(certificate_storage):
    certificate = CertificateFactory()
    first = services.certificate_pdf(certificate=certificate, verify_url="https://academy.uz/v")
    with mock.patch.object(type(certificate_storage), "open", side_effect=FileNotFoundError):
        again = services.certificate_pdf(certificate=certificate, verify_url="https://academy.uz/v")

    assert again == first
