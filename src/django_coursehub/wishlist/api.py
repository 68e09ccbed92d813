from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from django_coursehub.accounts.auth import AuthenticatedRequest, jwt_auth
from django_coursehub.catalog import selectors as catalog_selectors
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.schemas import PathId, error_responses
from django_coursehub.wishlist import selectors, services
from django_coursehub.wishlist.schemas import WishlistCourseOut, WishlistIn

router = Router(tags=["wishlist"], auth=jwt_auth)


@router.get(
    "/",
    response={200: Page[WishlistCourseOut], **error_responses(401, 404)},
    summary="My wishlist: the published courses I saved, most recent first",
    url_name="coursehub-wishlist-list",
)
def wishlist_list(request: AuthenticatedRequest, page: Query[PageParams]) -> Any:
    return paginate(
        selectors.wishlist_courses(user=request.auth), page, read=selectors.wishlist_cards
    )


@router.post(
    "/",
    response={
        200: WishlistCourseOut,
        201: WishlistCourseOut,
        **error_responses(400, 401, 404, 409),
    },
    summary="Save a course to my wishlist",
    description=(
        "Saving a course answers 201; saving it again answers 200 with the same entry. Only "
        "published courses can be saved (409 otherwise); a course the caller cannot see is 404."
    ),
    url_name="coursehub-wishlist-add",
)
def wishlist_add(request: AuthenticatedRequest, payload: WishlistIn) -> Any:
    course = catalog_selectors.course_get_visible(user=request.auth, course_id=payload.course)
    _entry, created = services.wishlist_add(user=request.auth, course=course)
    return Status(
        201 if created else 200, selectors.wishlist_card(user=request.auth, course_id=course.pk)
    )


@router.delete(
    "/{course_id}/",
    response={204: None, **error_responses(401, 404)},
    summary="Remove a course from my wishlist",
    description="Answers 204 whether or not the course was saved, so repeating it is harmless.",
    url_name="coursehub-wishlist-remove",
)
def wishlist_remove(request: AuthenticatedRequest, course_id: PathId) -> Any:
    services.wishlist_remove(user=request.auth, course_id=course_id)
    return Status(204, None)
