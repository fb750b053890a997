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
