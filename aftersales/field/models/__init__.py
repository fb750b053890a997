"""Field service models, one module per topic."""

from aftersales.field.models.reports import ReportLabour, ReportPart, ServiceReport
from aftersales.field.models.visits import Visit

__all__ = ["ReportLabour", "ReportPart", "ServiceReport", "Visit"]
