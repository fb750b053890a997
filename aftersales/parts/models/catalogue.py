"""The parts catalogue: what service reports use and the warehouse stocks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel


class PartQuerySet(models.QuerySet):
    """The catalogue is open to staff; portal users see none of it."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.parts.access import is_staff

        return self if is_staff(user) else self.none()


class Part(TimeStampedModel):
    """A spare part in the catalogue: what service reports use and the warehouse stocks."""

    code = models.CharField(_("part code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=16, default="个")
    cost = models.DecimalField(
        _("unit cost (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_wearing = models.BooleanField(_("wearing part"), default=False)
    compatible_models = models.ManyToManyField(
        "customers.ProductModel",
        verbose_name=_("compatible product models"),
        related_name="parts",
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    reorder_level = models.DecimalField(
        _("reorder level"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Stock at or below this in a warehouse is shown as low."),
    )

    objects = PartQuerySet.as_manager()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="parts_part_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the current language."""
        return localized(self.name, self.name_en)
