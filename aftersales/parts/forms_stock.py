"""Forms of the catalogue, stock, requisition, shipment and old-part pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.customers.models import ProductModel
from aftersales.parts.choices_stock import (
    MovementKind,
    RequisitionStatus,
    ReturnOutcome,
    ReturnStatus,
    ShipmentStatus,
    Transport,
    WarrantyCover,
)
from aftersales.parts.models import Part, Warehouse

QTY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}
LINES = 5


class PartSearchForm(forms.Form):
    """Search the catalogue."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    model = forms.ModelChoiceField(
        label=_("Product model"), queryset=ProductModel.objects.order_by("code"), required=False
    )
    wearing = forms.ChoiceField(
        label=_("Wearing part"),
        required=False,
        choices=[("", _("All")), ("yes", _("Wearing parts")), ("no", _("Other parts"))],
    )


class PartForm(forms.ModelForm):
    """Create or edit a catalogue part."""

    class Meta:
        model = Part
        fields = [
            "code",
            "name",
            "name_en",
            "unit",
            "cost",
            "is_wearing",
            "reorder_level",
            "compatible_models",
            "is_active",
        ]
        widgets = {"compatible_models": forms.CheckboxSelectMultiple}


class StockSearchForm(forms.Form):
    """Filter stock balances."""

    q = forms.CharField(label=_("Part"), required=False, max_length=100)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True), required=False
    )
    low = forms.BooleanField(label=_("Low stock only"), required=False)


class MovementFilterForm(forms.Form):
    """Filter the ledger."""

    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *MovementKind.choices]
    )
    q = forms.CharField(label=_("Part"), required=False, max_length=100)


class MovementForm(forms.Form):
    """Record a movement: receipt, issue, return, transfer or adjustment."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(is_active=True))
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        help_text=_("For an adjustment, a negative number lowers the stock."),
    )
    target = forms.ModelChoiceField(
        label=_("To warehouse"),
        queryset=Warehouse.objects.filter(is_active=True),
        required=False,
        help_text=_("Transfers only."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=100,
        help_text=_("Delivery note, production order..."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class RequisitionFilterForm(forms.Form):
    """Filter requisitions."""

    q = forms.CharField(label=_("Number or request"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RequisitionStatus.choices]
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False
    )


class RequisitionForm(forms.Form):
    """Raise a requisition: warehouse, reason, warranty and up to five part lines."""

    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    cover = forms.ChoiceField(label=_("Warranty"), choices=WarrantyCover.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = Part.objects.filter(is_active=True).order_by("code")
        for i in range(1, LINES + 1):
            self.fields[f"part_{i}"] = forms.ModelChoiceField(
                label=_("Part %(n)s") % {"n": i}, queryset=parts, required=i == 1
            )
            self.fields[f"quantity_{i}"] = forms.DecimalField(
                label=_("Quantity %(n)s") % {"n": i}, required=i == 1, **QTY
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(2, LINES + 1):
            part, qty = data.get(f"part_{i}"), data.get(f"quantity_{i}")
            if part and not qty and f"quantity_{i}" not in self.errors:
                self.add_error(f"quantity_{i}", _("Enter the quantity."))
            if qty and not part and f"part_{i}" not in self.errors:
                self.add_error(f"part_{i}", _("Choose the part."))
        return data

    def lines(self) -> list[tuple[Part, Decimal]]:
        """The filled lines."""
        data = self.cleaned_data
        return [
            (data[f"part_{i}"], data[f"quantity_{i}"])
            for i in range(1, LINES + 1)
            if data.get(f"part_{i}") and data.get(f"quantity_{i}")
        ]


class VersionForm(forms.Form):
    """The version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(VersionForm):
    """Approve or reject with a comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(VersionForm):
    """Cancel, saying why."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ShipmentFilterForm(forms.Form):
    """Filter the shipment register."""

    q = forms.CharField(label=_("Gate pass, tracking or request"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ShipmentStatus.choices]
    )
    transport = forms.ChoiceField(
        label=_("Transport"), required=False, choices=[("", _("All")), *Transport.choices]
    )
    since = forms.DateField(
        label=_("Sent from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Sent until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ShipmentForm(forms.Form):
    """Register a dispatch of issued parts (配件发送登记)."""

    gate_pass = forms.CharField(label=_("Gate pass number"), max_length=32)
    destination = forms.CharField(label=_("Destination"), max_length=200)
    product_model = forms.ModelChoiceField(
        label=_("Product model"), queryset=ProductModel.objects.order_by("code"), required=False
    )
    sent_at = forms.DateTimeField(
        label=_("Sent at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices)
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False)
    stub = forms.FileField(label=_("Dispatch stub (scan)"), required=False)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"qty_{line.part_id}"] = forms.DecimalField(
                label=str(line.part),
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0"),
                initial=line.left,
            )

    def items(self) -> list[tuple[Part, Decimal]]:
        """The parts and quantities entered."""
        return [
            (line.part, self.cleaned_data[f"qty_{line.part_id}"])
            for line in self.lines
            if self.cleaned_data.get(f"qty_{line.part_id}")
        ]


class ReceiveForm(VersionForm):
    """When the shipment or old part arrived."""

    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ReturnFilterForm(forms.Form):
    """Filter old parts."""

    q = forms.CharField(label=_("Number, serial or request"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReturnStatus.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All")), *ReturnOutcome.choices]
    )


class ReturnForm(forms.Form):
    """Expect an old part entered by hand."""

    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(is_active=True))
    quantity = forms.DecimalField(label=_("Quantity"), initial=1, **QTY)
    old_serial = forms.CharField(label=_("Serial of the old part"), max_length=64, required=False)
    request_number = forms.CharField(
        label=_("Service request number"), max_length=32, required=False
    )


class InspectForm(VersionForm):
    """Inspection findings."""

    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(VersionForm):
    """Outcome of an inspected old part."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReturnOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WarehouseForm(forms.ModelForm):
    """Create or edit a warehouse."""

    class Meta:
        model = Warehouse
        fields = ["code", "name", "name_en", "address", "keeper", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aftersales.accounts.choices import Role
        from aftersales.accounts.models import User

        self.fields["keeper"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            groups__name=Role.WAREHOUSE, is_active=True
        ).order_by("username")


class ProductionReservationForm(forms.Form):
    """Hold free stock for a production order."""

    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.filter(is_active=True))
    quantity = forms.DecimalField(label=_("Quantity"), **QTY)
    order = forms.CharField(label=_("Production order"), max_length=64)
