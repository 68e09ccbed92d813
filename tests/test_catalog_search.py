"""Filters, orderings, search and facets of ``GET /api/courses/``.

Everything here runs on SQLite (the portable search) and on PostgreSQL (full-text search) alike;
the tests marked ``postgres`` check what only PostgreSQL has: weighted ranking and query plans.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from django_coursehub.catalog import search, services
from django_coursehub.catalog.models import Category, Course
from tests.conftest import ApiClient
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    DraftCourseFactory,
    InstructorFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)


def listing(client: ApiClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/courses/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return body


def found(client: ApiClient, q: str, **params: Any) -> list[int]:
    return [item["id"] for item in listing(client, q=q, **params)["items"]]


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


# Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["title", "short_description", "description"],
)
def test_search_finds_words_of_the_course_text(anon, field):
    course = CourseFactory(**{field: "Mastering PostgreSQL indexes"})
    CourseFactory(title="Drawing for beginners")

    assert found(anon, "postgresql") == [course.id]


def test_search_finds_the_category_name(anon):
    course = CourseFactory(category=CategoryFactory(name="Mobil dasturlash"))
    CourseFactory()

    assert found(anon, "mobil") == [course.id]


@pytest.mark.parametrize("query", ["Yoʻldosheva", "dilnoza", "dilnoza_y"])
def test_search_finds_the_instructor_by_name_or_username(anon, query):
    owner = InstructorFactory(username="dilnoza_y", first_name="Dilnoza", last_name="Yoʻldosheva")
    course = CourseFactory(owner=owner)
    CourseFactory()

    assert found(anon, query) == [course.id]


@pytest.mark.parametrize("query", ["pyt", "Pyth", "PYTHON"])
def test_search_matches_word_prefixes_in_any_case(anon, query):
    course = CourseFactory(title="Python for data analysis")
    CourseFactory(title="Typography")

    assert found(anon, query) == [course.id]


def test_search_matches_the_start_of_words_only(anon):
    CourseFactory(title="Python basics")

    assert found(anon, "thon") == []


def test_every_search_word_must_match(anon):
    both = CourseFactory(title="Django and React", description="A full-stack project.")
    CourseFactory(title="Django basics")
    CourseFactory(title="React basics")

    assert found(anon, "react django") == [both.id]


@pytest.mark.parametrize("query", ["o'zbek", "oʻzbek", "o‘zbek", "o’zbek", "o`zbek", "ozbek"])
def test_uzbek_apostrophe_variants_find_each_other(anon, query):
    course = CourseFactory(title="Oʻzbek tili grammatikasi")
    typed = CourseFactory(title="G'alaba: o'zbek adabiyoti")
    CourseFactory(title="English grammar")

    assert sorted(found(anon, query)) == sorted([course.id, typed.id])


@pytest.mark.parametrize("query", ["gʻalaba", "g'alaba", "GʻALABA", "galab"])
def test_apostrophes_inside_a_word_do_not_split_it(anon, query):
    course = CourseFactory(title="Gʻalaba sari")
    CourseFactory(title="Alabama history")

    assert found(anon, query) == [course.id]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Ўзбек тили", "ўзбек"),
        ("ўзбек тили", "ЎЗБЕК"),
        ("ҚОРАҚАЛПОҚ адабиёти", "қорақалпоқ"),
        ("Программирование на Python", "ПРОГРАММ"),
        ("Ёлочные игрушки", "елоч"),
        ("Елочные игрушки", "ёлоч"),
    ],
)
def test_cyrillic_text_is_case_folded(anon, title, query):
    course = CourseFactory(title=title)
    CourseFactory(title="Python basics")

    assert found(anon, query) == [course.id]


def test_search_does_not_show_drafts_or_archived_courses(anon):
    published = CourseFactory(title="Kotlin basics")
    DraftCourseFactory(title="Kotlin advanced")
    CourseFactory(title="Kotlin archive", status=Course.Status.ARCHIVED)

    assert found(anon, "kotlin") == [published.id]


def test_search_in_my_courses_includes_my_drafts(api_as, instructor):
    draft = DraftCourseFactory(owner=instructor, title="Kotlin advanced")
    CourseFactory(title="Kotlin basics")

    assert found(api_as(instructor), "kotlin", instructor="me") == [draft.id]


def test_title_matches_come_before_description_matches(anon):
    in_description = CourseFactory(title="Web basics", description="We also touch on Rust.")
    in_title = CourseFactory(title="Rust in practice", description="Systems programming.")

    assert found(anon, "rust") == [in_title.id, in_description.id]


def test_an_explicit_ordering_replaces_relevance(anon):
    in_title = CourseFactory(title="Rust in practice", price=Decimal("500"))
    in_description = CourseFactory(description="Some Rust too.", price=Decimal("100"))

    assert found(anon, "rust", ordering="price") == [in_description.id, in_title.id]
    assert found(anon, "rust", ordering="relevance") == [in_title.id, in_description.id]


def test_relevance_without_a_query_lists_newest_first(anon):
    older, newer = CourseFactory(), CourseFactory()

    assert ids(listing(anon, ordering="relevance")) == [newer.id, older.id]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "'ʻ‘"])
def test_a_query_without_words_lists_everything(anon, query):
    courses = CourseFactory.create_batch(2)

    assert sorted(found(anon, query)) == sorted(course.id for course in courses)


def test_search_combines_with_filters_and_pages(anon):
    category = CategoryFactory()
    matches = [CourseFactory(title=f"Flutter part {n}", category=category) for n in range(3)]
    CourseFactory(title="Flutter elsewhere")
    CourseFactory(title="Swift", category=category)

    first = anon.get("/api/courses/", {"q": "flutter", "category": category.slug, "page_size": 2})
    second = anon.get(
        "/api/courses/", {"q": "flutter", "category": category.slug, "page_size": 2, "page": 2}
    )

    assert first.json()["count"] == second.json()["count"] == 3
    listed = [item["id"] for item in first.json()["items"] + second.json()["items"]]
    assert sorted(listed) == sorted(course.id for course in matches)


@pytest.mark.parametrize(
    "query",
    ["c++", "a & b", "a | !b", "python:*", "(sql)", "'; DROP TABLE x; --", "\\", "ﬁ", "🐍", "%"],
)
def test_search_operators_and_odd_text_are_only_words(anon, query):
    CourseFactory(title="SQL and Python")

    response = anon.get("/api/courses/", {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["%FF", "%ED%A0%80", "%E2%80%AE", "%25", "%5C"])
def test_odd_bytes_in_the_search_are_never_a_500(anon, value):
    response = anon.get(f"/api/courses/?q={value}")

    assert response.status_code == 200


def test_search_text_is_normalized_the_same_way_as_queries():
    assert search.normalize("Oʻzbek TILI, O'ZBEK‘cha") == "ozbek tili ozbekcha"
    assert search.query_words("Python  python PYTHON django") == ["python", "django"]


# Search stays exact when its sources change ------------------------------------------------


def test_a_renamed_course_is_found_by_its_new_title(api_as, instructor):
    course = CourseFactory(owner=instructor, title="Old name")

    response = api_as(instructor).patch(f"/api/courses/{course.id}/", {"title": "Fresh name"})

    assert response.status_code == 200
    assert found(ApiClient(), "fresh") == [course.id]
    assert found(ApiClient(), "old") == []


def test_a_course_moved_to_another_category_is_found_by_its_name(api_as, instructor):
    CategoryFactory(name="Dizayn")
    mobile = CategoryFactory(name="Mobil")
    course = CourseFactory(owner=instructor, category=CategoryFactory(name="Dizayn asoslari"))

    api_as(instructor).patch(f"/api/courses/{course.id}/", {"category": mobile.id})

    assert found(ApiClient(), "mobil") == [course.id]
    assert found(ApiClient(), "dizayn") == []


def test_renaming_a_category_renames_it_in_search(api_as):
    category = CategoryFactory(name="Frontend")
    courses = CourseFactory.create_batch(3, category=category)

    response = api_as(StaffFactory()).patch(
        f"/api/categories/{category.id}/", {"name": "Veb interfeyslar"}
    )

    assert response.status_code == 200
    assert sorted(found(ApiClient(), "interfeys")) == sorted(c.id for c in courses)
    assert found(ApiClient(), "frontend") == []


def test_an_instructor_renaming_themselves_renames_their_courses_in_search(api_as, instructor):
    course = CourseFactory(owner=instructor)

    response = api_as(instructor).patch("/api/auth/profile/", {"last_name": "Toʻxtayev"})

    assert response.status_code == 200
    assert found(ApiClient(), "to'xtayev") == [course.id]


def test_a_user_renamed_outside_the_api_is_renamed_in_search(instructor):
    course = CourseFactory(owner=instructor)
    user = get_user_model().objects.get(pk=instructor.pk)
    user.first_name = "Gʻayrat"
    user.save()  # as the admin does

    assert found(ApiClient(), "gayrat") == [course.id]


def test_a_category_renamed_outside_the_api_is_renamed_in_search():
    course = CourseFactory(category=CategoryFactory(name="Backend"))
    category = Category.objects.get(pk=course.category_id)
    category.name = "Server dasturlash"
    category.save()  # as the admin does

    assert found(ApiClient(), "server") == [course.id]


def test_logins_do_not_rewrite_search_documents(instructor, django_assert_num_queries):
    CourseFactory(owner=instructor)
    instructor.last_login = instructor.date_joined

    # Only the UPDATE of the user: no course is read or written.
    with django_assert_num_queries(1):
        instructor.save(update_fields=["last_login"])


def test_refreshing_up_to_date_documents_writes_nothing():
    CourseFactory.create_batch(3)

    assert services.course_search_refresh(courses=Course.objects.all()) == 0


def test_reindex_command_repairs_documents_written_around_the_orm():
    course = CourseFactory(title="Elixir")
    Course.objects.filter(pk=course.pk).update(title="Haskell")  # sends no signal
    assert found(ApiClient(), "haskell") == []

    call_command("coursehub_search_reindex", stdout=None)

    assert found(ApiClient(), "haskell") == [course.id]


@pytest.mark.django_db(transaction=True)
def test_the_search_migration_indexes_existing_courses():
    executor = MigrationExecutor(connection)
    before = [("coursehub", "0002_learning_and_reviews")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        owner = old.get_model(settings.AUTH_USER_MODEL).objects.create(
            username="dilnoza", first_name="Dilnoza", last_name="Yoʻldosheva"
        )
        category = old.get_model("coursehub", "Category").objects.create(name="Tillar", slug="t")
        old.get_model("coursehub", "Course").objects.create(
            title="Oʻzbek tili", slug="ozbek", owner=owner, category=category, currency="UZS",
            language="uz", status="published", published_at=timezone.now(),
        )  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    for query in ["o'zbek", "tillar", "yoldosheva", "dilnoza"]:
        assert len(found(ApiClient(), query)) == 1, query


# Filters ----------------------------------------------------------------------------------


def test_min_rating_keeps_courses_rated_at_least_that(anon):
    high = CourseFactory(rating_avg=Decimal("4.50"))
    exact = CourseFactory(rating_avg=Decimal("4.00"))
    CourseFactory(rating_avg=Decimal("3.99"))
    CourseFactory()

    assert sorted(ids(listing(anon, min_rating="4"))) == sorted([high.id, exact.id])


def test_price_free_and_paid(anon):
    free = CourseFactory(price=Decimal("0"))
    paid = CourseFactory(price=Decimal("99000"))

    assert ids(listing(anon, price="free")) == [free.id]
    assert ids(listing(anon, price="paid")) == [paid.id]


def test_price_range_includes_both_ends(anon):
    cheap = CourseFactory(price=Decimal("10000"))
    middle = CourseFactory(price=Decimal("50000"))
    dear = CourseFactory(price=Decimal("90000"))
    CourseFactory(price=Decimal("90000.01"))

    body = listing(anon, min_price="10000", max_price="90000", ordering="price")
    assert ids(body) == [cheap.id, middle.id, dear.id]
    assert ids(listing(anon, min_price="50000", max_price="50000")) == [middle.id]


def test_level_and_language(anon):
    wanted = CourseFactory(level="beginner", language="ru")
    CourseFactory(level="beginner", language="uz")
    CourseFactory(level="advanced", language="ru")

    assert ids(listing(anon, level="beginner", language="ru")) == [wanted.id]


def test_every_filter_at_once_combines_with_and(anon):
    owner = InstructorFactory()
    category = CategoryFactory()
    wanted = dict(
        owner=owner,
        category=category,
        title="Vue in depth",
        rating_avg=Decimal("4.8"),
        price=Decimal("120000"),
        level="intermediate",
        language="uz",
    )
    course = CourseFactory(**wanted)
    for change in [
        {"owner": InstructorFactory()},
        {"category": CategoryFactory()},
        {"title": "Svelte in depth"},
        {"rating_avg": Decimal("3.0")},
        {"price": Decimal("0")},
        {"price": Decimal("300000")},
        {"level": "advanced"},
        {"language": "en"},
    ]:
        CourseFactory(**{**wanted, **change})

    body = listing(
        anon,
        q="vue",
        category=category.slug,
        instructor=owner.id,
        min_rating="4.5",
        price="paid",
        min_price="100000",
        max_price="200000",
        level="intermediate",
        language="uz",
    )

    assert ids(body) == [course.id]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("newest", ["c", "b", "a"]),
        ("popular", ["b", "a", "c"]),
        ("rating", ["c", "a", "b"]),
        ("price", ["a", "c", "b"]),
        ("-price", ["b", "c", "a"]),
        ("title", ["a", "b", "c"]),
    ],
)
def test_orderings(anon, ordering, expected):
    courses = {
        "a": CourseFactory(
            title="algebra", enrollment_count=5, rating_avg=Decimal("4.0"), price=Decimal("0")
        ),
        "b": CourseFactory(
            title="Biology", enrollment_count=9, rating_avg=Decimal("3.5"), price=Decimal("900")
        ),
        "c": CourseFactory(
            title="chemistry", enrollment_count=1, rating_avg=Decimal("4.9"), price=Decimal("50")
        ),
    }

    assert ids(listing(anon, ordering=ordering)) == [courses[key].id for key in expected]


def test_ties_keep_a_stable_order_across_pages(anon):
    courses = CourseFactory.create_batch(5, price=Decimal("1000"))

    pages = [
        anon.get("/api/courses/", {"ordering": "price", "page_size": 2, "page": page}).json()
        for page in (1, 2, 3)
    ]

    assert [item["id"] for page in pages for item in page["items"]] == sorted(
        course.id for course in courses
    )


def test_unknown_instructor_id_is_a_400_naming_it(anon):
    CourseFactory()

    response = anon.get("/api/courses/", {"instructor": "999999"})

    assert response.status_code == 400
    assert "instructor" in response.json()["errors"]


def test_an_instructor_without_published_courses_lists_nothing(anon, instructor):
    DraftCourseFactory(owner=instructor)

    assert ids(listing(anon, instructor=instructor.id)) == []


def test_an_unknown_category_is_a_400_even_past_the_first_page(anon):
    response = anon.get("/api/courses/", {"category": "nowhere", "page": 3})

    assert response.status_code == 400
    assert "category" in response.json()["errors"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("level", "expert"),
        ("ordering", "cheapest"),
        ("ordering", "price desc"),
        ("price", "cheap"),
        ("min_rating", "5.5"),
        ("min_rating", "-1"),
        ("min_rating", "four"),
        ("min_rating", "4.125"),
        ("min_rating", "NaN"),
        ("min_price", "-1"),
        ("max_price", "lots"),
        ("max_price", "1e40"),
        ("max_price", "Infinity"),
        ("instructor", "someone"),
        ("instructor", "0"),
        ("category", ""),
        ("q", "x" * 201),
        ("q", "python\x00"),
        ("facets", "maybe"),
    ],
)
def test_malformed_values_are_a_422_naming_the_parameter(anon, parameter, value):
    response = anon.get("/api/courses/", {parameter: value})

    assert response.status_code == 422, response.content
    assert {problem["loc"][-1] for problem in response.json()["detail"]} == {parameter}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"language": "fr"}, "language"),
        ({"min_price": "200", "max_price": "100"}, "max_price"),
        ({"category": "no-such-category"}, "category"),
        ({"instructor": "424242"}, "instructor"),
    ],
)
def test_unknown_values_are_a_400_naming_the_parameter(anon, params, parameter):
    CourseFactory()

    response = anon.get("/api/courses/", params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]


@pytest.mark.parametrize(
    ("language", "params", "message"),
    [
        ("uz", {"instructor": "424242"}, "Nomaʼlum oʻqituvchi."),
        ("ru", {"min_price": "2", "max_price": "1"}, "Максимальная цена меньше минимальной."),
    ],
)
def test_filter_errors_are_translated(language, params, message):
    response = ApiClient(HTTP_ACCEPT_LANGUAGE=language).get("/api/courses/", params)

    assert response.status_code == 400
    assert response.json()["detail"] == message


# Facets -----------------------------------------------------------------------------------


def test_facets_count_the_matches_per_category_level_language_and_price(anon):
    web, data = CategoryFactory(name="Web"), CategoryFactory(name="Data")
    CourseFactory(category=web, level="beginner", language="uz", price=Decimal("0"))
    CourseFactory(category=web, level="beginner", language="ru", price=Decimal("100"))
    CourseFactory(category=web, level="advanced", language="uz", price=Decimal("200"))
    CourseFactory(category=data, level="beginner", language="uz", price=Decimal("0"))
    CourseFactory(category=None, level="all", language="en", price=Decimal("0"))
    DraftCourseFactory(category=data, level="advanced")

    body = listing(anon, facets="true")

    assert body["count"] == 5
    assert body["facets"] == {
        "category": [
            {"id": web.id, "name": "Web", "slug": web.slug, "count": 3},
            {"id": data.id, "name": "Data", "slug": data.slug, "count": 1},
        ],
        "level": [
            {"value": "beginner", "count": 3},
            {"value": "advanced", "count": 1},
            {"value": "all", "count": 1},
        ],
        "language": [
            {"value": "uz", "count": 3},
            {"value": "en", "count": 1},
            {"value": "ru", "count": 1},
        ],
        "price": [{"value": "free", "count": 3}, {"value": "paid", "count": 2}],
    }


def test_facets_follow_the_filters_and_the_search(anon):
    web, analytics = CategoryFactory(name="Web"), CategoryFactory(name="Analytics")
    CourseFactory(category=web, title="Django REST", level="intermediate", price=Decimal("10"))
    CourseFactory(category=web, title="Django forms", level="beginner", price=Decimal("0"))
    CourseFactory(category=web, title="Flask", level="beginner", price=Decimal("0"))
    CourseFactory(category=analytics, title="Django for data", level="beginner", language="ru")

    body = listing(anon, q="django", level="beginner", facets="true")

    assert body["count"] == 2
    assert body["facets"] == {
        "category": [
            {"id": analytics.id, "name": "Analytics", "slug": analytics.slug, "count": 1},
            {"id": web.id, "name": "Web", "slug": web.slug, "count": 1},
        ],
        "level": [{"value": "beginner", "count": 2}],
        "language": [{"value": "ru", "count": 1}, {"value": "uz", "count": 1}],
        "price": [{"value": "free", "count": 2}],
    }


def test_facets_of_an_empty_result_are_empty(anon):
    CourseFactory(title="Go")

    body = listing(anon, q="cobol", facets="true")

    assert body["facets"] == {"category": [], "level": [], "language": [], "price": []}


def test_facets_are_null_unless_asked_for(anon):
    CourseFactory()

    assert listing(anon)["facets"] is None
    assert listing(anon, facets="false")["facets"] is None


# PostgreSQL: ranking and query plans --------------------------------------------------------


@on_postgresql
def test_postgresql_ranks_title_over_short_description_over_description(anon):
    in_description = CourseFactory(title="Course one", description="About Haskell.")
    in_title = CourseFactory(title="Haskell", description="Functional programming.")
    in_short = CourseFactory(title="Course two", short_description="Haskell for the web")

    assert found(anon, "haskell") == [in_title.id, in_short.id, in_description.id]


@on_postgresql
def test_postgresql_ranks_the_category_above_the_instructor(anon):
    by_name = CourseFactory(title="One", owner=InstructorFactory(first_name="Elm"))
    in_category = CourseFactory(title="Two", category=CategoryFactory(name="Elm apps"))

    assert found(anon, "elm") == [in_category.id, by_name.id]


@on_postgresql
def test_postgresql_keeps_a_generated_search_vector_with_a_gin_index_over_published_courses():
    course = CourseFactory(title="Oʻzbek tili", category=CategoryFactory(name="Tillar"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM coursehub_course WHERE id = %s", [course.id]
        )
        vector = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'coursehub_course_search_pub'"
        )
        index = cursor.fetchone()[0]

    assert "'ozbek':1A" in vector
    assert "'tillar'" in vector
    assert "USING gin (search_vector) WHERE ((status)::text = 'published'::text)" in index


PLAN_COURSES = 100_000
SEARCH_WORDS = [
    "python", "django", "react", "vue", "flutter", "kotlin", "swift", "rust", "golang", "java",
    "sql", "postgres", "design", "figma", "marketing", "excel", "algebra", "physics", "chemistry",
    "biology", "oʻzbek", "tarix", "adabiyot", "musiqa", "fotografiya", "dasturlash", "matematika",
    "ingliz", "rus", "iqtisod", "statistika",
]  # fmt: skip


def _fill_catalogue(categories: list[Category], owners: list[Any]) -> None:
    """Insert ``PLAN_COURSES`` courses in one statement, with spread-out values (multiplicative
    hashing keeps columns independent of each other, as in a real catalogue)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO coursehub_course (
                title, slug, short_description, description, category_id, owner_id, price,
                currency, level, language, status, published_at, created_at, updated_at,
                lesson_count, enrollment_count, rating_avg, rating_count, rating_1_count,
                rating_2_count, rating_3_count, rating_4_count, rating_5_count, search_text)
            SELECT
                w1 || ' ' || w2 || ' ' || i, 'plan-' || i, w2, w3, category, owner,
                CASE WHEN i %% 5 = 0 THEN 0 ELSE (i * 31 %% 997) * 1000 END, 'UZS',
                (ARRAY['beginner', 'intermediate', 'advanced', 'all'])[1 + i * 7 %% 4],
                (ARRAY['uz', 'ru', 'en'])[1 + i * 11 %% 3],
                CASE WHEN i %% 10 = 0 THEN 'draft' ELSE 'published' END,
                CASE WHEN i %% 10 = 0 THEN NULL
                     ELSE now() - (i * 7919 %% 100000) * interval '1 minute' END,
                now(), now(), 0, i * 17 %% 1009, (i * 13 %% 501) / 100.0, 0, 0, 0, 0, 0, 0,
                concat_ws(E'\n ', ' ' || w1 || ' ' || w2 || ' ' || i, w2, w3, 'kategoriya', 'x')
            FROM (
                SELECT i,
                    words[1 + i * 37 %% cardinality(words)] AS w1,
                    words[1 + i * 53 %% cardinality(words)] AS w2,
                    words[1 + i * 97 %% cardinality(words)] AS w3,
                    categories[1 + i * 7919 %% cardinality(categories)] AS category,
                    owners[1 + i * 104729 %% cardinality(owners)] AS owner
                FROM generate_series(1::bigint, %s) AS i,
                    (SELECT %s::text[] AS words, %s::bigint[] AS categories,
                        %s::bigint[] AS owners) AS data
            ) AS rows
            """,
            [
                PLAN_COURSES,
                [search.normalize(word) for word in SEARCH_WORDS],
                [category.pk for category in categories],
                [owner.pk for owner in owners],
            ],
        )
        cursor.execute("ANALYZE coursehub_course")


def _plans(client: ApiClient, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(SQL, plan) of each query the course list runs on the course table for ``params``."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/courses/", params)
    assert response.status_code == 200, response.content
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if '"coursehub_course"' not in query["sql"]:
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@on_postgresql
def test_postgresql_serves_filtered_ordered_pages_and_searches_from_indexes():
    categories = CategoryFactory.create_batch(60)
    owners = InstructorFactory.create_batch(40)
    _fill_catalogue(categories, owners)
    client = ApiClient(owners[0])
    category, owner = categories[7], owners[3]

    # Every query (count, page, facets) of a selective request uses an index.
    selective = [
        {"category": category.pk},
        {"category": category.slug, "ordering": "popular"},
        {"category": category.pk, "ordering": "price", "facets": "true"},
        {"instructor": owner.pk},
        {"instructor": owner.pk, "ordering": "rating"},
        {"instructor": "me", "ordering": "title"},
        {"min_rating": "4.8"},
        {"min_price": "100000", "max_price": "120000"},
        {"q": "kotlin"},
        {"q": "dastur matem"},
        {"q": "oʻzbek", "category": category.pk, "ordering": "-price", "facets": "true"},
        {"q": "figma", "level": "beginner", "price": "paid"},
    ]
    # Broad requests count most of the table (a sequential scan is right for that), but
    # their page still comes from an index.
    broad = [
        {},
        *({"ordering": ordering} for ordering in ["popular", "rating", "price", "-price", "title"]),
        {"level": "advanced"},
        {"language": "ru", "ordering": "popular"},
        {"price": "free", "ordering": "newest"},
        {"price": "paid", "ordering": "-price"},
        {"level": "beginner", "language": "en", "ordering": "rating"},
    ]

    for params in selective:
        for sql, plan in _plans(client, {**params, "page_size": 20}):
            assert "Seq Scan on coursehub_course" not in plan, (params, sql, plan)
    for params in broad:
        pages = [plan for sql, plan in _plans(client, params) if "LIMIT" in sql]
        assert len(pages) == 1
        assert "Seq Scan on coursehub_course" not in pages[0], (params, pages[0])
