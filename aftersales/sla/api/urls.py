"""Routes of the SLA API."""

from rest_framework.routers import DefaultRouter

from aftersales.sla.api import views

router = DefaultRouter(trailing_slash=True)
router.register("sla-policies", views.PolicyViewSet)
router.register("calendar-overrides", views.CalendarOverrideViewSet)

urlpatterns = router.urls
