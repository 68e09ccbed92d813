"""Read-only screens: money moves only through the providers' protocols and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from django_coursehub.payments.models import (
    ClickTransaction,
    Order,
    PaymeTransaction,
    StripeEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown, none editable; nothing added or deleted by hand."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymeTransactionInline(admin.TabularInline):
    model = PaymeTransaction
    fields = ("payme_id", "state", "reason", "amount", "payme_time", "perform_time")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClickTransactionInline(admin.TabularInline):
    model = ClickTransaction
    fields = ("click_trans_id", "state", "amount", "click_error", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "buyer",
        "course",
        "provider",
        "amount",
        "currency",
        "status",
        "created_at",
    )
    list_filter = ("status", "provider", "currency")
    search_fields = (
        "=id",
        "buyer__username",
        "buyer__email",
        "course__title",
        "provider_reference",
    )
    list_select_related = ("buyer", "course")
    date_hierarchy = "created_at"
    inlines = [PaymeTransactionInline, ClickTransactionInline]


@admin.register(PaymeTransaction)
class PaymeTransactionAdmin(ReadOnlyAdmin):
    list_display = ("payme_id", "order", "state", "reason", "amount", "payme_time")
    list_filter = ("state",)
    search_fields = ("payme_id", "=order__id")
    list_select_related = ("order",)


@admin.register(ClickTransaction)
class ClickTransactionAdmin(ReadOnlyAdmin):
    list_display = ("click_trans_id", "order", "state", "amount", "click_error", "created_at")
    list_filter = ("state",)
    search_fields = ("=click_trans_id", "=order__id")
    list_select_related = ("order",)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "livemode", "order", "received_at")
    list_filter = ("type", "livemode")
    search_fields = ("event_id", "=order__id")
    list_select_related = ("order",)
