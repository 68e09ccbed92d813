"""The package's public signals, sent once the database transaction that caused them commits.

Receivers get ``sender`` (the model class) plus the keyword arguments listed for each signal.
A receiver that fails does not undo the change that was already committed.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

#: A learner gained access to a course (new, or re-activated).
#: Arguments: ``enrollment``, ``reactivated`` (bool).
enrollment_created = Signal()

#: A learner left a course; the enrollment and its progress are kept.
#: Arguments: ``enrollment``.
enrollment_cancelled = Signal()

#: A lesson was completed for the first time by a learner. Arguments: ``enrollment``, ``lesson``.
lesson_completed = Signal()

#: Every lesson of the course is complete; sent once per enrollment. Arguments: ``enrollment``.
course_completed = Signal()

#: A lesson was added to a published course (learners already enrolled can take it).
#: Arguments: ``lesson``.
lesson_published = Signal()

#: A certificate was issued (automatically on completion, or re-issued by staff).
#: Arguments: ``certificate``.
certificate_issued = Signal()

#: A learner reviewed a course. Arguments: ``review``.
review_created = Signal()

#: An order was paid; its buyer is enrolled (source ``purchase``). Arguments: ``order``.
order_paid = Signal()

#: A paid order was refunded or cancelled by its provider; the buyer's access ended, their
#: enrollment and progress are kept (status ``refunded``). Arguments: ``order``.
order_refunded = Signal()


#: An account's personal data was erased and the account closed (see ``account_erase``); its
#: username is now ``erased-<id>``. Erase your own data about this person here.
#: Arguments: ``user``.
account_erased = Signal()


def send_on_commit(signal: Signal, *, sender: type, **kwargs: Any) -> None:
    """Send ``signal`` once the current transaction commits (at once outside a transaction).

    Every receiver runs even if another fails; failures are logged, never raised, because the
    change they report is already committed and the caller's request must not fail for it.
    """

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %r of a django-coursehub signal failed",
                    receiver,
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(send)
