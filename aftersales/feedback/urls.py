"""Addresses of the feedback pages."""

from django.urls import path

from aftersales.feedback.views import complaints, returnvisits, surveys

app_name = "feedback"

urlpatterns = [
    path("return-visits/", returnvisits.visit_list, name="visits"),
    path("return-visits/<int:pk>/", returnvisits.visit_detail, name="visit"),
    path("return-visits/schedules/", returnvisits.schedules, name="schedules"),
    path("survey/<str:token>/", surveys.survey, name="survey"),
    path("complaints/", complaints.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/opinion.pdf", complaints.opinion_pdf, name="opinion-pdf"),
    path("complaints/parts/<int:pk>/done/", complaints.part_done, name="part-done"),
    path("suggestions/", complaints.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/", complaints.suggestion_detail, name="suggestion"),
]
