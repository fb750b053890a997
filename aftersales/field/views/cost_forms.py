"""Forms of the cost pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Department, User
from aftersales.core.forms import MultipleFileField
from aftersales.field.costs import DIMENSIONS
from aftersales.field.models import ServiceReport
from aftersales.field.models.costs import Expense, ExpenseKind, Grade
from aftersales.field.services.costs import RECEIPT_EXTENSIONS


class VersionForm(forms.Form):
    """A change carries the version the page showed; a stale one changes nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ExpenseForm(forms.Form):
    """An expense the engineer paid, with its receipts."""

    kind = forms.ChoiceField(label=_("kind"), choices=ExpenseKind.choices)
    amount = forms.DecimalField(
        label=_("amount (CNY)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    spent_on = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    description = forms.CharField(
        label=_("description"),
        max_length=300,
        help_text=_("For example: high-speed train Shanghai–Nanjing, 2 nights at the site hotel."),
    )
    receipts = MultipleFileField(
        label=_("receipts"),
        help_text=_("Photos or scans: %(types)s.")
        % {"types": ", ".join(sorted(RECEIPT_EXTENSIONS))},
    )


class ReceiptForm(forms.Form):
    """One more receipt for an expense."""

    receipts = MultipleFileField(label=_("receipts"), required=True)


class ClaimForm(forms.Form):
    """Which report the claim is against and which expenses it claims."""

    report = forms.ModelChoiceField(
        label=_("service report"), queryset=ServiceReport.objects.none()
    )
    expenses = forms.ModelMultipleChoiceField(
        label=_("expenses"), queryset=Expense.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, reports: Any, expenses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report_field: Any = self.fields["report"]
        report_field.queryset = reports
        report_field.label_from_instance = lambda r: (
            f"{r.number} r{r.revision} · {r.get_status_display()}"
        )
        expense_field: Any = self.fields["expenses"]
        expense_field.queryset = expenses
        expense_field.label_from_instance = lambda e: (
            f"{e.spent_on:%Y-%m-%d} {e.get_kind_display()} ¥{e.amount} {e.description}"
        )


class DecisionForm(VersionForm):
    """Approve or reject a claim, with a comment (required to reject)."""

    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportFilterForm(forms.Form):
    """The cost report's dimension and period."""

    by = forms.ChoiceField(label=_("view"), choices=list(DIMENSIONS.items()), required=False)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("month"),
        choices=[("", _("whole year"))] + [(str(m), f"{m:02d}") for m in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("all I may see"),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["department"]
        field.queryset = departments


class BudgetForm(VersionForm):
    """A department's budget for a year."""

    amount = forms.DecimalField(
        label=_("budget (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GradeForm(forms.Form):
    """A new engineer grade."""

    code = forms.SlugField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=64)
    name_en = forms.CharField(label=_("English name"), max_length=64, required=False)


class RateForm(forms.Form):
    """A grade's new hourly rate from a day on."""

    grade = forms.ModelChoiceField(label=_("grade"), queryset=Grade.objects.filter(is_active=True))
    effective_from = forms.DateField(
        label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hourly_rate = forms.DecimalField(
        label=_("hourly rate (CNY)"), max_digits=10, decimal_places=2, min_value=Decimal("0")
    )


class EngineerGradeForm(forms.Form):
    """Give an engineer a grade."""

    engineer = forms.ModelChoiceField(label=_("engineer"), queryset=User.objects.none())
    grade = forms.ModelChoiceField(label=_("grade"), queryset=Grade.objects.filter(is_active=True))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["engineer"]
        field.queryset = (
            User.objects.filter(is_active=True, groups__name="engineer")
            .distinct()
            .order_by("full_name", "username")
        )
