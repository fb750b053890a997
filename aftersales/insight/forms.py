"""The dashboard's filter form (GET): a period and a department the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Department
from aftersales.insight.queries import Filters

PRESETS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PERIOD = "30"
# Two years of days: enough for a year-on-year look, small enough to stay fast.
MAX_DAYS = 731


class DashboardFilterForm(forms.Form):
    """Period (last 7, 30 or 90 days, or from–to dates) and department."""

    period = forms.ChoiceField(
        label=_("period"),
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("custom", _("From – to dates")),
        ],
        required=False,
        initial=DEFAULT_PERIOD,
    )
    start = forms.DateField(
        label=_("from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    department = forms.TypedChoiceField(
        label=_("department"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        sees_all: bool,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.departments = departments
        # Only the departments the user may see: any other id is "not a valid choice",
        # which tells nothing about whether it exists.
        field = self.fields["department"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("All departments") if sees_all else _("All my departments")),
            *[(str(d.pk), d.display_name) for d in departments],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period") or DEFAULT_PERIOD
        data["period"] = period
        if period != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start and end:
            if start > end:
                self.add_error("end", _("The last day cannot be before the first."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("Choose at most %(days)s days.") % {"days": MAX_DAYS})
        return data

    def filters(self) -> Filters:
        """The valid form's filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        if data["period"] == "custom":
            start, end = data["start"], data["end"]
        else:
            end = self.today
            start = end - dt.timedelta(days=PRESETS[data["period"]] - 1)
        return Filters(start=start, end=end, department_id=data.get("department"))
