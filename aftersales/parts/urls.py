"""Addresses of the parts pages."""

from typing import Any

from django.urls import path

from aftersales.parts.views import (
    catalogue,
    requisitions,
    reservations,
    returns,
    shipments,
    stock,
    warehouses,
)
from aftersales.parts.views import suppliers as supplier_views
from aftersales.parts.views import warranty as warranty_views

app_name = "parts"

urlpatterns: list[Any] = [
    path("parts/", catalogue.part_list, name="part-list"),
    path("parts/new/", catalogue.part_edit, name="part-new"),
    path("parts/<int:pk>/edit/", catalogue.part_edit, name="part-edit"),
    path("parts/stock/", stock.stock_list, name="stock-list"),
    path("parts/warehouses/", warehouses.warehouse_list, name="warehouse-list"),
    path("parts/warehouses/new/", warehouses.warehouse_edit, name="warehouse-new"),
    path("parts/warehouses/<int:pk>/edit/", warehouses.warehouse_edit, name="warehouse-edit"),
    path("parts/reservations/", reservations.reservation_list, name="reservation-list"),
    path(
        "parts/reservations/<int:pk>/release/",
        reservations.reservation_release,
        name="reservation-release",
    ),
    path("parts/stock/movements/", stock.movement_list, name="movement-list"),
    path("parts/stock/movements/new/", stock.movement_new, name="movement-new"),
    path("parts/requisitions/", requisitions.requisition_list, name="requisition-list"),
    path("parts/requisitions/new/", requisitions.requisition_new, name="requisition-new"),
    path(
        "parts/requisitions/<int:pk>/",
        requisitions.requisition_detail,
        name="requisition-detail",
    ),
    path("parts/requisitions/<int:pk>/ship/", shipments.shipment_new, name="shipment-new"),
    path(
        "parts/requisitions/<int:pk>/<slug:action>/",
        requisitions.requisition_act,
        name="requisition-act",
    ),
    path("parts/shipments/", shipments.shipment_list, name="shipment-list"),
    path("parts/shipments/<int:pk>/", shipments.shipment_detail, name="shipment-detail"),
    path("parts/shipments/<int:pk>/receive/", shipments.shipment_receive, name="shipment-receive"),
    path("parts/old-parts/", returns.return_list, name="return-list"),
    path("parts/old-parts/new/", returns.return_new, name="return-new"),
    path("parts/old-parts/<int:pk>/", returns.return_detail, name="return-detail"),
    path("parts/old-parts/<int:pk>/<slug:action>/", returns.return_act, name="return-act"),
]

# --- Warranty decisions, quotations, suppliers and supplier notices -------------------------
urlpatterns += [
    path("warranty/", warranty_views.decision_list, name="decision-list"),
    path("warranty/report/", warranty_views.decision_report, name="warranty-report"),
    path("warranty/new/<int:request_pk>/", warranty_views.decision_new, name="decision-new"),
    path("warranty/<int:pk>/", warranty_views.decision_detail, name="decision-detail"),
    path("warranty/<int:pk>/evidence/", warranty_views.decision_evidence, name="decision-evidence"),
    path("warranty/<int:pk>/<slug:name>/", warranty_views.decision_act, name="decision-act"),
    path(
        "quotations/<int:pk>/lines/", warranty_views.quotation_line_add, name="quotation-line-add"
    ),
    path(
        "quotations/<int:pk>/lines/<int:line_pk>/remove/",
        warranty_views.quotation_line_remove,
        name="quotation-line-remove",
    ),
    path("quotations/<int:pk>/<slug:name>/", warranty_views.quotation_act, name="quotation-act"),
    path(
        "portal/quotations/<int:pk>/answer/",
        warranty_views.portal_quotation_answer,
        name="portal-quotation-answer",
    ),
    path("suppliers/", supplier_views.supplier_list, name="supplier-list"),
    path("suppliers/<int:pk>/", supplier_views.supplier_edit, name="supplier-edit"),
    path("supplier-notices/", supplier_views.notice_list, name="notice-list"),
    path("supplier-notices/new/", supplier_views.notice_new, name="notice-new"),
    path("supplier-notices/<int:pk>/", supplier_views.notice_detail, name="notice-detail"),
    path("supplier-notices/<int:pk>/pdf/", supplier_views.notice_pdf, name="notice-pdf"),
    path("supplier-notices/<int:pk>/<slug:name>/", supplier_views.notice_act, name="notice-act"),
]
