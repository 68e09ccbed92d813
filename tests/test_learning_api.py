"""The learning loop over HTTP, at its exact paths: enrolling, progress, leaving, and what
enrollment opens in the catalogue. Ends with the role x endpoint permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from django_coursehub.catalog import services as catalog_services
from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.learning import services
from django_coursehub.learning.models import Enrollment, LessonProgress
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENROLLMENT_FIELDS = {"id", "course", "status", "enrolled_at", "completed_at", "progress"}
CARD_FIELDS = {"id", "title", "slug", "instructor", "price", "currency", "lesson_count"}
PROGRESS_FIELDS = {
    "course",
    "total_lessons",
    "completed_lessons",
    "percent",
    "completed_at",
    "next_lesson",
    "lessons",
}


def build_course(owner: Any = None, **fields: Any) -> tuple[Course, list[Lesson]]:
    """A course with two sections of two lessons; lessons returned in outline order.

    The second section is moved first, so outline order differs from creation order.
    """
    course = CourseFactory(owner=owner or InstructorFactory(), **fields)
    first, second = SectionFactory(course=course), SectionFactory(course=course)
    first_lessons = LessonFactory.create_batch(2, section=first)
    second_lessons = LessonFactory.create_batch(2, section=second)
    catalog_services.section_move(section=second, position=0)
    course.refresh_from_db()
    return course, second_lessons + first_lessons


def enroll(user: Any, course: Course) -> Enrollment:
    return services.enrollment_grant(user=user, course=course, source=Enrollment.Source.FREE)[0]


def complete(user: Any, *lessons: Lesson) -> None:
    for lesson in lessons:
        services.lesson_complete(user=user, lesson=lesson)


@dataclass
class World:
    owner: Any
    course: Course
    lessons: list[Lesson]
    learner: Any
    enrollment: Enrollment


@pytest.fixture
def world() -> World:
    course, lessons = build_course()
    learner = UserFactory()
    return World(course.owner, course, lessons, learner, enroll(learner, course))


@pytest.fixture
def learner_api(world: World) -> ApiClient:
    return ApiClient(world.learner)


@pytest.fixture
def student_api(student: Any) -> ApiClient:
    return ApiClient(student)


def body_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


# GET /api/enrollments/ ------------------------------------------------------------------


def test_my_enrollments_list_carries_the_contract_fields(world, learner_api):
    complete(world.learner, world.lessons[0])

    body = body_of(learner_api.get("/api/enrollments/"))

    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) >= ENROLLMENT_FIELDS
    assert item["id"] == world.enrollment.pk
    assert set(item["course"]) >= CARD_FIELDS
    assert item["course"]["id"] == world.course.pk
    assert item["status"] == "active"
    assert parse_datetime(item["enrolled_at"]).tzinfo is not None
    assert item["completed_at"] is None
    assert item["progress"] == {"completed": 1, "total": 4, "percent": 25}


def test_my_enrollments_list_shows_only_mine_newest_first(world, learner_api):
    later, _ = build_course()
    enroll(world.learner, later)
    enroll(UserFactory(), later)

    body = body_of(learner_api.get("/api/enrollments/"))

    assert [item["course"]["id"] for item in body["items"]] == [later.pk, world.course.pk]
    assert body["count"] == 2


def test_my_enrollments_list_filters_by_status(world, learner_api):
    left, _ = build_course()
    services.enrollment_cancel(enrollment=enroll(world.learner, left))

    active = body_of(learner_api.get("/api/enrollments/?status=active"))
    cancelled = body_of(learner_api.get("/api/enrollments/?status=cancelled"))
    completed = body_of(learner_api.get("/api/enrollments/?status=completed"))

    assert [item["course"]["id"] for item in active["items"]] == [world.course.pk]
    assert [item["course"]["id"] for item in cancelled["items"]] == [left.pk]
    assert completed == {"items": [], "count": 0}


def test_an_unknown_status_filter_is_refused(learner_api):
    assert learner_api.get("/api/enrollments/?status=paused").status_code == 422


def test_my_enrollments_list_is_paginated(world, learner_api):
    for _ in range(2):
        enroll(world.learner, build_course()[0])

    first = body_of(learner_api.get("/api/enrollments/?page_size=2"))
    second = body_of(learner_api.get("/api/enrollments/?page=2&page_size=2"))

    assert (len(first["items"]), len(second["items"]), first["count"]) == (2, 1, 3)
    assert learner_api.get("/api/enrollments/?page=3&page_size=2").status_code == 404


# POST /api/enrollments/ -----------------------------------------------------------------


def test_enrolling_in_a_free_course_answers_201_with_the_enrollment(student_api, student):
    course, _ = build_course()

    body = body_of(student_api.post("/api/enrollments/", {"course": course.pk}), 201)

    enrollment = Enrollment.objects.get(user=student, course=course)
    assert set(body) >= ENROLLMENT_FIELDS
    assert body["id"] == enrollment.pk
    assert (body["status"], body["source"]) == ("active", "free")
    assert body["course"]["enrollment_count"] == 1
    assert body["progress"] == {"completed": 0, "total": 4, "percent": 0}


def test_enrolling_again_answers_200_with_the_same_enrollment(world, learner_api):
    body = body_of(learner_api.post("/api/enrollments/", {"course": world.course.pk}), 200)

    assert body["id"] == world.enrollment.pk
    assert Enrollment.objects.count() == 1
    assert Course.objects.get(pk=world.course.pk).enrollment_count == 1


def test_coming_back_after_leaving_answers_201_with_the_progress_kept(world, learner_api):
    complete(world.learner, world.lessons[0])
    services.enrollment_cancel(enrollment=world.enrollment)

    body = body_of(learner_api.post("/api/enrollments/", {"course": world.course.pk}), 201)

    assert body["id"] == world.enrollment.pk
    assert body["status"] == "active"
    assert body["progress"]["completed"] == 1


def test_a_paid_course_answers_402_telling_how_to_pay(student_api):
    course, _ = build_course(price=Decimal("120000.00"))

    response = student_api.post("/api/enrollments/", {"course": course.pk})

    body = body_of(response, 402)
    assert set(body) >= {"detail", "code"}
    assert body["code"] == "payment_required"
    assert "120000.00" in body["detail"]
    assert "cannot be bought online" in body["detail"]
    assert not Enrollment.objects.exists()


def test_the_402_names_the_order_endpoint_and_the_providers_for_the_currency(payments, student_api):
    uzs, _ = build_course(price=Decimal("120000.00"))
    usd, _ = build_course(price=Decimal("30.00"), currency="USD")

    for_uzs = body_of(student_api.post("/api/enrollments/", {"course": uzs.pk}), 402)
    for_usd = body_of(student_api.post("/api/enrollments/", {"course": usd.pk}), 402)

    assert "payments/orders/" in for_uzs["detail"]
    assert "(payme, click, stripe)" in for_uzs["detail"]
    assert "(stripe)" in for_usd["detail"]


def test_a_buyer_posting_again_gets_200_not_402(student, student_api):
    course, _ = build_course(price=Decimal("50.00"), currency="USD")
    bought, _ = services.enrollment_grant(
        user=student, course=course, source=Enrollment.Source.PURCHASE
    )

    body = body_of(student_api.post("/api/enrollments/", {"course": course.pk}), 200)

    assert (body["id"], body["source"]) == (bought.pk, "purchase")


@pytest.mark.parametrize("course_id", [999_999, 2**63 - 1])
def test_enrolling_in_an_unknown_course_is_404(student_api, course_id):
    response = student_api.post("/api/enrollments/", {"course": course_id})

    assert body_of(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_enrolling_in_a_hidden_course_is_404(student_api, status):
    course = DraftCourseFactory(status=status)

    assert student_api.post("/api/enrollments/", {"course": course.pk}).status_code == 404
    assert not Enrollment.objects.exists()


def test_an_owner_enrolling_in_their_own_draft_is_404(instructor):
    course = DraftCourseFactory(owner=instructor)

    response = ApiClient(instructor).post("/api/enrollments/", {"course": course.pk})

    assert response.status_code == 404
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{}, {"course": "1"}, {"course": True}, {"course": 0}, {"course": -1}, {"course": 2**63}, []],
)
def test_a_malformed_enrollment_body_is_422(student_api, payload):
    assert student_api.post("/api/enrollments/", payload).status_code == 422
    assert not Enrollment.objects.exists()


def test_broken_json_is_refused_without_a_server_error(student_api):
    assert student_api.post("/api/enrollments/", "{course: ").status_code == 400


# GET /api/enrollments/my/ ---------------------------------------------------------------


def test_my_courses_are_cards_with_progress_and_the_next_lesson_in_outline_order(
    world, learner_api
):
    complete(world.learner, world.lessons[0], world.lessons[2])

    body = body_of(learner_api.get("/api/enrollments/my/"))

    assert body["count"] == 1
    card = body["items"][0]
    assert card["course"]["id"] == world.course.pk
    assert set(card["course"]) >= CARD_FIELDS
    assert card["status"] == "active"
    assert card["progress"] == {"completed": 2, "total": 4, "percent": 50}
    nxt = world.lessons[1]
    assert card["next_lesson"]["id"] == nxt.pk
    assert card["next_lesson"]["title"] == nxt.title
    assert card["next_lesson"]["section"] == nxt.section_id


def test_a_fresh_learners_next_lesson_is_the_first_of_the_first_section(world, learner_api):
    card = body_of(learner_api.get("/api/enrollments/my/"))["items"][0]

    assert card["next_lesson"]["id"] == world.lessons[0].pk


def test_next_lesson_is_null_when_every_lesson_is_done(world, learner_api):
    complete(world.learner, *world.lessons)

    card = body_of(learner_api.get("/api/enrollments/my/"))["items"][0]

    assert card["next_lesson"] is None
    assert card["status"] == "completed"
    assert card["completed_at"] is not None
    assert card["progress"]["percent"] == 100


def test_my_courses_leave_out_enrollments_without_access(world, learner_api):
    left, _ = build_course()
    services.enrollment_cancel(enrollment=enroll(world.learner, left))
    refunded, _ = build_course()
    Enrollment.objects.filter(pk=enroll(world.learner, refunded).pk).update(status="refunded")
    graduated, graduated_lessons = build_course()
    enroll(world.learner, graduated)
    complete(world.learner, *graduated_lessons)

    body = body_of(learner_api.get("/api/enrollments/my/"))

    assert {card["course"]["id"] for card in body["items"]} == {world.course.pk, graduated.pk}
    assert body["count"] == 2


def test_my_courses_of_someone_enrolled_nowhere_is_empty(student_api, world):
    assert body_of(student_api.get("/api/enrollments/my/")) == {"items": [], "count": 0}


# GET /api/enrollments/progress/{course_id}/ ---------------------------------------------


def test_progress_carries_every_lesson_in_outline_order(world, learner_api):
    complete(world.learner, world.lessons[1])
    services.lesson_position_save(user=world.learner, lesson=world.lessons[0], position_seconds=7)

    body = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))

    assert set(body) >= PROGRESS_FIELDS
    assert body["course"] == world.course.pk
    assert (body["total_lessons"], body["completed_lessons"], body["percent"]) == (4, 1, 25)
    assert body["completed_at"] is None
    assert body["next_lesson"]["id"] == world.lessons[0].pk
    assert [lesson["id"] for lesson in body["lessons"]] == [x.pk for x in world.lessons]
    assert [lesson["completed"] for lesson in body["lessons"]] == [False, True, False, False]
    first, second = body["lessons"][:2]
    assert set(first) >= {"id", "title", "section", "completed", "completed_at"}
    assert (first["section"], first["completed_at"], first["position_seconds"]) == (
        world.lessons[0].section_id,
        None,
        7,
    )
    assert parse_datetime(second["completed_at"]) is not None


def test_progress_of_a_course_i_am_not_enrolled_in_is_403(world, student_api):
    response = student_api.get(f"/api/enrollments/progress/{world.course.pk}/")

    assert body_of(response, 403)["code"] == "not_enrolled"


def test_progress_of_an_unknown_course_is_refused(learner_api):
    assert learner_api.get("/api/enrollments/progress/999999/").status_code in (403, 404)


def test_progress_after_leaving_is_403(world, learner_api):
    services.enrollment_cancel(enrollment=world.enrollment)

    assert learner_api.get(f"/api/enrollments/progress/{world.course.pk}/").status_code == 403


# POST /api/enrollments/complete/{lesson_id}/ --------------------------------------------


def test_completing_a_lesson_returns_the_updated_progress(world, learner_api):
    path = f"/api/enrollments/complete/{world.lessons[0].pk}/"

    body = body_of(learner_api.post(path))

    assert set(body) >= PROGRESS_FIELDS
    assert (body["completed_lessons"], body["percent"]) == (1, 25)
    assert body["lessons"][0]["completed"] is True
    assert body["next_lesson"]["id"] == world.lessons[1].pk


def test_completing_a_lesson_twice_gives_the_same_result(world, learner_api):
    path = f"/api/enrollments/complete/{world.lessons[0].pk}/"

    first = body_of(learner_api.post(path))
    second = body_of(learner_api.post(path))

    assert first == second
    assert LessonProgress.objects.count() == 1


def test_completing_every_lesson_reaches_100_with_completed_at_on_the_last(world, learner_api):
    percents = []
    for lesson in world.lessons:
        body = body_of(learner_api.post(f"/api/enrollments/complete/{lesson.pk}/"))
        percents.append(body["percent"])
        if lesson != world.lessons[-1]:
            assert body["completed_at"] is None
    again = body_of(learner_api.post(f"/api/enrollments/complete/{world.lessons[0].pk}/"))

    assert percents == [25, 50, 75, 100]
    assert body["completed_at"] is not None
    assert body["status"] == "completed"
    assert body["next_lesson"] is None
    assert (again["percent"], again["completed_at"]) == (100, body["completed_at"])


def test_a_lesson_added_after_completion_lowers_the_percent_but_keeps_completion(
    world, learner_api
):
    complete(world.learner, *world.lessons)
    owner = ApiClient(world.owner)
    added = owner.post(
        "/api/lessons/", {"section": world.lessons[0].section_id, "title": "Bonus"}
    ).json()

    before = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))
    after = body_of(learner_api.post(f"/api/enrollments/complete/{added['id']}/"))

    assert (before["percent"], before["status"]) == (80, "completed")
    assert before["completed_at"] is not None
    assert before["next_lesson"]["id"] == added["id"]
    assert after["percent"] == 100
    assert after["completed_at"] == before["completed_at"]


def test_deleting_a_completed_lesson_keeps_the_percent_within_100(world, learner_api):
    complete(world.learner, *world.lessons[:3])

    response = ApiClient(world.owner).delete(f"/api/lessons/{world.lessons[0].pk}/")

    assert response.status_code == 204
    body = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))
    assert (body["completed_lessons"], body["total_lessons"], body["percent"]) == (2, 3, 66)


def test_deleting_the_last_undone_lesson_completes_the_course(world, learner_api):
    complete(world.learner, *world.lessons[:3])

    ApiClient(world.owner).delete(f"/api/lessons/{world.lessons[3].pk}/")

    body = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))
    assert (body["percent"], body["status"]) == (100, "completed")
    assert body["completed_at"] is not None


def test_completing_a_lesson_without_enrollment_is_403(world, student_api):
    response = student_api.post(f"/api/enrollments/complete/{world.lessons[0].pk}/")

    assert body_of(response, 403)["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


def test_completing_a_lesson_after_leaving_is_403(world, learner_api):
    services.enrollment_cancel(enrollment=world.enrollment)

    response = learner_api.post(f"/api/enrollments/complete/{world.lessons[0].pk}/")

    assert response.status_code == 403


def test_completing_an_unknown_lesson_is_404(learner_api):
    assert learner_api.post("/api/enrollments/complete/999999/").status_code == 404


# POST /api/enrollments/position/{lesson_id}/ --------------------------------------------


def test_saving_a_position_returns_the_lesson_state(world, learner_api):
    lesson = world.lessons[0]
    path = f"/api/enrollments/position/{lesson.pk}/"

    body = body_of(learner_api.post(path, {"position_seconds": 95}))

    assert body["id"] == lesson.pk
    assert (body["position_seconds"], body["completed"]) == (95, False)
    assert LessonProgress.objects.get().position_seconds == 95


@pytest.mark.parametrize(
    "payload", [{}, {"position_seconds": -1}, {"position_seconds": "5"}, {"position_seconds": 1.5}]
)
def test_a_malformed_position_is_422(world, learner_api, payload):
    path = f"/api/enrollments/position/{world.lessons[0].pk}/"

    assert learner_api.post(path, payload).status_code == 422


def test_saving_a_position_without_enrollment_is_403(world, student_api):
    path = f"/api/enrollments/position/{world.lessons[0].pk}/"

    assert student_api.post(path, {"position_seconds": 3}).status_code == 403
    assert not LessonProgress.objects.exists()


# DELETE /api/enrollments/{id}/ ----------------------------------------------------------


def test_leaving_a_course_cancels_the_enrollment_and_keeps_progress(world, learner_api):
    complete(world.learner, world.lessons[0])

    body = body_of(learner_api.delete(f"/api/enrollments/{world.enrollment.pk}/"))

    assert (body["id"], body["status"]) == (world.enrollment.pk, "cancelled")
    assert body["progress"]["completed"] == 1
    assert body["course"]["enrollment_count"] == 0
    assert Enrollment.objects.get().status == Enrollment.Status.CANCELLED


def test_leaving_twice_answers_the_same(world, learner_api):
    path = f"/api/enrollments/{world.enrollment.pk}/"

    first = body_of(learner_api.delete(path))
    second = body_of(learner_api.delete(path))

    assert first == second
    assert Course.objects.get(pk=world.course.pk).enrollment_count == 0


def test_cancelling_someone_elses_enrollment_is_404(world, student_api):
    response = student_api.delete(f"/api/enrollments/{world.enrollment.pk}/")

    assert response.status_code == 404
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


def test_a_purchased_enrollment_cannot_be_left_but_is_409(student, student_api):
    course, _ = build_course(price=Decimal("10.00"))
    bought, _ = services.enrollment_grant(
        user=student, course=course, source=Enrollment.Source.PURCHASE
    )

    response = student_api.delete(f"/api/enrollments/{bought.pk}/")

    assert body_of(response, 409)["code"] == "not_cancellable"
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


# GET /api/enrollments/course/{course_id}/ -----------------------------------------------


def test_the_owner_lists_the_learners_of_the_course_with_their_progress(world):
    complete(world.learner, world.lessons[0])
    other = UserFactory()
    services.enrollment_cancel(enrollment=enroll(other, world.course))
    enroll(UserFactory(), build_course(owner=world.owner)[0])

    body = body_of(ApiClient(world.owner).get(f"/api/enrollments/course/{world.course.pk}/"))

    assert body["count"] == 2
    by_user = {item["user"]["id"]: item for item in body["items"]}
    assert set(by_user) == {world.learner.pk, other.pk}
    mine = by_user[world.learner.pk]
    assert mine["user"]["username"] == world.learner.username
    assert (mine["status"], mine["progress"]["percent"]) == ("active", 25)
    assert by_user[other.pk]["status"] == "cancelled"


def test_staff_list_the_learners_of_any_course(world):
    staff = StaffFactory()

    body = body_of(ApiClient(staff).get(f"/api/enrollments/course/{world.course.pk}/"))

    assert [item["id"] for item in body["items"]] == [world.enrollment.pk]


def test_to_learners_and_other_instructors_a_courses_learner_list_does_not_exist(
    world, learner_api
):
    path = f"/api/enrollments/course/{world.course.pk}/"

    assert learner_api.get(path).status_code == 404
    assert ApiClient(InstructorFactory()).get(path).status_code == 404


def test_listing_a_courses_learners_needs_a_token(world, anon):
    assert anon.get(f"/api/enrollments/course/{world.course.pk}/").status_code == 401


def test_the_learners_of_someone_elses_draft_are_404(student_api):
    course = DraftCourseFactory()

    assert student_api.get(f"/api/enrollments/course/{course.pk}/").status_code == 404


# What enrollment changes in the catalogue -----------------------------------------------


def test_course_detail_shows_my_enrollment(world, learner_api):
    complete(world.learner, world.lessons[0])

    body = body_of(learner_api.get(f"/api/courses/{world.course.pk}/"))

    enrollment = body["enrollment"]
    assert (enrollment["id"], enrollment["status"]) == (world.enrollment.pk, "active")
    assert enrollment["progress"] == {"completed": 1, "total": 4, "percent": 25}
    assert enrollment["completed_at"] is None


def test_course_detail_shows_a_cancelled_enrollment_as_such(world, learner_api):
    services.enrollment_cancel(enrollment=world.enrollment)

    body = body_of(learner_api.get(f"/api/courses/{world.course.pk}/"))

    assert body["enrollment"]["status"] == "cancelled"


def test_course_detail_has_no_enrollment_for_visitors_and_non_learners(world, anon, student_api):
    for client in (anon, student_api, ApiClient(world.owner)):
        body = body_of(client.get(f"/api/courses/{world.course.pk}/"))
        assert body["enrollment"] is None


def test_course_detail_shows_the_rating_histogram(world, anon):
    Course.objects.filter(pk=world.course.pk).update(
        rating_count=3, rating_5_count=2, rating_3_count=1, rating_avg=Decimal("4.33")
    )

    body = body_of(anon.get(f"/api/courses/{world.course.pk}/"))

    assert body["rating_histogram"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 2}


def lesson_bodies(client: ApiClient, course: Course) -> list[str | None]:
    items = body_of(client.get(f"/api/lessons/?course={course.pk}"))["items"]
    return [item["content"] for item in items]


def test_lesson_bodies_open_to_active_learners_and_close_after_leaving(world, student_api):
    lesson = world.lessons[0]
    assert lesson_bodies(student_api, world.course) == [None] * 4

    joined = student_api.post("/api/enrollments/", {"course": world.course.pk}).json()
    assert lesson_bodies(student_api, world.course) == ["The lesson body."] * 4
    assert body_of(student_api.get(f"/api/lessons/{lesson.pk}/"))["is_locked"] is False

    student_api.delete(f"/api/enrollments/{joined['id']}/")
    assert lesson_bodies(student_api, world.course) == [None] * 4
    assert body_of(student_api.get(f"/api/lessons/{lesson.pk}/"))["is_locked"] is True


def test_lesson_bodies_stay_open_to_graduates(world, learner_api):
    complete(world.learner, *world.lessons)

    assert lesson_bodies(learner_api, world.course) == ["The lesson body."] * 4


def test_a_preview_lesson_is_open_to_everyone(world, anon):
    Lesson.objects.filter(pk=world.lessons[0].pk).update(is_preview=True)

    assert lesson_bodies(anon, world.course) == ["The lesson body.", None, None, None]


def test_an_archived_course_stays_visible_to_its_learners_only(world, learner_api, student_api):
    departed = UserFactory()
    services.enrollment_cancel(enrollment=enroll(departed, world.course))
    departed_api = ApiClient(departed)
    Course.objects.filter(pk=world.course.pk).update(status=Course.Status.ARCHIVED)
    lesson = world.lessons[0]

    detail = body_of(learner_api.get(f"/api/courses/{world.course.pk}/"))
    assert (detail["status"], detail["enrollment"]["id"]) == ("archived", world.enrollment.pk)
    assert lesson_bodies(learner_api, world.course) == ["The lesson body."] * 4
    assert body_of(learner_api.get(f"/api/lessons/{lesson.pk}/"))["content"]
    progress = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))
    assert progress["total_lessons"] == 4
    assert learner_api.post(f"/api/enrollments/complete/{lesson.pk}/").status_code == 200

    for client in (student_api, departed_api, ApiClient()):
        assert client.get(f"/api/courses/{world.course.pk}/").status_code == 404
        assert client.get(f"/api/lessons/?course={world.course.pk}").status_code == 404
        assert client.get(f"/api/lessons/{lesson.pk}/").status_code == 404
    assert world.course.pk not in [
        c["id"] for c in body_of(learner_api.get("/api/courses/"))["items"]
    ]


def test_a_learner_enrolling_again_in_an_archived_course_keeps_it(world, learner_api):
    Course.objects.filter(pk=world.course.pk).update(status=Course.Status.ARCHIVED)

    body = body_of(learner_api.post("/api/enrollments/", {"course": world.course.pk}), 200)

    assert body["id"] == world.enrollment.pk


def test_deleting_a_course_with_learners_archives_it(world, learner_api):
    complete(world.learner, world.lessons[0])

    response = ApiClient(world.owner).delete(f"/api/courses/{world.course.pk}/")

    body = body_of(response, 200)
    assert (body["id"], body["status"]) == (world.course.pk, "archived")
    assert Course.objects.get(pk=world.course.pk).status == Course.Status.ARCHIVED
    assert Lesson.objects.filter(course=world.course).count() == 4
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE
    progress = body_of(learner_api.get(f"/api/enrollments/progress/{world.course.pk}/"))
    assert progress["completed_lessons"] == 1


def test_deleting_a_course_whose_learners_all_left_still_archives_it(world):
    services.enrollment_cancel(enrollment=world.enrollment)

    response = ApiClient(world.owner).delete(f"/api/courses/{world.course.pk}/")

    assert body_of(response, 200)["status"] == "archived"
    assert Enrollment.objects.filter(pk=world.enrollment.pk).exists()


def test_deleting_a_course_nobody_enrolled_in_deletes_it(instructor):
    course, _ = build_course(owner=instructor)

    assert ApiClient(instructor).delete(f"/api/courses/{course.pk}/").status_code == 204
    assert not Course.objects.filter(pk=course.pk).exists()


# Permission matrix ----------------------------------------------------------------------
# Roles: anonymous; a student not enrolled; the enrolled learner; the course's owner; staff.
# Each enrollment endpoint is called on the learner's course, lesson and enrollment.

ROLES = ("anonymous", "student", "learner", "owner", "staff")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    payload: dict[str, Any] | None = None


ENDPOINT_MATRIX = (
    #                                                               anon stud learner owner staff
    (Endpoint("list", "get", "/api/enrollments/"), (401, 200, 200, 200, 200)),
    (
        Endpoint("list-filtered", "get", "/api/enrollments/?status=active"),
        (401, 200, 200, 200, 200),
    ),
    # Anyone may join a free course, its owner and staff included; the learner already has.
    (
        Endpoint("create", "post", "/api/enrollments/", {"course": "{course}"}),
        (401, 201, 200, 201, 201),
    ),
    (Endpoint("my", "get", "/api/enrollments/my/"), (401, 200, 200, 200, 200)),
    # Progress belongs to learners: managing a course does not make one its learner.
    (Endpoint("progress", "get", "/api/enrollments/progress/{course}/"), (401, 403, 200, 403, 403)),
    (
        Endpoint("complete", "post", "/api/enrollments/complete/{lesson}/"),
        (401, 403, 200, 403, 403),
    ),
    (
        Endpoint(
            "position", "post", "/api/enrollments/position/{lesson}/", {"position_seconds": 9}
        ),
        (401, 403, 200, 403, 403),
    ),
    # Only the learner may leave; to everybody else the enrollment does not exist.
    (Endpoint("cancel", "delete", "/api/enrollments/{enrollment}/"), (401, 404, 200, 404, 404)),
    (
        Endpoint("course-learners", "get", "/api/enrollments/course/{course}/"),
        (401, 404, 404, 200, 200),
    ),
)


def matrix_params() -> list[Any]:
    return [
        pytest.param(endpoint, role, expected, id=f"{endpoint.name}-{role}")
        for endpoint, codes in ENDPOINT_MATRIX
        for role, expected in zip(ROLES, codes, strict=True)
    ]


def learning_snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    return (
        list(Enrollment.objects.order_by("pk").values_list()),
        list(LessonProgress.objects.order_by("pk").values_list()),
        list(Course.objects.order_by("pk").values_list("pk", "enrollment_count", "status")),
    )


@pytest.mark.parametrize(("endpoint", "role", "expected"), matrix_params())
def test_enrollment_endpoints_answer_each_role_as_the_matrix_says(world, endpoint, role, expected):
    users = {
        "anonymous": None,
        "student": UserFactory(),
        "learner": world.learner,
        "owner": world.owner,
        "staff": StaffFactory(),
    }
    ids = {
        "course": world.course.pk,
        "lesson": world.lessons[0].pk,
        "enrollment": world.enrollment.pk,
    }
    client = ApiClient(users[role])
    path = endpoint.path.format(**ids)
    payload = {
        key: ids[value.strip("{}")] if isinstance(value, str) else value
        for key, value in (endpoint.payload or {}).items()
    }
    before = learning_snapshot()

    if endpoint.method == "post":
        response = client.post(path, payload)
    else:
        response = getattr(client, endpoint.method)(path)

    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        assert learning_snapshot() == before


# Follow-up rules ---------------------------------------------------------------------------


def test_an_expired_enrollment_no_longer_opens_lesson_bodies_or_completion(world):
    Enrollment.objects.filter(pk=world.enrollment.pk).update(
        expires_at=parse_datetime("2020-01-01T00:00:00+05:00")
    )
    client = ApiClient(world.learner)

    lesson = client.get(f"/api/lessons/{world.lessons[0].pk}/").json()
    response = client.post(f"/api/enrollments/complete/{world.lessons[0].pk}/")

    assert lesson["is_locked"] is True
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"


def test_granting_access_again_lifts_an_expiry(world):
    Enrollment.objects.filter(pk=world.enrollment.pk).update(
        expires_at=parse_datetime("2020-01-01T00:00:00+05:00")
    )

    services.enrollment_grant(user=world.learner, course=world.course)

    enrollment = Enrollment.objects.get(pk=world.enrollment.pk)
    assert enrollment.expires_at is None
    assert enrollment.has_access
    assert Course.objects.get(pk=world.course.pk).enrollment_count == 1


def test_buying_a_course_one_joined_for_free_makes_the_enrollment_a_purchase(world):
    services.enrollment_grant(
        user=world.learner, course=world.course, source=Enrollment.Source.PURCHASE
    )

    response = ApiClient(world.learner).delete(f"/api/enrollments/{world.enrollment.pk}/")

    assert Enrollment.objects.get(pk=world.enrollment.pk).source == Enrollment.Source.PURCHASE
    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"


@pytest.mark.parametrize("action", ["complete", "position"])
def test_lessons_of_a_hidden_draft_answer_404_like_unknown_ones(student, action):
    draft = DraftCourseFactory()
    lesson = LessonFactory(section=SectionFactory(course=draft))
    payload = {"position_seconds": 5} if action == "position" else {}

    response = ApiClient(student).post(f"/api/enrollments/{action}/{lesson.pk}/", payload)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_course_put_back_to_draft_stays_visible_to_its_learners_only(world):
    catalog_services.course_update(course=world.course, changes={"is_published": False})

    mine = ApiClient(world.learner).get(f"/api/courses/{world.course.pk}/")
    theirs = ApiClient(UserFactory()).get(f"/api/courses/{world.course.pk}/")

    assert mine.status_code == 200
    assert mine.json()["enrollment"]["id"] == world.enrollment.pk
    assert theirs.status_code == 404


def test_studying_a_course_moves_it_to_the_top_of_my_courses(world):
    other, _lessons = build_course()
    enroll(world.learner, other)
    client = ApiClient(world.learner)
    assert client.get("/api/enrollments/my/").json()["items"][0]["course"]["id"] == other.pk

    client.post(f"/api/enrollments/complete/{world.lessons[0].pk}/")

    assert client.get("/api/enrollments/my/").json()["items"][0]["course"]["id"] == world.course.pk
