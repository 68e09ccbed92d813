"""The package's public signals, sent once the database transaction that caused them commits.

Receivers get ``sender`` (the model class) plus the keyword arguments listed for each signal.
A receiver that fails does not undo the change that was already committed.
"""

from django.dispatch import Signal

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

#: A learner reviewed a course. Arguments: ``review``.
review_created = Signal()
