"""Turning what happened into notifications: who hears of it, in which words, through which
channels. Runs inside the tasks of :mod:`django_coursehub.notifications.tasks`, never in a
request (unless the task backend is the immediate one).

Every event has a key (``lesson:42``) stored with each notification; the key is unique per
recipient, so running a delivery again (a task retried after a crash, a worker killed half way)
creates nothing twice and e-mails nobody twice: each chunk of recipients first looks up who
already has the event, stores the rest, and hands only those to the channels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from django_coursehub.accounts.languages import site_language
from django_coursehub.catalog.models import Lesson
from django_coursehub.certificates.models import Certificate
from django_coursehub.conf import app_settings
from django_coursehub.learning.models import Enrollment
from django_coursehub.notifications.channels import InAppChannel, NotificationChannel
from django_coursehub.notifications.models import Notification
from django_coursehub.reviews.models import Review

Kind = Notification.Kind

#: Title and body of each kind, rendered in the recipient's language with the event's values.
MESSAGES: dict[str, tuple[Promise, Promise]] = {
    Kind.LESSON_PUBLISHED: (
        _("New lesson in “%(course)s”"),
        _("“%(lesson)s” was added to “%(course)s”. It is ready for you."),
    ),
    Kind.ENROLLMENT_CONFIRMED: (
        _("You are enrolled in “%(course)s”"),
        _("Your enrollment in “%(course)s” is confirmed. Start learning whenever you like."),
    ),
    Kind.CERTIFICATE_ISSUED: (
        _("Your certificate for “%(course)s”"),
        _("Congratulations! Certificate %(code)s for “%(course)s” has been issued to you."),
    ),
    Kind.REVIEW_RECEIVED: (
        _("New review of “%(course)s”"),
        _("%(reviewer)s rated “%(course)s” %(rating)s out of 5."),
    ),
}

TITLE_LENGTH = Notification._meta.get_field("title").max_length or 300
BODY_LENGTH = Notification._meta.get_field("body").max_length or 5000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Recipient:
    user: Any
    #: ``Profile.preferred_language``, None without a profile; see :func:`language_of`.
    preferred_language: str | None


@dataclass
class Event:
    """Something that happened, in the words every recipient will read."""

    kind: str
    key: str
    params: dict[str, Any]
    course_id: int | None = None
    lesson_id: int | None = None
    _texts: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def texts(self, language: str) -> tuple[str, str]:
        """Title and body in ``language``, rendered once per language for a whole delivery."""
        if language not in self._texts:
            title, body = MESSAGES[self.kind]
            with translation.override(language):
                self._texts[language] = (
                    str(title % self.params)[:TITLE_LENGTH],
                    str(body % self.params)[:BODY_LENGTH],
                )
        return self._texts[language]

    def notification_for(self, recipient: Recipient) -> Notification:
        title, body = self.texts(language_of(recipient.preferred_language))
        return Notification(
            recipient=recipient.user,
            kind=self.kind,
            title=title,
            body=body,
            course_id=self.course_id,
            lesson_id=self.lesson_id,
            event_key=self.key,
        )


def language_of(preferred: str | None) -> str:
    """The recipient's preferred language when the site offers it, else ``LANGUAGE_CODE``."""
    return site_language(preferred) or settings.LANGUAGE_CODE


def microseconds(moment: datetime) -> int:
    """``moment`` as whole microseconds since 1970: exact, and JSON-serialisable."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def configured_channels() -> tuple[InAppChannel, list[NotificationChannel]]:
    """One instance of each channel of ``NOTIFICATION_CHANNELS``: the in-app one, the others."""
    channels = [import_string(path)() for path in app_settings.NOTIFICATION_CHANNELS]
    in_app = [channel for channel in channels if isinstance(channel, InAppChannel)]
    if not in_app:
        raise ImproperlyConfigured(
            "COURSEHUB['NOTIFICATION_CHANNELS'] lacks the in-app channel "
            "(django_coursehub.notifications.channels.InAppChannel); see coursehub.E014."
        )
    return in_app[0], [channel for channel in channels if channel is not in_app[0]]


class Delivery:
    """Delivers one event to chunks of recipients through the configured channels."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.in_app, self.others = configured_channels()

    def deliver(self, recipients: Sequence[Recipient]) -> list[Notification]:
        """Notify those of ``recipients`` who have not had this event yet; returns the new rows.

        Costs a constant number of queries: who already has the event, the insert (which
        Django splits on SQLite, 999 variables a statement) and what each channel reads.
        """
        fresh = self._store(recipients)
        if fresh:
            for channel in self.others:
                channel.deliver(fresh)
        return fresh

    def _store(self, recipients: Sequence[Recipient]) -> list[Notification]:
        try:
            return self._store_once(recipients)
        except IntegrityError:
            # Another run of this event (a retry overlapping a slow first attempt) stored some
            # of these recipients meanwhile: look again. A second failure is a real error.
            return self._store_once(recipients)

    @transaction.atomic
    def _store_once(self, recipients: Sequence[Recipient]) -> list[Notification]:
        notified = set(
            Notification.objects.filter(
                event_key=self.event.key, recipient_id__in=[r.user.pk for r in recipients]
            ).values_list("recipient_id", flat=True)
        )
        fresh = [
            self.event.notification_for(recipient)
            for recipient in recipients
            if recipient.user.pk not in notified
        ]
        if fresh:
            self.in_app.deliver(fresh)
        return fresh


