"""Printing documents (service reports, supplier notices, opinion forms, scorecards) as PDF.

WeasyPrint lays out an HTML template with ``core/pdf/base.css``; the fonts are the system's
Noto CJK faces found through fontconfig, and WeasyPrint embeds the subset of glyphs each
document uses, so the PDF prints the same on a machine without Chinese fonts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF of ``template`` rendered with ``context`` (and the company's name)."""
    from weasyprint import HTML

    html = render_to_string(
        template, {"company_name": settings.AFTERSALES_COMPANY_NAME, **context}, request
    )
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download (or inline view) of a PDF named ``filename``."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    return response
