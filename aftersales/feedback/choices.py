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


class ReturnVisitKind(models.TextChoices):
    """After a request's work, or a periodic call on a key account (no request)."""

    REQUEST = "request", _("After service")
    PERIODIC = "periodic", _("Periodic key-account visit")


class ComplaintStep(models.TextChoices):
    """The three steps of complaint handling (投诉处理三步法), then done."""

    CONFIRM = "confirm", _("1. Confirm the problem")
    PLAN = "plan", _("2. Plan with the departments")
    EXECUTE = "execute", _("3. Execute")
    RETURN_VISIT = "return_visit", _("3. Return visit")
    DONE = "done", _("Done")


# Which step each action leaves from and goes to (the complaint state machine).
COMPLAINT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({ComplaintStep.CONFIRM}), ComplaintStep.PLAN),
    "plan": (frozenset({ComplaintStep.PLAN}), ComplaintStep.EXECUTE),
    "execute": (frozenset({ComplaintStep.EXECUTE}), ComplaintStep.RETURN_VISIT),
    "visit": (frozenset({ComplaintStep.RETURN_VISIT}), ComplaintStep.DONE),
}


class Severity(models.TextChoices):
    """How serious a complaint is; sets who must take part in the plan."""

    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class SuggestionStatus(models.TextChoices):
    """A suggestion is routed to a department, then answered."""

    ROUTED = "routed", _("Routed")
    ANSWERED = "answered", _("Answered")


class ScheduleInterval(models.IntegerChoices):
    """How often a key account is visited, in months."""

    MONTHLY = 1, _("Monthly")
    QUARTERLY = 3, _("Quarterly")
    HALF_YEARLY = 6, _("Every six months")
    YEARLY = 12, _("Yearly")
