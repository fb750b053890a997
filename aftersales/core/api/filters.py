"""The filter backend of every API list (kept apart from base.py: DRF imports it while
importing its own viewsets, so it must not import them)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request


class VisibleFilterBackend(DjangoFilterBackend):
    """django-filter, with the choices of foreign-key filters limited to what the user sees.

    Otherwise a filter form (the browsable API) lists every company, project and user by
    name to a portal user, and filtering by an invisible id (200, empty) tells it apart from
    a missing one (400).
    """

    def get_filterset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            # Each filter set instance has its own deep copy of the filters.
            for flt in filterset.filters.values():
                # Model-choice filters build their form field from ``.queryset``.
                choices = getattr(flt, "queryset", None)
                if isinstance(choices, QuerySet) and hasattr(choices, "visible_to"):
                    flt.queryset = flt.extra["queryset"] = choices.visible_to(request.user)
        return filterset
