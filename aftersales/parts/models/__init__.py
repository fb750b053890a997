"""Parts models, one module per topic (catalogue, stock, requisitions, shipments, warranty,
suppliers)."""

from aftersales.parts.models.catalogue import Part

__all__ = ["Part"]
