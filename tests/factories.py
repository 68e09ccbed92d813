from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.learning.models import Enrollment
from django_coursehub.learning.services import enrollment_grant
from django_coursehub.payments.models import Order

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.uz")
    first_name = "Aziz"
    last_name = "Karimov"
    password = factory.django.Password(PASSWORD)


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")

    @factory.post_generation
    def instructor_permission(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label="coursehub", codename="add_course")
            )


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    short_description = "Learn by building."
    description = "A longer description."
    category = factory.SubFactory(CategoryFactory)
    owner = factory.SubFactory(InstructorFactory)
    price = Decimal("0")
    currency = "UZS"
    language = "uz"
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class DraftCourseFactory(CourseFactory):
    status = Course.Status.DRAFT
    published_at = None


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Section {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    """A lesson; the course's stored ``lesson_count`` is kept in step like the services do."""

    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    course = factory.SelfAttribute("section.course")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.TEXT
    content = "The lesson body."
    duration = 300

    @factory.post_generation
    def recount(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Course.objects.filter(pk=self.course_id).update(
                lesson_count=Lesson.objects.filter(course_id=self.course_id).count()
            )


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """A learner with access to a course, granted by ``enrollment_grant`` so that the course's
    stored ``enrollment_count`` stays exact (whatever the course's price)."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    source = Enrollment.Source.MANUAL

    @classmethod
    def _create(cls, model_class: type[Enrollment], *args: Any, **kwargs: Any) -> Enrollment:
        enrollment, _granted = enrollment_grant(**kwargs)
        return enrollment


class PaidCourseFactory(CourseFactory):
    price = Decimal("150000.00")


class OrderFactory(factory.django.DjangoModelFactory):
    """An open order for a paid course, priced from the course as ``order_create`` does."""

    class Meta:
        model = Order

    buyer = factory.SubFactory(UserFactory)
    course = factory.SubFactory(PaidCourseFactory)
    provider = Order.Provider.PAYME
    amount = factory.LazyAttribute(lambda order: order.course.price)
    currency = factory.LazyAttribute(lambda order: order.course.currency)


# Certificates ------------------------------------------------------------------------------


class CompletedEnrollmentFactory(EnrollmentFactory):
    """An enrollment whose learner completed every lesson of the course through the learning
    services (a course without lessons gets two, of 300 s each, first)."""

    @classmethod
    def _create(cls, model_class: type[Enrollment], *args: Any, **kwargs: Any) -> Enrollment:
        from django_coursehub.learning.services import lesson_complete

        course = kwargs["course"]
        if not Lesson.objects.filter(course=course).exists():
            LessonFactory.create_batch(2, section=SectionFactory(course=course))
        enrollment = super()._create(model_class, *args, **kwargs)
        for lesson in Lesson.objects.filter(course=course):
            lesson_complete(user=enrollment.user, lesson=lesson)
        enrollment.refresh_from_db()
        return enrollment


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid certificate, issued by ``certificate_issue`` for a completed enrollment."""

    class Meta:
        model = "coursehub.Certificate"

    enrollment = factory.SubFactory(CompletedEnrollmentFactory)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        from django_coursehub.certificates.services import certificate_issue

        return certificate_issue(enrollment=kwargs["enrollment"])


# Notifications ------------------------------------------------------------------------------


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification as a delivery stores it (its event key unique per recipient)."""

    class Meta:
        model = "coursehub.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "lesson_published"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened in a course."
    event_key = factory.Sequence(lambda n: f"test:{n}")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coursehub.NotificationPreference"

    user = factory.SubFactory(UserFactory)
    kind = "lesson_published"
    email = True
