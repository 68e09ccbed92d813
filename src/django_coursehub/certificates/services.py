"""Issuing, revoking and re-issuing certificates, and their cached PDF.

Lock order is the learning module's: the course row shared, then the enrollment row, then a
certificate row. The enrollment lock serialises every issuance for one enrollment; the partial
unique constraint ``coursehub_certificate_one_valid`` backs it up at the database.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

import django_coursehub
from django_coursehub import signals
from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.certificates.exceptions import Gone
from django_coursehub.certificates.models import Certificate
from django_coursehub.certificates.rendering import CertificateSnapshot
from django_coursehub.conf import DEFAULTS, app_settings
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound
from django_coursehub.learning.models import Enrollment
from django_coursehub.locking import lock_shared

REASON_MAX_LENGTH = Certificate._meta.get_field("revoked_reason").max_length or 1000


def issuer_name(language: str) -> str:
    """``CERTIFICATE_ISSUER_NAME``; when empty, the current site's name (with
    ``django.contrib.sites``), else the app's verbose name in ``language``.

    The snapshot must not depend on which language happens to be active where the last lesson
    was completed (a learner's request, a worker): it is written in the certificate's language,
    the one its PDF is labelled in.
    """
    configured: str = app_settings.CERTIFICATE_ISSUER_NAME
    if configured:
        return configured
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.models import Site

        try:
            return Site.objects.get_current().name
        except (ImproperlyConfigured, ObjectDoesNotExist):
            pass  # no SITE_ID, or it names no row: fall through to the app's name
    with translation.override(language):
        return str(apps.get_app_config("coursehub").verbose_name)


def _display_name(user: Any) -> str:
    return str(user.get_full_name()).strip() or user.get_username()


def _lock_enrollment(enrollment: Enrollment) -> Enrollment:
    lock_shared(Course, enrollment.course_id)
    try:
        return (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("user", "course__owner")
            .get(pk=enrollment.pk)
        )
    except Enrollment.DoesNotExist as error:
        raise NotFound(_("Enrollment not found.")) from error


def _require_completed(enrollment: Enrollment) -> None:
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise Conflict(
            _("A certificate is issued only for a completed course."),
            code="course_not_completed",
        )


def _create(enrollment: Enrollment, *, replaces: Certificate | None = None) -> Certificate:
    """A new valid certificate with a fresh snapshot; the caller holds the enrollment lock."""
    course = enrollment.course
    lessons = Lesson.objects.filter(course_id=course.pk).aggregate(
        count=Count("pk"), duration=Sum("duration")
    )
    certificate = Certificate(
        code=secrets.token_urlsafe(16),
        enrollment=enrollment,
        user=enrollment.user,
        course=course,
        issued_at=timezone.now(),
        replaces=replaces,
        holder_name=_display_name(enrollment.user)[:300],
        course_title=course.title,
        instructor_name=_display_name(course.owner)[:300],
        lesson_count=lessons["count"],
        total_duration=lessons["duration"] or 0,
        language=course.language,
        issuer_name=issuer_name(course.language)[:200],
    )
    certificate.save(force_insert=True)
    signals.send_on_commit(signals.certificate_issued, sender=Certificate, certificate=certificate)
    return certificate


def _valid_certificate(enrollment: Enrollment) -> Certificate | None:
    return Certificate.objects.filter(
        enrollment=enrollment, status=Certificate.Status.ISSUED
    ).first()


def _create_once(enrollment: Enrollment) -> Certificate:
    try:
        with transaction.atomic():
            return _create(enrollment)
    except IntegrityError:
        # Only a writer that bypassed the enrollment lock can get here first; its certificate
        # is the one, and ours was never sent (the savepoint dropped its on-commit signal).
        winner = _valid_certificate(enrollment)
        if winner is None:
            raise
        return winner


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The valid certificate of a completed enrollment, issued now if it has none.

    Issuing again returns the existing valid certificate; an enrollment that is not completed
    raises :class:`Conflict`. Sends ``certificate_issued`` on commit when one is created.
    """
    enrollment = _lock_enrollment(enrollment)
    _require_completed(enrollment)
    existing = _valid_certificate(enrollment)
    if existing is not None:
        return existing
    return _create_once(enrollment)


@transaction.atomic
def certificate_issue_for_completion(*, enrollment: Enrollment) -> Certificate | None:
    """The automatic issuance when a course is completed: only for an enrollment that has no
    certificate at all, so a revoked one stays revoked until staff re-issue it.

    Returns the new certificate, or None when nothing was issued.
    """
    enrollment = _lock_enrollment(enrollment)
    if enrollment.status != Enrollment.Status.COMPLETED or enrollment.certificates.exists():
        return None
    return _create_once(enrollment)


def _lock_certificate(certificate: Certificate) -> Certificate:
    try:
        return Certificate.objects.select_for_update().get(pk=certificate.pk)
    except Certificate.DoesNotExist as error:
        raise NotFound(_("Certificate not found.")) from error


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a valid certificate. It stays verifiable, answering that it was revoked, why
    and when. A reason is required; revoking a revoked certificate is a :class:`Conflict`."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or "\x00" in reason or len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            errors={
                "reason": [
                    str(
                        _("Give the reason for revoking, up to %(max)d characters.")
                        % {"max": REASON_MAX_LENGTH}
                    )
                ]
            }
        )
    certificate = _lock_certificate(certificate)
    if certificate.status == Certificate.Status.REVOKED:
        raise Conflict(_("This certificate is already revoked."), code="certificate_revoked")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate) -> Certificate:
    """Replace a revoked certificate with a new one: a new code and a fresh snapshot of the
    course and the holder's name as they are now, linked to the old one by ``replaces``.

    :class:`Conflict` when the certificate is not revoked, was already replaced, the
    enrollment holds a valid certificate, or the course is no longer completed.
    """
    enrollment = _lock_enrollment(certificate.enrollment)
    certificate = _lock_certificate(certificate)
    if certificate.status != Certificate.Status.REVOKED:
        raise Conflict(
            _("Only a revoked certificate can be re-issued."), code="certificate_not_revoked"
        )
    if Certificate.objects.filter(replaces=certificate).exists():
        raise Conflict(
            _("This certificate was already re-issued."), code="certificate_already_reissued"
        )
    _require_completed(enrollment)
    if _valid_certificate(enrollment) is not None:
        raise Conflict(
            _("This enrollment already has a valid certificate."),
            code="certificate_already_issued",
        )
    return _create(enrollment, replaces=certificate)


