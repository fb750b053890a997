"""Field service models, one module per topic."""

from aftersales.field.models.costs import (
    ClaimLine,
    CostLine,
    DepartmentBudget,
    EngineerGrade,
    Expense,
    Grade,
    GradeRate,
    ReimbursementClaim,
)
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
    "ClaimLine",
    "CostLine",
    "DepartmentBudget",
    "EngineerGrade",
    "EngineerSkill",
    "Expense",
    "Grade",
    "GradeRate",
    "ReimbursementClaim",
    "ReportConfirmation",
    "ReportLabour",
    "ReportPart",
    "ServiceReport",
    "TripApproval",
    "TripPlan",
    "Visit",
]
