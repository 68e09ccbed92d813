from __future__ import annotations

from typing import Any

from ninja import Query, Router

from django_coursehub.accounts.auth import AuthenticatedRequest, jwt_auth
from django_coursehub.notifications import selectors, services
from django_coursehub.notifications.schemas import (
    MarkedOut,
    NotificationFilters,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    UnreadCountOut,
)
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.schemas import PathId, error_responses

router = Router(tags=["notifications"], auth=jwt_auth)


@router.get(
    "/",
    response={200: Page[NotificationOut], **error_responses(401, 404)},
    summary="My notifications, newest first",
    url_name="coursehub-notification-list",
)
def notification_list(
    request: AuthenticatedRequest, page: Query[PageParams], filters: Query[NotificationFilters]
) -> Any:
    return paginate(selectors.notification_list(user=request.auth, unread=filters.unread), page)


@router.get(
    "/unread-count/",
    response={200: UnreadCountOut, **error_responses(401)},
    summary="How many of my notifications are unread",
    url_name="coursehub-notification-unread-count",
)
def unread_count(request: AuthenticatedRequest) -> Any:
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post(
    "/read-all/",
    response={200: MarkedOut, **error_responses(401)},
    summary="Mark all my notifications read",
    url_name="coursehub-notification-read-all",
)
def read_all(request: AuthenticatedRequest) -> Any:
    return {"marked": services.notifications_mark_all_read(user=request.auth)}


@router.get(
    "/preferences/",
    response={200: PreferencesOut, **error_responses(401)},
    summary="What I am notified of, in the app and by e-mail",
    url_name="coursehub-notification-preferences",
)
def preferences(request: AuthenticatedRequest) -> Any:
    return selectors.preferences_of(user=request.auth)


@router.put(
    "/preferences/",
    response={200: PreferencesOut, **error_responses(400, 401)},
    summary="Turn e-mail on or off per kind (in-app notifications are always on)",
    url_name="coursehub-notification-preferences-update",
)
def preferences_update(request: AuthenticatedRequest, payload: PreferencesIn) -> Any:
    services.notification_preferences_update(user=request.auth, email=payload.email)
    return selectors.preferences_of(user=request.auth)


@router.post(
    "/{notification_id}/read/",
    response={200: NotificationOut, **error_responses(401, 404)},
    summary="Mark one of my notifications read (idempotent)",
    url_name="coursehub-notification-read",
)
def read(request: AuthenticatedRequest, notification_id: PathId) -> Any:
    return services.notification_mark_read(user=request.auth, notification_id=notification_id)
