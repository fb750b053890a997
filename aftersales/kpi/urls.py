"""Addresses of the kpi pages."""

from django.urls import path

from aftersales.kpi.views import kpis, rules, scorecards

app_name = "kpi"

urlpatterns = [
    path("performance/", scorecards.scorecard_list, name="scorecards"),
    path("performance/export.<str:fmt>", scorecards.scorecard_export, name="scorecards-export"),
    path("performance/cards/<int:pk>/", scorecards.scorecard_detail, name="scorecard"),
    path("performance/cards/<int:pk>/pdf", scorecards.scorecard_pdf, name="scorecard-pdf"),
    path("performance/months/compute", scorecards.compute, name="compute"),
    path("performance/months/<int:pk>/review", scorecards.review, name="review"),
    path("performance/months/<int:pk>/lock", scorecards.lock, name="lock"),
    path("performance/months/<int:pk>/history", scorecards.period_history, name="period-history"),
    path("performance/rules/", rules.rule_sets, name="rules"),
    path("performance/departments/", kpis.kpi_page, name="kpis"),
    path("performance/departments/export.xlsx", kpis.kpi_export, name="kpis-export"),
]
