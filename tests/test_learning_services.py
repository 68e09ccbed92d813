"""Learning services called directly: enrolling, leaving, completing lessons, and their signals."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from django_coursehub import signals
from django_coursehub.catalog import services as catalog_services
from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.exceptions import Conflict, NotFound, PaymentRequired, PermissionDenied
from django_coursehub.learning import services
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.learning.selectors import progress_of
from tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNAL_NAMES = (
    "enrollment_created",
    "enrollment_cancelled",
    "lesson_completed",
    "course_completed",
)


def build_course(
    *, lessons: tuple[int, ...] = (2, 1), **fields: Any
) -> tuple[Course, list[Lesson]]:
    """A course whose sections hold ``lessons[i]`` lessons each; lessons in outline order."""
    course = CourseFactory(**fields)
    outline: list[Lesson] = []
    for count in lessons:
        outline += LessonFactory.create_batch(count, section=SectionFactory(course=course))
    course.refresh_from_db()
    return course, outline


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def enrollment_count(course: Course) -> int:
    return fresh(course).enrollment_count


def completed_rows(enrollment: Enrollment) -> int:
    return LessonProgress.objects.filter(
        enrollment=enrollment, completed_at__isnull=False, lesson__isnull=False
    ).count()


def percent(enrollment: Enrollment) -> int:
    return progress_of(fresh(enrollment)).percent


def enroll(user: Any, course: Course) -> Enrollment:
    return services.enrollment_create(user=user, course=course)[0]


def complete_all(user: Any, lessons: list[Lesson]) -> None:
    for lesson in lessons:
        services.lesson_complete(user=user, lesson=lesson)


@pytest.fixture
def course() -> Course:
    return build_course()[0]


@pytest.fixture
def lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(course=course).order_by("section__order", "order"))


@pytest.fixture
def learner(student: Any, course: Course) -> Any:
    enroll(student, course)
    return student


@pytest.fixture
def enrollment(learner: Any, course: Course) -> Enrollment:
    return Enrollment.objects.get(user=learner, course=course)


@pytest.fixture
def paid_course() -> Course:
    return build_course(price=Decimal("120000.00"))[0]


@pytest.fixture
def sent() -> Iterator[list[tuple[str, Any, dict[str, Any]]]]:
    """Every package signal received: ``(name, sender, arguments)``, in order."""
    records: list[tuple[str, Any, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        def receive(sender: Any, signal: Any, **kwargs: Any) -> None:
            records.append((name, sender, kwargs))

        return receive

    receivers = {name: recorder(name) for name in SIGNAL_NAMES}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, weak=False)
    yield records
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def names(records: list[tuple[str, Any, dict[str, Any]]]) -> list[str]:
    return [name for name, _sender, _kwargs in records]


# enrollment_create ------------------------------------------------------------------------


def test_enrolling_in_a_free_course_creates_an_active_free_enrollment(student, course):
    enrollment, granted = services.enrollment_create(user=student, course=course)

    assert granted is True
    assert (enrollment.status, enrollment.source) == ("active", "free")
    assert (enrollment.user, enrollment.course) == (student, course)
    assert enrollment.completed_at is None
    assert enrollment_count(course) == 1


def test_enrolling_in_a_paid_course_requires_payment_and_creates_nothing(student, paid_course):
    with pytest.raises(PaymentRequired) as raised:
        services.enrollment_create(user=student, course=paid_course)

    assert raised.value.code == "payment_required"
    assert "120000.00" in str(raised.value.message)
    assert not Enrollment.objects.exists()
    assert enrollment_count(paid_course) == 0


def test_enrolling_twice_returns_the_existing_enrollment_without_a_second_row(student, course):
    first, _ = services.enrollment_create(user=student, course=course)

    again, granted = services.enrollment_create(user=student, course=course)

    assert granted is False
    assert again.pk == first.pk
    assert Enrollment.objects.count() == 1
    assert enrollment_count(course) == 1


def test_a_buyer_enrolling_again_in_a_paid_course_gets_the_existing_enrollment(
    student, paid_course
):
    bought, _ = services.enrollment_grant(
        user=student, course=paid_course, source=Enrollment.Source.PURCHASE
    )

    again, granted = services.enrollment_create(user=student, course=paid_course)

    assert (again.pk, granted) == (bought.pk, False)
    assert enrollment_count(paid_course) == 1


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_a_course_that_is_not_published_cannot_be_enrolled_in(student, status):
    course = DraftCourseFactory(status=status)

    with pytest.raises(NotFound):
        services.enrollment_create(user=student, course=course)

    assert not Enrollment.objects.exists()
    assert enrollment_count(course) == 0


def test_a_learner_of_an_archived_course_enrolling_again_keeps_the_enrollment(
    enrollment, learner, course
):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.ARCHIVED)

    again, granted = services.enrollment_create(user=learner, course=fresh(course))

    assert (again.pk, granted) == (enrollment.pk, False)


def test_a_cancelled_enrollment_is_reactivated_with_its_progress_intact(
    enrollment, learner, course, lessons
):
    services.lesson_complete(user=learner, lesson=lessons[0])
    services.lesson_position_save(user=learner, lesson=lessons[1], position_seconds=42)
    services.enrollment_cancel(enrollment=enrollment)

    again, granted = services.enrollment_create(user=learner, course=course)

    assert (again.pk, granted) == (enrollment.pk, True)
    assert again.status == Enrollment.Status.ACTIVE
    assert fresh(again).completed_lessons == completed_rows(again) == 1
    assert LessonProgress.objects.get(enrollment=again, lesson=lessons[1]).position_seconds == 42
    assert Enrollment.objects.count() == 1


def test_enrollment_count_stays_exact_through_create_cancel_and_re_enroll(course):
    first, second = UserFactory(), UserFactory()

    enroll(first, course)
    enroll(second, course)
    enroll(second, course)
    assert enrollment_count(course) == 2

    services.enrollment_cancel(enrollment=Enrollment.objects.get(user=first))
    services.enrollment_cancel(enrollment=Enrollment.objects.get(user=first))
    assert enrollment_count(course) == 1

    enroll(first, course)
    enroll(first, course)
    assert enrollment_count(course) == 2
    assert (
        enrollment_count(course)
        == Enrollment.objects.filter(course=course, status__in=Enrollment.ACCESS_STATUSES).count()
    )


def test_a_graduate_who_left_comes_back_still_completed(enrollment, learner, course, lessons):
    complete_all(learner, lessons)
    completed_at = fresh(enrollment).completed_at
    services.enrollment_cancel(enrollment=enrollment)

    again = enroll(learner, course)

    assert again.status == Enrollment.Status.COMPLETED
    assert fresh(again).completed_at == completed_at


def test_a_returning_learner_completes_the_course_when_the_lessons_left_were_deleted(
    enrollment, learner, course, lessons
):
    complete_all(learner, lessons[:-1])
    services.enrollment_cancel(enrollment=enrollment)
    catalog_services.lesson_delete(lesson=lessons[-1])

    again = fresh(enroll(learner, course))

    assert again.status == Enrollment.Status.COMPLETED
    assert again.completed_at is not None
    assert percent(again) == 100


# enrollment_grant -------------------------------------------------------------------------


def test_a_purchase_grants_a_paid_course(student, paid_course):
    enrollment, granted = services.enrollment_grant(
        user=student, course=paid_course, source=Enrollment.Source.PURCHASE
    )

    assert granted is True
    assert (enrollment.status, enrollment.source) == ("active", "purchase")
    assert enrollment_count(paid_course) == 1


def test_a_grant_is_manual_unless_told_otherwise(student, paid_course):
    enrollment, _ = services.enrollment_grant(user=student, course=paid_course)

    assert enrollment.source == Enrollment.Source.MANUAL


def test_granting_access_twice_grants_it_once(student, paid_course):
    first, _ = services.enrollment_grant(user=student, course=paid_course)

    again, granted = services.enrollment_grant(
        user=student, course=paid_course, source=Enrollment.Source.PURCHASE
    )

    assert (again.pk, granted) == (first.pk, False)
    assert enrollment_count(paid_course) == 1


def test_a_purchase_reactivates_a_cancelled_enrollment_as_purchased(enrollment, learner, course):
    services.enrollment_cancel(enrollment=enrollment)

    again, granted = services.enrollment_grant(
        user=learner, course=course, source=Enrollment.Source.PURCHASE
    )

    assert (again.pk, granted) == (enrollment.pk, True)
    assert (fresh(again).status, fresh(again).source) == ("active", "purchase")
    assert enrollment_count(course) == 1


# enrollment_cancel ------------------------------------------------------------------------


def test_cancelling_keeps_the_enrollment_and_its_progress(enrollment, learner, course, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    cancelled = services.enrollment_cancel(enrollment=enrollment)

    assert cancelled.status == Enrollment.Status.CANCELLED
    assert fresh(enrollment).status == Enrollment.Status.CANCELLED
    assert completed_rows(enrollment) == fresh(enrollment).completed_lessons == 1
    assert enrollment_count(course) == 0


def test_cancelling_twice_counts_the_departure_once(enrollment, course):
    services.enrollment_cancel(enrollment=enrollment)
    again = services.enrollment_cancel(enrollment=enrollment)

    assert again.status == Enrollment.Status.CANCELLED
    assert enrollment_count(course) == 0


def test_access_granted_by_staff_cannot_be_left_by_the_learner(student, paid_course):
    enrollment, _ = services.enrollment_grant(user=student, course=paid_course)

    with pytest.raises(Conflict) as raised:
        services.enrollment_cancel(enrollment=enrollment)

    assert raised.value.code == "not_cancellable"
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


def test_a_purchased_enrollment_is_not_cancelled_but_refunded(student, paid_course):
    enrollment, _ = services.enrollment_grant(
        user=student, course=paid_course, source=Enrollment.Source.PURCHASE
    )

    with pytest.raises(Conflict) as raised:
        services.enrollment_cancel(enrollment=enrollment)

    assert raised.value.code == "not_cancellable"
    assert fresh(enrollment).status == Enrollment.Status.ACTIVE
    assert enrollment_count(paid_course) == 1


# lesson_complete --------------------------------------------------------------------------


def test_completing_a_lesson_records_it_and_counts_it(enrollment, learner, lessons):
    result = services.lesson_complete(user=learner, lesson=lessons[0])

    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lessons[0])
    assert progress.completed_at is not None
    assert result.completed_lessons == fresh(enrollment).completed_lessons == 1
    assert percent(enrollment) == 33
    assert fresh(enrollment).completed_at is None


def test_completing_a_lesson_twice_changes_nothing(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])
    first = LessonProgress.objects.get(enrollment=enrollment, lesson=lessons[0])

    services.lesson_complete(user=learner, lesson=lessons[0])

    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    assert fresh(first).completed_at == first.completed_at
    assert fresh(enrollment).completed_lessons == 1


def test_completing_a_lesson_after_watching_it_keeps_the_position(enrollment, learner, lessons):
    services.lesson_position_save(user=learner, lesson=lessons[0], position_seconds=120)

    services.lesson_complete(user=learner, lesson=lessons[0])

    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lessons[0])
    assert (progress.position_seconds, progress.completed_at is not None) == (120, True)
    assert fresh(enrollment).completed_lessons == 1


def test_someone_not_enrolled_cannot_complete_a_lesson(student, lessons):
    with pytest.raises(PermissionDenied) as raised:
        services.lesson_complete(user=student, lesson=lessons[0])

    assert raised.value.code == "not_enrolled"
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("status", [Enrollment.Status.CANCELLED, Enrollment.Status.REFUNDED])
def test_a_learner_without_access_cannot_complete_a_lesson(enrollment, learner, lessons, status):
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status)

    with pytest.raises(PermissionDenied):
        services.lesson_complete(user=learner, lesson=lessons[0])

    assert not LessonProgress.objects.exists()
    assert fresh(enrollment).completed_lessons == 0


def test_enrollment_in_one_course_does_not_open_the_lessons_of_another(learner):
    other = LessonFactory()

    with pytest.raises(PermissionDenied):
        services.lesson_complete(user=learner, lesson=other)


def test_completing_a_lesson_deleted_meanwhile_is_not_found(enrollment, learner, lessons):
    stale = Lesson.objects.get(pk=lessons[0].pk)
    catalog_services.lesson_delete(lesson=lessons[0])

    with pytest.raises(NotFound):
        services.lesson_complete(user=learner, lesson=stale)

    assert fresh(enrollment).completed_lessons == 0
    assert not LessonProgress.objects.exists()


def test_completing_the_last_lesson_completes_the_course_once(
    enrollment, learner, lessons, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete_all(learner, lessons)
    completed = fresh(enrollment)

    with django_capture_on_commit_callbacks(execute=True):
        complete_all(learner, lessons)

    assert completed.status == Enrollment.Status.COMPLETED
    assert completed.completed_at is not None
    assert fresh(enrollment).completed_at == completed.completed_at
    assert percent(enrollment) == 100
    assert names(sent).count("course_completed") == 1
    assert names(sent)[-1] == "course_completed"


def test_lessons_added_later_lower_the_percent_but_keep_the_completion(
    enrollment, learner, course, lessons, sent, django_capture_on_commit_callbacks
):
    complete_all(learner, lessons)
    completed_at = fresh(enrollment).completed_at

    added = catalog_services.lesson_create(section=lessons[-1].section, title="Bonus")

    assert percent(enrollment) == 75
    assert fresh(enrollment).status == Enrollment.Status.COMPLETED
    assert fresh(enrollment).completed_at == completed_at
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=learner, lesson=added)
    assert percent(enrollment) == 100
    assert fresh(enrollment).completed_at == completed_at
    assert names(sent) == ["lesson_completed"]


def test_deleting_a_completed_lesson_lowers_completed_lessons(enrollment, learner, lessons):
    complete_all(learner, lessons[:2])

    catalog_services.lesson_delete(lesson=lessons[0])

    assert fresh(enrollment).completed_lessons == completed_rows(enrollment) == 1
    assert percent(enrollment) == 50


def test_deleting_an_undone_lesson_leaves_completed_lessons_alone(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    catalog_services.lesson_delete(lesson=lessons[1])

    assert fresh(enrollment).completed_lessons == 1
    assert percent(enrollment) == 50


def test_progress_of_a_deleted_lesson_is_kept_detached(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    catalog_services.lesson_delete(lesson=lessons[0])

    progress = LessonProgress.objects.get(enrollment=enrollment)
    assert (progress.lesson_id, progress.completed_at is not None) == (None, True)


def test_deleting_the_only_lesson_left_completes_the_course_for_who_did_all_the_others(
    course, lessons, sent, django_capture_on_commit_callbacks
):
    diligent, halfway, departed = UserFactory(), UserFactory(), UserFactory()
    for user in (diligent, halfway, departed):
        enroll(user, course)
    complete_all(diligent, lessons[:-1])
    complete_all(halfway, lessons[:1])
    complete_all(departed, lessons[:-1])
    services.enrollment_cancel(enrollment=Enrollment.objects.get(user=departed))

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.lesson_delete(lesson=lessons[-1])

    done = Enrollment.objects.get(user=diligent)
    assert (done.status, done.completed_at is not None, progress_of(done).percent) == (
        "completed",
        True,
        100,
    )
    assert Enrollment.objects.get(user=halfway).completed_at is None
    assert Enrollment.objects.get(user=departed).status == Enrollment.Status.CANCELLED
    assert [(name, kwargs["enrollment"].pk) for name, _s, kwargs in sent] == [
        ("course_completed", done.pk)
    ]


def test_deleting_a_section_keeps_every_learners_count_exact(enrollment, learner, lessons):
    complete_all(learner, lessons[:2])
    services.lesson_complete(user=learner, lesson=lessons[2])

    catalog_services.section_delete(section=lessons[0].section)

    assert fresh(enrollment).completed_lessons == completed_rows(enrollment) == 1
    assert percent(enrollment) == 100
    assert fresh(enrollment).status == Enrollment.Status.COMPLETED


def test_deleting_every_lesson_completes_nobody(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    for lesson in lessons:
        catalog_services.lesson_delete(lesson=lesson)

    assert fresh(enrollment).completed_lessons == 0
    assert fresh(enrollment).completed_at is None
    assert percent(enrollment) == 0


def test_moving_lessons_within_the_course_keeps_progress(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[2])

    catalog_services.lesson_move(lesson=lessons[2], position=0, section=lessons[0].section)

    assert fresh(enrollment).completed_lessons == 1
    assert percent(enrollment) == 33


# lesson_position_save ---------------------------------------------------------------------


def test_saving_a_position_remembers_it_without_completing(enrollment, learner, lessons):
    services.lesson_position_save(user=learner, lesson=lessons[0], position_seconds=30)
    saved = services.lesson_position_save(user=learner, lesson=lessons[0], position_seconds=95)

    assert saved.position_seconds == 95
    assert LessonProgress.objects.get(enrollment=enrollment).position_seconds == 95
    assert saved.completed_at is None
    assert fresh(enrollment).completed_lessons == 0


def test_saving_a_position_keeps_a_completion(enrollment, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    saved = services.lesson_position_save(user=learner, lesson=lessons[0], position_seconds=5)

    assert saved.completed_at is not None
    assert fresh(enrollment).completed_lessons == 1


def test_someone_not_enrolled_cannot_save_a_position(student, lessons):
    with pytest.raises(PermissionDenied):
        services.lesson_position_save(user=student, lesson=lessons[0], position_seconds=1)

    assert not LessonProgress.objects.exists()


def test_a_cancelled_learner_cannot_save_a_position(enrollment, learner, lessons):
    services.enrollment_cancel(enrollment=enrollment)

    with pytest.raises(PermissionDenied):
        services.lesson_position_save(user=learner, lesson=lessons[0], position_seconds=1)


# Signals ----------------------------------------------------------------------------------


def test_enrolling_sends_enrollment_created_with_the_enrollment(
    student, course, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enroll(student, course)
        enroll(student, course)

    assert sent == [
        ("enrollment_created", Enrollment, {"enrollment": enrollment, "reactivated": False})
    ]


def test_coming_back_sends_enrollment_created_as_a_reactivation(
    enrollment, learner, course, sent, django_capture_on_commit_callbacks
):
    services.enrollment_cancel(enrollment=enrollment)

    with django_capture_on_commit_callbacks(execute=True):
        enroll(learner, course)

    assert [(name, kwargs) for name, _sender, kwargs in sent] == [
        ("enrollment_created", {"enrollment": enrollment, "reactivated": True})
    ]


def test_a_purchase_sends_enrollment_created(
    student, paid_course, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment, _ = services.enrollment_grant(
            user=student, course=paid_course, source=Enrollment.Source.PURCHASE
        )

    assert sent == [
        ("enrollment_created", Enrollment, {"enrollment": enrollment, "reactivated": False})
    ]


def test_leaving_sends_enrollment_cancelled_once(
    enrollment, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(enrollment=enrollment)
        services.enrollment_cancel(enrollment=enrollment)

    assert sent == [("enrollment_cancelled", Enrollment, {"enrollment": enrollment})]
    assert sent[0][2]["enrollment"].status == Enrollment.Status.CANCELLED


def test_completing_a_lesson_sends_lesson_completed_once(
    enrollment, learner, lessons, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=learner, lesson=lessons[0])
        services.lesson_complete(user=learner, lesson=lessons[0])

    assert sent == [
        ("lesson_completed", Enrollment, {"enrollment": enrollment, "lesson": lessons[0]})
    ]


def test_the_last_lesson_sends_lesson_completed_then_course_completed(
    enrollment, learner, lessons, sent, django_capture_on_commit_callbacks
):
    complete_all(learner, lessons[:-1])

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=learner, lesson=lessons[-1])

    assert [(name, sender) for name, sender, _kwargs in sent] == [
        ("lesson_completed", Enrollment),
        ("course_completed", Enrollment),
    ]
    assert sent[0][2] == {"enrollment": enrollment, "lesson": lessons[-1]}
    assert sent[1][2] == {"enrollment": enrollment}
    assert sent[1][2]["enrollment"].completed_at is not None


def test_signals_wait_for_the_commit(student, course, lessons, sent):
    # The test's transaction never commits, so nothing may have been sent.
    enrollment = enroll(student, course)
    complete_all(student, lessons)
    services.enrollment_cancel(enrollment=enrollment)

    assert fresh(enrollment).completed_at is not None
    assert sent == []


def test_no_signal_is_sent_when_the_transaction_rolls_back(
    student, course, lessons, sent, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        enrollment = enroll(student, course)
        complete_all(student, lessons)
        services.enrollment_cancel(enrollment=enrollment)
        raise Abort

    assert callbacks == []
    assert sent == []
    assert not Enrollment.objects.exists()
    assert enrollment_count(course) == 0


def test_a_refused_completion_sends_nothing(
    student, lessons, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.lesson_complete(user=student, lesson=lessons[0])

    assert sent == []


def test_a_failing_receiver_neither_fails_the_change_nor_silences_other_receivers(
    learner, course, lessons, caplog, django_capture_on_commit_callbacks
):
    heard: list[str] = []

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("receiver bug")

    def working(**kwargs: Any) -> None:
        heard.append("lesson_completed")

    signals.lesson_completed.connect(broken, dispatch_uid="broken-test-receiver")
    signals.lesson_completed.connect(working, dispatch_uid="working-test-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.lesson_complete(user=learner, lesson=lessons[0])
    finally:
        signals.lesson_completed.disconnect(dispatch_uid="broken-test-receiver")
        signals.lesson_completed.disconnect(dispatch_uid="working-test-receiver")

    assert heard == ["lesson_completed"]
    assert LessonProgress.objects.filter(completed_at__isnull=False).count() == 1
    assert "receiver bug" in caplog.text
