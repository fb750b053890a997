"""Routes of the customers API."""

from rest_framework.routers import DefaultRouter

from aftersales.customers.api import imports, views

router = DefaultRouter(trailing_slash=True)
router.register("companies", views.CompanyViewSet)
router.register("contacts", views.ContactViewSet)
router.register("sites", views.SiteViewSet)
router.register("product-lines", views.ProductLineViewSet)
router.register("product-models", views.ProductModelViewSet)
router.register("projects", views.ProjectViewSet)
router.register("handover-items", views.HandoverItemViewSet)
router.register("equipment", views.EquipmentViewSet)
router.register("imports", imports.ImportJobViewSet, basename="import")

urlpatterns = router.urls
