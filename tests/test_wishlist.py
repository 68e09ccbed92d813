"""The wishlist over HTTP and through its services: saving is idempotent, only published
courses show, every user sees only their own list, and the database keeps one entry per course."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from django_coursehub.catalog.models import Course
from django_coursehub.catalog.schemas import CourseListItem
from django_coursehub.exceptions import Conflict
from django_coursehub.wishlist import services
from django_coursehub.wishlist.models import WishlistItem
from tests.conftest import ApiClient
from tests.factories import CourseFactory, DraftCourseFactory, UserFactory
from tests.test_catalog_api import CONTRACT_ITEM_FIELDS

LIST = "/api/wishlist/"
#: A wishlist item is a course card (the contract's fields and more) plus when it was saved.
CARD_FIELDS = {*CONTRACT_ITEM_FIELDS, "status", "is_published", "published_at", "added_at"}


def listed_ids(client: ApiClient, **params: Any) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [card["id"] for card in response.json()["items"]]


def set_status(course: Course, status: str) -> None:
    Course.objects.filter(pk=course.pk).update(status=status)


@pytest.fixture
def me(student: Any) -> ApiClient:
    return ApiClient(student)


@pytest.mark.django_db
class TestSaving:
    def test_saving_a_course_answers_201_with_its_card(self, me: ApiClient) -> None:
        course = CourseFactory(title="Python asoslari")

        response = me.post(LIST, {"course": course.pk})

        assert response.status_code == 201, response.content
        card = response.json()
        assert set(card) == CARD_FIELDS
        assert set(card) == set(CourseListItem.model_fields) | {"added_at"}
        assert (card["id"], card["title"]) == (course.pk, "Python asoslari")
        assert WishlistItem.objects.filter(user=me.user, course=course).count() == 1

    def test_saving_it_again_answers_200_and_keeps_one_entry(self, me: ApiClient) -> None:
        course = CourseFactory()
        first = me.post(LIST, {"course": course.pk}).json()

        again = me.post(LIST, {"course": course.pk})

        assert again.status_code == 200
        assert again.json() == first
        assert WishlistItem.objects.filter(user=me.user).count() == 1

    def test_another_users_draft_is_404_like_a_missing_course(self, me: ApiClient) -> None:
        draft = DraftCourseFactory()

        hidden = me.post(LIST, {"course": draft.pk})
        missing = me.post(LIST, {"course": draft.pk + 1000})

        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert not WishlistItem.objects.exists()

    def test_an_instructor_cannot_save_their_own_unpublished_course(self, instructor: Any) -> None:
        draft = DraftCourseFactory(owner=instructor)

        response = ApiClient(instructor).post(LIST, {"course": draft.pk})

        assert response.status_code == 409
        assert response.json()["code"] == "course_not_published"
        assert not WishlistItem.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [{}, {"course": "1"}, {"course": 0}, {"course": -3}, {"course": None}, {"course": 1.5}],
    )
    def test_a_malformed_body_is_a_4xx_and_saves_nothing(self, me: ApiClient, body: Any) -> None:
        CourseFactory(pk=1)

        response = me.post(LIST, body)

        assert 400 <= response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        assert not WishlistItem.objects.exists()

    def test_anonymous_visitors_must_log_in(self, anon: ApiClient) -> None:
        course = CourseFactory()

        assert anon.post(LIST, {"course": course.pk}).status_code == 401
        assert anon.get(LIST).status_code == 401
        assert anon.delete(f"{LIST}{course.pk}/").status_code == 401
        assert not WishlistItem.objects.exists()


@pytest.mark.django_db
class TestListing:
    def test_most_recently_saved_first(self, me: ApiClient) -> None:
        older, newer = CourseFactory(), CourseFactory()
        services.wishlist_add(user=me.user, course=older)
        services.wishlist_add(user=me.user, course=newer)

        assert listed_ids(me) == [newer.pk, older.pk]

    def test_drafts_and_archived_courses_do_not_appear_but_come_back(self, me: ApiClient) -> None:
        shown, unpublished, archived = CourseFactory(), CourseFactory(), CourseFactory()
        for course in (shown, unpublished, archived):
            services.wishlist_add(user=me.user, course=course)
        set_status(unpublished, Course.Status.DRAFT)
        set_status(archived, Course.Status.ARCHIVED)

        response = me.get(LIST)

        assert [card["id"] for card in response.json()["items"]] == [shown.pk]
        assert response.json()["count"] == 1
        set_status(archived, Course.Status.PUBLISHED)
        assert listed_ids(me) == [archived.pk, shown.pk]

    def test_nobody_sees_another_users_wishlist(self, me: ApiClient) -> None:
        mine, theirs = CourseFactory(), CourseFactory()
        other = UserFactory()
        services.wishlist_add(user=me.user, course=mine)
        services.wishlist_add(user=other, course=theirs)
        services.wishlist_add(user=other, course=mine)

        assert listed_ids(me) == [mine.pk]
        assert listed_ids(ApiClient(other)) == [mine.pk, theirs.pk]

    def test_pages(self, me: ApiClient) -> None:
        courses = CourseFactory.create_batch(5)
        for course in courses:
            services.wishlist_add(user=me.user, course=course)

        second = me.get(LIST, {"page": 2, "page_size": 2}).json()

        assert second["count"] == 5
        assert [card["id"] for card in second["items"]] == [courses[2].pk, courses[1].pk]
        assert me.get(LIST, {"page": 4, "page_size": 2}).status_code == 404

    @pytest.mark.parametrize("page_size", [2, 20])
    def test_two_queries_whatever_the_page_size(
        self, me: ApiClient, page_size: int, django_assert_num_queries: Any
    ) -> None:
        for course in CourseFactory.create_batch(12):
            services.wishlist_add(user=me.user, course=course)

        # The user comes from the token: one query; then the count and the page.
        with django_assert_num_queries(3):
            response = me.get(LIST, {"page_size": page_size})

        assert len(response.json()["items"]) == min(page_size, 12)


@pytest.mark.django_db
class TestCoursePage:
    """``in_wishlist`` on ``GET /api/courses/{id}/`` tells a frontend which button to show."""

    def page(self, client: ApiClient, course: Course) -> dict[str, Any]:
        response = client.get(f"/api/courses/{course.pk}/")
        assert response.status_code == 200, response.content
        return response.json()

    def test_it_follows_saving_and_removing(self, me: ApiClient) -> None:
        course = CourseFactory()
        assert self.page(me, course)["in_wishlist"] is False

        me.post(LIST, {"course": course.pk})
        assert self.page(me, course)["in_wishlist"] is True

        me.delete(f"{LIST}{course.pk}/")
        assert self.page(me, course)["in_wishlist"] is False

    def test_it_is_the_callers_own(self, me: ApiClient, anon: ApiClient) -> None:
        course = CourseFactory()
        me.post(LIST, {"course": course.pk})

        assert self.page(ApiClient(UserFactory()), course)["in_wishlist"] is False
        assert self.page(anon, course)["in_wishlist"] is False

    def test_a_saved_course_gone_back_to_draft_still_says_saved_to_those_who_see_it(
        self, instructor: Any
    ) -> None:
        mine = ApiClient(instructor)
        course = CourseFactory(owner=instructor)
        mine.post(LIST, {"course": course.pk})
        set_status(course, Course.Status.DRAFT)

        # Hidden from the list, but kept: it shows again once the course is published.
        assert course.pk not in listed_ids(mine)
        assert self.page(mine, course)["in_wishlist"] is True


@pytest.mark.django_db
class TestRemoving:
    def test_removing_answers_204_and_repeating_it_too(self, me: ApiClient) -> None:
        course = CourseFactory()
        services.wishlist_add(user=me.user, course=course)

        assert me.delete(f"{LIST}{course.pk}/").status_code == 204
        assert me.delete(f"{LIST}{course.pk}/").status_code == 204
        assert listed_ids(me) == []

    def test_removing_touches_only_my_entry(self, me: ApiClient) -> None:
        course = CourseFactory()
        other = UserFactory()
        services.wishlist_add(user=me.user, course=course)
        services.wishlist_add(user=other, course=course)

        me.delete(f"{LIST}{course.pk}/")

        assert list(WishlistItem.objects.values_list("user", flat=True)) == [other.pk]

    @pytest.mark.parametrize("course_id", ["0", "abc", "-1", "99999999999999999999"])
    def test_a_malformed_id_is_a_4xx(self, me: ApiClient, course_id: str) -> None:
        response = me.delete(f"{LIST}{course_id}/")

        assert 400 <= response.status_code < 500


@pytest.mark.django_db
class TestServices:
    def test_add_returns_the_entry_and_whether_it_is_new(self, student: Any) -> None:
        course = CourseFactory()

        first, created = services.wishlist_add(user=student, course=course)
        second, created_again = services.wishlist_add(user=student, course=course)

        assert (created, created_again) == (True, False)
        assert first.pk == second.pk

    def test_add_refuses_an_unpublished_course(self, student: Any) -> None:
        with pytest.raises(Conflict):
            services.wishlist_add(user=student, course=DraftCourseFactory())

    def test_remove_says_whether_the_course_was_saved(self, student: Any) -> None:
        course = CourseFactory()
        services.wishlist_add(user=student, course=course)

        assert services.wishlist_remove(user=student, course_id=course.pk) is True
        assert services.wishlist_remove(user=student, course_id=course.pk) is False

    def test_the_database_refuses_a_second_entry_for_the_same_course(self, student: Any) -> None:
        course = CourseFactory()
        WishlistItem.objects.create(user=student, course=course)

        with pytest.raises(IntegrityError), transaction.atomic():
            WishlistItem.objects.create(user=student, course=course)

    def test_deleting_a_course_empties_it_from_wishlists(self, student: Any) -> None:
        course = CourseFactory()
        services.wishlist_add(user=student, course=course)

        course.delete()

        assert not WishlistItem.objects.exists()


@pytest.mark.django_db
class TestAdmin:
    CHANGELIST = "/admin/coursehub/wishlistitem/"

    def test_staff_see_every_wishlist_entry(self, admin_client: Any, student: Any) -> None:
        course = CourseFactory(title="Python asoslari")
        services.wishlist_add(user=student, course=course)

        response = admin_client.get(self.CHANGELIST, {"q": "asoslari"})

        assert response.status_code == 200
        assert response.context["cl"].result_count == 1

    def test_entries_cannot_be_added_or_edited_there(self, admin_client: Any, student: Any) -> None:
        entry, _created = services.wishlist_add(user=student, course=CourseFactory())

        assert admin_client.get(f"{self.CHANGELIST}add/").status_code == 403
        admin_client.post(f"{self.CHANGELIST}{entry.pk}/change/", {"course": ""})
        entry.refresh_from_db()
        assert entry.course_id is not None
