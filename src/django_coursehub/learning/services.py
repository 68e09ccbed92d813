"""Enrollments and progress: every write of the learning loop happens here.

Lock order, everywhere: the course row first (shared for anything a learner does, exclusive for
changes to the course's lessons), then the enrollment row. Completing a lesson therefore never
races a lesson being added or deleted, per-learner counters stay exact, and no two of these
transactions can wait on each other in a cycle.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_coursehub import signals
from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.exceptions import Conflict, NotFound, PaymentRequired, PermissionDenied
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.locking import lock_shared
from django_coursehub.payments.providers import accepts_currency, enabled_providers

NOT_ENROLLED = _("Enroll in this course first.")


def _send_on_commit(signal: Signal, **kwargs: Any) -> None:
    signals.send_on_commit(signal, sender=Enrollment, **kwargs)


def _change_enrollment_count(course_id: int, delta: int) -> None:
    Course.objects.filter(pk=course_id).update(enrollment_count=F("enrollment_count") + delta)


@transaction.atomic
def enrollment_grant(
    *, user: Any, course: Course, source: str = Enrollment.Source.MANUAL
) -> tuple[Enrollment, bool]:
    """Give ``user`` access to ``course`` whatever its price (purchases, staff, imports).

    Returns the enrollment and whether access was granted now (False: it already existed).
    A cancelled or refunded enrollment is re-activated with its progress intact.
    """
    if not lock_shared(Course, course.pk):
        # Deleted while we waited: an enrollment would break its foreign key at commit.
        raise NotFound(_("Course not found."))
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, course=course, source=source)
    except IntegrityError:
        enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
        if enrollment.has_access:
            if source == Enrollment.Source.PURCHASE != enrollment.source:
                # Bought on top of free or granted access: it now ends only with a refund.
                enrollment.source = source
                enrollment.save(update_fields=["source", "updated_at"])
            return enrollment, False
        was_counted = enrollment.status in Enrollment.ACCESS_STATUSES
        enrollment.status = (
            Enrollment.Status.COMPLETED if enrollment.completed_at else Enrollment.Status.ACTIVE
        )
        enrollment.source = source
        enrollment.expires_at = None
        enrollment.save(update_fields=["status", "source", "expires_at", "updated_at"])
        if not was_counted:
            _change_enrollment_count(course.pk, +1)
        _send_on_commit(signals.enrollment_created, enrollment=enrollment, reactivated=True)
        # Lessons deleted while the learner was away may have left nothing undone.
        _complete_if_done(enrollment, _lesson_count(course.pk))
        return enrollment, True
    _change_enrollment_count(course.pk, +1)
    _send_on_commit(signals.enrollment_created, enrollment=enrollment, reactivated=False)
    return enrollment, True


def _how_to_buy(course: Course) -> str:
    price = {"price": course.price, "currency": course.currency}
    providers = [name for name in enabled_providers() if accepts_currency(name, course.currency)]
    if not providers:
        return (
            _("This course costs %(price)s %(currency)s and cannot be bought online here.") % price
        )
    return _(
        "This course costs %(price)s %(currency)s. Buy it with an order: POST payments/orders/ "
        "with this course and a provider (%(providers)s); the payment enrolls you."
    ) % {**price, "providers": ", ".join(providers)}


def enrollment_create(*, user: Any, course: Course) -> tuple[Enrollment, bool]:
    """Enroll a learner in a published course.

    A free course is joined at once; a paid one raises :class:`PaymentRequired` unless the
    learner already has access. Enrolling twice returns the existing enrollment.
    """
    if course.status != Course.Status.PUBLISHED or not course.is_free:
        # Learners keep a course they hold, even once it is archived or no longer free.
        existing = Enrollment.objects.filter(user=user, course=course).first()
        if existing is not None and existing.has_access:
            return existing, False
    if course.status != Course.Status.PUBLISHED:
        raise NotFound(_("Course not found."))
    if not course.is_free:
        raise PaymentRequired(_how_to_buy(course), code="payment_required")
    return enrollment_grant(user=user, course=course, source=Enrollment.Source.FREE)


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment) -> Enrollment:
    """Leave a free course. Soft: the enrollment and its progress stay, and re-enrolling
    restores them.

    Purchased access ends with a refund, and access granted by staff is removed by staff, so
    neither can be left here (the learner could not come back on their own).
    """
    lock_shared(Course, enrollment.course_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in Enrollment.ACCESS_STATUSES:
        return enrollment
    if enrollment.source != Enrollment.Source.FREE:
        raise Conflict(
            _(
                "Only a free enrollment can be left: a purchase ends with a refund, and access "
                "granted by staff is withdrawn by staff."
            ),
            code="not_cancellable",
        )
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.save(update_fields=["status", "updated_at"])
    _change_enrollment_count(enrollment.course_id, -1)
    _send_on_commit(signals.enrollment_cancelled, enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_refund(*, user: Any, course: Course) -> Enrollment | None:
    """End the access a purchase gave: the enrollment becomes ``refunded``, its progress kept.

    Returns the enrollment (None when there is none). Access given since by other means (staff)
    is not the purchase's to take: only an enrollment whose source is ``purchase`` changes.
    """
    lock_shared(Course, course.pk)
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None or enrollment.source != Enrollment.Source.PURCHASE:
        return enrollment
    if enrollment.status == Enrollment.Status.REFUNDED:
        return enrollment
    was_counted = enrollment.status in Enrollment.ACCESS_STATUSES
    enrollment.status = Enrollment.Status.REFUNDED
    enrollment.save(update_fields=["status", "updated_at"])
    if was_counted:
        _change_enrollment_count(course.pk, -1)
    return enrollment


def _locked_enrollment(*, user: Any, course_id: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course_id=course_id).first()
    )
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied(NOT_ENROLLED, code="not_enrolled")
    return enrollment


def _current_lesson(lesson_id: int) -> Lesson:
    try:
        return Lesson.objects.get(pk=lesson_id)
    except Lesson.DoesNotExist as error:
        raise NotFound(_("Lesson not found.")) from error


def _lesson_count(course_id: int) -> int:
    return Course.objects.values_list("lesson_count", flat=True).get(pk=course_id)


def _complete_if_done(enrollment: Enrollment, total_lessons: int) -> None:
    if (
        enrollment.completed_at is None
        and total_lessons > 0
        and enrollment.completed_lessons >= total_lessons
    ):
        enrollment.completed_at = timezone.now()
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.save(update_fields=["completed_at", "status", "updated_at"])
        _send_on_commit(signals.course_completed, enrollment=enrollment)


@transaction.atomic
def lesson_complete(*, user: Any, lesson: Lesson) -> Enrollment:
    """Mark ``lesson`` completed for ``user`` (idempotent); the last one completes the course.

    Costs a constant number of queries: the enrollment keeps its count of completed lessons.
    Completion, once reached, is never taken away (lessons added later only lower the percent).
    """
    lock_shared(Course, lesson.course_id)
    enrollment = _locked_enrollment(user=user, course_id=lesson.course_id)
    lesson = _current_lesson(lesson.pk)
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if progress.completed_at is not None:
        return enrollment
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at", "updated_at"])
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_lessons=F("completed_lessons") + 1, updated_at=timezone.now()
    )
    enrollment.completed_lessons += 1
    _send_on_commit(signals.lesson_completed, enrollment=enrollment, lesson=lesson)
    _complete_if_done(enrollment, _lesson_count(lesson.course_id))
    return enrollment


@transaction.atomic
def lesson_position_save(*, user: Any, lesson: Lesson, position_seconds: int) -> LessonProgress:
    """Remember where the learner stopped in a lesson's video."""
    lock_shared(Course, lesson.course_id)
    enrollment = _locked_enrollment(user=user, course_id=lesson.course_id)
    lesson = _current_lesson(lesson.pk)
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    progress.position_seconds = position_seconds
    progress.save(update_fields=["position_seconds", "updated_at"])
    # Studying moves the course up in "my courses" (ordered by last activity).
    Enrollment.objects.filter(pk=enrollment.pk).update(updated_at=timezone.now())
    return progress


def lesson_progress_detach(*, lesson: Lesson) -> None:
    """Before ``lesson`` is deleted: it no longer counts in anyone's completed lessons."""
    Enrollment.objects.filter(progress__lesson=lesson, progress__completed_at__isnull=False).update(
        completed_lessons=F("completed_lessons") - 1
    )


def course_completions_settle(*, course_id: int) -> None:
    """After lessons were deleted: learners who have now done every lesson complete the course."""
    total = Lesson.objects.filter(course_id=course_id).count()
    if total == 0:
        return
    finished = Enrollment.objects.select_for_update().filter(
        course_id=course_id,
        status=Enrollment.Status.ACTIVE,
        completed_at__isnull=True,
        completed_lessons__gte=total,
    )
    for enrollment in finished:
        _complete_if_done(enrollment, total)
