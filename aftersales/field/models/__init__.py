"""Field service models, one module per topic."""

from aftersales.field.models.reports import (
    ReportConfirmation,
    ReportLabour,
    ReportPart,
    ServiceReport,
)
from aftersales.field.models.trips import (
    ApprovalChain,
    ApprovalChainStep,
    EngineerSkill,
    TripApproval,
    TripPlan,
)
from aftersales.field.models.visits import Visit

__all__ = [
    "ApprovalChain",
    "ApprovalChainStep",
    "EngineerSkill",
    "ReportConfirmation",
    "ReportLabour",
    "ReportPart",
    "ServiceReport",
    "TripApproval",
    "TripPlan",
    "Visit",
]
