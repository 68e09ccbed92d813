"""``manage.py coursehub_pending_orders``: orders left open, for reconciliation.

An order stays ``pending`` when the buyer never paid, and ``awaiting`` while a provider holds a
transaction for it (Payme before PerformTransaction, Click between Prepare and Complete). Old
ones deserve a look in the provider's cabinet. ``--expire`` closes the old *pending* ones, which
no provider is paying; an ``awaiting`` order is left to its provider's protocol.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from django_coursehub.payments import services
from django_coursehub.payments.models import Order


class Command(BaseCommand):
    help = "List orders still open after some time (pending or awaiting a provider)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only orders not updated for this many minutes (default: 60).",
        )
        parser.add_argument("--provider", choices=Order.Provider.values)
        parser.add_argument(
            "--expire",
            action="store_true",
            help="Mark the listed pending orders expired (awaiting ones are only listed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        orders = Order.objects.filter(
            status__in=Order.OPEN_STATUSES, updated_at__lt=cutoff
        ).select_related("buyer", "course")
        if options["provider"]:
            orders = orders.filter(provider=options["provider"])
        stale = list(orders.order_by("updated_at", "id"))
        expired = 0
        for order in stale:
            self.stdout.write(
                f"#{order.pk}\t{order.status}\t{order.provider}\t{order.amount} {order.currency}"
                f"\t{order.buyer.get_username()}\t{order.course.title}"
                f"\tupdated {order.updated_at:%Y-%m-%d %H:%M}"
            )
            if options["expire"] and order.status == Order.Status.PENDING:
                expired += self._expire(order)
        summary = f"{len(stale)} open order(s) older than {options['older_than']} minute(s)."
        if options["expire"]:
            summary += f" {expired} expired."
        self.stdout.write(summary)

    @staticmethod
    def _expire(order: Order) -> int:
        with transaction.atomic():
            # Re-read under the lock: a provider may have started paying it meanwhile.
            locked = services.order_lock(order.pk)
            if locked.status != Order.Status.PENDING:
                return 0
            services.order_expire(locked)
            return 1
