"""Routes of the service-request API."""

from rest_framework.routers import DefaultRouter

from aftersales.service.api import views

router = DefaultRouter(trailing_slash=True)
router.register("service-requests", views.ServiceRequestViewSet)
router.register("categories", views.CategoryViewSet)

urlpatterns = router.urls
