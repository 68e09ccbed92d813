from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class CertificateCourseRef(Schema):
    """The course as it is now (the certificate's own text is in the snapshot fields)."""

    id: int
    slug: str


class CertificateOut(Schema):
    """A certificate and the frozen snapshot of what it certifies."""

    code: str
    valid: bool = Field(description="Issued and not revoked.")
    status: str = Field(description="`issued` or `revoked`.")
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str
    holder_name: str
    course_title: str
    course: CertificateCourseRef
    instructor_name: str
    lesson_count: int
    total_duration: int = Field(description="Sum of the lessons' durations, in seconds.")
    language: str
    issuer_name: str
    replaces: str | None = Field(description="Code of the revoked certificate this one replaces.")
    verify_url: str = Field(description="Public page or endpoint that verifies this certificate.")
    pdf_url: str = Field(description="The certificate as a PDF (absent once revoked: 410).")
