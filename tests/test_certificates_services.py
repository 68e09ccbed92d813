"""Issuing, revoking and re-issuing certificates through the services, and what they freeze."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import modify_settings, override_settings
from django.utils import timezone, translation

from django_coursehub.catalog.models import Course
from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.exceptions import Conflict, InvalidInput
from django_coursehub.learning import services as learning_services
from django_coursehub.learning.models import Enrollment
from django_coursehub.signals import certificate_issued, course_completed
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued() -> list[Any]:
    """Every certificate sent with ``certificate_issued``, in order."""
    received: list[Any] = []

    def receive(sender: type, certificate: Certificate, **kwargs: Any) -> None:
        assert sender is Certificate
        received.append(certificate)

    certificate_issued.connect(receive, dispatch_uid="test_certificates_issued")
    yield received
    certificate_issued.disconnect(dispatch_uid="test_certificates_issued")


def course_of(lessons: list[int], **fields: Any) -> Course:
    """A course whose lessons last ``lessons`` seconds, in two sections."""
    course = CourseFactory(**fields)
    first, second = SectionFactory(course=course), SectionFactory(course=course)
    for index, duration in enumerate(lessons):
        LessonFactory(section=first if index % 2 == 0 else second, duration=duration)
    return Course.objects.get(pk=course.pk)


# Issuing -----------------------------------------------------------------------------------


def test_completing_the_last_lesson_issues_one_certificate_with_a_snapshot(
    django_capture_on_commit_callbacks, issued
):
    owner = InstructorFactory(first_name="Ўткир", last_name="Ҳошимов")
    course = course_of([600, 900, 1200], owner=owner, title="Python asoslari", language="ru")
    learner = UserFactory(first_name="Gʻayrat", last_name="Oʻrinboyev")
    enrollment = EnrollmentFactory(user=learner, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.lessons.all():
            learning_services.lesson_complete(user=learner, lesson=lesson)

    certificate = Certificate.objects.get()
    assert issued == [certificate]
    assert (certificate.enrollment, certificate.user, certificate.course) == (
        enrollment,
        learner,
        course,
    )
    assert certificate.is_valid
    assert certificate.revoked_at is None
    assert certificate.revoked_reason == ""
    assert abs(timezone.now() - certificate.issued_at).total_seconds() < 60
    assert {
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "instructor_name": certificate.instructor_name,
        "lesson_count": certificate.lesson_count,
        "total_duration": certificate.total_duration,
        "language": certificate.language,
        "issuer_name": certificate.issuer_name,
    } == {
        "holder_name": "Gʻayrat Oʻrinboyev",
        "course_title": "Python asoslari",
        "instructor_name": "Ўткир Ҳошимов",
        "lesson_count": 3,
        "total_duration": 2700,
        "language": "ru",
        "issuer_name": "Центр курсов",  # the app's name, in the course's language
    }


def test_a_completion_that_does_not_finish_the_course_issues_nothing(
    django_capture_on_commit_callbacks,
):
    course = course_of([60, 60])
    enrollment = EnrollmentFactory(course=course)

    with django_capture_on_commit_callbacks(execute=True):
        learning_services.lesson_complete(user=enrollment.user, lesson=course.lessons.first())

    assert not Certificate.objects.exists()


def test_issuing_again_returns_the_same_certificate_and_sends_nothing(
    django_capture_on_commit_callbacks, issued
):
    certificate = CertificateFactory()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.certificate_issue(enrollment=certificate.enrollment)

    assert again == certificate
    assert Certificate.objects.count() == 1
    assert issued == []


def test_the_signal_waits_for_the_commit(django_capture_on_commit_callbacks, issued):
    enrollment = CompletedEnrollmentFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        certificate = services.certificate_issue(enrollment=enrollment)
        assert issued == []

    for callback in callbacks:
        callback()
    assert issued == [certificate]


@pytest.mark.parametrize(
    "status", [Enrollment.Status.ACTIVE, Enrollment.Status.CANCELLED, Enrollment.Status.REFUNDED]
)
def test_an_enrollment_that_is_not_completed_gets_no_certificate(status):
    enrollment = EnrollmentFactory()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status)

    with pytest.raises(Conflict) as error:
        services.certificate_issue(enrollment=enrollment)

    assert error.value.code == "course_not_completed"
    assert not Certificate.objects.exists()


def test_codes_are_url_safe_long_and_distinct():
    codes = [CertificateFactory().code for _ in range(5)]

    assert len(set(codes)) == 5
    for code in codes:
        assert len(code) >= 22
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_names_fall_back_to_usernames():
    owner = InstructorFactory(username="teacher", first_name="", last_name="")
    learner = UserFactory(username="dilnoza", first_name="", last_name="")

    certificate = CertificateFactory(
        enrollment=CompletedEnrollmentFactory(user=learner, course=CourseFactory(owner=owner))
    )

    assert (certificate.holder_name, certificate.instructor_name) == ("dilnoza", "teacher")


def test_a_course_without_durations_is_certified_with_zero_seconds():
    certificate = CertificateFactory(
        enrollment=CompletedEnrollmentFactory(course=course_of([0, 0, 0]))
    )

    assert (certificate.lesson_count, certificate.total_duration) == (3, 0)


def test_the_snapshot_never_follows_later_edits():
    certificate = CertificateFactory()
    before = {
        field: getattr(certificate, field)
        for field in ("holder_name", "course_title", "instructor_name", "language")
    }
    course = certificate.course
    course.title, course.language = "Renamed", "en"
    course.save()
    LessonFactory(section=SectionFactory(course=course), duration=999)
    for user in (certificate.user, course.owner):
        user.first_name, user.last_name = "New", "Name"
        user.save()

    stored = Certificate.objects.get(pk=certificate.pk)

    assert {field: getattr(stored, field) for field in before} == before
    assert (stored.lesson_count, stored.total_duration) == (2, 600)


# The issuer --------------------------------------------------------------------------------


def test_the_configured_issuer_name_is_used(settings):
    settings.COURSEHUB = {"CERTIFICATE_ISSUER_NAME": "Najot Ta'lim"}

    assert CertificateFactory().issuer_name == "Najot Ta'lim"


@pytest.fixture
def sites_installed() -> Any:
    with modify_settings(INSTALLED_APPS={"append": "django.contrib.sites"}):
        from django.contrib.sites.models import SITE_CACHE, Site

        yield SITE_CACHE
        SITE_CACHE.clear()
    # Installing the app re-ran the admin's autodiscovery, which registered Site: other tests'
    # admin pages would list an app that is no longer installed.
    if admin.site.is_registered(Site):
        admin.site.unregister(Site)


def test_without_a_configured_name_the_current_site_is_the_issuer(sites_installed):
    from django.contrib.sites.models import Site

    # The sites framework reads its cache before the database, which has no sites table here.
    sites_installed[7] = Site(pk=7, domain="academy.uz", name="Academy.uz")

    with override_settings(SITE_ID=7):
        assert services.issuer_name("ru") == "Academy.uz"


def test_with_sites_but_no_site_id_the_app_name_is_the_issuer(sites_installed):
    assert services.issuer_name("en") == "Course hub"


@pytest.mark.parametrize(
    ("course_language", "active_language", "expected"),
    [("en", "ru", "Course hub"), ("uz", "en", "Kurslar markazi"), ("ru", "uz", "Центр курсов")],
)
def test_the_apps_name_as_issuer_is_written_in_the_certificates_language_whatever_is_active(
    django_capture_on_commit_callbacks, course_language, active_language, expected
):
    course = course_of([60], language=course_language)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)

    with translation.override(active_language), django_capture_on_commit_callbacks(execute=True):
        learning_services.lesson_complete(user=learner, lesson=course.lessons.get())

    assert Certificate.objects.get().issuer_name == expected


# Revoking ----------------------------------------------------------------------------------


def test_revoking_keeps_the_certificate_with_reason_and_date():
    certificate = CertificateFactory()

    services.certificate_revoke(certificate=certificate, reason="  Plagiarised final project ")

    stored = Certificate.objects.get(pk=certificate.pk)
    assert not stored.is_valid
    assert stored.status == Certificate.Status.REVOKED
    assert stored.revoked_reason == "Plagiarised final project"
    assert stored.revoked_at is not None


def test_revoking_a_revoked_certificate_is_a_conflict():
    certificate = CertificateFactory()
    services.certificate_revoke(certificate=certificate, reason="First")

    with pytest.raises(Conflict) as error:
        services.certificate_revoke(certificate=certificate, reason="Second")

    assert error.value.code == "certificate_revoked"
    assert Certificate.objects.get(pk=certificate.pk).revoked_reason == "First"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "bad\x00byte"])
def test_revoking_needs_a_reason(reason):
    certificate = CertificateFactory()

    with pytest.raises(InvalidInput) as error:
        services.certificate_revoke(certificate=certificate, reason=reason)

    assert list(error.value.errors) == ["reason"]
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_a_completion_signal_after_revoking_does_not_issue_again():
    certificate = CertificateFactory()
    services.certificate_revoke(certificate=certificate, reason="Cheating")

    course_completed.send(sender=Enrollment, enrollment=certificate.enrollment)

    assert Certificate.objects.get().status == Certificate.Status.REVOKED


# Re-issuing --------------------------------------------------------------------------------


def test_reissuing_makes_a_new_certificate_with_a_fresh_snapshot(
    django_capture_on_commit_callbacks, issued
):
    old = CertificateFactory()
    services.certificate_revoke(certificate=old, reason="Name misspelt")
    old.user.first_name = "Qiyomat"
    old.user.save()
    Course.objects.filter(pk=old.course_id).update(title="Python asoslari 2.0")

    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(certificate=old)

    assert issued == [new]
    assert new.is_valid
    assert new.code != old.code
    assert new.replaces == old
    assert new.enrollment == old.enrollment
    assert (new.holder_name, new.course_title) == ("Qiyomat Karimov", "Python asoslari 2.0")
    stored_old = Certificate.objects.get(pk=old.pk)
    assert (stored_old.status, stored_old.holder_name) == (
        Certificate.Status.REVOKED,
        old.holder_name,
    )


def test_only_a_revoked_certificate_can_be_reissued():
    certificate = CertificateFactory()

    with pytest.raises(Conflict) as error:
        services.certificate_reissue(certificate=certificate)

    assert error.value.code == "certificate_not_revoked"
    assert Certificate.objects.count() == 1


def test_a_certificate_is_reissued_once():
    old = CertificateFactory()
    services.certificate_revoke(certificate=old, reason="Typo")
    new = services.certificate_reissue(certificate=old)
    services.certificate_revoke(certificate=new, reason="Typo again")

    with pytest.raises(Conflict) as error:
        services.certificate_reissue(certificate=old)

    assert error.value.code == "certificate_already_reissued"
    assert services.certificate_reissue(certificate=new).replaces == new


def test_reissuing_while_the_enrollment_holds_a_valid_certificate_is_a_conflict():
    old = CertificateFactory()
    services.certificate_revoke(certificate=old, reason="Typo")
    services.certificate_issue(enrollment=old.enrollment)

    with pytest.raises(Conflict) as error:
        services.certificate_reissue(certificate=old)

    assert error.value.code == "certificate_already_issued"


def test_reissuing_for_an_enrollment_no_longer_completed_is_a_conflict():
    old = CertificateFactory()
    services.certificate_revoke(certificate=old, reason="Refunded")
    Enrollment.objects.filter(pk=old.enrollment_id).update(status=Enrollment.Status.REFUNDED)

    with pytest.raises(Conflict) as error:
        services.certificate_reissue(certificate=old)

    assert error.value.code == "course_not_completed"


# The database backstop ---------------------------------------------------------------------


def test_the_database_refuses_a_second_valid_certificate_for_an_enrollment():
    certificate = CertificateFactory()
    fields = {
        field.name: getattr(certificate, field.name)
        for field in Certificate._meta.concrete_fields
        if not field.primary_key
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(**{**fields, "code": "another-code"})


def test_a_lost_insert_race_returns_the_winner_and_sends_nothing(
    django_capture_on_commit_callbacks, issued
):
    winner = CertificateFactory()
    real_lookup = services._valid_certificate
    calls: list[Enrollment] = []

    def racing_lookup(enrollment: Enrollment) -> Certificate | None:
        # The first lookup misses the winner, as one made before a rival's insert would.
        calls.append(enrollment)
        return None if len(calls) == 1 else real_lookup(enrollment)

    with (
        mock.patch.object(services, "_valid_certificate", racing_lookup),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.certificate_issue(enrollment=winner.enrollment) == winner

    assert Certificate.objects.count() == 1
    assert issued == []
