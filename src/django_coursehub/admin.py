"""Imports every domain's admin so ``django.contrib.admin`` autodiscovers them."""

from django_coursehub.accounts import admin as accounts_admin
from django_coursehub.catalog import admin as catalog_admin
from django_coursehub.learning import admin as learning_admin
from django_coursehub.payments import admin as payments_admin
from django_coursehub.reviews import admin as reviews_admin

__all__ = [
    "accounts_admin",
    "catalog_admin",
    "learning_admin",
    "payments_admin",
    "reviews_admin",
]
