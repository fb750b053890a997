"""Administration of warehouses and the catalogue; the ledger, balances, reservations,
requisitions, shipments and old parts are read-only here (writes go through the services,
which keep the ledger and balances equal and write the history)."""

from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin, RecordedAdmin
from aftersales.parts.models import (
    OldPartReturn,
    Part,
    Requisition,
    Reservation,
    Shipment,
    StockBalance,
    StockMovement,
    Warehouse,
)


@admin.register(Warehouse)
class WarehouseAdmin(RecordedAdmin):
    list_display = ["code", "name", "name_en", "keeper", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["keeper"]


@admin.register(Part)
class PartAdmin(RecordedAdmin):
    list_display = ["code", "name", "unit", "cost", "is_wearing", "reorder_level", "is_active"]
    list_filter = ["is_wearing", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "warehouse", "part", "quantity", "balance_after", "actor"]
    list_filter = ["kind", "warehouse"]
    search_fields = ["part__code", "reference"]
    list_select_related = ["warehouse", "part", "actor"]


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ["warehouse", "part", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    list_select_related = ["warehouse", "part"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "purpose", "status", "warehouse", "part", "quantity"]
    list_filter = ["purpose", "status"]
    list_select_related = ["warehouse", "part"]


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ["number", "request", "status", "warehouse", "raised_by", "created_at"]
    list_filter = ["status", "warehouse"]
    search_fields = ["number", "request__number"]
    list_select_related = ["request", "warehouse", "raised_by"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["gate_pass", "request", "transport", "tracking_number", "status", "sent_at"]
    list_filter = ["status", "transport"]
    search_fields = ["gate_pass", "tracking_number"]
    list_select_related = ["request"]


@admin.register(OldPartReturn)
class OldPartReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "part", "old_serial", "status", "outcome", "created_at"]
    list_filter = ["status", "outcome"]
    list_select_related = ["part"]