def _learners_in_chunks(lesson: Lesson, size: int) -> Iterator[list[Recipient]]:
    """The course's learners with access, but its owner, by enrollment id, ``size`` at a time.

    Keyset pagination (``id > last``, no OFFSET): learners enrolling meanwhile shift nothing,
    so nobody is skipped or told twice.
    """
    learners = (
        Enrollment.objects.giving_access()
        .filter(course_id=lesson.course_id)
        .exclude(user_id=lesson.course.owner_id)
        .select_related("user")
        .annotate(preferred_language=F("user__coursehub_profile__preferred_language"))
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(learners.filter(pk__gt=last)[:size])
        if chunk:
            yield [Recipient(e.user, e.preferred_language) for e in chunk]
        if len(chunk) < size:
            return
        last = chunk[-1].pk


def lesson_published(*, lesson_id: int) -> int:
    """Tell every learner of the lesson's course about it, in chunks of
    ``NOTIFICATION_BATCH_SIZE``; returns how many notifications were created."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None:
        return 0
    delivery = Delivery(
        Event(
            kind=Kind.LESSON_PUBLISHED,
            key=f"lesson:{lesson.pk}",
            params={"course": lesson.course.title, "lesson": lesson.title},
            course_id=lesson.course_id,
            lesson_id=lesson.pk,
        )
    )
    created = 0
    for chunk in _learners_in_chunks(lesson, app_settings.NOTIFICATION_BATCH_SIZE):
        created += len(delivery.deliver(chunk))
    return created


def enrollment_confirmed(*, enrollment_id: int, confirmed_at: int) -> int:
    """Confirm an enrollment to its learner, unless their access ended meanwhile.

    ``confirmed_at`` (the enrollment's ``updated_at`` when access was granted, see
    :func:`microseconds`) tells a re-activation, which is news, from a retry, which is not.
    """
    enrollment = (
        Enrollment.objects.select_related("user", "course")
        .annotate(preferred_language=F("user__coursehub_profile__preferred_language"))
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None or not enrollment.has_access:
        return 0
    event = Event(
        kind=Kind.ENROLLMENT_CONFIRMED,
        key=f"enrollment:{enrollment.pk}:{confirmed_at}",
        params={"course": enrollment.course.title},
        course_id=enrollment.course_id,
    )
    recipient = Recipient(enrollment.user, enrollment.preferred_language)
    return len(Delivery(event).deliver([recipient]))


def certificate_issued(*, certificate_id: int) -> int:
    """Tell the holder their certificate is ready, unless it was revoked meanwhile."""
    certificate = (
        Certificate.objects.select_related("user")
        .annotate(preferred_language=F("user__coursehub_profile__preferred_language"))
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or not certificate.is_valid:
        return 0
    event = Event(
        kind=Kind.CERTIFICATE_ISSUED,
        key=f"certificate:{certificate.pk}",
        # The certificate's own snapshot: what it says, whatever the course is called now.
        params={"course": certificate.course_title, "code": certificate.code},
        course_id=certificate.course_id,
    )
    recipient = Recipient(certificate.user, certificate.preferred_language)
    return len(Delivery(event).deliver([recipient]))


def _reviews_for_owners() -> QuerySet[Any]:  # Reviews, with their owner's preferred_language
    return Review.objects.select_related("user", "course__owner").annotate(
        preferred_language=F("course__owner__coursehub_profile__preferred_language")
    )


def _review_event(review: Review) -> Event:
    return Event(
        kind=Kind.REVIEW_RECEIVED,
        key=f"review:{review.pk}",
        params={
            "course": review.course.title,
            "reviewer": review.user.get_full_name() or review.user.get_username(),
            "rating": review.rating,
        },
        course_id=review.course_id,
    )


def review_received(*, review_id: int) -> int:
    """Tell the course's owner about a review of their course."""
    review = _reviews_for_owners().filter(pk=review_id).first()
    if review is None or review.user_id == review.course.owner_id:
        return 0
    recipient = Recipient(review.course.owner, review.preferred_language)
    return len(Delivery(_review_event(review)).deliver([recipient]))


def reviewer_renamed(*, reviewer: Any) -> int:
    """Write the owners' "new review" notifications again with ``reviewer``'s current name.

    An erased account's name must not live on in other people's inboxes; the notifications keep
    their place, read state and date. Returns how many were rewritten.
    """
    rewritten = 0
    for review in _reviews_for_owners().filter(user=reviewer):
        title, body = _review_event(review).texts(language_of(review.preferred_language))
        rewritten += Notification.objects.filter(
            event_key=f"review:{review.pk}", recipient_id=review.course.owner_id
        ).update(title=title, body=body)
    return rewritten
