"""Small builders for the cost tests: grades with rates, parts, effective reports (made
directly, see ``aftersales.testing.reports``), receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.field.models.costs import EngineerGrade, Grade, GradeRate
from aftersales.parts.models import Part
from aftersales.testing.reports import report

__all__ = ["at", "grade", "part", "receipt", "report"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(text: str) -> dt.datetime:
    """An aware moment in the local zone, from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def grade(
    engineers: Iterable[User],
    *,
    code: str,
    rate: str,
    since: dt.date = dt.date(2020, 1, 1),
    by: User,
) -> Grade:
    """A grade with one rate from ``since``, given to ``engineers``."""
    g = Grade.objects.create(code=code, name=f"{code}级工程师", name_en=f"Grade {code}")
    GradeRate.objects.create(
        grade=g,
        effective_from=since,
        hourly_rate=Decimal(rate),
        created_by=by,
        created_at=timezone.now(),
    )
    for engineer in engineers:
        EngineerGrade.objects.update_or_create(engineer=engineer, defaults={"grade": g})
    return g


def part(code: str, cost: str) -> Part:
    """A catalogue part at ``cost``."""
    return Part.objects.create(code=code, name=f"配件{code}", cost=Decimal(cost))


def receipt(name: str = "发票.png", content: bytes = PNG) -> SimpleUploadedFile:
    """An uploaded receipt."""
    kind = "application/pdf" if name.endswith(".pdf") else "image/png"
    return SimpleUploadedFile(name, content, content_type=kind)
