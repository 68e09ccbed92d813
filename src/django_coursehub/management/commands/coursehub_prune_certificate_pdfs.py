"""``manage.py coursehub_prune_certificate_pdfs``: delete cached certificate PDFs nobody needs.

Rendered PDFs are a cache in ``CERTIFICATE_STORAGE``, named after the certificate's code and a
fingerprint of everything that shaped the bytes. A new renderer, package version or verification
URL leaves the earlier files unused, and a revoked certificate's PDF is never served again.
Deleting any of them is safe: a PDF that is asked for again is rendered again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from django_coursehub.certificates.models import Certificate
from django_coursehub.certificates.services import PDF_FOLDER
from django_coursehub.conf import app_settings


class Command(BaseCommand):
    help = (
        "Delete cached certificate PDFs of revoked or deleted certificates, and with "
        "--older-than, every cached PDF not written for that many days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help="Also delete PDFs of valid certificates last written more than DAYS ago.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted, delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] is not None and options["older_than"] < 0:
            raise CommandError("--older-than takes a number of days, 0 or more.")
        storage = storages[app_settings.CERTIFICATE_STORAGE]
        try:
            names = storage.listdir(PDF_FOLDER)[1]
        except FileNotFoundError:
            names = []
        valid_codes = set(
            Certificate.objects.filter(
                code__in={self._code_of(name) for name in names},
                status=Certificate.Status.ISSUED,
            ).values_list("code", flat=True)
        )
        cutoff = (
            timezone.now() - timedelta(days=options["older_than"])
            if options["older_than"] is not None
            else None
        )

        deleted = 0
        for name in sorted(names):
            path = f"{PDF_FOLDER}/{name}"
            if self._code_of(name) in valid_codes:
                if cutoff is None or self._written_at(storage, path) >= cutoff:
                    continue
                reason = "unused"
            else:
                reason = "revoked or deleted"
            self.stdout.write(f"{path}\t{reason}")
            if not options["dry_run"]:
                storage.delete(path)
            deleted += 1
        verb = "would be deleted" if options["dry_run"] else "deleted"
        self.stdout.write(f"{deleted} of {len(names)} cached PDF(s) {verb}.")

    @staticmethod
    def _written_at(storage: Any, path: str) -> Any:
        try:
            return storage.get_modified_time(path)
        except NotImplementedError:
            raise CommandError(
                "CERTIFICATE_STORAGE cannot tell when a file was written: run without --older-than."
            ) from None

    @staticmethod
    def _code_of(name: str) -> str:
        # "<code>-<fingerprint>.pdf": codes may contain "-", fingerprints are hexadecimal.
        return name.removesuffix(".pdf").rpartition("-")[0]
