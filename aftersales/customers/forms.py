"""Forms of the customers pages: the company search and the handover actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.customers.choices import HandoverParty, Tier
from aftersales.customers.models import Contact


class CompanySearchForm(forms.Form):
    """The customer list's search box and tier filter (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Name, English name or customer number."),
    )
    tier = forms.ChoiceField(
        label=_("tier"), required=False, choices=[("", _("All tiers")), *Tier.choices]
    )


class HandoverItemForm(forms.Form):
    """One checklist section, carrying the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    content = forms.CharField(
        label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    not_applicable = forms.BooleanField(
        label=_("not applicable"),
        required=False,
        help_text=_("Say in the content why this section does not apply."),
    )


class HandoverStateForm(forms.Form):
    """A confirmation or withdrawal carries the handover state the page showed: confirming
    a checklist that changed after you read it would confirm something you did not see."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ConfirmHandoverForm(HandoverStateForm):
    """One party confirms; staff recording the customer's signature name the signer."""

    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signed_by_contact = forms.ModelChoiceField(
        label=_("signed by (customer contact)"), queryset=Contact.objects.none()
    )

    def __init__(self, *args: Any, party: str, company_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if party == HandoverParty.CUSTOMER:
            self.fields["signed_by_contact"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
                company_id=company_id, is_active=True
            ).order_by("-is_primary", "name")
        else:
            del self.fields["signed_by_contact"]


class WithdrawHandoverForm(HandoverStateForm):
    """Withdrawing a confirmation needs a reason; it stays on record."""

    reason = forms.CharField(
        label=_("reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2})
    )
