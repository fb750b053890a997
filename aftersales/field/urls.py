"""Addresses of the field pages."""

from typing import Any

from django.urls import path

from aftersales.field.views import reports

app_name = "field"

urlpatterns: list[Any] = [
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
]
