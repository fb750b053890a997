"""Parts models, one module per topic (catalogue, stock, requisitions, shipments, warranty,
suppliers)."""

from aftersales.parts.models.catalogue import Part
from aftersales.parts.models.requisitions import Requisition, RequisitionLine
from aftersales.parts.models.returns import OldPartReturn
from aftersales.parts.models.shipments import Shipment, ShipmentItem
from aftersales.parts.models.stock import Reservation, StockBalance, StockMovement, Warehouse
from aftersales.parts.models.suppliers import Supplier, SupplierNotice
from aftersales.parts.models.warranty import Quotation, QuotationLine, WarrantyDecision

__all__ = [
    "OldPartReturn",
    "Part",
    "Quotation",
    "QuotationLine",
    "Requisition",
    "RequisitionLine",
    "Reservation",
    "Shipment",
    "ShipmentItem",
    "StockBalance",
    "StockMovement",
    "Supplier",
    "SupplierNotice",
    "Warehouse",
    "WarrantyDecision",
]
