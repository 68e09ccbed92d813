"""Benchmarks of the django-coursehub API against plain Django and Django REST Framework.

Not part of the test suite: see ``benchmarks/README.md``.
"""
