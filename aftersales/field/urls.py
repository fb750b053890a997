"""Addresses of the field pages."""

from typing import Any

from django.urls import path

from aftersales.field.views import cost_expenses, costs

app_name = "field"

urlpatterns: list[Any] = [
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
