"""Forms of the feedback pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Department, User
from aftersales.customers.choices import Tier
from aftersales.customers.models import Company
from aftersales.feedback.choices import (
    ContactMethod,
    Rating,
    ReturnVisitStatus,
    ScheduleInterval,
    Severity,
)

SCORE_CHOICES = [(i, str(i)) for i in range(5, 0, -1)]
PART_ROWS = 4


class VersionForm(forms.Form):
    """Every change carries the version the page showed (a stale one changes nothing)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RecordVisitForm(VersionForm):
    """What the customer said on the return visit."""

    method = forms.ChoiceField(label=_("method"), choices=ContactMethod.choices)
    rating = forms.TypedChoiceField(
        label=_("rating"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    praised = forms.ModelMultipleChoiceField(
        label=_("engineers praised"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    solved = forms.TypedChoiceField(
        label=_("problem really solved"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No, reopen the request"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    comments = forms.CharField(
        label=_("comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["praised"].queryset = workers if workers is not None else User.objects.none()  # type: ignore[attr-defined]


class VisitFilterForm(forms.Form):
    """Filters of the return-visit lists."""

    company = forms.CharField(label=_("customer"), required=False)
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.all(), required=False
    )
    rating = forms.TypedChoiceField(
        label=_("rating"),
        choices=[("", "—"), *Rating.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("", "—"), ("request", _("After service")), ("periodic", _("Periodic"))],
        required=False,
    )


class ScheduleForm(forms.Form):
    """A key account's visit schedule."""

    company = forms.ModelChoiceField(label=_("customer"), queryset=Company.objects.none())
    interval_months = forms.TypedChoiceField(
        label=_("interval"), choices=ScheduleInterval.choices, coerce=int
    )
    next_due_on = forms.DateField(
        label=_("next visit due on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    notes = forms.CharField(label=_("notes"), max_length=255, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = (  # type: ignore[attr-defined]
            Company.objects.visible_to(user).filter(tier=Tier.KEY, is_active=True).order_by("code")
        )


class SurveyForm(forms.Form):
    """The customer's answer: three scores and a comment."""

    attitude = forms.TypedChoiceField(
        label=_("Service attitude"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    speed = forms.TypedChoiceField(
        label=_("Response speed"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    result = forms.TypedChoiceField(
        label=_("Result"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConfirmComplaintForm(VersionForm):
    """Step 1."""

    problem = forms.CharField(
        label=_("problem confirmed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    preliminary_solution = forms.CharField(
        label=_("preliminary solution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer reads this."),
    )


class PlanComplaintForm(VersionForm):
    """Step 2: severity, plan and up to four departments with their part."""

    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    plan = forms.CharField(label=_("plan"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(PART_ROWS):
            self.fields[f"department_{i}"] = forms.ModelChoiceField(
                label=_("department concerned"),
                queryset=Department.objects.filter(is_active=True),
                required=False,
            )
            self.fields[f"task_{i}"] = forms.CharField(
                label=_("its part"), max_length=1000, required=False
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def part_rows(self) -> list[tuple[Any, Any, Any]]:
        """The bound fields of each part row (for the template)."""
        return [
            (self[f"department_{i}"], self[f"task_{i}"], self[f"due_{i}"]) for i in range(PART_ROWS)
        ]

    def parts(self) -> list[dict[str, Any]]:
        """The filled rows as the service expects them."""
        data = self.cleaned_data
        return [
            {
                "department": data[f"department_{i}"],
                "task": data.get(f"task_{i}", ""),
                "due_on": data.get(f"due_{i}"),
            }
            for i in range(PART_ROWS)
            if data.get(f"department_{i}")
        ]


class PartDoneForm(forms.Form):
    """A department's result of its part."""

    result = forms.CharField(
        label=_("what your department did"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExecuteComplaintForm(VersionForm):
    """Step 3."""

    execution = forms.CharField(label=_("execution"), widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(VersionForm):
    """The customer opinion form (顾客意见书)."""

    opinion = forms.CharField(
        label=_("customer's opinion"), widget=forms.Textarea(attrs={"rows": 4})
    )
    demand = forms.CharField(
        label=_("customer's demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RouteSuggestionForm(forms.Form):
    """Send a suggestion to the department concerned."""

    department = forms.ModelChoiceField(
        label=_("department concerned"), queryset=Department.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("note to the department"), required=False, max_length=2000)


class AnswerSuggestionForm(VersionForm):
    """The department's answer to the customer."""

    answer = forms.CharField(
        label=_("answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The customer reads this on the portal."),
    )


__all__ = ["ReturnVisitStatus"]
