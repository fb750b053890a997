"""URL configuration: the pages, the admin, the API, attachments."""

from typing import Any

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from aftersales.core.views import attachment_download, healthz

api_v1: list[Any] = [
    path("", include("aftersales.accounts.api.urls")),
    path("", include("aftersales.customers.api.urls")),
    path("", include("aftersales.service.api.urls")),
    path("", include("aftersales.sla.api.urls")),
    path("", include("aftersales.core.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls")),
    path("api/v1/", include(api_v1)),
    path("attachments/<uuid:key>/", attachment_download, name="attachment-download"),
    path("healthz", healthz, name="healthz"),
    path("", include("aftersales.core.urls")),
    path("", include("aftersales.service.urls")),
    path("", include("aftersales.customers.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("", include("aftersales.insight.urls")),
    path("", include("aftersales.field.urls")),
    path("", include("aftersales.parts.urls")),
    path("", include("aftersales.feedback.urls")),
    path("", include("aftersales.kpi.urls")),
]
