"""Parts models, one module per topic (catalogue, stock, requisitions, shipments, warranty,
suppliers)."""

from aftersales.parts.models.catalogue import Part
from aftersales.parts.models.suppliers import Supplier, SupplierNotice
from aftersales.parts.models.warranty import Quotation, QuotationLine, WarrantyDecision

__all__ = [
    "Part",
    "Quotation",
    "QuotationLine",
    "Supplier",
    "SupplierNotice",
    "WarrantyDecision",
]
