"""Writing a table (header and rows) as a CSV or XLSX download.

The API's ``ExportMixin`` writes querysets of a viewset; the dashboard exports a few
computed rows, so it has this small writer of its own.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def cell(value: Any) -> Any:
    """A value a spreadsheet shows as it is: numbers stay numbers, text never runs as a
    formula (department and people's names are typed by users: CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM: Excel opens Chinese CSV correctly only with one."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([cell(h) for h in header])
    writer.writerows([[cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[Any]], title: str = "") -> bytes:
    """One sheet: the header row, then the rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    # Sheet titles are limited to 31 characters and may not hold []:*?/\ .
    sheet = book.create_sheet(title=_sheet_title(title))
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet1"


def table_response(
    fmt: str, header: list[str], rows: list[list[Any]], filename: str, title: str = ""
) -> HttpResponse:
    """The table as an attachment named ``filename`` (ASCII, without extension)."""
    body = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
