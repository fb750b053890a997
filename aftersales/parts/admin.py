"""Administration of the parts app, one module per topic."""

from aftersales.parts import admin_stock

__all__ = ["admin_stock"]
