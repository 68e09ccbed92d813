from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursehubConfig(AppConfig):
    name = "django_coursehub"
    label = "coursehub"
    verbose_name = _("Course hub")
    # Pinned so a host's DEFAULT_AUTO_FIELD never produces migrations inside site-packages.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: registering system checks and signal receivers.
        from django_coursehub import checks  # noqa: F401
        from django_coursehub.catalog import receivers as catalog_receivers  # noqa: F401
        from django_coursehub.certificates import checks as certificate_checks  # noqa: F401
        from django_coursehub.certificates import receivers as certificate_receivers  # noqa: F401
        from django_coursehub.learning import receivers  # noqa: F401
        from django_coursehub.notifications import checks as notification_checks  # noqa: F401
        from django_coursehub.notifications import receivers as notification_receivers  # noqa: F401
