import pytest

from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_published_course_is_listed(anon):
    course = CourseFactory()
    response = anon.get("/api/courses/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [course.id]
