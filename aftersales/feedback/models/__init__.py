"""Return visits, surveys, complaints and opinion forms (one module per topic)."""

from aftersales.feedback.models.complaints import Complaint, ComplaintPart, Suggestion
from aftersales.feedback.models.returnvisits import ReturnVisit, VisitSchedule
from aftersales.feedback.models.surveys import Survey

__all__ = ["Complaint", "ComplaintPart", "ReturnVisit", "Suggestion", "Survey", "VisitSchedule"]