def verify_url_for(certificate: Certificate, *, default: str) -> str:
    """Where the certificate is verified: ``CERTIFICATE_VERIFY_URL`` with its ``{code}``
    filled in, or ``default`` (the API's own public endpoint) when that setting is empty."""
    template: str = app_settings.CERTIFICATE_VERIFY_URL
    if not template:
        return default
    return template.replace("{code}", certificate.code)


def _renderer_path() -> str:
    configured = app_settings.user_settings.get(
        "CERTIFICATE_RENDERER", DEFAULTS["CERTIFICATE_RENDERER"]
    )
    if isinstance(configured, str):
        return configured
    return f"{configured.__module__}.{configured.__qualname__}"


#: Where rendered PDFs are kept in ``CERTIFICATE_STORAGE``: a cache, re-rendered when missing.
PDF_FOLDER = "coursehub/certificates"


def pdf_storage_name(snapshot: CertificateSnapshot, *, verify_url: str) -> str:
    """The file name of a rendering: the code plus a fingerprint of everything that shapes
    the bytes, so a new renderer, package version, snapshot or URL never reuses a stale file."""
    fingerprint = hashlib.sha256(
        json.dumps(
            {
                "renderer": _renderer_path(),
                "version": django_coursehub.__version__,
                "snapshot": {
                    **snapshot.__dict__,
                    "issued_at": snapshot.issued_at.isoformat(),
                },
                "verify_url": verify_url,
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()[:20]
    return f"{PDF_FOLDER}/{snapshot.code}-{fingerprint}.pdf"


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as a PDF, rendered by ``CERTIFICATE_RENDERER`` on first request and
    kept in the storage ``CERTIFICATE_STORAGE``; :class:`Gone` once it is revoked."""
    if not certificate.is_valid:
        raise Gone(
            _("This certificate was revoked; its PDF is no longer available."),
            code="certificate_revoked",
        )
    snapshot = CertificateSnapshot.from_certificate(certificate)
    storage = storages[app_settings.CERTIFICATE_STORAGE]
    name = pdf_storage_name(snapshot, verify_url=verify_url)
    if storage.exists(name):
        try:
            with storage.open(name, "rb") as stored:
                content: bytes = stored.read()
                return content
        except FileNotFoundError:
            pass  # pruned between the two calls (coursehub_prune_certificate_pdfs): render again
    content = app_settings.CERTIFICATE_RENDERER(snapshot, verify_url=verify_url)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # A parallel first request stored the same bytes a moment earlier: keep only one copy.
        storage.delete(saved)
    return content
