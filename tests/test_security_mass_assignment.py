"""Mass assignment (OWASP API3): no client sets a field it does not own.

The contract (docs/api.md, "Requests") is that unknown fields in a body are ignored. Each case
sends one valid request plus one protected field carrying the attacker's value — owner, counters,
ratings, status fields, staff and instructor flags, the user an object belongs to, enrollment
status and source, order amounts, certificate fields, notification recipients and read times —
and proves that the request is refused with a 4xx naming the field, or succeeds while the stored
row holds the value the server decides, never the client's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse

from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.catalog.models import Course, Lesson, Section
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.notifications.models import Notification
from django_coursehub.payments.models import Order
from django_coursehub.reviews.models import Review
from django_coursehub.wishlist.models import WishlistItem
from tests.conftest import ApiClient
from tests.factories import PASSWORD, CourseFactory, SectionFactory
from tests.test_security_authorization import World, build_world, snapshot

pytestmark = pytest.mark.django_db

LONG_AGO = "2001-01-01T00:00:00Z"
#: An honest value the server chooses freely (a generated code...): only "not the client's".
ANY = object()
Read = Callable[[World, HttpResponse], Any]


@dataclass(frozen=True)
class Attempt:
    """``role`` sends ``method path`` with ``body`` plus ``field: value``.

    ``stored(world, response)`` reads what the database holds afterwards; ``honest(world)``,
    read before the request, is what it must hold: the server's value, not the client's.
    """

    method: str
    path: Callable[[World], str]
    role: str
    body: Callable[[World], dict[str, Any]]
    field: str
    value: Callable[[World], Any]
    stored: Read
    honest: Callable[[World], Any]


def _path(template: str, target: Callable[[World], Any] | None = None) -> Callable[[World], str]:
    def path(world: World) -> str:
        return template.format(id=target(world)) if target else template

    path.__doc__ = template
    return path


def const(value: Any) -> Callable[[World], Any]:
    return lambda world: value


def created(model: type[Any], attribute: str) -> Read:
    """The attribute of the row the answer describes (its ``id``)."""

    def read(world: World, response: HttpResponse) -> Any:
        row = model.objects.get(pk=response.json()["id"])
        return _value(row, attribute)

    return read


def row_of(model: type[Any], pick: Callable[[World], Any], attribute: str) -> Read:
    def read(world: World, response: HttpResponse) -> Any:
        return _value(model.objects.get(pk=pick(world).pk), attribute)

    return read


def _value(row: Any, attribute: str) -> Any:
    for name in attribute.split("."):
        row = getattr(row, name)
    return row() if callable(row) else row


def current(model: type[Any], pick: Callable[[World], Any], attribute: str) -> Callable:
    """The value before the request: an update must leave it as it was."""
    return lambda world: _value(model.objects.get(pk=pick(world).pk), attribute)


def user(role: str) -> Callable[[World], Any]:
    return lambda world: world.users[role]


def user_id(role: str) -> Callable[[World], int]:
    return lambda world: world.users[role].pk


User = get_user_model()


# Accounts ---------------------------------------------------------------------------------

REGISTER = _path("/api/auth/register/")
PROFILE = _path("/api/auth/profile/")


def _registered(attribute: str) -> Read:
    def read(world: World, response: HttpResponse) -> Any:
        return _value(User.objects.get(username="mallory"), attribute)

    return read


def _registered_is_instructor(world: World, response: HttpResponse) -> bool:
    return is_instructor(User.objects.get(username="mallory"))


def _register_body(world: World) -> dict[str, Any]:
    return {"username": "mallory", "email": "mallory@example.uz", "password": "Another-Horse-77"}


def _student_is_instructor(world: World, response: HttpResponse) -> bool:
    return is_instructor(User.objects.get(pk=world.users["student"].pk))


def _student_password_still_works(world: World, response: HttpResponse) -> bool:
    return User.objects.get(pk=world.users["student"].pk).check_password(PASSWORD)


ACCOUNT_ATTEMPTS = [
    Attempt("POST", REGISTER, "anonymous", _register_body, "is_staff", const(True),
            _registered("is_staff"), const(False)),
    Attempt("POST", REGISTER, "anonymous", _register_body, "is_superuser", const(True),
            _registered("is_superuser"), const(False)),
    Attempt("POST", REGISTER, "anonymous", _register_body, "is_instructor", const(True),
            _registered_is_instructor, const(False)),
    Attempt("POST", REGISTER, "anonymous", _register_body, "is_active", const(False),
            _registered("is_active"), const(True)),
    Attempt("POST", REGISTER, "anonymous", _register_body, "user_permissions", const([1, 2, 3]),
            lambda w, r: User.objects.get(username="mallory").user_permissions.count(), const(0)),
]  # fmt: skip

for method in ("PUT", "PATCH"):
    student = user("student")
    ACCOUNT_ATTEMPTS += [
        Attempt(method, PROFILE, "student", const({"bio": "Hi."}), field, value,
                row_of(User, student, attribute), current(User, student, attribute))
        for field, value, attribute in (
            ("is_staff", const(True), "is_staff"),
            ("is_superuser", const(True), "is_superuser"),
            ("username", const("root"), "username"),
            ("date_joined", const(LONG_AGO), "date_joined"),
            ("last_login", const(LONG_AGO), "last_login"),
            ("is_active", const(False), "is_active"),
            ("id", user_id("learner"), "pk"),
        )
    ]  # fmt: skip
    ACCOUNT_ATTEMPTS += [
        Attempt(method, PROFILE, "student", const({"bio": "Hi."}), "is_instructor", const(True),
                _student_is_instructor, const(False)),
        Attempt(method, PROFILE, "student", const({"bio": "Hi."}), "password", const("pwned-123"),
                _student_password_still_works, const(True)),
        # Naming another user changes nothing of theirs: the learner keeps their name.
        Attempt(method, PROFILE, "student", const({"first_name": "Eve"}), "user",
                user_id("learner"), row_of(User, user("learner"), "first_name"),
                current(User, user("learner"), "first_name")),
        Attempt(method, PROFILE, "student", const({"first_name": "Eve"}), "user_id",
                user_id("learner"), row_of(User, user("learner"), "first_name"),
                current(User, user("learner"), "first_name")),
    ]  # fmt: skip


# Courses ----------------------------------------------------------------------------------

COURSES = _path("/api/courses/")
COURSE = _path("/api/courses/{id}/", lambda w: w.course.pk)

#: Protected course fields: what a client sends, and the attribute it would land in.
COURSE_FIELDS: tuple[tuple[str, Callable[[World], Any], str], ...] = (
    ("owner", user_id("student"), "owner_id"),
    ("owner_id", user_id("student"), "owner_id"),
    ("instructor", lambda w: {"id": w.users["student"].pk}, "owner_id"),
    ("enrollment_count", const(999), "enrollment_count"),
    ("rating_avg", const("4.90"), "rating_avg"),
    ("rating_count", const(100), "rating_count"),
    ("rating_histogram", const({"1": 0, "2": 0, "3": 0, "4": 0, "5": 100}), "rating_5_count"),
    ("rating_5_count", const(100), "rating_5_count"),
    ("lesson_count", const(50), "lesson_count"),
    ("published_at", const(LONG_AGO), "published_at"),
    ("created_at", const(LONG_AGO), "created_at"),
    ("search_text", const("free money"), "search_text"),
)

#: What a new course holds, whatever its creator sends.
NEW_COURSE = {
    "enrollment_count": 0,
    "rating_avg": Decimal("0"),
    "rating_count": 0,
    "rating_5_count": 0,
    "lesson_count": 0,
    "published_at": None,
    "search_text": ANY,
    "created_at.year": ANY,
}

COURSE_ATTEMPTS = [
    Attempt("POST", COURSES, "instructor", const({"title": "Fresh"}), field, value,
            created(Course, attribute),
            user_id("instructor") if attribute == "owner_id" else const(NEW_COURSE[attribute]))
    for field, value, attribute in COURSE_FIELDS
    if attribute != "created_at"
]  # fmt: skip
COURSE_ATTEMPTS.append(
    Attempt("POST", COURSES, "instructor", const({"title": "Fresh"}), "created_at",
            const(2001), created(Course, "created_at.year"), const(ANY))
)  # fmt: skip
# A new course starts as a draft: a status sent by its creator does not publish it.
COURSE_ATTEMPTS.append(
    Attempt("POST", COURSES, "instructor", const({"title": "Fresh"}), "status",
            const("published"), created(Course, "status"), const(Course.Status.DRAFT))
)  # fmt: skip
for method in ("PUT", "PATCH"):
    the_course = lambda w: w.course  # noqa: E731
    COURSE_ATTEMPTS += [
        Attempt(method, COURSE, role, const({"title": "Renamed"}), field, value,
                row_of(Course, the_course, attribute),
                # The search text follows the new title, never the client's words.
                const(ANY) if attribute == "search_text"
                else current(Course, the_course, attribute))
        for role in ("owner", "staff")
        for field, value, attribute in (*COURSE_FIELDS, ("status", const("archived"), "status"))
    ]  # fmt: skip


# Sections and lessons ---------------------------------------------------------------------

SECTIONS = _path("/api/sections/")
SECTION = _path("/api/sections/{id}/", lambda w: w.section.pk)
LESSONS = _path("/api/lessons/")
LESSON = _path("/api/lessons/{id}/", lambda w: w.lesson.pk)


def foreign_course(world: World) -> int:
    """A course of somebody else, created on first use."""
    return CourseFactory().pk


def foreign_section(world: World) -> int:
    return SectionFactory().pk


def _section_body(world: World) -> dict[str, Any]:
    return {"course": world.course.pk, "title": "Extra"}


def _lesson_body(world: World) -> dict[str, Any]:
    return {"section": world.section.pk, "title": "Extra"}


the_section = lambda w: w.section  # noqa: E731
the_lesson = lambda w: w.lesson  # noqa: E731

CONTENT_ATTEMPTS = [
    Attempt("POST", SECTIONS, "owner", _section_body, "course_id", foreign_course,
            created(Section, "course_id"), lambda w: w.course.pk),
    Attempt("POST", SECTIONS, "owner", _section_body, "lesson_count", const(9),
            lambda w, r: Lesson.objects.filter(section_id=r.json()["id"]).count(), const(0)),
    Attempt("POST", LESSONS, "owner", _lesson_body, "course", foreign_course,
            created(Lesson, "course_id"), lambda w: w.course.pk),
    Attempt("POST", LESSONS, "owner", _lesson_body, "course_id", foreign_course,
            created(Lesson, "course_id"), lambda w: w.course.pk),
    Attempt("POST", LESSONS, "owner", _lesson_body, "created_at", const(LONG_AGO),
            lambda w, r: Lesson.objects.get(pk=r.json()["id"]).created_at.year > 2001,
            const(True)),
]  # fmt: skip
for method in ("PUT", "PATCH"):
    CONTENT_ATTEMPTS += [
        Attempt(method, SECTION, "owner", const({"title": "Renamed"}), field, value,
                row_of(Section, the_section, "course_id"),
                current(Section, the_section, "course_id"))
        for field, value in (("course", foreign_course), ("course_id", foreign_course))
    ]  # fmt: skip
    CONTENT_ATTEMPTS += [
        Attempt(method, LESSON, "owner", const({"title": "Renamed"}), field, value,
                row_of(Lesson, the_lesson, attribute), current(Lesson, the_lesson, attribute))
        for field, value, attribute in (
            ("course", foreign_course, "course_id"),
            ("course_id", foreign_course, "course_id"),
            ("section", foreign_section, "section_id"),
            ("section_id", foreign_section, "section_id"),
            ("created_at", const(LONG_AGO), "created_at"),
        )
    ]  # fmt: skip


# Enrollments and progress -----------------------------------------------------------------

ENROLLMENTS = _path("/api/enrollments/")
POSITION = _path("/api/enrollments/position/{id}/", lambda w: w.next_lesson.pk)


def _enroll_body(world: World) -> dict[str, Any]:
    return {"course": world.course.pk}


def _students_position(attribute: str) -> Read:
    def read(world: World, response: HttpResponse) -> Any:
        progress = LessonProgress.objects.get(
            enrollment__user=world.learner, lesson=world.next_lesson
        )
        return getattr(progress, attribute)

    return read


LEARNING_ATTEMPTS = [
    Attempt("POST", ENROLLMENTS, "student", _enroll_body, field, value,
            created(Enrollment, attribute), const(honest))
    for field, value, attribute, honest in (
        ("status", const("completed"), "status", Enrollment.Status.ACTIVE),
        ("source", const("purchase"), "source", Enrollment.Source.FREE),
        ("completed_at", const(LONG_AGO), "completed_at", None),
        ("completed_lessons", const(2), "completed_lessons", 0),
        ("expires_at", const(LONG_AGO), "expires_at", None),
    )
]  # fmt: skip
LEARNING_ATTEMPTS += [
    Attempt("POST", ENROLLMENTS, "student", _enroll_body, field, user_id("learner"),
            created(Enrollment, "user_id"), user_id("student"))
    for field in ("user", "user_id")
]  # fmt: skip
# A paid course stays paid, whatever the body says about the enrollment's source or status.
LEARNING_ATTEMPTS += [
    Attempt("POST", ENROLLMENTS, "student", lambda w: {"course": w.paid_course.pk}, field,
            const(value),
            lambda w, r: (r.status_code,
                          Enrollment.objects.filter(user=w.users["student"]).count()),
            const((402, 0)))
    for field, value in (("source", "purchase"), ("status", "active"), ("paid", True))
]  # fmt: skip
LEARNING_ATTEMPTS += [
    Attempt("POST", POSITION, "learner", const({"position_seconds": 30}), "completed_at",
            const(LONG_AGO), _students_position("completed_at"), const(None)),
    Attempt("POST", POSITION, "learner", const({"position_seconds": 30}), "completed",
            const(True), _students_position("completed_at"), const(None)),
    Attempt("POST", POSITION, "another_student", const({"position_seconds": 30}), "user",
            user_id("learner"),
            lambda w, r: LessonProgress.objects.filter(
                enrollment__user=w.learner, lesson=w.next_lesson).exists(),
            const(False)),
]  # fmt: skip


# Reviews ----------------------------------------------------------------------------------

REVIEWS = _path("/api/reviews/")
REVIEW = _path("/api/reviews/{id}/", lambda w: w.review.pk)
the_review = lambda w: w.review  # noqa: E731


def _review_body(world: World) -> dict[str, Any]:
    return {"course": world.course.pk, "rating": 2}


def _course_rating(world: World, response: HttpResponse) -> tuple[Any, ...]:
    course = Course.objects.get(pk=world.course.pk)
    return course.rating_count, course.rating_avg, course.rating_2_count


REVIEW_ATTEMPTS = [
    Attempt("POST", REVIEWS, "another_student", _review_body, field, user_id("learner"),
            created(Review, "user_id"), user_id("another_student"))
    for field in ("user", "user_id")
]  # fmt: skip
REVIEW_ATTEMPTS += [
    Attempt("POST", REVIEWS, "another_student", _review_body, field, value,
            _course_rating, const((2, Decimal("3.50"), 1)))
    for field, value in (
        ("rating_avg", const("5.00")),
        ("rating_count", const(1000)),
        ("rating_histogram", const({"5": 1000})),
    )
]  # fmt: skip
REVIEW_ATTEMPTS += [
    Attempt(
        "POST",
        REVIEWS,
        "another_student",
        _review_body,
        "created_at",
        const(LONG_AGO),
        lambda w, r: Review.objects.get(pk=r.json()["id"]).created_at.year > 2001,
        const(True),
    ),
]
for method in ("PUT", "PATCH"):
    REVIEW_ATTEMPTS += [
        Attempt(method, REVIEW, "learner", const({"comment": "Edited."}), field, value,
                row_of(Review, the_review, attribute), current(Review, the_review, attribute))
        for field, value, attribute in (
            ("user", user_id("another_student"), "user_id"),
            ("user_id", user_id("another_student"), "user_id"),
            ("course", foreign_course, "course_id"),
            ("course_id", foreign_course, "course_id"),
            ("created_at", const(LONG_AGO), "created_at"),
        )
    ]  # fmt: skip


# Orders -----------------------------------------------------------------------------------

ORDERS = _path("/api/payments/orders/")


def _order_body(world: World) -> dict[str, Any]:
    return {"course": world.paid_course.pk, "provider": "payme"}


ORDER_ATTEMPTS = [
    Attempt("POST", ORDERS, "student", _order_body, field, value, created(Order, attribute),
            honest)
    for field, value, attribute, honest in (
        ("amount", const("1.00"), "amount", lambda w: w.paid_course.price),
        ("amount", const(1), "amount", lambda w: w.paid_course.price),
        ("currency", const("USD"), "currency", lambda w: w.paid_course.currency),
        ("status", const("paid"), "status", const(Order.Status.PENDING)),
        ("buyer", user_id("learner"), "buyer_id", user_id("student")),
        ("buyer_id", user_id("learner"), "buyer_id", user_id("student")),
        ("paid_at", const(LONG_AGO), "paid_at", const(None)),
        ("refunded_at", const(LONG_AGO), "refunded_at", const(None)),
        ("provider_reference", const("forged-123"), "provider_reference", const(ANY)),
    )
]  # fmt: skip
# However the order is dressed up, the buyer gets no access until the provider confirms.
ORDER_ATTEMPTS.append(
    Attempt("POST", ORDERS, "student", _order_body, "status", const("paid"),
            lambda w, r: Enrollment.objects.filter(user=w.users["student"]).count(), const(0))
)  # fmt: skip


# Wishlist, notifications, certificates ----------------------------------------------------

WISHLIST = _path("/api/wishlist/")
PREFERENCES = _path("/api/notifications/preferences/")
READ_ONE = _path("/api/notifications/{id}/read/", lambda w: w.notification.pk)
READ_ALL = _path("/api/notifications/read-all/")
COMPLETE = _path("/api/enrollments/complete/{id}/", lambda w: w.next_lesson.pk)


def _learners_notification(attribute: str) -> Read:
    return row_of(Notification, lambda w: w.notification, attribute)


def _issued_certificate(attribute: str) -> Read:
    def read(world: World, response: HttpResponse) -> Any:
        return _value(Certificate.objects.get(user=world.learner, course=world.course), attribute)

    return read


OTHER_ATTEMPTS = [
    Attempt("POST", WISHLIST, "student", lambda w: {"course": w.course.pk}, field,
            user_id("learner"),
            lambda w, r: list(WishlistItem.objects.filter(user=w.learner)
                              .values_list("course_id", flat=True)),
            lambda w: [w.paid_course.pk])
    for field in ("user", "user_id")
]  # fmt: skip
OTHER_ATTEMPTS += [
    Attempt("PUT", PREFERENCES, "student", const({"email": {"lesson_published": False}}),
            "in_app", const({"lesson_published": False}),
            lambda w, r: ApiClient(w.users["student"]).get(PREFERENCES(w)).json()["in_app"],
            const(dict.fromkeys(Notification.Kind.values, True))),
    Attempt("PUT", PREFERENCES, "student", const({"email": {"lesson_published": False}}),
            "user", user_id("learner"),
            lambda w, r: ApiClient(w.learner).get(PREFERENCES(w)).json()["email"],
            lambda w: ApiClient(w.learner).get(PREFERENCES(w)).json()["email"]),
    Attempt("POST", READ_ONE, "learner", const({}), "read_at", const(LONG_AGO),
            lambda w, r: Notification.objects.get(pk=w.notification.pk).read_at.year > 2001,
            const(True)),
    Attempt("POST", READ_ONE, "learner", const({}), "recipient", user_id("another_student"),
            _learners_notification("recipient_id"), user_id("learner")),
    Attempt("POST", READ_ALL, "another_student", const({}), "recipient", user_id("learner"),
            _learners_notification("read_at"), const(None)),
    Attempt("POST", READ_ALL, "another_student", const({}), "recipient_id", user_id("learner"),
            _learners_notification("read_at"), const(None)),
]  # fmt: skip
# Completing the last lesson issues the certificate: every one of its fields is the server's.
OTHER_ATTEMPTS += [
    Attempt("POST", COMPLETE, "learner", const({}), field, value,
            _issued_certificate(attribute), honest)
    for field, value, attribute, honest in (
        ("code", const("FORGED-0001"), "code", const(ANY)),
        ("holder_name", const("Someone Else"), "holder_name",
         lambda w: w.learner.get_full_name()),
        ("course_title", const("A course I never took"), "course_title",
         lambda w: w.course.title),
        ("status", const("revoked"), "status", const(Certificate.Status.ISSUED)),
        ("user", user_id("another_student"), "user_id", user_id("learner")),
        ("issued_at", const(2001), "issued_at.year", const(ANY)),
    )
]  # fmt: skip

ATTEMPTS = [
    *ACCOUNT_ATTEMPTS,
    *COURSE_ATTEMPTS,
    *CONTENT_ATTEMPTS,
    *LEARNING_ATTEMPTS,
    *REVIEW_ATTEMPTS,
    *ORDER_ATTEMPTS,
    *OTHER_ATTEMPTS,
]


@pytest.fixture(autouse=True)
def _payments_enabled(payments: Any) -> None:
    """Orders need a configured provider."""


def assert_ignored_or_refused(response: HttpResponse, field: str) -> bool:
    """True when the request was answered as if the field were not there (ignored); False
    when it was refused with a 400 or 422 naming the field. Anything else fails."""
    if response.status_code < 300 or response.status_code == 402:
        return True
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode(), response.content
    return False


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(a, id=f"{a.method} {a.path.__doc__} as {a.role} sets {a.field}")
        for a in ATTEMPTS
    ],
)
def test_a_client_cannot_set_a_protected_field(
    attempt: Attempt, django_capture_on_commit_callbacks: Any
) -> None:
    world = build_world()
    client = ApiClient(world.users[attempt.role])
    body = attempt.body(world)
    client_value = attempt.value(world)
    honest = attempt.honest(world)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, attempt.method.lower())(
            attempt.path(world), {**body, attempt.field: client_value}
        )

    if assert_ignored_or_refused(response, attempt.field):
        stored = attempt.stored(world, response)
        if honest is not ANY:
            assert stored == honest
        assert stored != client_value
    else:
        assert snapshot() == before


def test_the_mass_assignment_cases_cover_every_write_operation_with_a_body() -> None:
    covered = {(a.method, a.path.__doc__) for a in ATTEMPTS}

    assert covered >= {
        ("POST", "/api/auth/register/"),
        ("PUT", "/api/auth/profile/"),
        ("PATCH", "/api/auth/profile/"),
        ("POST", "/api/courses/"),
        ("PUT", "/api/courses/{id}/"),
        ("PATCH", "/api/courses/{id}/"),
        ("POST", "/api/sections/"),
        ("PUT", "/api/sections/{id}/"),
        ("PATCH", "/api/sections/{id}/"),
        ("POST", "/api/lessons/"),
        ("PUT", "/api/lessons/{id}/"),
        ("PATCH", "/api/lessons/{id}/"),
        ("POST", "/api/enrollments/"),
        ("POST", "/api/enrollments/position/{id}/"),
        ("POST", "/api/enrollments/complete/{id}/"),
        ("POST", "/api/reviews/"),
        ("PUT", "/api/reviews/{id}/"),
        ("PATCH", "/api/reviews/{id}/"),
        ("POST", "/api/payments/orders/"),
        ("POST", "/api/wishlist/"),
        ("PUT", "/api/notifications/preferences/"),
        ("POST", "/api/notifications/{id}/read/"),
        ("POST", "/api/notifications/read-all/"),
    }
