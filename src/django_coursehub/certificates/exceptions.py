"""Domain errors of the certificates module that the package's ``exceptions`` module lacks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from django_coursehub.exceptions import CoursehubError


class Gone(CoursehubError):
    """The resource existed but is withdrawn for good (a revoked certificate's PDF)."""

    status_code = 410
    code = "gone"
    default_message = _("This resource is no longer available.")
