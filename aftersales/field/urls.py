"""Addresses of the field pages."""

from typing import Any

from django.urls import path

from aftersales.field.views import trips, visits

app_name = "field"

urlpatterns: list[Any] = [
    path("trips/", trips.plan_list, name="trip-list"),
    path("trips/register/", trips.departures, name="trip-register"),
    path("trips/new/", trips.plan_new, name="trip-new"),
    path("trips/chains/", trips.chains, name="trip-chains"),
    path("trips/suggest/", trips.suggestions, name="trip-suggest"),
    path("trips/skills/", trips.skills, name="trip-skills"),
    path("trips/<int:pk>/", trips.plan_detail, name="trip-detail"),
    path("trips/<int:pk>/edit/", trips.plan_edit, name="trip-edit"),
    path("trips/<int:pk>/<slug:name>/", trips.plan_act, name="trip-act"),
    path("visits/mine/", visits.my_visits, name="my-visits"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/<slug:name>/", visits.visit_act, name="visit-act"),
    path("requests/<int:pk>/visits/new/", visits.visit_new, name="visit-new"),
]
