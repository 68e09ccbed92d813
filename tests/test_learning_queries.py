"""Every enrollment endpoint costs a fixed number of queries, whatever the numbers of
enrollments, sections, lessons and completed lessons.

Each endpoint is measured in a world of 2 and of 20 (enrolled courses, learners of one course,
sections, lessons per section, completed lessons) and must cost exactly the same. Every request
here is authenticated, which costs one query: loading the token's user. Savepoints are queries
too: a service's ``transaction.atomic`` inside the test's transaction opens and releases one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.learning import services
from django_coursehub.learning.models import Enrollment
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [2, 20]
# The one query every request here adds: loading the token's user.
AUTH_QUERY = 1
# Services that touch an enrollment first hold the course row shared (FOR KEY SHARE); that
# statement runs on PostgreSQL only (SQLite serialises writers anyway).
SHARED_LOCK = 1 if connection.vendor == "postgresql" else 0
# A service's transaction.atomic is a savepoint inside the test's transaction: open + release.
SAVEPOINT = 2


@dataclass
class Learning:
    owner: Any
    learner: Any
    course: Course
    enrollment: Enrollment
    lessons: list[Lesson]
    size: int

    @property
    def undone(self) -> Lesson:
        """A lesson of the course the learner has not completed, not the last one left."""
        return self.lessons[self.size]


def build_learning(size: int) -> Learning:
    """A learner enrolled in ``size`` courses. The first has ``size`` sections (the first with
    ``size + 1`` lessons, the others with one), ``size`` other learners, and its first ``size``
    lessons completed by the learner."""
    owner = InstructorFactory()
    learner = UserFactory()
    courses = [CourseFactory(owner=owner) for _ in range(size)]
    course = courses[0]
    LessonFactory.create_batch(size + 1, section=SectionFactory(course=course))
    for _ in range(size - 1):
        LessonFactory(section=SectionFactory(course=course))
    for other in courses[1:]:
        LessonFactory(section=SectionFactory(course=other))
    for each in courses:
        services.enrollment_create(user=learner, course=each)
    for _ in range(size):
        services.enrollment_create(user=UserFactory(), course=course)
    lessons = list(Lesson.objects.filter(course=course).order_by("section__order", "order"))
    for lesson in lessons[:size]:
        services.lesson_complete(user=learner, lesson=lesson)
    course.refresh_from_db()
    return Learning(
        owner=owner,
        learner=learner,
        course=course,
        enrollment=Enrollment.objects.get(user=learner, course=course),
        lessons=lessons,
        size=size,
    )


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-rows")
def world(request: Any) -> Learning:
    return build_learning(request.param)


def call(
    client: ApiClient,
    method: str,
    path: str,
    queries: int,
    assert_num_queries: Any,
    payload: Any = None,
    status: int = 200,
) -> Any:
    with assert_num_queries(queries):
        if method in ("post", "put", "patch"):
            response = getattr(client, method)(path, payload)
        else:
            response = getattr(client, method)(path)
    assert response.status_code == status, response.content
    return response.json()


# Reads ------------------------------------------------------------------------------------


def test_enrollment_list_costs_three_queries(world, django_assert_num_queries):
    # 1 COUNT + 1 page of enrollments joined to course, category and owner (select_related);
    # progress comes from the stored counters, not from the progress rows.
    body = call(
        ApiClient(world.learner),
        "get",
        "/api/enrollments/?page_size=100",
        AUTH_QUERY + 2,
        django_assert_num_queries,
    )

    assert body["count"] == len(body["items"]) == world.size
    mine = next(item for item in body["items"] if item["course"]["id"] == world.course.pk)
    assert mine["progress"]["completed"] == world.size


def test_filtered_enrollment_list_costs_three_queries(world, django_assert_num_queries):
    # The status filter only adds a WHERE clause: still COUNT + page.
    body = call(
        ApiClient(world.learner),
        "get",
        "/api/enrollments/?status=active&page_size=100",
        AUTH_QUERY + 2,
        django_assert_num_queries,
    )

    assert body["count"] == world.size


def test_my_courses_cost_four_queries(world, django_assert_num_queries):
    # 1 COUNT + 1 page of enrollments joined to their course, each with its next lesson's id
    # computed by a correlated subquery + 1 all those next lessons with their sections.
    body = call(
        ApiClient(world.learner),
        "get",
        "/api/enrollments/my/?page_size=100",
        AUTH_QUERY + 3,
        django_assert_num_queries,
    )

    assert body["count"] == world.size
    assert all(card["next_lesson"] is not None for card in body["items"])


@pytest.mark.parametrize("size", SIZES)
def test_my_courses_cost_three_queries_when_nothing_is_left_to_do(size, django_assert_num_queries):
    graduate = UserFactory()
    for course in CourseFactory.create_batch(size):
        services.enrollment_create(user=graduate, course=course)
        for lesson in LessonFactory.create_batch(2, section=SectionFactory(course=course)):
            services.lesson_complete(user=graduate, lesson=lesson)

    # COUNT + page; with no next lesson on the page there is nothing more to load.
    body = call(
        ApiClient(graduate),
        "get",
        "/api/enrollments/my/",
        AUTH_QUERY + 2,
        django_assert_num_queries,
    )

    assert [card["next_lesson"] for card in body["items"]] == [None] * size


def test_progress_costs_four_queries(world, django_assert_num_queries):
    # 1 enrollment joined to its course + 1 the course's lessons with their sections, in
    # outline order + 1 the learner's progress rows.
    body = call(
        ApiClient(world.learner),
        "get",
        f"/api/enrollments/progress/{world.course.pk}/",
        AUTH_QUERY + 3,
        django_assert_num_queries,
    )

    assert len(body["lessons"]) == 2 * world.size
    assert body["completed_lessons"] == world.size


def test_refused_progress_costs_two_queries(world, django_assert_num_queries):
    # 1 the (missing) enrollment, then 403.
    call(
        ApiClient(UserFactory()),
        "get",
        f"/api/enrollments/progress/{world.course.pk}/",
        AUTH_QUERY + 1,
        django_assert_num_queries,
        status=403,
    )


def test_course_learners_cost_four_queries(world, django_assert_num_queries):
    # 1 course (visibility) + 1 COUNT + 1 page of enrollments joined to user and course.
    body = call(
        ApiClient(world.owner),
        "get",
        f"/api/enrollments/course/{world.course.pk}/?page_size=100",
        AUTH_QUERY + 3,
        django_assert_num_queries,
    )

    assert body["count"] == world.size + 1


def test_course_detail_for_a_learner_costs_six_queries(world, django_assert_num_queries):
    # 1 course with category and owner + 1 sections + 1 their lessons (prefetch) + 1 the
    # viewer's enrollment, whose progress reuses the course already loaded + 1 EXISTS in the
    # viewer's wishlist.
    body = call(
        ApiClient(world.learner),
        "get",
        f"/api/courses/{world.course.pk}/",
        AUTH_QUERY + 5,
        django_assert_num_queries,
    )

    assert body["enrollment"]["progress"]["completed"] == world.size
    assert len(body["sections"]) == world.size


def test_archived_course_detail_for_a_learner_costs_seven_queries(world, django_assert_num_queries):
    Course.objects.filter(pk=world.course.pk).update(status=Course.Status.ARCHIVED)

    # As above, plus 1 EXISTS: does the viewer hold an enrollment that keeps it visible?
    body = call(
        ApiClient(world.learner),
        "get",
        f"/api/courses/{world.course.pk}/",
        AUTH_QUERY + 6,
        django_assert_num_queries,
    )

    assert body["status"] == "archived"


def test_lesson_list_for_a_learner_costs_four_queries(world, django_assert_num_queries):
    # 1 course + 1 COUNT + 1 page of lessons + 1 EXISTS for the learner's access to bodies,
    # decided once per page.
    body = call(
        ApiClient(world.learner),
        "get",
        f"/api/lessons/?course={world.course.pk}&page_size=100",
        AUTH_QUERY + 4,
        django_assert_num_queries,
    )

    assert {item["is_locked"] for item in body["items"]} == {False}


# Writes -----------------------------------------------------------------------------------

# Re-reading the progress for the answer: enrollment with course + lessons + progress rows.
PROGRESS_READ = 3
# Completing a lesson: the lesson (to find its course), then in the service's savepoint the
# enrollment FOR UPDATE, the lesson again under the lock, the progress row looked up, created
# in its own savepoint (+ INSERT), marked completed, the enrollment's counter bumped with F(),
# the course's lesson count read.
COMPLETE_NEW = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + 3 + SAVEPOINT + 1 + 3 + PROGRESS_READ


def test_completing_a_lesson_costs_sixteen_queries(world, django_assert_num_queries):
    body = call(
        ApiClient(world.learner),
        "post",
        f"/api/enrollments/complete/{world.undone.pk}/",
        COMPLETE_NEW,
        django_assert_num_queries,
    )

    assert COMPLETE_NEW == 16 + SHARED_LOCK
    assert body["completed_lessons"] == world.size + 1


@pytest.mark.parametrize("done_before", [1, 30])
def test_completing_a_lesson_costs_the_same_after_1_or_30_completed(
    done_before, django_assert_num_queries
):
    learner = UserFactory()
    course = CourseFactory()
    lessons = LessonFactory.create_batch(32, section=SectionFactory(course=course))
    services.enrollment_create(user=learner, course=course)
    for lesson in lessons[:done_before]:
        services.lesson_complete(user=learner, lesson=lesson)

    # No recount over the progress rows: the enrollment keeps its counter.
    body = call(
        ApiClient(learner),
        "post",
        f"/api/enrollments/complete/{lessons[done_before].pk}/",
        COMPLETE_NEW,
        django_assert_num_queries,
    )

    assert body["completed_lessons"] == done_before + 1


def test_completing_the_last_lesson_costs_one_query_more(world, django_assert_num_queries):
    for lesson in world.lessons[world.size : -1]:
        services.lesson_complete(user=world.learner, lesson=lesson)

    # + 1 UPDATE of the enrollment: completed_at and status.
    body = call(
        ApiClient(world.learner),
        "post",
        f"/api/enrollments/complete/{world.lessons[-1].pk}/",
        COMPLETE_NEW + 1,
        django_assert_num_queries,
    )

    assert body["percent"] == 100


def test_completing_a_completed_lesson_again_costs_ten_queries(world, django_assert_num_queries):
    # The lesson, then in the savepoint the enrollment FOR UPDATE, the lesson under the lock,
    # the progress row found completed: nothing written; then the progress for the answer.
    queries = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + 3 + PROGRESS_READ

    call(
        ApiClient(world.learner),
        "post",
        f"/api/enrollments/complete/{world.lessons[0].pk}/",
        queries,
        django_assert_num_queries,
    )

    assert queries == 10 + SHARED_LOCK


def test_saving_a_position_costs_twelve_queries(world, django_assert_num_queries):
    # The lesson, then in the savepoint the enrollment FOR UPDATE, the lesson under the lock,
    # the progress row looked up and created in its own savepoint, the position saved, and the
    # enrollment's last activity.
    queries = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + 3 + SAVEPOINT + 1 + 1 + 1

    body = call(
        ApiClient(world.learner),
        "post",
        f"/api/enrollments/position/{world.undone.pk}/",
        queries,
        django_assert_num_queries,
        payload={"position_seconds": 61},
    )

    assert queries == 12 + SHARED_LOCK
    assert body["position_seconds"] == 61


def test_enrolling_costs_nine_queries(world, django_assert_num_queries):
    course = CourseFactory()
    # The course (visibility), then in the savepoint the INSERT in its own savepoint and the
    # enrollment_count bumped with F(); then the enrollment read back joined to its course.
    queries = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + SAVEPOINT + 1 + 1 + 1

    call(
        ApiClient(world.learner),
        "post",
        "/api/enrollments/",
        queries,
        django_assert_num_queries,
        payload={"course": course.pk},
        status=201,
    )

    assert queries == 9 + SHARED_LOCK


def test_enrolling_again_costs_ten_queries(world, django_assert_num_queries):
    # The course, then in the savepoint the INSERT refused by the unique constraint (its
    # savepoint rolled back and released), the existing enrollment FOR UPDATE; then read back.
    queries = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + 4 + 1 + 1

    call(
        ApiClient(world.learner),
        "post",
        "/api/enrollments/",
        queries,
        django_assert_num_queries,
        payload={"course": world.course.pk},
    )

    assert queries == 10 + SHARED_LOCK


def test_a_refused_paid_enrollment_costs_three_queries(world, django_assert_num_queries):
    course = CourseFactory(price=Decimal("99.00"))

    # The course, then whether the caller already holds it; then 402.
    call(
        ApiClient(world.learner),
        "post",
        "/api/enrollments/",
        AUTH_QUERY + 2,
        django_assert_num_queries,
        payload={"course": course.pk},
        status=402,
    )


def test_leaving_a_course_costs_eight_queries(world, django_assert_num_queries):
    # The enrollment (ownership), then in the savepoint the enrollment FOR UPDATE, its status
    # saved, the course's enrollment_count lowered with F(); then the enrollment read back.
    queries = AUTH_QUERY + 1 + SAVEPOINT + SHARED_LOCK + 3 + 1

    body = call(
        ApiClient(world.learner),
        "delete",
        f"/api/enrollments/{world.enrollment.pk}/",
        queries,
        django_assert_num_queries,
    )

    assert queries == 8 + SHARED_LOCK
    assert body["status"] == "cancelled"
