"""Object- and function-level authorization (OWASP API1 and API5): every operation x every role.

Each cell runs one request against a small but complete world: a published course owned by the
owner (a section, two lessons), a draft course, a paid course, a learner enrolled with progress,
a review, an order, a notification, a certificate and a wishlist entry of the learner, and a
fellow learner of the same course. The cell states the status the role must get, and:

- a refused request writes nothing: every row of the package's tables, the users and the token
  blacklist are the same before and after;
- where the object belongs to someone else (or is hidden), the answer is byte for byte the
  answer for an id that does not exist, so a probe cannot tell "not yours" from "not there";
- where a request succeeds on the caller's own data, the learner's rows stay untouched.

The payment providers' callbacks authenticate the provider, not a user: they are tested apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import HttpResponse

from django_coursehub.accounts.tokens import token_pair_for_user
from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.learning.services import lesson_complete
from django_coursehub.notifications.models import Notification, NotificationPreference
from django_coursehub.payments.models import Order
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from django_coursehub.wishlist.models import WishlistItem
from tests.conftest import ApiClient
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    LessonFactory,
    NotificationFactory,
    OrderFactory,
    PaidCourseFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "student", "another_student", "learner", "instructor", "owner", "staff")
#: An id no row has: the answer for it is what "not yours" must look like.
MISSING_ID = 2_000_000_001
#: Server-to-server endpoints, authenticated by the provider's own signature or key.
PROVIDER_CALLBACKS = {
    ("POST", "/api/payments/payme/"),
    ("POST", "/api/payments/click/prepare/"),
    ("POST", "/api/payments/click/complete/"),
    ("POST", "/api/payments/stripe/webhook/"),
}


@dataclass
class World:
    users: dict[str, Any]
    spare_category: Category
    course: Course
    section: Section
    lesson: Lesson
    next_lesson: Lesson
    draft: Course
    draft_section: Section
    draft_lesson: Lesson
    paid_course: Course
    enrollment: Enrollment
    review: Review
    order: Order
    notification: Any
    certificate: Any
    wishlist_item: WishlistItem
    learner_refresh: str

    @property
    def learner(self) -> Any:
        return self.users["learner"]


def build_world() -> World:
    owner = InstructorFactory()
    learner = UserFactory()
    another_student = UserFactory()
    course = CourseFactory(owner=owner)
    section = SectionFactory(course=course)
    lesson = LessonFactory(section=section)
    next_lesson = LessonFactory(section=section)
    draft = DraftCourseFactory(owner=owner)
    draft_section = SectionFactory(course=draft)
    paid_course = PaidCourseFactory(owner=owner)

    enrollment = EnrollmentFactory(user=learner, course=course, source=Enrollment.Source.FREE)
    EnrollmentFactory(user=another_student, course=course, source=Enrollment.Source.FREE)
    lesson_complete(user=learner, lesson=lesson)
    finished = CompletedEnrollmentFactory(user=learner, course=CourseFactory(owner=owner))

    return World(
        users={
            "anonymous": None,
            "student": UserFactory(),
            "another_student": another_student,
            "learner": learner,
            "instructor": InstructorFactory(),
            "owner": owner,
            "staff": StaffFactory(),
        },
        spare_category=CategoryFactory(),
        course=course,
        section=section,
        lesson=lesson,
        next_lesson=next_lesson,
        draft=draft,
        draft_section=draft_section,
        draft_lesson=LessonFactory(section=draft_section),
        paid_course=paid_course,
        enrollment=enrollment,
        review=review_create(user=learner, course=course, rating=5, comment="Clear and useful."),
        order=OrderFactory(buyer=learner, course=paid_course),
        notification=NotificationFactory(recipient=learner),
        certificate=CertificateFactory(enrollment=finished),
        wishlist_item=WishlistItem.objects.create(user=learner, course=paid_course),
        learner_refresh=token_pair_for_user(learner)["refresh"],
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the package's tables, of the users and of the token blacklist."""
    models = [
        *apps.get_app_config("coursehub").get_models(),
        *apps.get_app_config("token_blacklist").get_models(),
        get_user_model(),
        get_user_model().user_permissions.through,
    ]
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in models
    }


