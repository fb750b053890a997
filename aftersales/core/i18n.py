"""Helpers for bilingual data (Chinese master text, optional English)."""

from __future__ import annotations

from django.utils.translation import get_language


def localized(name: str, name_en: str) -> str:
    """``name_en`` for an English reader when there is one, else the Chinese ``name``."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name
