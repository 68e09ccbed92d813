"""``manage.py coursehub_issue_certificates``: certificates that completion should have issued.

A certificate is issued after the completing transaction commits, in a transaction of its own,
so that a failure there (the database went away, a bug) never undoes the learner's completion.
Such a failure is logged and leaves a completed enrollment without a certificate; this command
issues the missing ones. It follows the automatic rule: an enrollment whose certificate was
revoked is left alone, since only staff re-issue a revoked certificate. Safe to run at any time
and as often as you like, for example daily from cron.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef, QuerySet

from django_coursehub.certificates import services
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning.models import Enrollment

BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Issue the certificates of completed enrollments that have none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, metavar="ID", help="Only this course.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the enrollments that lack a certificate, issue nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).filter(
            ~Exists(Certificate.objects.filter(enrollment=OuterRef("pk")))
        )
        if options["course"] is not None:
            missing = missing.filter(course_id=options["course"])

        found = issued = 0
        failed: list[int] = []
        for enrollment in self._in_batches(missing):
            found += 1
            label = f"#{enrollment.pk}\t{enrollment.user.get_username()}\t{enrollment.course.title}"
            if options["dry_run"]:
                self.stdout.write(label)
                continue
            try:
                certificate = services.certificate_issue_for_completion(enrollment=enrollment)
            except Exception as error:  # one enrollment that fails must not stop the others
                failed.append(enrollment.pk)
                self.stderr.write(f"{label}\tfailed: {error!r}")
                continue
            if certificate is not None:
                issued += 1
                self.stdout.write(f"{label}\t{certificate.code}")

        if options["dry_run"]:
            self.stdout.write(f"{found} completed enrollment(s) without a certificate.")
            return
        self.stdout.write(f"{issued} certificate(s) issued.")
        if failed:
            raise CommandError(
                f"{len(failed)} enrollment(s) could not be given a certificate: "
                + ", ".join(f"#{pk}" for pk in failed)
            )

    @staticmethod
    def _in_batches(enrollments: QuerySet[Enrollment]) -> Iterator[Enrollment]:
        # Keyset pages keep memory flat on a large backlog, and each page is read after the
        # previous one was issued, so nothing is held open across the issuing transactions.
        last_pk = 0
        while True:
            page = list(
                enrollments.filter(pk__gt=last_pk)
                .select_related("user", "course")
                .order_by("pk")[:BATCH_SIZE]
            )
            if not page:
                return
            yield from page
            last_pk = page[-1].pk
