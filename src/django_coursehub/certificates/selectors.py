"""Reads of certificates: the holder's own list and the public lookup by code."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from django_coursehub.certificates.models import Certificate
from django_coursehub.exceptions import NotFound

# secrets.token_urlsafe's alphabet, within the column's length: anything else cannot exist.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _with_links(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """What a certificate's answer links to: its course and the certificate it replaces."""
    return certificates.select_related("course", "replaces").only(
        *(field.name for field in Certificate._meta.concrete_fields),
        "course__slug",
        "replaces__code",
    )


def certificate_list(*, user: Any) -> QuerySet[Certificate]:
    """The user's certificates, revoked ones included, newest first."""
    return _with_links(Certificate.objects.filter(user=user)).order_by("-issued_at", "-id")


def certificate_get_by_code(*, code: str) -> Certificate:
    """The certificate with ``code``, whatever its status; :class:`NotFound` otherwise."""
    if not CODE_PATTERN.fullmatch(code):
        raise NotFound(_("Certificate not found."))
    certificate = _with_links(Certificate.objects.filter(code=code)).first()
    if certificate is None:
        raise NotFound(_("Certificate not found."))
    return certificate
