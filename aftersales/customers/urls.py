"""Addresses of the customers pages."""

from django.urls import path

from aftersales.customers.views import companies, projects

app_name = "customers"

urlpatterns = [
    path("customers/", companies.company_list, name="company-list"),
    path("customers/<int:pk>/", companies.company_detail, name="company-detail"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path(
        "projects/<int:pk>/handover/<int:item_pk>/",
        projects.handover_item_update,
        name="handover-item",
    ),
    path(
        "projects/<int:pk>/confirm/<slug:party>/",
        projects.handover_confirm,
        name="handover-confirm",
    ),
    path(
        "projects/<int:pk>/withdraw/<slug:party>/",
        projects.handover_withdraw,
        name="handover-withdraw",
    ),
    path("units/<int:pk>/", companies.equipment_detail, name="equipment-detail"),
]
