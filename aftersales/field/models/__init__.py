"""Field service models, one module per topic."""

from aftersales.field.models.reports import (
    ReportConfirmation,
    ReportLabour,
    ReportPart,
    ServiceReport,
)
from aftersales.field.models.visits import Visit

__all__ = ["ReportConfirmation", "ReportLabour", "ReportPart", "ServiceReport", "Visit"]
