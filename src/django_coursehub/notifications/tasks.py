"""Background tasks of the notifications module, on Django's tasks framework.

Django 6 ships it as ``django.tasks``; on Django 5.2 the ``django-tasks`` backport provides the
same API as ``django_tasks``. Tasks take ids only (arguments must be JSON), read what they need
when they run, and are safe to run twice (see :mod:`~django_coursehub.notifications.delivery`).
They are enqueued on ``COURSEHUB["TASK_BACKEND"]`` once the current transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from django_coursehub.conf import app_settings
from django_coursehub.notifications import delivery

# Type-checked against Django 6's API, which the backport mirrors name for name.
if TYPE_CHECKING:
    from django.tasks import Task, task
else:
    try:
        from django.tasks import task
    except ImportError:
        from django_tasks import task


@task()
def notify_lesson_published(lesson_id: int) -> int:
    return delivery.lesson_published(lesson_id=lesson_id)


@task()
def notify_enrollment_confirmed(enrollment_id: int, confirmed_at: int) -> int:
    return delivery.enrollment_confirmed(enrollment_id=enrollment_id, confirmed_at=confirmed_at)


@task()
def notify_certificate_issued(certificate_id: int) -> int:
    return delivery.certificate_issued(certificate_id=certificate_id)


@task()
def notify_review_received(review_id: int) -> int:
    return delivery.review_received(review_id=review_id)


def enqueue_on_commit(notify: Task[Any, int], *args: int) -> None:
    """Enqueue ``notify(*args)`` on the configured backend once the transaction commits.

    ``robust``: a queue that refuses the task is logged, and never fails the change that was
    already committed.
    """
    transaction.on_commit(
        lambda: notify.using(backend=app_settings.TASK_BACKEND).enqueue(*args), robust=True
    )
