"""Notification fan-out under parallel runs of one delivery: each learner is told once."""

from __future__ import annotations

from django.core import mail

from django_coursehub.notifications.models import Notification
from tests.concurrency.threads import THREADS, run_in_parallel
from tests.factories import CourseFactory, LessonFactory, SectionFactory
from tests.test_notifications_fanout import LESSON_EMAILS_ON, configure, fan_out, learners


def test_parallel_runs_of_one_fan_out_notify_and_email_each_learner_once(settings):
    configure(settings, 4, NOTIFICATION_EMAIL_DEFAULTS=LESSON_EMAILS_ON)
    course = CourseFactory()
    lesson = LessonFactory(section=SectionFactory(course=course))
    everyone = learners(course, 10)  # committed for real: their enrollments are confirmed
    mail.outbox.clear()

    created = run_in_parallel(lambda _: fan_out(lesson))

    assert sum(created) == 10
    assert len(created) == THREADS
    told = Notification.objects.filter(kind="lesson_published")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(u.pk for u in everyone)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in everyone)
