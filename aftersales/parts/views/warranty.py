"""Pages of warranty decisions (三包一赔) and quotations, and the panels on other pages."""

from __future__ import annotations


def connect() -> None:
    """Wire warranty and supplier hooks into the request, unit and portal pages."""
    from aftersales.parts.services import suppliers, warranty

    warranty.connect()
    suppliers.connect()
