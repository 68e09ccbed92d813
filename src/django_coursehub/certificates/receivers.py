"""Signal receivers of the certificates module: a completed course earns its certificate."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from django_coursehub.certificates import services
from django_coursehub.learning.models import Enrollment
from django_coursehub.signals import course_completed


@receiver(course_completed, dispatch_uid="coursehub_certificate_issue_on_completion")
def issue_on_completion(sender: type, enrollment: Enrollment, **kwargs: Any) -> None:
    # course_completed is sent once the completing transaction has committed, so this runs in
    # a transaction of its own: a failure is logged by send_on_commit, the completion stands.
    services.certificate_issue_for_completion(enrollment=enrollment)
