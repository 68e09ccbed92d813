"""Imports every domain model so Django discovers them under the ``coursehub`` label."""

from django_coursehub.accounts.models import Profile
from django_coursehub.catalog.models import CatalogueTotals, Category, Course, Lesson, Section
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.notifications.models import Notification, NotificationPreference
from django_coursehub.payments.models import ClickTransaction, Order, PaymeTransaction, StripeEvent
from django_coursehub.reviews.models import Review
from django_coursehub.wishlist.models import WishlistItem

__all__ = [
    "CatalogueTotals",
    "Category",
    "Certificate",
    "ClickTransaction",
    "Course",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "Notification",
    "NotificationPreference",
    "Order",
    "PaymeTransaction",
    "Profile",
    "Review",
    "Section",
    "StripeEvent",
    "WishlistItem",
]
