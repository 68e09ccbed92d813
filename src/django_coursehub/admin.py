"""Imports every domain's admin so ``django.contrib.admin`` autodiscovers them."""

from django_coursehub.accounts import admin as accounts_admin
from django_coursehub.catalog import admin as catalog_admin
from django_coursehub.certificates import admin as certificates_admin
from django_coursehub.learning import admin as learning_admin
from django_coursehub.notifications import admin as notifications_admin
from django_coursehub.payments import admin as payments_admin
from django_coursehub.reviews import admin as reviews_admin
from django_coursehub.wishlist import admin as wishlist_admin

__all__ = [
    "accounts_admin",
    "catalog_admin",
    "certificates_admin",
    "learning_admin",
    "notifications_admin",
    "payments_admin",
    "reviews_admin",
    "wishlist_admin",
]
