"""Addresses of the field pages."""

from typing import Any

from django.urls import path

from aftersales.field.views import cost_expenses, costs, reports, trips, visits

app_name = "field"

urlpatterns: list[Any] = [
    path("trips/", trips.plan_list, name="trip-list"),
    path("trips/register/", trips.departures, name="trip-register"),
    path("trips/new/", trips.plan_new, name="trip-new"),
    path("trips/chains/", trips.chains, name="trip-chains"),
    path("trips/suggest/", trips.suggestions, name="trip-suggest"),
    path("trips/skills/", trips.skills, name="trip-skills"),
    path("trips/<int:pk>/", trips.plan_detail, name="trip-detail"),
    path("trips/<int:pk>/edit/", trips.plan_edit, name="trip-edit"),
    path("trips/<int:pk>/<slug:name>/", trips.plan_act, name="trip-act"),
    path("visits/mine/", visits.my_visits, name="my-visits"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/<slug:name>/", visits.visit_act, name="visit-act"),
    path("requests/<int:pk>/visits/new/", visits.visit_new, name="visit-new"),
    path("reports/", reports.report_list, name="report-list"),
    path("reports/review/", reports.review_list, name="report-review-list"),
    path(
        "reports/confirm/<str:token>/", reports.report_confirm_public, name="report-confirm-public"
    ),
    path("requests/<int:pk>/reports/new/", reports.report_new, name="report-new"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report-submit"),
    path("reports/<int:pk>/withdraw/", reports.report_withdraw, name="report-withdraw"),
    path("reports/<int:pk>/sign/", reports.report_sign, name="report-sign"),
    path("reports/<int:pk>/send-link/", reports.report_send_link, name="report-send-link"),
    path("reports/<int:pk>/code/", reports.report_code, name="report-code"),
    path("reports/<int:pk>/return/", reports.report_return, name="report-return"),
    path("reports/<int:pk>/sign-off/", reports.report_sign_off, name="report-sign-off"),
    path("reports/<int:pk>/revise/", reports.report_revise, name="report-revise"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report-pdf"),
    # Costs (费用): reports, budgets, grades, expenses and reimbursement claims.
    path("costs/", costs.cost_report, name="cost-report"),
    path("costs/budgets/", costs.budgets, name="cost-budgets"),
    path("costs/grades/", costs.grades, name="cost-grades"),
    path("costs/expenses/", cost_expenses.expense_list, name="expense-list"),
    path("costs/expenses/<int:pk>/", cost_expenses.expense_detail, name="expense-detail"),
    path("costs/expenses/<int:pk>/receipt/", cost_expenses.expense_receipt, name="expense-receipt"),
    path("costs/expenses/<int:pk>/remove/", cost_expenses.expense_remove, name="expense-remove"),
    path("costs/claims/", cost_expenses.claim_list, name="claim-list"),
    path("costs/claims/<int:pk>/", cost_expenses.claim_detail, name="claim-detail"),
    path("costs/claims/<int:pk>/<slug:action>/", cost_expenses.claim_act, name="claim-act"),
    path("requests/<int:pk>/expenses/new/", cost_expenses.expense_new, name="expense-new"),
    path("requests/<int:pk>/claims/new/", cost_expenses.claim_new, name="claim-new"),
]