def learner_rows(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """What belongs to the learner: nobody else's request may change it."""
    learner = world.learner
    return {
        "user": list(get_user_model().objects.filter(pk=learner.pk).values_list()),
        "enrollments": list(Enrollment.objects.filter(user=learner).order_by("pk").values_list()),
        "progress": list(
            LessonProgress.objects.filter(enrollment__user=learner).order_by("pk").values_list()
        ),
        "reviews": list(Review.objects.filter(user=learner).order_by("pk").values_list()),
        "orders": list(Order.objects.filter(buyer=learner).order_by("pk").values_list()),
        "notifications": list(
            Notification.objects.filter(recipient=learner).order_by("pk").values_list()
        ),
        "preferences": list(
            NotificationPreference.objects.filter(user=learner).order_by("pk").values_list()
        ),
        "certificates": list(
            apps.get_model("coursehub", "Certificate")
            .objects.filter(user=learner)
            .order_by("pk")
            .values_list()
        ),
        "wishlist": list(WishlistItem.objects.filter(user=learner).order_by("pk").values_list()),
    }


Target = Callable[[World], Any]
Body = Callable[[World, Any, str], Any]


@dataclass(frozen=True)
class Op:
    """One operation of the schema, on one target, with the status each role must get.

    ``path`` is the schema's path; its one parameter is filled with ``target(world)``, and
    ``body(world, target, role)`` builds the JSON body. ``hidden`` names the roles for which the
    target is someone else's (or invisible): their answer must equal the answer for
    ``MISSING_ID``. ``spares_learner``: a success by anyone but the learner leaves the
    learner's rows alone.
    """

    method: str
    path: str
    expect: dict[str, int]
    target: Target | None = None
    body: Body | None = None
    query: Callable[[World], str] | None = None
    variant: str = ""
    hidden: frozenset[str] = field(default_factory=frozenset)
    spares_learner: bool = False

    def url(self, world: World, target: Any) -> str:
        path = self.path
        if "{" in path:
            name = path[path.index("{") + 1 : path.index("}")]
            path = path.replace(f"{{{name}}}", str(target))
        return path + (f"?{self.query(world)}" if self.query else "")


def expect(anonymous: int, everyone: int, **roles: int) -> dict[str, int]:
    """The status per role: ``anonymous``'s, ``everyone`` else's, and the exceptions."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], everyone), **roles}


def only(role_statuses: dict[str, int], *, others: int, anonymous: int = 401) -> dict[str, int]:
    return expect(anonymous, others, **role_statuses)


NON_OWNERS = frozenset({"student", "another_student", "learner", "instructor"})
NOT_THE_LEARNER = frozenset({"student", "another_student", "instructor", "owner", "staff"})
NOT_ENROLLED = frozenset({"student", "instructor", "owner", "staff"})

PUBLIC_READ = expect(200, 200)
SIGNED_IN_READ = expect(401, 200)
OWNER_OR_STAFF = {"owner": 200, "staff": 200}


def course_id(world: World) -> int:
    return world.course.pk


def section_id(world: World) -> int:
    return world.section.pk


def lesson_id(world: World) -> int:
    return world.lesson.pk


def _new_name(world: World, target: Any, role: str) -> dict[str, Any]:
    return {"name": f"New {role}"}


OPERATIONS: tuple[Op, ...] = (
    # Accounts ---------------------------------------------------------------------------
    Op(
        "POST",
        "/api/auth/register/",
        expect(201, 201),
        body=lambda w, t, role: {
            "username": f"new-{role}",
            "email": f"new-{role}@example.uz",
            "password": "Another-Horse-77",
        },
    ),
    Op(
        "POST",
        "/api/auth/login/",
        expect(200, 200),
        body=lambda w, t, role: {"username": w.learner.username, "password": PASSWORD},
    ),
    Op(
        "POST",
        "/api/auth/refresh/",
        expect(200, 200),
        body=lambda w, t, role: {"refresh": w.learner_refresh},
    ),
    # The learner's refresh token: only the learner may blacklist it.
    Op(
        "POST",
        "/api/auth/logout/",
        only({"learner": 200}, others=403),
        body=lambda w, t, role: {"refresh": w.learner_refresh},
        spares_learner=True,
    ),
    Op(
        "POST",
        "/api/auth/password/",
        SIGNED_IN_READ,
        body=lambda w, t, role: {"old_password": PASSWORD, "new_password": "Another-Horse-77"},
        spares_learner=True,
    ),
    # Everyone closes their own account only; an owner of courses must hand them over first.
    Op(
        "POST",
        "/api/auth/delete-account/",
        expect(401, 204, owner=409),
        body=lambda w, t, role: {"password": PASSWORD},
        spares_learner=True,
    ),
    Op("GET", "/api/auth/profile/", SIGNED_IN_READ),
    Op(
        "PUT",
        "/api/auth/profile/",
        SIGNED_IN_READ,
        body=lambda w, t, role: {"bio": f"I am {role}."},
        spares_learner=True,
    ),
    Op(
        "PATCH",
        "/api/auth/profile/",
        SIGNED_IN_READ,
        body=lambda w, t, role: {"headline": role},
        spares_learner=True,
    ),
    # Categories: function level, staff only. ---------------------------------------------
    Op("GET", "/api/categories/", PUBLIC_READ),
    Op("POST", "/api/categories/", only({"staff": 201}, others=403), body=_new_name),
    Op(
        "GET",
        "/api/categories/{category_id}/",
        PUBLIC_READ,
        target=lambda w: w.spare_category.pk,
    ),
    Op(
        "PUT",
        "/api/categories/{category_id}/",
        only({"staff": 200}, others=403),
        target=lambda w: w.spare_category.pk,
        body=_new_name,
    ),
    Op(
        "PATCH",
        "/api/categories/{category_id}/",
        only({"staff": 200}, others=403),
        target=lambda w: w.spare_category.pk,
        body=lambda w, t, role: {"description": "Changed."},
    ),
    Op(
        "DELETE",
        "/api/categories/{category_id}/",
        only({"staff": 204}, others=403),
        target=lambda w: w.spare_category.pk,
    ),
    # Courses: creating is an instructor's right (staff hold no instructor status here);
    # changing one is its owner's or staff's, and to anyone else it looks missing. ----------
    Op("GET", "/api/courses/", PUBLIC_READ),
    Op(
        "POST",
        "/api/courses/",
        only({"instructor": 201, "owner": 201}, others=403),
        body=lambda w, t, role: {"title": f"A course by {role}"},
    ),
    Op("GET", "/api/courses/{course_id}/", PUBLIC_READ, target=course_id),
    Op(
        "GET",
        "/api/courses/{course_id}/",
        only(OWNER_OR_STAFF, others=404, anonymous=404),
        target=lambda w: w.draft.pk,
        variant="draft",
        hidden=frozenset({"anonymous", *NON_OWNERS}),
    ),
    Op(
        "PUT",
        "/api/courses/{course_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=course_id,
        body=lambda w, t, role: {"title": "Replaced"},
        hidden=NON_OWNERS,
    ),
    Op(
        "PATCH",
        "/api/courses/{course_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=course_id,
        body=lambda w, t, role: {"title": "Patched"},
        hidden=NON_OWNERS,
    ),
    Op(
        "PATCH",
        "/api/courses/{course_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=lambda w: w.draft.pk,
        body=lambda w, t, role: {"is_published": True},
        variant="draft",
        hidden=NON_OWNERS,
    ),
    # The course has learners: its owner archives it (200) rather than deleting it.
    Op(
        "DELETE",
        "/api/courses/{course_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=course_id,
        hidden=NON_OWNERS,
    ),
    Op(
        "DELETE",
        "/api/courses/{course_id}/",
        only({"owner": 204, "staff": 204}, others=404),
        target=lambda w: w.draft.pk,
        variant="draft",
        hidden=NON_OWNERS,
    ),
    # Sections ----------------------------------------------------------------------------
    Op("GET", "/api/sections/", PUBLIC_READ, query=lambda w: f"course={w.course.pk}"),
    Op(
        "POST",
        "/api/sections/",
        only({"owner": 201, "staff": 201}, others=404),
        target=course_id,
        body=lambda w, course, role: {"course": course, "title": "Another section"},
        hidden=NON_OWNERS,
    ),
    Op("GET", "/api/sections/{section_id}/", PUBLIC_READ, target=section_id),
    Op(
        "GET",
        "/api/sections/{section_id}/",
        only(OWNER_OR_STAFF, others=404, anonymous=404),
        target=lambda w: w.draft_section.pk,
        variant="draft",
        hidden=frozenset({"anonymous", *NON_OWNERS}),
    ),
    Op(
        "PUT",
        "/api/sections/{section_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=section_id,
        body=lambda w, t, role: {"title": "Replaced"},
        hidden=NON_OWNERS,
    ),
    Op(
        "PATCH",
        "/api/sections/{section_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=section_id,
        body=lambda w, t, role: {"title": "Patched"},
        hidden=NON_OWNERS,
    ),
    Op(
        "DELETE",
        "/api/sections/{section_id}/",
        only({"owner": 204, "staff": 204}, others=404),
        target=section_id,
        hidden=NON_OWNERS,
    ),
    Op(
        "POST",
        "/api/sections/{section_id}/move/",
        only(OWNER_OR_STAFF, others=404),
        target=section_id,
        body=lambda w, t, role: {"position": 0},
        hidden=NON_OWNERS,
    ),
    # Lessons -----------------------------------------------------------------------------
    Op("GET", "/api/lessons/", PUBLIC_READ, query=lambda w: f"course={w.course.pk}"),
    Op(
        "POST",
        "/api/lessons/",
        only({"owner": 201, "staff": 201}, others=404),
        target=section_id,
        body=lambda w, section, role: {"section": section, "title": "Another lesson"},
        hidden=NON_OWNERS,
    ),
    Op("GET", "/api/lessons/{lesson_id}/", PUBLIC_READ, target=lesson_id),
    Op(
        "GET",
        "/api/lessons/{lesson_id}/",
        only(OWNER_OR_STAFF, others=404, anonymous=404),
        target=lambda w: w.draft_lesson.pk,
        variant="draft",
        hidden=frozenset({"anonymous", *NON_OWNERS}),
    ),
    Op(
        "PUT",
        "/api/lessons/{lesson_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=lesson_id,
        body=lambda w, t, role: {"title": "Replaced"},
        hidden=NON_OWNERS,
    ),
    Op(
        "PATCH",
        "/api/lessons/{lesson_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=lesson_id,
        body=lambda w, t, role: {"content": "Rewritten."},
        hidden=NON_OWNERS,
    ),
    Op(
        "DELETE",
        "/api/lessons/{lesson_id}/",
        only({"owner": 204, "staff": 204}, others=404),
        target=lesson_id,
        hidden=NON_OWNERS,
    ),
    Op(
        "POST",
        "/api/lessons/{lesson_id}/move/",
        only(OWNER_OR_STAFF, others=404),
        target=lesson_id,
        body=lambda w, t, role: {"position": 1},
        hidden=NON_OWNERS,
    ),
    # Enrollments: every list and every progress is the caller's own. ---------------------
    Op("GET", "/api/enrollments/", SIGNED_IN_READ),
    Op(
        "POST",
        "/api/enrollments/",
        only({"learner": 200, "another_student": 200}, others=201),
        body=lambda w, t, role: {"course": w.course.pk},
        spares_learner=True,
    ),
    Op("GET", "/api/enrollments/my/", SIGNED_IN_READ),
    # Not enrolled answers like a course that does not exist.
    Op(
        "GET",
        "/api/enrollments/progress/{course_id}/",
        only({"learner": 200, "another_student": 200}, others=403),
        target=course_id,
        hidden=NOT_ENROLLED,
    ),
    Op(
        "POST",
        "/api/enrollments/complete/{lesson_id}/",
        only({"learner": 200, "another_student": 200}, others=403),
        target=lambda w: w.next_lesson.pk,
        spares_learner=True,
    ),
    Op(
        "POST",
        "/api/enrollments/position/{lesson_id}/",
        only({"learner": 200, "another_student": 200}, others=403),
        target=lambda w: w.next_lesson.pk,
        body=lambda w, t, role: {"position_seconds": 42},
        spares_learner=True,
    ),
    Op(
        "DELETE",
        "/api/enrollments/{enrollment_id}/",
        only({"learner": 200}, others=404),
        target=lambda w: w.enrollment.pk,
        hidden=NOT_THE_LEARNER,
    ),
    # The learners of a course and their progress: the owner's and staff's to read.
    Op(
        "GET",
        "/api/enrollments/course/{course_id}/",
        only(OWNER_OR_STAFF, others=404),
        target=course_id,
        hidden=NON_OWNERS,
    ),
    # Reviews: the author edits; the author or staff deletes. ------------------------------
    Op("GET", "/api/reviews/", PUBLIC_READ),
    Op(
        "POST",
        "/api/reviews/",
        only({"learner": 409, "another_student": 201}, others=403),
        body=lambda w, t, role: {"course": w.course.pk, "rating": 4},
        spares_learner=True,
    ),
    Op(
        "PUT",
        "/api/reviews/{review_id}/",
        only({"learner": 200}, others=404),
        target=lambda w: w.review.pk,
        body=lambda w, t, role: {"rating": 1, "comment": "Changed."},
        hidden=NOT_THE_LEARNER,
    ),
    Op(
        "PATCH",
        "/api/reviews/{review_id}/",
        only({"learner": 200}, others=404),
        target=lambda w: w.review.pk,
        body=lambda w, t, role: {"rating": 1},
        hidden=NOT_THE_LEARNER,
    ),
    Op(
        "DELETE",
        "/api/reviews/{review_id}/",
        only({"learner": 204, "staff": 204}, others=404),
        target=lambda w: w.review.pk,
        hidden=NOT_THE_LEARNER - {"staff"},
    ),
    # Payments: orders are the buyer's. ---------------------------------------------------
    Op(
        "POST",
        "/api/payments/orders/",
        only({"owner": 409}, others=201),
        body=lambda w, t, role: {"course": w.paid_course.pk, "provider": "payme"},
        spares_learner=True,
    ),
    Op("GET", "/api/payments/orders/", SIGNED_IN_READ),
    Op(
        "GET",
        "/api/payments/orders/{order_id}/",
        only({"learner": 200}, others=404),
        target=lambda w: w.order.pk,
        hidden=NOT_THE_LEARNER,
    ),
    # Wishlist: only one's own; removing answers 204 either way and touches only one's own.
    Op("GET", "/api/wishlist/", SIGNED_IN_READ),
    Op(
        "POST",
        "/api/wishlist/",
        expect(401, 201),
        body=lambda w, t, role: {"course": w.course.pk},
        spares_learner=True,
    ),
    Op(
        "DELETE",
        "/api/wishlist/{course_id}/",
        expect(401, 204),
        target=lambda w: w.paid_course.pk,
        spares_learner=True,
    ),
    # Certificates: the list is one's own; a code is a public proof. -----------------------
    Op("GET", "/api/certificates/", SIGNED_IN_READ),
    Op(
        "GET",
        "/api/certificates/{code}/",
        PUBLIC_READ,
        target=lambda w: w.certificate.code,
    ),
    Op(
        "GET",
        "/api/certificates/{code}/pdf/",
        PUBLIC_READ,
        target=lambda w: w.certificate.code,
    ),
    # Notifications: one's own only. ------------------------------------------------------
    Op("GET", "/api/notifications/", SIGNED_IN_READ),
    Op("GET", "/api/notifications/unread-count/", SIGNED_IN_READ),
    Op("POST", "/api/notifications/read-all/", SIGNED_IN_READ, spares_learner=True),
    Op("GET", "/api/notifications/preferences/", SIGNED_IN_READ),
    Op(
        "PUT",
        "/api/notifications/preferences/",
        SIGNED_IN_READ,
        body=lambda w, t, role: {"email": {"lesson_published": False}},
        spares_learner=True,
    ),
    Op(
        "POST",
        "/api/notifications/{notification_id}/read/",
        only({"learner": 200}, others=404),
        target=lambda w: w.notification.pk,
        hidden=NOT_THE_LEARNER,
    ),
)


def _op_name(op: Op) -> str:
    return f"{op.method} {op.path}" + (f" [{op.variant}]" if op.variant else "")


CELLS = [
    pytest.param(op, role, op.expect[role], id=f"{_op_name(op)} as {role} -> {op.expect[role]}")
    for op in OPERATIONS
    for role in ROLES
]


@pytest.fixture(autouse=True)
def _payments_enabled(payments: Any) -> None:
    """Orders need a configured provider."""


def send(client: ApiClient, op: Op, world: World, target: Any, role: str) -> HttpResponse:
    url = op.url(world, target)
    method = op.method.lower()
    if op.body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, op.body(world, target, role))


def _is_write(op: Op) -> bool:
    return op.method != "GET"


@pytest.mark.parametrize(("op", "role", "status"), CELLS)
def test_authorization_matrix(op: Op, role: str, status: int) -> None:
    world = build_world()
    client = ApiClient(world.users[role])
    target = op.target(world) if op.target else None
    before = snapshot()
    mine_before = learner_rows(world)

    response = send(client, op, world, target, role)

    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert snapshot() == before, "a refused request wrote to the database"
    elif op.spares_learner and role != "learner":
        assert learner_rows(world) == mine_before, "the learner's data changed"
    if role in op.hidden:
        missing = send(client, op, world, MISSING_ID, role)
        assert (missing.status_code, missing.content) == (response.status_code, response.content)
        assert snapshot() == before


def test_the_matrix_covers_every_operation_of_the_schema_and_every_role() -> None:
    from tests.urls import api

    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }

    assert {(op.method, op.path) for op in OPERATIONS} == operations - PROVIDER_CALLBACKS
    assert all(set(op.expect) == set(ROLES) for op in OPERATIONS)
    assert len(CELLS) == len(OPERATIONS) * len(ROLES)


def test_hidden_cells_and_refused_writes_are_counted() -> None:
    refused_writes = [cell for cell in CELLS if _is_write(cell.values[0]) and cell.values[2] >= 400]
    hidden = [cell for cell in CELLS if cell.values[1] in cell.values[0].hidden]

    # Guard against a matrix that quietly loses its teeth.
    assert len(refused_writes) >= 150
    assert len(hidden) >= 80


# The providers' callbacks ------------------------------------------------------------------

CALLBACK_BODIES: dict[str, Any] = {
    "/api/payments/payme/": {"method": "CheckPerformTransaction", "params": {}, "id": 1},
    "/api/payments/click/prepare/": {"click_trans_id": "1", "action": "0"},
    "/api/payments/click/complete/": {"click_trans_id": "1", "action": "1"},
    "/api/payments/stripe/webhook/": {"type": "checkout.session.completed"},
}


@pytest.mark.parametrize("path", sorted(CALLBACK_BODIES))
def test_a_users_token_gives_no_standing_at_a_provider_callback(path: str, payments: Any) -> None:
    world = build_world()
    anonymous, staff, buyer = ApiClient(), ApiClient(world.users["staff"]), ApiClient(world.learner)
    before = snapshot()

    as_anonymous = anonymous.post(path, CALLBACK_BODIES[path])
    as_staff = staff.post(path, CALLBACK_BODIES[path])
    as_buyer = buyer.post(path, CALLBACK_BODIES[path])

    assert as_staff.content == as_anonymous.content == as_buyer.content
    assert as_staff.status_code == as_anonymous.status_code == as_buyer.status_code
    assert snapshot() == before
    world.order.refresh_from_db()
    assert world.order.status == Order.Status.PENDING


# Lists show the caller's own rows only ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/enrollments/",
        "/api/enrollments/my/",
        "/api/payments/orders/",
        "/api/wishlist/",
        "/api/certificates/",
        "/api/notifications/",
    ],
)
def test_a_personal_list_shows_none_of_another_users_rows(path: str) -> None:
    world = build_world()
    mine = ApiClient(world.learner).get(path).json()
    theirs = ApiClient(world.users["student"]).get(path).json()

    assert mine["count"] >= 1
    assert theirs == {"items": [], "count": 0}


def test_another_users_unread_count_and_progress_are_not_the_learners() -> None:
    world = build_world()

    unread = ApiClient(world.users["another_student"]).get("/api/notifications/unread-count/")
    progress = ApiClient(world.users["another_student"]).get(
        f"/api/enrollments/progress/{world.course.pk}/"
    )

    assert unread.json() == {"unread": 0}
    assert progress.json()["completed_lessons"] == 0
