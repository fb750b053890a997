"""The PDF helper prints Chinese with embedded fonts, so a document prints anywhere."""

from __future__ import annotations

from pathlib import Path

from aftersales.core.pdf import pdf_response, render_pdf
from aftersales.testing.pdf import fonts, to_png


def test_the_company_header_prints_in_chinese_with_every_font_embedded(tmp_path: Path) -> None:
    path = tmp_path / "base.pdf"
    path.write_bytes(render_pdf("core/pdf/base.html", {}))
    used = fonts(path)
    assert used, "a PDF with the company's name uses at least one font"
    assert all(emb for _, emb in used), used
    assert any("CJK" in name for name, _ in used), used
    pages = to_png(path, "core-base")
    assert len(pages) == 1 and pages[0].stat().st_size > 0


def test_a_pdf_response_is_a_named_download() -> None:
    response = pdf_response(b"%PDF-1.7", "服务报告.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
