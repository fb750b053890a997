"""The Chinese catalogue is complete: every translatable string has a translation.

English is the source language, so the English catalogue is the msgids themselves; this
test extracts the strings afresh (as `make messages` does) into a copy of the catalogue and
fails on any string without a Chinese translation, or with a fuzzy one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", ".tools", "var", "node_modules", "tests", "bench", "staticfiles", "test-results"]


def test_every_string_has_a_chinese_translation(tmp_path: Path) -> None:
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                ignore_patterns=IGNORE,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    catalogue = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not missing, f"{len(missing)} strings lack a Chinese translation: {missing[:20]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:20]}"
    assert len(catalogue) > 50


def test_the_committed_catalogue_has_no_unused_strings() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.obsolete_entries()
