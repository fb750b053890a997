"""Scoring rule versions: created by an administrator, never edited once in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from aftersales.core.exceptions import PermissionDenied, ValidationError
from aftersales.core.history import record_created
from aftersales.kpi.choices import PeriodStatus
from aftersales.kpi.models import ScorePeriod, ScoringRuleSet
from aftersales.kpi.services.months import first_of

RULE_FIELDS = (
    "valid_from",
    "praise_points",
    "all_top_points",
    "mostly_top_points",
    "mostly_top_percent",
    "dissatisfied_points",
    "bonus_rate",
    "note",
)


def rule_set_for(month: dt.date) -> ScoringRuleSet:
    """The rules in force in ``month``: the newest version valid from it or earlier."""
    found = (
        ScoringRuleSet.objects.filter(valid_from__lte=first_of(month))
        .order_by("-valid_from", "-version")
        .first()
    )
    if found is None:
        raise ValidationError(
            {
                "month": _("No scoring rules are in force in %(month)s.")
                % {"month": f"{month:%Y-%m}"}
            }
        )
    return found


def create_rule_set(*, actor: Any, data: dict[str, Any]) -> ScoringRuleSet:
    """A new version of the rules from the month ``data['valid_from']`` on.

    Months already locked keep their rules: a version may not start in or before the last
    locked month (it would apply to a month that can no longer be recomputed).
    """
    if not actor.has_perm("kpi.add_scoringruleset"):
        raise PermissionDenied(_("Only an administrator may change the scoring rules."))
    values = {name: data[name] for name in RULE_FIELDS if name in data}
    valid_from = values.get("valid_from")
    if not isinstance(valid_from, dt.date):
        raise ValidationError({"valid_from": _("Give the first month the rules apply to.")})
    values["valid_from"] = first_of(valid_from)
    with transaction.atomic():
        last_locked = ScorePeriod.objects.filter(status=PeriodStatus.LOCKED).aggregate(
            last=Max("month")
        )["last"]
        if last_locked is not None and values["valid_from"] <= last_locked:
            raise ValidationError(
                {
                    "valid_from": _(
                        "%(month)s is already locked; new rules can start from the month after."
                    )
                    % {"month": f"{last_locked:%Y-%m}"}
                }
            )
        # The version number is taken under a lock on the newest row: two administrators
        # saving at once get 2 and 3, not a unique-constraint error.
        newest = ScoringRuleSet.objects.select_for_update().order_by("-version").first()
        rule_set = ScoringRuleSet(
            version=(newest.version + 1) if newest else 1, created_by=actor, **values
        )
        rule_set.full_clean()
        rule_set.save()
        record_created(actor=actor, obj=rule_set, fields=["version", *RULE_FIELDS])
    return rule_set
