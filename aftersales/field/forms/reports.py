"""Forms of the service-report pages."""

from __future__ import annotations

import base64
import binascii
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.field.choices import ReportStatus
from aftersales.field.models.reports import ReviewState
from aftersales.parts.models import Part

DATA_URL = "data:image/png;base64,"


class VersionForm(forms.Form):
    """Just the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportTextForm(VersionForm):
    """What the engineer writes."""

    fault_found = forms.CharField(
        label=_("fault found"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    cause = forms.CharField(
        label=_("cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    work_done = forms.CharField(
        label=_("work done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    customer_opinion = forms.CharField(
        label=_("customer's opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class LabourForm(forms.Form):
    """One engineer's hours."""

    engineer = forms.ModelChoiceField(label=_("engineer"), queryset=User.objects.none())
    hours = forms.DecimalField(
        label=_("hours"), max_digits=6, decimal_places=2, min_value=0.25, max_value=744
    )


class PartLineForm(forms.Form):
    """One part used."""

    part = forms.ModelChoiceField(label=_("part"), queryset=Part.objects.none())
    quantity = forms.DecimalField(label=_("quantity"), max_digits=10, decimal_places=2)
    old_serial = forms.CharField(
        label=_("serial of the replaced part"), max_length=64, required=False
    )

    def clean_quantity(self) -> Any:
        value = self.cleaned_data["quantity"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("Enter a quantity above 0."))
        return value


class BaseLineFormSet(forms.BaseFormSet):
    """Line formsets take their choices from the view."""

    def __init__(self, *args: Any, choices: Any = None, choice_field: str = "", **kwargs: Any):
        self.choices = choices
        self.choice_field = choice_field
        super().__init__(*args, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[self.choice_field].queryset = self.choices  # type: ignore[attr-defined]


LabourFormSet = cast(
    type[BaseLineFormSet],
    forms.formset_factory(LabourForm, formset=BaseLineFormSet, extra=1, can_delete=True),
)
PartFormSet = cast(
    type[BaseLineFormSet],
    forms.formset_factory(PartLineForm, formset=BaseLineFormSet, extra=1, can_delete=True),
)


def _png(value: str, *, required: bool) -> bytes | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise forms.ValidationError(_("Please sign in the box."))
        return None
    if not value.startswith(DATA_URL):
        raise forms.ValidationError(_("The signature is not a valid image."))
    try:
        return base64.b64decode(value[len(DATA_URL) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise forms.ValidationError(_("The signature is not a valid image.")) from exc


class SignatureForm(VersionForm):
    """The customer's drawn signature (a PNG data URL from the canvas) and name."""

    signer_name = forms.CharField(label=_("customer's name"), max_length=100)
    signature = forms.CharField(label=_("signature"), widget=forms.HiddenInput, required=False)

    def clean_signature(self) -> bytes | None:
        return _png(self.cleaned_data.get("signature", ""), required=True)


class CodeForm(VersionForm):
    """The code the customer received, typed by the engineer."""

    code = forms.CharField(label=_("confirmation code"), max_length=12)
    signer_name = forms.CharField(label=_("customer's name"), max_length=100)


class SignOffForm(VersionForm):
    """The manager's sign-off; drawing a signature is optional (else name and time print)."""

    signature = forms.CharField(label=_("signature"), widget=forms.HiddenInput, required=False)

    def clean_signature(self) -> bytes | None:
        return _png(self.cleaned_data.get("signature", ""), required=False)


class ReturnForm(VersionForm):
    """Why the manager sends the report back."""

    reason = forms.CharField(
        label=_("what must be corrected"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(VersionForm):
    """Management's review."""

    review_state = forms.ChoiceField(
        label=_("review"),
        choices=[
            (ReviewState.OK, ReviewState.OK.label),
            (ReviewState.FOLLOW_UP, ReviewState.FOLLOW_UP.label),
        ],
    )
    review_comment = forms.CharField(
        label=_("review comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PublicConfirmForm(forms.Form):
    """The contact's name on the public confirmation page."""

    signer_name = forms.CharField(label=_("your name"), max_length=100)


class ReportFilterForm(forms.Form):
    """Filters of the report lists."""

    q = forms.CharField(label=_("number or customer"), required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all")), *ReportStatus.choices], required=False
    )
    review_state = forms.ChoiceField(
        label=_("review"), choices=[("", _("all")), *ReviewState.choices], required=False
    )
