"""The language of the API's own messages: the caller's profile first, then Accept-Language."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from django_coursehub.accounts.models import Profile
from tests.conftest import ApiClient
from tests.factories import UserFactory

MISSING_COURSE = "/api/courses/987654/"
NOT_FOUND = {"uz": "Kurs topilmadi.", "ru": "Курс не найден.", "en": "Course not found."}

pytestmark = pytest.mark.django_db


def user_preferring(language: str):
    user = UserFactory()
    Profile.objects.create(user=user, preferred_language=language)
    return user


def detail_and_language(client: ApiClient, path: str = MISSING_COURSE) -> tuple[str, str]:
    response = client.get(path)
    assert response.status_code == 404
    return response.json()["detail"], response["Content-Language"]


@pytest.mark.parametrize(("preferred", "sent"), [("ru", "uz"), ("uz", "ru"), ("en", "ru")])
def test_a_logged_in_caller_is_answered_in_their_profile_language_whatever_the_header(
    preferred, sent
):
    client = ApiClient(user_preferring(preferred), HTTP_ACCEPT_LANGUAGE=sent)

    assert detail_and_language(client) == (NOT_FOUND[preferred], preferred)


def test_a_caller_without_a_preferred_language_is_answered_in_the_requested_one():
    user = UserFactory()
    Profile.objects.create(user=user, headline="No language chosen")

    assert detail_and_language(ApiClient(user, HTTP_ACCEPT_LANGUAGE="uz")) == (
        NOT_FOUND["uz"],
        "uz",
    )


def test_a_caller_without_a_profile_is_answered_in_the_requested_language():
    assert detail_and_language(ApiClient(UserFactory(), HTTP_ACCEPT_LANGUAGE="ru")) == (
        NOT_FOUND["ru"],
        "ru",
    )


def test_an_anonymous_caller_is_answered_in_the_requested_language():
    assert detail_and_language(ApiClient(HTTP_ACCEPT_LANGUAGE="uz")) == (NOT_FOUND["uz"], "uz")


def test_an_operation_that_requires_a_token_speaks_the_profile_language():
    client = ApiClient(user_preferring("ru"), HTTP_ACCEPT_LANGUAGE="uz")

    response = client.post("/api/wishlist/", {"course": 987654})

    assert response.status_code == 404
    assert (response.json()["detail"], response["Content-Language"]) == (NOT_FOUND["ru"], "ru")


def test_a_preferred_language_the_site_no_longer_offers_is_ignored(settings):
    settings.LANGUAGES = [("en", "English"), ("uz", "Uzbek")]
    client = ApiClient(user_preferring("ru"), HTTP_ACCEPT_LANGUAGE="uz")

    assert detail_and_language(client) == (NOT_FOUND["uz"], "uz")


def test_the_profile_language_can_be_switched_off(settings):
    settings.COURSEHUB = {"USE_PROFILE_LANGUAGE": False}
    client = ApiClient(user_preferring("ru"), HTTP_ACCEPT_LANGUAGE="uz")

    assert detail_and_language(client) == (NOT_FOUND["uz"], "uz")


def test_changing_the_preferred_language_takes_effect_on_the_next_call():
    user = user_preferring("ru")
    client = ApiClient(user, HTTP_ACCEPT_LANGUAGE="en")

    assert client.patch("/api/auth/profile/", {"preferred_language": "uz"}).status_code == 200

    assert detail_and_language(client) == (NOT_FOUND["uz"], "uz")


def test_an_invalid_token_is_not_a_reason_to_change_language():
    client = ApiClient(HTTP_ACCEPT_LANGUAGE="uz", HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.get("/api/auth/profile/")

    assert response.status_code == 401
    assert response["Content-Language"] == "uz"


@override_settings(MIDDLEWARE=[])
def test_without_locale_middleware_the_language_ends_with_the_request():
    ru_client = ApiClient(user_preferring("ru"))
    with translation.override("en"):
        assert detail_and_language(ru_client) == (NOT_FOUND["ru"], "ru")

        assert translation.get_language() == "en"
        response = ApiClient().get(MISSING_COURSE)
    assert response.json()["detail"] == NOT_FOUND["en"]


def test_the_profile_language_costs_no_query(django_assert_num_queries):
    client = ApiClient(user_preferring("ru"))

    # One query reads the caller with their profile, one looks for the course.
    with django_assert_num_queries(2):
        assert detail_and_language(client)[1] == "ru"
