"""Forms of the request pages: registration, each transition, the composer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core.forms import MultipleFileField
from aftersales.service.choices import CancelReason, Channel, MessageKind, Priority, RequestType
from aftersales.service.models import ServiceRequest


class VersionForm(forms.Form):
    """Every change carries the version the page showed (a stale one changes nothing) and
    when the page was shown (to list what changed since)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)


def staff_choices() -> Any:
    return (
        User.objects.filter(is_active=True, groups__isnull=False)
        .exclude(groups__name="customer")
        .distinct()
        .order_by("full_name", "username")
    )


class AcceptForm(VersionForm):
    owner = forms.ModelChoiceField(
        label=_("owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: you become the owner."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()  # type: ignore[attr-defined]


class AssignForm(VersionForm):
    owner = forms.ModelChoiceField(label=_("new owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()  # type: ignore[attr-defined]


class ArriveForm(VersionForm):
    at = forms.DateTimeField(
        label=_("arrived at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(VersionForm):
    resolution = forms.CharField(
        label=_("resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer reads this."),
    )


class CommentForm(VersionForm):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(VersionForm):
    reason = forms.ChoiceField(label=_("reason"), choices=CancelReason.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class MergeForm(VersionForm):
    into = forms.CharField(
        label=_("merge into request number"),
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "SR-2026-000123"}),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class InviteForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("expert"), queryset=User.objects.none())
    reason = forms.CharField(label=_("question"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = staff_choices()  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    """The composer: a reply the customer reads, or an internal note; files optional."""

    kind = forms.ChoiceField(label=_("kind"), choices=MessageKind.choices, widget=forms.RadioSelect)
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("attachments"))


class RegisterForm(forms.ModelForm):
    """Registering a call, visit or letter: customer and unit found as you type; an owner
    given here accepts the request at once."""

    owner = forms.ModelChoiceField(
        label=_("owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Optional: hand the request to an engineer now."),
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "channel",
            "received_at",
            "company",
            "contact",
            "site",
            "equipment",
            "request_type",
            "priority",
            "category",
            "title",
            "description",
        ]
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "company": forms.HiddenInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aftersales.customers.models import Company, Contact, Equipment, Site

        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (c, label) for c, label in Channel.choices if c not in (Channel.PORTAL, Channel.API)
        ]
        self.fields["owner"].queryset = staff_choices()  # type: ignore[attr-defined]
        self.fields["channel"].initial = Channel.PHONE
        self.fields["request_type"].initial = RequestType.FAULT
        self.fields["priority"].initial = Priority.P3
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["received_at"].required = False
        self.fields["received_at"].help_text = _("When the call, visit or letter came in.")
        company_id = self.data.get("company") or self.initial.get("company")
        companies = Company.objects.visible_to(user)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        # The unit, contact and site lists hold only the chosen customer's rows: a select of
        # every unit would be thousands of options (and another customer's data).
        chosen = int(str(company_id)) if str(company_id or "").isdigit() else 0
        self.fields["contact"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            company_id=chosen, is_active=True
        )
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            company_id=chosen, is_active=True
        )
        self.fields["equipment"].queryset = Equipment.objects.filter(  # type: ignore[attr-defined]
            company_id=chosen
        ).select_related("product_model")
