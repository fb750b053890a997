"""Ratings, methods and statuses of return visits (回访)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    """The five-level satisfaction scale of the source documents; 2 and 1 are 'dissatisfied
    or worse' for the scorecard."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


DISSATISFIED_OR_WORSE = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})


class ContactMethod(models.TextChoices):
    """How the office reached the customer."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")


class ReturnVisitStatus(models.TextChoices):
    """A return visit is due until it is recorded."""

    DUE = "due", _("Due")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
