"""A new lesson told to every learner of a course: in chunks of ``NOTIFICATION_BATCH_SIZE``, each
at a constant number of queries, and safe to run again (no second row, no second e-mail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.learning.models import Enrollment
from django_coursehub.notifications import tasks
from django_coursehub.notifications.models import Notification
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    NotificationFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

IN_APP = "django_coursehub.notifications.channels.InAppChannel"
EMAIL = "django_coursehub.notifications.channels.EmailChannel"
FAILING = "tests.test_notifications_fanout.FailingOnSecondChunk"
LESSON_EMAILS_ON = {
    "lesson_published": True,
    "enrollment_confirmed": True,
    "certificate_issued": True,
    "review_received": True,
}

#: What one chunk costs: its learners (with e-mail and language), SAVEPOINT, who already has
#: the event, the INSERT, RELEASE SAVEPOINT, and the e-mail channel's read of their choices.
QUERIES_PER_CHUNK = 6
#: Once per delivery: the lesson with its course.
QUERIES_ONCE = 1


class CountingEmailBackend(EmailBackend):
    """The test mail backend, counting the connections opened."""

    opened = 0

    def open(self) -> bool:
        CountingEmailBackend.opened += 1
        return True


class FailingOnSecondChunk:
    """A channel that crashes the delivery on its second chunk, as a dying worker would."""

    calls = 0

    def deliver(self, notifications: Sequence[Notification]) -> None:
        FailingOnSecondChunk.calls += 1
        if FailingOnSecondChunk.calls == 2:
            raise RuntimeError("worker killed")


@pytest.fixture(autouse=True)
def _reset_counters() -> None:
    CountingEmailBackend.opened = 0
    FailingOnSecondChunk.calls = 0


@pytest.fixture
def course() -> Course:
    return CourseFactory(title="Python asoslari")


@pytest.fixture
def lesson(course: Course) -> Lesson:
    return LessonFactory(section=SectionFactory(course=course))


def learners(course: Course, count: int) -> list[Any]:
    return [EnrollmentFactory(course=course).user for _ in range(count)]


def configure(settings: Any, batch_size: int, **coursehub: Any) -> None:
    settings.COURSEHUB = {"NOTIFICATION_BATCH_SIZE": batch_size, **coursehub}


def fan_out(lesson: Lesson) -> int:
    return tasks.notify_lesson_published.call(lesson.pk)


@pytest.mark.parametrize(("count", "chunks"), [(1, 1), (5, 3)])
def test_each_chunk_costs_the_same_few_queries(
    settings, django_assert_num_queries, course, lesson, count, chunks
):
    configure(settings, 2)
    learners(course, count)

    with django_assert_num_queries(QUERIES_ONCE + chunks * QUERIES_PER_CHUNK):
        assert fan_out(lesson) == count


def test_a_last_full_chunk_costs_one_more_query_to_find_nothing_follows(
    settings, django_assert_num_queries, course, lesson
):
    configure(settings, 2)
    learners(course, 4)

    with django_assert_num_queries(QUERIES_ONCE + 2 * QUERIES_PER_CHUNK + 1):
        assert fan_out(lesson) == 4


def test_every_learner_is_reached_once_across_chunk_boundaries(settings, course, lesson):
    configure(settings, 3)
    reached = []
    for index in range(10):
        enrollment = EnrollmentFactory(course=course)
        if index % 3 == 1:  # cancelled learners in between shift where chunks end
            Enrollment.objects.filter(pk=enrollment.pk).update(status="cancelled")
        else:
            reached.append(enrollment.user.pk)

    assert fan_out(lesson) == len(reached)

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(reached)


def test_each_chunk_sends_its_emails_over_one_connection(settings, course, lesson):
    configure(settings, 2, NOTIFICATION_EMAIL_DEFAULTS=LESSON_EMAILS_ON)
    counting = "tests.test_notifications_fanout.CountingEmailBackend"
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": {"BACKEND": counting}}
    else:
        settings.EMAIL_BACKEND = counting
    everyone = learners(course, 5)

    fan_out(lesson)

    assert CountingEmailBackend.opened == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in everyone)


def test_running_the_fan_out_again_creates_nothing_and_sends_nothing(settings, course, lesson):
    configure(settings, 2, NOTIFICATION_EMAIL_DEFAULTS=LESSON_EMAILS_ON)
    learners(course, 5)
    fan_out(lesson)
    rows, sent = Notification.objects.count(), len(mail.outbox)

    assert fan_out(lesson) == 0

    assert (Notification.objects.count(), len(mail.outbox)) == (rows, sent) == (5, 5)


def test_a_retry_after_a_crash_notifies_only_those_the_crash_left_out(settings, course, lesson):
    configure(
        settings,
        2,
        NOTIFICATION_EMAIL_DEFAULTS=LESSON_EMAILS_ON,
        NOTIFICATION_CHANNELS=[IN_APP, EMAIL, FAILING],
    )
    everyone = learners(course, 5)
    with pytest.raises(RuntimeError):
        fan_out(lesson)
    assert Notification.objects.count() == 4  # two chunks stored, the crash after the second

    assert fan_out(lesson) == 1

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in everyone
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in everyone)


def test_learners_who_already_had_the_event_are_skipped_in_their_chunk(settings, course, lesson):
    configure(settings, 10, NOTIFICATION_EMAIL_DEFAULTS=LESSON_EMAILS_ON)
    first, second, third = learners(course, 3)
    NotificationFactory(recipient=second, event_key=f"lesson:{lesson.pk}")

    assert fan_out(lesson) == 2

    assert Notification.objects.filter(recipient=second).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, third.email])


def test_an_event_key_belongs_to_one_lesson(settings, course, lesson):
    configure(settings, 10)
    [learner] = learners(course, 1)
    other = LessonFactory(section=lesson.section)

    fan_out(lesson)
    fan_out(other)

    assert Notification.objects.filter(recipient=learner).count() == 2
