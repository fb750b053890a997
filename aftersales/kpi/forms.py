"""Forms of the performance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.kpi.models import ScoringRuleSet


class MonthInput(forms.DateInput):
    """A month picker (YYYY-MM)."""

    input_type = "month"


class RuleSetForm(forms.ModelForm):
    """A new version of the scoring rules."""

    valid_from = forms.DateField(
        label=_("valid from"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(format="%Y-%m"),
        help_text=_("The first month the rules apply to (YYYY-MM)."),
    )

    class Meta:
        model = ScoringRuleSet
        fields = [
            "valid_from",
            "praise_points",
            "all_top_points",
            "mostly_top_points",
            "mostly_top_percent",
            "dissatisfied_points",
            "bonus_rate",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True

    def _post_clean(self) -> None:
        # The service validates the whole row (and the version number it assigns); the form
        # checks only the fields the user typed.
        pass
