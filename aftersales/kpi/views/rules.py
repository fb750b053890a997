"""The scoring rules: every version, and a new one by an administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import scope_of
from aftersales.core.forms import add_service_errors
from aftersales.kpi.forms import RuleSetForm
from aftersales.kpi.models import ScoringRuleSet
from aftersales.kpi.services.rulesets import create_rule_set, rule_set_for
from aftersales.kpi.views.kpis import may_view_kpis


@login_required
def rule_sets(request: HttpRequest) -> HttpResponse:
    """The versions of the scoring rules, newest first; administrators add a version."""
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm("kpi.view_scoringruleset"):
        raise Http404
    may_edit = user.has_perm("kpi.add_scoringruleset")
    versions = list(ScoringRuleSet.objects.select_related("created_by").order_by("-version"))
    current = versions[0] if versions else None
    if request.method == "POST":
        if not may_edit:
            raise Http404
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                created = create_rule_set(actor=user, data=form.cleaned_data)
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the scoring rules applies from %(month)s.")
                    % {"version": created.version, "month": f"{created.valid_from:%Y-%m}"},
                )
                return redirect("kpi:rules")
    else:
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {
                name: getattr(current, name)
                for name in RuleSetForm.Meta.fields
                if name not in {"valid_from", "note"}
            }
        form = RuleSetForm(initial=initial)
    try:
        in_force = rule_set_for(timezone.localdate())
    except DjangoValidationError:
        in_force = None
    return render(
        request,
        "kpi/rules.html",
        {
            "section": "performance",
            "versions": versions,
            "in_force": in_force,
            "show_kpis": may_view_kpis(user),
            "form": form if may_edit else None,
        },
    )
