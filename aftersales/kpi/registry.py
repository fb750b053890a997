"""The table of department KPIs: each a key, a label, a unit and one function.

Other apps plug their indicators in from their ``AppConfig.ready``::

    from aftersales.kpi import registry
    registry.register("survey_csat", _("Survey CSAT"), my_fn, unit=registry.PERCENT)

A function takes ``department_ids`` (None: every department) and ``months`` (first days,
oldest first) and returns ``{(department_id, month): value}`` for the cells it has a value
for; missing cells show as "–". It must aggregate in SQL — one or a few grouped queries
whatever the number of months and departments — as the KPI page calls every function once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

PERCENT = "percent"
HOURS = "hours"
MONEY = "money"
NUMBER = "number"

Value = Decimal | float | int | None
Cells = dict[tuple[int | None, dt.date], Value]
IndicatorFn = Callable[..., Cells]


@dataclass(frozen=True)
class Indicator:
    """One department KPI."""

    key: str
    label: str | Promise
    fn: IndicatorFn
    unit: str = PERCENT
    higher_is_better: bool = True
    help: str | Promise = ""


_REGISTRY: dict[str, Indicator] = {}


def register(
    key: str,
    label: str | Promise,
    fn: IndicatorFn,
    *,
    unit: str = PERCENT,
    higher_is_better: bool = True,
    help: str | Promise = "",
) -> Indicator:
    """Add (or replace, by key) a department KPI; returns it."""
    if unit not in {PERCENT, HOURS, MONEY, NUMBER}:
        raise ValueError(f"unknown KPI unit {unit!r}")
    indicator = Indicator(key, label, fn, unit, higher_is_better, help)
    _REGISTRY[key] = indicator
    return indicator


def unregister(key: str) -> None:
    """Remove a KPI (e.g. the built-in CSAT once the survey's replaces it)."""
    _REGISTRY.pop(key, None)


def indicators() -> list[Indicator]:
    """Every registered KPI, in registration order."""
    return list(_REGISTRY.values())


def get(key: str) -> Indicator:
    """One KPI by key (KeyError if unknown)."""
    return _REGISTRY[key]


def compute(
    department_ids: Collection[int] | None, months: list[dt.date], keys: list[str] | None = None
) -> dict[str, Cells]:
    """Every KPI's cells for these departments and months: one call per KPI."""
    chosen = [_REGISTRY[k] for k in keys] if keys is not None else indicators()
    ids = None if department_ids is None else list(department_ids)
    return {i.key: i.fn(department_ids=ids, months=months) for i in chosen}


def rounded(value: Any, places: int = 1) -> float | None:
    """A value as the page and the export show it."""
    if value is None:
        return None
    return round(float(value), places)
