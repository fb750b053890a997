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
from aftersales.field.models.reports import ReportLabour, ReportPart, ServiceReport
from aftersales.field.models.visits import Visit

__all__ = [
    "ClaimLine",
    "CostLine",
    "DepartmentBudget",
    "EngineerGrade",
    "Expense",
    "Grade",
    "GradeRate",
    "ReimbursementClaim",
    "ReportLabour",
    "ReportPart",
    "ServiceReport",
    "Visit",
]
