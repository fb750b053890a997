"""Addresses of the service-request pages."""

from django.urls import path

from aftersales.service.views import detail, lists, register

app_name = "service"

urlpatterns = [
    path("requests/", lists.workspace, name="workspace"),
    path("requests/new/", register.register, name="register"),
    path("requests/lookup/customers/", register.lookup_customers, name="lookup-customers"),
    path("requests/lookup/customer/", register.customer_panel, name="customer-panel"),
    path("requests/<int:pk>/", detail.detail, name="detail"),
    path("requests/<int:pk>/message/", detail.post_message, name="message"),
    path("requests/<int:pk>/invite/", detail.invite_expert, name="invite"),
    path("requests/<int:pk>/<slug:name>/", detail.act, name="act"),
    path("my-work/", lists.my_work, name="my-work"),
    path("search/", lists.search, name="search"),
]
