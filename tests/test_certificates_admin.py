"""The certificate admin, driven as staff would: records are read-only, revoking asks for a
reason, and both actions go through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/coursehub/certificate/"


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client: Any, action: str, certificates: list[Certificate], **data: Any) -> Any:
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in certificates], **data},
        follow="apply" in data or action != "revoke_selected",
    )


def test_changelist_loads_and_searches(admin_client):
    wanted = CertificateFactory(
        enrollment=CompletedEnrollmentFactory(course=CourseFactory(title="Go"))
    )
    CertificateFactory()

    assert admin_client.get(CHANGELIST).context["cl"].result_count == 2
    for query in ({"q": wanted.code}, {"q": "Go"}, {"q": wanted.user.username}):
        assert admin_client.get(CHANGELIST, query).context["cl"].result_count == 1, query


def test_changelist_filters_by_status(admin_client):
    revoked = CertificateFactory()
    CertificateFactory()
    services.certificate_revoke(certificate=revoked, reason="Typo")

    response = admin_client.get(CHANGELIST, {"status__exact": "revoked"})

    assert [c.pk for c in response.context["cl"].result_list] == [revoked.pk]


def test_certificates_are_neither_added_edited_nor_deleted_by_hand(admin_client):
    certificate = CertificateFactory()
    change = f"{CHANGELIST}{certificate.pk}/change/"

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{certificate.pk}/delete/").status_code == 403
    actions = dict(admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert set(actions) == {"", "revoke_selected", "reissue_selected"}
    page = admin_client.get(change)
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    admin_client.post(change, {"holder_name": "Forged", "status": "revoked"})
    assert Certificate.objects.get(pk=certificate.pk).holder_name == certificate.holder_name


def test_revoking_asks_for_a_reason_first(admin_client):
    certificate = CertificateFactory()

    page = run_action(admin_client, "revoke_selected", [certificate])

    assert page.status_code == 200
    assert "admin/coursehub/certificate/revoke_selected.html" in [t.name for t in page.templates]
    assert str(certificate) in page.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_revoking_without_a_reason_shows_the_form_again(admin_client):
    certificate = CertificateFactory()

    page = run_action(admin_client, "revoke_selected", [certificate], apply="yes", reason=" ")

    assert page.status_code == 200
    assert page.context["form"].errors["reason"]
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_revoking_with_a_reason_revokes_each_valid_certificate(admin_client):
    first, second, already = CertificateFactory(), CertificateFactory(), CertificateFactory()
    services.certificate_revoke(certificate=already, reason="Earlier")

    response = run_action(
        admin_client,
        "revoke_selected",
        [first, second, already],
        apply="yes",
        reason="Exam fraud",
    )

    assert response.status_code == 200
    stored = {c.pk: c for c in Certificate.objects.all()}
    assert [stored[c.pk].revoked_reason for c in (first, second, already)] == [
        "Exam fraud",
        "Exam fraud",
        "Earlier",
    ]
    assert not any(stored[c.pk].is_valid for c in (first, second))
    shown = messages_of(response)
    assert "Revoked 2 certificates." in shown
    assert any(message.startswith(f"{already.code}: ") for message in shown)


def test_reissuing_replaces_revoked_certificates_and_skips_valid_ones(admin_client):
    revoked, valid = CertificateFactory(), CertificateFactory()
    services.certificate_revoke(certificate=revoked, reason="Name misspelt")

    response = run_action(admin_client, "reissue_selected", [revoked, valid])

    new = Certificate.objects.get(replaces=revoked)
    assert new.is_valid
    assert Certificate.objects.count() == 3
    shown = messages_of(response)
    assert "Re-issued 1 certificate." in shown
    assert any(message.startswith(f"{valid.code}: ") for message in shown)


def test_staff_who_may_only_view_cannot_run_the_actions(client):
    viewer = StaffFactory()
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="coursehub", codename="view_certificate")
    )
    client.force_login(viewer)
    certificate = CertificateFactory()
    services.certificate_revoke(certificate=certificate, reason="Typo")

    assert client.get(CHANGELIST).status_code == 200
    run_action(client, "reissue_selected", [certificate])
    run_action(client, "revoke_selected", [CertificateFactory()], apply="yes", reason="No")

    assert Certificate.objects.filter(status=Certificate.Status.ISSUED).count() == 1
    assert not Certificate.objects.filter(replaces=certificate).exists()
