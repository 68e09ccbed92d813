"""The language of the API's own messages: the caller's profile first, then Accept-Language."""

from __future__ import annotations

import json

import pytest
from django.http import JsonResponse
from django.test import override_settings
from django.utils import translation

from django_coursehub.accounts.models import Profile
from django_coursehub.validation_errors import translate_validation_errors, translated_entry
from tests.conftest import ApiClient
from tests.factories import InstructorFactory, UserFactory

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


# The messages of django-ninja's 422 answers -------------------------------------------------


def validation_messages(response) -> list[tuple[str, str]]:
    assert response.status_code == 422
    return [(entry["type"], entry["msg"]) for entry in response.json()["detail"]]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", [("missing", "Обязательное поле.")]),
        ("uz", [("missing", "Bu maydon toʻldirilishi shart.")]),
        ("en", [("missing", "This field is required.")]),
    ],
)
def test_schema_errors_speak_the_requested_language(language, expected):
    client = ApiClient(InstructorFactory(), HTTP_ACCEPT_LANGUAGE=language)

    assert validation_messages(client.post("/api/courses/", {})) == expected


def test_schema_errors_keep_their_type_location_and_context():
    client = ApiClient(InstructorFactory(), HTTP_ACCEPT_LANGUAGE="ru")

    (entry,) = client.post("/api/courses/", {"title": "x" * 201}).json()["detail"]

    assert entry == {
        "type": "string_too_long",
        "loc": ["body", "payload", "title"],
        "msg": "Введите не более 200 символов.",
        "ctx": {"max_length": 200},
    }


def test_schema_errors_follow_the_profile_language_too():
    instructor = InstructorFactory()
    Profile.objects.create(user=instructor, preferred_language="uz")
    client = ApiClient(instructor, HTTP_ACCEPT_LANGUAGE="ru")

    response = client.post("/api/courses/", {"title": "Kurs", "category": 0})

    assert validation_messages(response) == [
        ("greater_than_equal", "Kamida 1 boʻlgan qiymat kiriting.")
    ]


def test_the_packages_own_field_rules_are_translated_without_pydantics_prefix():
    client = ApiClient(InstructorFactory(), HTTP_ACCEPT_LANGUAGE="ru")

    response = client.post("/api/courses/", {"title": "Kurs", "price": "1e3"})

    assert validation_messages(response) == [
        (
            "value_error",
            'Число записывается только цифрами, не более 2 знаков после точки, например "4.50".',
        )
    ]


def test_a_choice_lists_the_choices_without_an_english_or():
    client = ApiClient(InstructorFactory(), HTTP_ACCEPT_LANGUAGE="uz")

    response = client.post("/api/courses/", {"title": "Kurs", "level": "guru"})

    assert validation_messages(response) == [
        (
            "literal_error",
            "Quyidagilardan birini tanlang: 'beginner', 'intermediate', 'advanced', 'all'.",
        )
    ]


def test_query_parameters_are_translated_like_bodies():
    response = ApiClient(HTTP_ACCEPT_LANGUAGE="ru").get("/api/courses/", {"page": "abc"})

    assert validation_messages(response) == [("int_parsing", "Ожидается целое число.")]


def test_an_error_type_without_a_translation_keeps_pydantics_words():
    entry = {"type": "uuid_parsing", "loc": ["query", "id"], "msg": "Input should be a UUID"}

    assert translated_entry(entry) == entry


def test_a_context_of_another_shape_keeps_the_original_message():
    entry = {"type": "string_too_long", "loc": ["body"], "msg": "Too long", "ctx": {}}

    assert translated_entry(entry) == entry


def test_a_422_of_another_shape_from_the_hosts_own_handler_is_left_alone():
    body = {"errors": {"title": ["Field required"]}}
    view = translate_validation_errors(lambda request: JsonResponse(body, status=422))

    assert json.loads(view(None).content) == body
