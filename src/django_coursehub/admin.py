"""Imports every domain's admin so ``django.contrib.admin`` autodiscovers them."""

from django_coursehub.accounts import admin as accounts_admin
from django_coursehub.catalog import admin as catalog_admin

__all__ = ["accounts_admin", "catalog_admin"]
