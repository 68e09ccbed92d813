"""Certificates over HTTP: the holder's list, and public verification and PDF by code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from django_coursehub.accounts.auth import (
    ANONYMOUS_ALLOWED,
    AuthenticatedRequest,
    jwt_auth,
    optional_jwt_auth,
)
from django_coursehub.certificates import selectors, services
from django_coursehub.certificates.models import Certificate
from django_coursehub.certificates.schemas import CertificateOut
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.schemas import ErrorOut, error_responses

router = Router(tags=["certificates"])

DETAIL = "coursehub-certificate-detail"
PDF = "coursehub-certificate-pdf"


def _absolute_url(request: HttpRequest, url_name: str, code: str) -> str:
    # The host chooses the API's namespace; the current request was resolved inside it.
    match = request.resolver_match
    namespace = f"{match.namespace}:" if match is not None and match.namespace else ""
    return request.build_absolute_uri(reverse(f"{namespace}{url_name}", kwargs={"code": code}))


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return services.verify_url_for(
        certificate, default=_absolute_url(request, DETAIL, certificate.code)
    )


def _payload(request: HttpRequest, certificate: Certificate) -> dict[str, Any]:
    return {
        "code": certificate.code,
        "valid": certificate.is_valid,
        "status": certificate.status,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "course": {"id": certificate.course.pk, "slug": certificate.course.slug},
        "instructor_name": certificate.instructor_name,
        "lesson_count": certificate.lesson_count,
        "total_duration": certificate.total_duration,
        "language": certificate.language,
        "issuer_name": certificate.issuer_name,
        "replaces": certificate.replaces.code if certificate.replaces else None,
        "verify_url": _verify_url(request, certificate),
        "pdf_url": _absolute_url(request, PDF, certificate.code),
    }


@router.get(
    "/",
    auth=jwt_auth,
    response={200: Page[CertificateOut], **error_responses(400, 401, 404)},
    summary="My certificates, newest first (revoked ones included)",
    url_name="coursehub-certificate-list",
)
def certificate_list(request: AuthenticatedRequest, page: Query[PageParams]) -> Any:
    return paginate(
        selectors.certificate_list(user=request.auth),
        page,
        read=lambda certificates: [_payload(request, c) for c in certificates],
    )


@router.get(
    "/{code}/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CertificateOut, 401: ErrorOut, 404: ErrorOut, 413: ErrorOut},
    summary="Verify a certificate by its code (public)",
    description=(
        "Anyone holding the code can check a certificate: `valid` is false once it is revoked, "
        "with `revoked_at` and `revoked_reason`. An unknown code answers 404."
    ),
    url_name=DETAIL,
)
def certificate_detail(request: HttpRequest, code: str) -> Any:
    return _payload(request, selectors.certificate_get_by_code(code=code))


@router.get(
    "/{code}/pdf/",
    auth=optional_jwt_auth,
    response={200: None, 401: ErrorOut, 404: ErrorOut, 410: ErrorOut, 413: ErrorOut},
    summary="Download a certificate as a PDF (public)",
    description=(
        "An A4 landscape PDF (`application/pdf`) with a QR code of the verification URL. "
        "A revoked certificate answers 410 with code `certificate_revoked`."
    ),
    openapi_extra={
        **ANONYMOUS_ALLOWED,
        "responses": {
            200: {
                "description": "The certificate.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    },
    url_name=PDF,
)
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_get_by_code(code=code)
    content = services.certificate_pdf(
        certificate=certificate, verify_url=_verify_url(request, certificate)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response
