"""Who is notified of what, through which channel and in which language: each event from the
action that causes it (over HTTP where there is an endpoint) to the stored notification and the
e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.functional import lazy

from django_coursehub import signals
from django_coursehub.accounts.models import Profile
from django_coursehub.accounts.services import account_erase
from django_coursehub.catalog.models import Course, Lesson, Section
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning import services as learning_services
from django_coursehub.learning.models import Enrollment
from django_coursehub.notifications import delivery, tasks
from django_coursehub.notifications.models import Notification
from django_coursehub.payments.services import order_pay
from django_coursehub.reviews.services import review_create
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    NotificationPreferenceFactory,
    OrderFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

IN_APP = "django_coursehub.notifications.channels.InAppChannel"
EMAIL = "django_coursehub.notifications.channels.EmailChannel"
RECORDING = "tests.test_notifications_delivery.RecordingChannel"


class RecordingChannel:
    """A custom channel, as a project would write one: remembers what it was handed."""

    delivered: list[list[Notification]] = []

    def deliver(self, notifications: Sequence[Notification]) -> None:
        RecordingChannel.delivered.append(list(notifications))


@pytest.fixture(autouse=True)
def _forget_recorded() -> None:
    RecordingChannel.delivered.clear()


def notified(user: Any, kind: str | None = None) -> list[Notification]:
    notifications = Notification.objects.filter(recipient=user)
    if kind is not None:
        notifications = notifications.filter(kind=kind)
    return list(notifications)


def with_status(status: str, course: Course, **fields: Any) -> Any:
    enrollment = EnrollmentFactory(course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status, **fields)
    return enrollment.user


@pytest.fixture
def course(instructor: Any) -> Course:
    return CourseFactory(owner=instructor, title="Python asoslari")


@pytest.fixture
def section(course: Course) -> Section:
    return SectionFactory(course=course)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """``run_on_commit(call)``: call, then run what waits for the commit (signals, tasks)."""

    def run(call: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def add_lesson(run_on_commit: Any, owner: Any, section: Section, title: str = "Decorators") -> Any:
    response = run_on_commit(
        lambda: ApiClient(owner).post("/api/lessons/", {"section": section.pk, "title": title})
    )
    assert response.status_code == 201, response.content
    return Lesson.objects.get(pk=response.json()["id"])


def use_dummy_task_backend(settings: Any) -> Any:
    settings.TASKS = {
        "default": {"BACKEND": f"{settings.TASKS_PACKAGE}.backends.dummy.DummyBackend"}
    }
    return tasks.notify_lesson_published.get_backend()


# A new lesson ---------------------------------------------------------------------------------


def test_adding_a_lesson_notifies_every_learner_with_access_and_nobody_else(
    run_on_commit, instructor, course, section
):
    active = EnrollmentFactory(course=course).user
    completed = with_status("completed", course, completed_at=timezone.now())
    cancelled = with_status("cancelled", course)
    refunded = with_status("refunded", course)
    expired = EnrollmentFactory(course=course, user=UserFactory()).user
    Enrollment.objects.filter(user=expired).update(expires_at=timezone.now() - timedelta(days=1))
    elsewhere = EnrollmentFactory(course=CourseFactory()).user
    stranger = UserFactory()
    EnrollmentFactory(course=course, user=instructor)  # the owner, enrolled in their own course

    lesson = add_lesson(run_on_commit, instructor, section, "Decorators")

    for learner in (active, completed):
        [notification] = notified(learner)
        assert notification.kind == "lesson_published"
        assert notification.course_id == course.pk
        assert notification.lesson_id == lesson.pk
        assert notification.event_key == f"lesson:{lesson.pk}"
        assert notification.read_at is None
    for user in (cancelled, refunded, expired, elsewhere, stranger, instructor):
        assert notified(user) == []


def test_a_lesson_added_to_a_draft_course_notifies_nobody(run_on_commit, instructor):
    draft = DraftCourseFactory(owner=instructor)
    EnrollmentFactory(course=draft)

    add_lesson(run_on_commit, instructor, SectionFactory(course=draft))

    assert Notification.objects.count() == 0


def test_with_a_task_queue_the_request_only_enqueues_one_task_which_then_notifies(
    run_on_commit, settings, instructor, course, section
):
    learners = [EnrollmentFactory(course=course).user for _ in range(3)]
    backend = use_dummy_task_backend(settings)

    lesson = add_lesson(run_on_commit, instructor, section)

    assert Notification.objects.count() == 0
    [result] = backend.results
    assert result.task.func is tasks.notify_lesson_published.func
    assert result.args == [lesson.pk]

    result.task.call(*result.args, **result.kwargs)

    assert sorted(n.recipient_id for n in Notification.objects.all()) == [u.pk for u in learners]


def test_the_task_goes_to_the_configured_task_backend(run_on_commit, settings, course, section):
    immediate = f"{settings.TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
    settings.TASKS = {
        "default": {"BACKEND": immediate},
        "notifications": {"BACKEND": f"{settings.TASKS_PACKAGE}.backends.dummy.DummyBackend"},
    }
    settings.COURSEHUB = {"TASK_BACKEND": "notifications"}
    EnrollmentFactory(course=course)

    add_lesson(run_on_commit, course.owner, section)

    assert Notification.objects.count() == 0
    assert len(tasks.notify_lesson_published.using(backend="notifications").get_backend().results)


def test_a_queue_that_refuses_the_task_does_not_fail_the_request(
    run_on_commit, settings, course, section, caplog
):
    settings.COURSEHUB = {"TASK_BACKEND": "no-such-backend"}
    EnrollmentFactory(course=course)

    add_lesson(run_on_commit, course.owner, section)

    assert Lesson.objects.filter(course=course).count() == 1
    assert Notification.objects.count() == 0
    assert "no-such-backend" in caplog.text


def test_a_lesson_deleted_before_the_task_runs_notifies_nobody(course):
    EnrollmentFactory(course=course)

    assert tasks.notify_lesson_published.call(10**9) == 0
    assert Notification.objects.count() == 0


# Enrollment confirmed -------------------------------------------------------------------------


def test_joining_a_free_course_over_http_is_confirmed_once(run_on_commit, student, course):
    response = run_on_commit(
        lambda: ApiClient(student).post("/api/enrollments/", {"course": course.pk})
    )
    assert response.status_code == 201
    again = run_on_commit(
        lambda: ApiClient(student).post("/api/enrollments/", {"course": course.pk})
    )
    assert again.status_code == 200

    [notification] = notified(student)
    assert notification.kind == "enrollment_confirmed"
    assert notification.course_id == course.pk
    assert notification.lesson_id is None
    assert notification.title == "You are enrolled in “Python asoslari”"
    assert notified(course.owner) == []


def test_a_paid_course_is_confirmed_when_its_order_is_paid(run_on_commit, payments):
    order = OrderFactory()

    assert run_on_commit(lambda: order_pay(order)) is True

    [notification] = notified(order.buyer)
    assert notification.kind == "enrollment_confirmed"
    assert notification.course_id == order.course_id


def test_coming_back_to_a_course_is_confirmed_again_but_a_retry_is_not(
    run_on_commit, student, course
):
    enrollment = run_on_commit(
        lambda: learning_services.enrollment_create(user=student, course=course)
    )[0]
    learning_services.enrollment_cancel(enrollment=enrollment)
    back = run_on_commit(lambda: learning_services.enrollment_create(user=student, course=course))[
        0
    ]

    assert len(notified(student, "enrollment_confirmed")) == 2

    assert (
        tasks.notify_enrollment_confirmed.call(back.pk, delivery.microseconds(back.updated_at)) == 0
    )
    assert len(notified(student, "enrollment_confirmed")) == 2


def test_an_enrollment_left_before_the_task_runs_is_not_confirmed(student, course):
    enrollment, _granted = learning_services.enrollment_create(user=student, course=course)
    confirmed_at = delivery.microseconds(enrollment.updated_at)
    learning_services.enrollment_cancel(enrollment=enrollment)

    assert tasks.notify_enrollment_confirmed.call(enrollment.pk, confirmed_at) == 0
    assert notified(student) == []


# Reviews and certificates ---------------------------------------------------------------------


def test_a_review_notifies_the_course_owner_only(run_on_commit, course):
    reviewer = EnrollmentFactory(course=course, user=UserFactory(first_name="Dilnoza")).user
    reviewer.last_name = "Yusupova"
    reviewer.save()

    response = run_on_commit(
        lambda: ApiClient(reviewer).post("/api/reviews/", {"course": course.pk, "rating": 4})
    )

    assert response.status_code == 201, response.content
    [notification] = notified(course.owner)
    assert notification.kind == "review_received"
    assert notification.event_key == f"review:{response.json()['id']}"
    assert notification.body == "Dilnoza Yusupova rated “Python asoslari” 4 out of 5."
    assert notified(reviewer, "review_received") == []


def test_an_erased_reviewer_is_no_longer_named_in_the_owners_notifications(run_on_commit, course):
    Profile.objects.create(user=course.owner, preferred_language="uz")
    reviewer = EnrollmentFactory(
        course=course, user=UserFactory(first_name="Dilnoza", last_name="Yusupova")
    ).user
    other = EnrollmentFactory(course=course, user=UserFactory(first_name="Aziz")).user
    for learner, rating in ((reviewer, 4), (other, 5)):
        run_on_commit(partial(review_create, user=learner, course=course, rating=rating))
    read_at = timezone.now()
    Notification.objects.filter(recipient=course.owner).update(read_at=read_at)

    run_on_commit(lambda: account_erase(user=reviewer))

    bodies = {n.body: n.read_at for n in notified(course.owner, "review_received")}
    assert bodies == {
        f"erased-{reviewer.pk} “Python asoslari” kursini 5 dan 4 ga baholadi.": read_at,
        f"{other.get_full_name()} “Python asoslari” kursini 5 dan 5 ga baholadi.": read_at,
    }


def issue_certificate(enrollment: Enrollment, **fields: Any) -> Certificate:
    return Certificate.objects.create(
        code=fields.pop("code", "CH-7Q2M-XK4D"),
        enrollment=enrollment,
        user=enrollment.user,
        course=enrollment.course,
        issued_at=timezone.now(),
        holder_name="Aziz Karimov",
        course_title=fields.pop("course_title", enrollment.course.title),
        instructor_name="Instructor",
        lesson_count=3,
        total_duration=900,
        language="uz",
        issuer_name="CourseHub",
        **fields,
    )


def test_an_issued_certificate_notifies_its_holder(run_on_commit, course):
    enrollment = EnrollmentFactory(course=course)
    # What the certificate says, even once the course is renamed.
    certificate = issue_certificate(enrollment, course_title="Python (2026)")

    run_on_commit(
        lambda: signals.send_on_commit(
            signals.certificate_issued, sender=Certificate, certificate=certificate
        )
    )

    [notification] = notified(enrollment.user, "certificate_issued")
    assert notification.title == "Your certificate for “Python (2026)”"
    assert "CH-7Q2M-XK4D" in notification.body
    assert notification.course_id == course.pk
    assert notification.event_key == f"certificate:{certificate.pk}"


def test_a_certificate_revoked_before_the_task_runs_is_not_announced(course):
    certificate = issue_certificate(
        EnrollmentFactory(course=course), status="revoked", revoked_at=timezone.now()
    )

    assert tasks.notify_certificate_issued.call(certificate.pk) == 0
    assert Notification.objects.count() == 0


# Language -------------------------------------------------------------------------------------


def _language_marker(template: str) -> Any:
    return lazy(lambda: f"[{translation.get_language()}] {template}", str)()


def test_each_recipient_reads_the_message_in_their_own_language(
    run_on_commit, monkeypatch, settings, instructor, course, section
):
    settings.LANGUAGES = [("en", "English"), ("uz", "Uzbek"), ("ru", "Russian")]
    monkeypatch.setitem(
        delivery.MESSAGES,
        "lesson_published",
        (_language_marker("%(course)s"), _language_marker("%(lesson)s")),
    )
    languages = {"ru": "ru", "uz": "uz", "de": "en", "": "en"}
    learners = {}
    for preferred in languages:
        learner = EnrollmentFactory(course=course).user
        Profile.objects.create(user=learner, preferred_language=preferred)
        learners[preferred] = learner
    without_profile = EnrollmentFactory(course=course).user

    add_lesson(run_on_commit, instructor, section, "Decorators")

    for preferred, expected in languages.items():
        [notification] = notified(learners[preferred])
        assert notification.title == f"[{expected}] Python asoslari", preferred
        assert notification.body == f"[{expected}] Decorators"
    assert notified(without_profile)[0].title == "[en] Python asoslari"


def test_titles_are_in_the_site_language_by_default(run_on_commit, instructor, course, section):
    learner = EnrollmentFactory(course=course).user

    with translation.override("ru"):  # the instructor's request language does not leak
        add_lesson(run_on_commit, instructor, section, "Decorators")

    [notification] = notified(learner)
    assert notification.title == "New lesson in “Python asoslari”"
    assert notification.body == "“Decorators” was added to “Python asoslari”. It is ready for you."


# Channels -------------------------------------------------------------------------------------


def test_email_follows_each_recipients_choice_else_the_default(
    run_on_commit, settings, instructor, course, section
):
    settings.DEFAULT_FROM_EMAIL = "courses@example.uz"
    by_default = EnrollmentFactory(course=course).user  # lesson_published: e-mail off
    opted_in = EnrollmentFactory(course=course).user
    NotificationPreferenceFactory(user=opted_in, kind="lesson_published", email=True)
    no_address = EnrollmentFactory(course=course, user=UserFactory(email="")).user
    NotificationPreferenceFactory(user=no_address, kind="lesson_published", email=True)

    add_lesson(run_on_commit, instructor, section, "Decorators")

    [message] = mail.outbox
    assert message.to == [opted_in.email]
    assert message.from_email == "courses@example.uz"
    assert message.subject == "New lesson in “Python asoslari”"
    assert message.body == notified(opted_in)[0].body
    # In-app is always on.
    for user in (by_default, opted_in, no_address):
        assert len(notified(user)) == 1


def test_email_can_be_turned_off_for_a_kind_sent_by_default(run_on_commit, student, course):
    NotificationPreferenceFactory(user=student, kind="enrollment_confirmed", email=False)
    other = UserFactory()

    run_on_commit(lambda: learning_services.enrollment_create(user=student, course=course))
    run_on_commit(lambda: learning_services.enrollment_create(user=other, course=course))

    assert [m.to for m in mail.outbox] == [[other.email]]
    assert len(notified(student)) == 1


def test_defaults_come_from_the_settings(run_on_commit, settings, student, course):
    settings.COURSEHUB = {
        "NOTIFICATION_EMAIL_DEFAULTS": {
            "lesson_published": False,
            "enrollment_confirmed": False,
            "certificate_issued": True,
            "review_received": True,
        }
    }

    run_on_commit(lambda: learning_services.enrollment_create(user=student, course=course))

    assert mail.outbox == []


def test_a_custom_channel_gets_each_new_notification_once_with_its_recipient(
    run_on_commit, settings, instructor, course, section
):
    settings.COURSEHUB = {"NOTIFICATION_CHANNELS": [IN_APP, RECORDING]}
    learner = EnrollmentFactory(course=course).user

    lesson = add_lesson(run_on_commit, instructor, section)
    tasks.notify_lesson_published.call(lesson.pk)

    [[notification]] = RecordingChannel.delivered
    assert notification.pk == notified(learner)[0].pk
    assert notification.recipient.email == learner.email
    assert mail.outbox == []  # the e-mail channel is not configured


def test_without_the_in_app_channel_nothing_is_delivered(settings, course):
    settings.COURSEHUB = {"NOTIFICATION_CHANNELS": [EMAIL]}
    enrollment = EnrollmentFactory(course=course)

    with pytest.raises(ImproperlyConfigured, match="in-app"):
        tasks.notify_enrollment_confirmed.call(enrollment.pk, 1)
    assert Notification.objects.count() == 0


def test_a_review_of_ones_own_course_notifies_nobody(course):
    from django_coursehub.reviews.models import Review

    review = Review.objects.create(course=course, user=course.owner, rating=5)

    assert tasks.notify_review_received.call(review.pk) == 0


def test_an_instructor_is_notified_of_reviews_of_each_of_their_courses(run_on_commit):
    owner = InstructorFactory()
    courses = CourseFactory.create_batch(2, owner=owner)
    for course in courses:
        learner = EnrollmentFactory(course=course).user
        run_on_commit(
            lambda course=course, learner=learner: ApiClient(learner).post(
                "/api/reviews/", {"course": course.pk, "rating": 5}
            )
        )

    assert sorted(n.course_id for n in notified(owner)) == sorted(c.pk for c in courses)
