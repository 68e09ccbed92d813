import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
pytestmark = pytest.mark.django_db

def test_probe(anon, api_as, student, instructor):
    r = anon.post("/api/auth/register/", {"username": "new", "email": "new@example.uz", "password": "Tashkent-Samarqand-9"})
    print(r.status_code, r.json())
    r = anon.post("/api/auth/register/", {"username": "new2", "email": "x@example.uz", "password": "123"})
    print(r.status_code, r.json())
    r = anon.post("/api/auth/register/", {"username": "bad name!", "email": "xx", "password": "Tashkent-Samarqand-9"})
    print(r.status_code, r.json())
    c = api_as(student)
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/api/auth/profile/")
    print(r.status_code, r.json())
    for q in ctx.captured_queries: print(q["sql"])
    c = api_as(instructor)
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/api/auth/profile/")
    print(len(ctx.captured_queries), r.json()["is_instructor"])
    r = c.put("/api/auth/profile/", {"bio": None})
    print(r.status_code, r.json())
    r = anon.post("/api/auth/logout/", {"refresh": "x"})
    print(r.status_code, r.json())
