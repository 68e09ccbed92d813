"""``manage.py coursehub_search_reindex``: rebuild every course's stored search document, and
recount the catalogue totals.

Saves keep the documents exact on their own (see ``catalog/receivers.py``). Run this after
changing course text or category and instructor names in ways that send no signals: queryset
``update()``, ``bulk_create()``, raw SQL, or ``loaddata`` of data without the documents.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from django_coursehub.catalog import services
from django_coursehub.catalog.models import Course


class Command(BaseCommand):
    help = "Rebuild the stored search document of every course and recount the catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = services.course_search_refresh(courses=Course.objects.all())
        self.stdout.write(f"{changed} course search document(s) rewritten.")
        published = services.catalogue_totals_refresh()
        self.stdout.write(f"{published} published course(s) counted.")
