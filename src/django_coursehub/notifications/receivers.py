"""Signal receivers of the notifications module: each only enqueues a task (see ``tasks``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from django_coursehub import signals
from django_coursehub.notifications import tasks
from django_coursehub.notifications.delivery import microseconds


@receiver(signals.lesson_published, dispatch_uid="coursehub_notify_lesson_published")
def lesson_published(sender: Any, lesson: Any, **kwargs: Any) -> None:
    tasks.enqueue_on_commit(tasks.notify_lesson_published, lesson.pk)


@receiver(signals.enrollment_created, dispatch_uid="coursehub_notify_enrollment_created")
def enrollment_created(sender: Any, enrollment: Any, **kwargs: Any) -> None:
    tasks.enqueue_on_commit(
        tasks.notify_enrollment_confirmed, enrollment.pk, microseconds(enrollment.updated_at)
    )


@receiver(signals.certificate_issued, dispatch_uid="coursehub_notify_certificate_issued")
def certificate_issued(sender: Any, certificate: Any, **kwargs: Any) -> None:
    tasks.enqueue_on_commit(tasks.notify_certificate_issued, certificate.pk)


@receiver(signals.review_created, dispatch_uid="coursehub_notify_review_created")
def review_created(sender: Any, review: Any, **kwargs: Any) -> None:
    tasks.enqueue_on_commit(tasks.notify_review_received, review.pk)
