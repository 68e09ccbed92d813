"""Certificates in the admin: read-only records; staff revoke and re-issue through actions that
call the services, so the snapshot, the one-valid rule and the signal are never bypassed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.exceptions import CoursehubError


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Shown to anyone who verifies these certificates."),
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "holder_name",
        "course_title",
        "status",
        "issued_at",
        "revoked_at",
    )
    list_filter = ("status", "language", "issued_at")
    search_fields = ("=code", "holder_name", "course_title", "user__username", "user__email")
    date_hierarchy = "issued_at"
    ordering = ("-issued_at", "-id")
    actions = ("revoke_selected", "reissue_selected")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke selected certificates"), permissions=["change"])
    def revoke_selected(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> TemplateResponse | None:
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/coursehub/certificate/revoke_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Revoke certificates"),
                    "opts": self.model._meta,
                    "form": form,
                    "queryset": queryset,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        reason = form.cleaned_data["reason"]
        self._apply(
            request,
            queryset,
            lambda certificate: services.certificate_revoke(certificate=certificate, reason=reason),
            done=lambda count: ngettext(
                "Revoked %(count)d certificate.", "Revoked %(count)d certificates.", count
            ),
        )
        return None

    @admin.action(description=_("Re-issue selected certificates"), permissions=["change"])
    def reissue_selected(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        self._apply(
            request,
            queryset,
            lambda certificate: services.certificate_reissue(certificate=certificate),
            done=lambda count: ngettext(
                "Re-issued %(count)d certificate.", "Re-issued %(count)d certificates.", count
            ),
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Certificate],
        change: Any,
        *,
        done: Any,
    ) -> None:
        """Run ``change`` on each certificate; report how many succeeded and why others did not."""
        changed = 0
        for certificate in queryset:
            try:
                change(certificate)
            except CoursehubError as error:
                self.message_user(
                    request, f"{certificate.code}: {error.message}", level=messages.WARNING
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, done(changed) % {"count": changed}, level=messages.SUCCESS)
