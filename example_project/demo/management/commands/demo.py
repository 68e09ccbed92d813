"""``manage.py demo``: migrate, seed the demo data and serve the site, in one command."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Apply migrations, create the demo data and start the development server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=DEFAULT_ADDRPORT,
            help=f"Address and port to serve on (default {DEFAULT_ADDRPORT}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The autoreloader runs this command again in a child process; set up only once.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            call_command("seed_demo", verbosity=options["verbosity"])
            host, _, port = options["addrport"].rpartition(":")
            base = f"http://{host or '127.0.0.1'}:{port}"
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Demo page:   {base}/"))
            self.stdout.write(self.style.SUCCESS(f"Swagger UI:  {base}/api/docs"))
            self.stdout.write(self.style.SUCCESS(f"Admin:       {base}/admin/"))
            self.stdout.write("")
        call_command("runserver", options["addrport"])
