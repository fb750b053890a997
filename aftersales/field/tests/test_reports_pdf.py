"""The printed service report: three labelled copies, both signatures, every font embedded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import RequestFactory

from aftersales.core.pdf import render_pdf
from aftersales.field.tests.report_fixtures import effective_report
from aftersales.field.views.reports import pdf_context
from aftersales.testing.pdf import fonts, to_png

pytestmark = pytest.mark.django_db


def test_the_report_prints_three_labelled_copies_with_embedded_fonts(world, tmp_path: Path):
    report = effective_report(world)
    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        content = render_pdf("field/pdf/report.html", pdf_context(report), request)
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    pages = to_png(path, "service-report")
    assert len(pages) == 3
    used = fonts(path)
    assert used and all(embedded for _name, embedded in used)
    import subprocess

    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages_text = [page for page in text.split("\f") if page.strip()]
    headers = [page.strip().splitlines()[0] for page in pages_text]
    for header, label in zip(headers, ("公司联", "客户联", "存档联"), strict=True):
        assert "江苏恒泰智能装备有限公司" in header and label in header
    assert text.count(report.number) >= 3
    assert "更换机械密封" in text and "张伟" in text
    # Both signatures are images on every copy.
    images = subprocess.run(  # noqa: S603
        ["pdfimages", "-list", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    assert len(images) >= 6
