from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from django_coursehub.accounts.auth import (
    ANONYMOUS_ALLOWED,
    AuthenticatedRequest,
    OptionalAuthRequest,
    jwt_auth,
    optional_jwt_auth,
)
from django_coursehub.catalog import selectors as catalog_selectors
from django_coursehub.exceptions import NotFound
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.reviews import selectors, services
from django_coursehub.reviews.schemas import ReviewFilters, ReviewIn, ReviewOut, ReviewUpdateIn
from django_coursehub.schemas import PathId, error_responses

router = Router(tags=["reviews"])


@router.get(
    "/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: Page[ReviewOut], **error_responses(400, 401, 404)},
    summary="Reviews, newest first (optionally of one course)",
    url_name="coursehub-review-list",
)
def review_list(
    request: OptionalAuthRequest, page: Query[PageParams], filters: Query[ReviewFilters]
) -> Any:
    course = None
    if filters.course is not None:
        course = catalog_selectors.course_get_visible(user=request.auth, course_id=filters.course)
    return paginate(selectors.review_list(course=course), page)


@router.post(
    "/",
    auth=jwt_auth,
    response={201: ReviewOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Review a course I am enrolled in",
    url_name="coursehub-review-create",
)
def review_create(request: AuthenticatedRequest, payload: ReviewIn) -> Any:
    course = catalog_selectors.course_get_visible(user=request.auth, course_id=payload.course)
    review = services.review_create(
        user=request.auth, course=course, rating=payload.rating, comment=payload.comment
    )
    return Status(201, selectors.review_get(review_id=review.pk))


def _own_review(request: AuthenticatedRequest, review_id: int) -> Any:
    review = selectors.review_get(review_id=review_id)
    if review.user_id != request.auth.pk:
        raise NotFound(selectors.REVIEW_NOT_FOUND)
    return review


def _review_update(request: AuthenticatedRequest, review_id: int, payload: ReviewUpdateIn) -> Any:
    changes = payload.dict(exclude_unset=True)
    services.review_update(review=_own_review(request, review_id), changes=changes)
    return selectors.review_get(review_id=review_id)


@router.put(
    "/{review_id}/",
    auth=jwt_auth,
    response={200: ReviewOut, **error_responses(400, 401, 404)},
    summary="Edit my review",
    url_name="coursehub-review-put",
)
def review_replace(
    request: AuthenticatedRequest, review_id: PathId, payload: ReviewUpdateIn
) -> Any:
    return _review_update(request, review_id, payload)


@router.patch(
    "/{review_id}/",
    auth=jwt_auth,
    response={200: ReviewOut, **error_responses(400, 401, 404)},
    summary="Edit part of my review",
    url_name="coursehub-review-patch",
)
def review_partial_update(
    request: AuthenticatedRequest, review_id: PathId, payload: ReviewUpdateIn
) -> Any:
    return _review_update(request, review_id, payload)


@router.delete(
    "/{review_id}/",
    auth=jwt_auth,
    response={204: None, **error_responses(401, 404)},
    summary="Delete a review (its author or staff)",
    url_name="coursehub-review-delete",
)
def review_delete(request: AuthenticatedRequest, review_id: PathId) -> Any:
    review = selectors.review_get(review_id=review_id)
    if review.user_id != request.auth.pk and not getattr(request.auth, "is_staff", False):
        raise NotFound(selectors.REVIEW_NOT_FOUND)
    services.review_delete(review=review)
    return Status(204, None)
