"""Forms of the customer portal: submitting a request, replying, confirming or rejecting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import MultipleFileField
from aftersales.customers.models import Equipment, Site
from aftersales.portal.words import warranty_state, warranty_words
from aftersales.service.choices import RequestType

# Every type of SPEC §3 is something a customer may ask for; the most common comes first.
# Priority is not among the fields: it sets the service-level promise and is classified
# at intake by the service desk (SPEC §3 "Intake: classify"), so the service's default
# applies until an agent triages the request.
CUSTOMER_TYPES = [
    RequestType.FAULT,
    RequestType.MAINTENANCE,
    RequestType.WARRANTY,
    RequestType.INSTALLATION,
    RequestType.TRAINING,
    RequestType.CONSULTATION,
    RequestType.COMPLAINT,
    RequestType.SUGGESTION,
]


def _files_help() -> str:
    # Shown, not enforced: the attach service checks size and type and its errors land on
    # this field.
    return str(_("Optional. Up to %(max)d MB per file.")) % {
        "max": settings.AFTERSALES_MAX_UPLOAD_MB
    }


class VersionForm(forms.Form):
    """Every change carries the version the page showed (a stale one changes nothing) and
    when the page was shown (to list what changed since)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    seen_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_seen_at(self) -> dt.datetime | None:
        """An aware time, or None when missing or mangled (then only the status is shown)."""
        raw = self.cleaned_data.get("seen_at") or ""
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None


class ReplyForm(VersionForm):
    """A message to the service team, with files."""

    body = forms.CharField(
        label=_("your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    attachments = MultipleFileField(label=_("attachments"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _files_help()


class ConfirmForm(VersionForm):
    """The customer confirms that the problem is solved."""

    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional."),
    )


class RejectForm(VersionForm):
    """The problem is not solved: the request goes back to work, with the reason."""

    reason = forms.CharField(
        label=_("what is still wrong"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit as the customer knows it: serial number, model and warranty state."""

    today: dt.date

    def label_from_instance(self, obj: Any) -> str:
        model = obj.product_model
        return f"{obj.serial_number} · {model.code} {model.display_name} · " + str(
            warranty_words(warranty_state(obj, self.today), obj.warranty_end)
        )


class NewRequestForm(forms.Form):
    """Submitting a request for one of the company's units or sites, with files."""

    request_type = forms.ChoiceField(
        label=_("type"), choices=[(t.value, t.label) for t in CUSTOMER_TYPES]
    )
    equipment = UnitChoiceField(
        label=_("unit"),
        queryset=Equipment.objects.none(),
        required=False,
        empty_label=_("— not about one unit —"),
    )
    site = forms.ModelChoiceField(
        label=_("site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("— the unit's site —"),
        help_text=_("Choose a site when the request is not about one unit."),
    )
    title = forms.CharField(
        label=_("title"),
        max_length=200,
        help_text=_("In a few words, e.g. “Cooling pump leaks”."),
    )
    description = forms.CharField(
        label=_("description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What happened, since when, what the unit shows (alarms, codes) and how it "
            "affects your work. For an emergency that stops production, please also call us."
        ),
    )
    attachments = MultipleFileField(label=_("attachments"))

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Equipment],
        sites: QuerySet[Site],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["equipment"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = units
        unit_field.today = today
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["attachments"].help_text = _files_help()
        self.fields["request_type"].initial = RequestType.FAULT

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit: Equipment | None = data.get("equipment")
        site: Site | None = data.get("site")
        if unit is None and site is None and not self.has_error("equipment"):
            if self.fields["equipment"].queryset.exists() or (  # type: ignore[attr-defined]
                self.fields["site"].queryset.exists()  # type: ignore[attr-defined]
            ):
                self.add_error(
                    "equipment",
                    _("Choose the unit, or a site when the request is not about one unit."),
                )
        elif unit is not None and site is not None and unit.site_id not in (None, site.pk):
            self.add_error("site", _("This unit stands at another site."))
        return data

    def request_data(self) -> dict[str, Any]:
        """The fields ``register_request`` takes; a unit brings its own site (it sets the
        on-site promise's region)."""
        data = self.cleaned_data
        unit: Equipment | None = data["equipment"]
        site = data["site"] or (unit.site if unit is not None else None)
        return {
            "request_type": data["request_type"],
            "title": data["title"],
            "description": data["description"],
            "equipment": unit,
            "site": site,
        }
