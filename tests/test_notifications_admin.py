"""The notifications admin, driven as a superuser would: notifications are looked at, never
written; preferences are listed and edited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_coursehub.notifications.models import Notification
from tests.factories import NotificationFactory, NotificationPreferenceFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/coursehub/notification/"
PREFERENCES = "/admin/coursehub/notificationpreference/"


def test_changelist_costs_the_same_queries_however_many_rows_it_shows(admin_client):
    NotificationFactory.create_batch(2)
    admin_client.get(CHANGELIST)  # warm the session and content types

    with CaptureQueriesContext(connection) as few:
        response = admin_client.get(CHANGELIST)
    NotificationFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        more = admin_client.get(CHANGELIST)

    assert response.status_code == more.status_code == 200
    assert more.context["cl"].result_count == 12
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "aziza"}, 2),
        ({"q": "Certificate ready"}, 1),
        ({"kind__exact": "certificate_issued"}, 1),
        ({"read": "yes"}, 1),
        ({"read": "no"}, 2),
    ],
    ids=["search-recipient", "search-title", "filter-kind", "read", "unread"],
)
def test_changelist_searches_and_filters(admin_client, query, found):
    aziza = UserFactory(username="aziza")
    NotificationFactory(recipient=aziza, read_at=timezone.now())
    NotificationFactory(recipient=aziza, kind="certificate_issued", title="Certificate ready")
    NotificationFactory()

    response = admin_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == found


def test_notifications_cannot_be_added_or_changed(admin_client):
    notification = NotificationFactory(title="Original")
    change_page = f"{CHANGELIST}{notification.pk}/change/"

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(change_page).status_code == 200  # viewable, read-only
    response = admin_client.post(change_page, {"title": "Edited"})

    assert response.status_code == 403
    assert Notification.objects.get(pk=notification.pk).title == "Original"


def test_staff_may_delete_a_notification(admin_client):
    notification = NotificationFactory()

    response = admin_client.post(f"{CHANGELIST}{notification.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_preferences_are_listed_and_filtered(admin_client):
    NotificationPreferenceFactory(email=True)
    NotificationPreferenceFactory(email=False, kind="review_received")

    assert admin_client.get(PREFERENCES).context["cl"].result_count == 2
    filtered = admin_client.get(PREFERENCES, {"email__exact": "0"})
    assert filtered.context["cl"].result_count == 1
