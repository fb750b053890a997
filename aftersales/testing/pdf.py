"""Checking printed documents in tests: which fonts a PDF embeds, and a PNG of each page
(poppler's pdffonts and pdftoppm, installed by .ci/run), saved where CI keeps artefacts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import need

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "pdf"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        need("poppler", f"poppler-utils ({name}) is not installed")
    assert path is not None
    return path


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font the PDF at ``pdf`` uses."""
    # The arguments are our own tool path and a file we wrote: nothing untrusted runs.
    out = subprocess.run(  # noqa: S603
        [_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    )
    rows = [row.split() for row in out.stdout.splitlines()[2:] if row.strip()]
    # Columns from the right: emb sub uni object-id generation (names may hold spaces).
    return [(row[0], row[-5] == "yes") for row in rows]


def to_png(pdf: Path, name: str, *, dpi: int = 60) -> list[Path]:
    """Every page of ``pdf`` as ``test-results/pdf/<name>-<n>.png``; the paths, in order."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        [_tool("pdftoppm"), "-png", "-r", str(dpi), str(pdf), str(ARTEFACTS / name)],
        check=True,
    )
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))
