"""Reading an uploaded table (CSV or XLSX) into numbered rows, and reading its cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

EXTENSIONS = ("csv", "xlsx")
MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2


class FileProblem(Exception):
    """The file as a whole cannot be imported; ``code`` names a message in ``imports``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Table:
    """The header and the non-empty data rows, each with its spreadsheet row number."""

    header: list[Any]
    rows: list[tuple[int, list[Any]]]


def normalise_name(text: str) -> str:
    """Compare header names and choice values loosely: case, spacing, '*' marks."""
    text = text.strip().strip("*＊").strip().lower()
    return re.sub(r"[\s_\-]+", "_", text)


def extension(filename: str) -> str:
    """The lower-case extension without its dot."""
    return os.path.splitext(filename)[1].lower().lstrip(".")


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(raw_rows: Any) -> Table:
    """Header from the first non-empty row; then data rows, blank ones skipped."""
    limit = settings.AFTERSALES_IMPORT_MAX_ROWS
    header: list[Any] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(raw_rows, start=1):
        cells = list(cells)
        if _is_blank(cells):
            continue
        if header is None:
            # Blank rows above the header are skipped; every row keeps the number people
            # see in their spreadsheet, so errors point at the right line.
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > limit:
            raise FileProblem("too_many_rows", max=limit)
    if header is None:
        raise FileProblem("empty_file")
    return Table(header=header, rows=rows)


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves "CSV" in GB18030 (GBK); everything else is UTF-8,
    # often with a BOM. GB18030 decodes almost any byte string, so UTF-8 goes first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("undecodable")


def read_csv(data: bytes) -> Table:
    """Rows of a CSV file; the delimiter is a comma, or a semicolon or tab if the header
    line has more of those (csv.Sniffer guesses wrongly on short Chinese headers)."""
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem("unreadable", format="CSV")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise FileProblem("unreadable", format="CSV") from None


def read_xlsx(data: bytes) -> Table:
    """Rows of the first sheet of an XLSX workbook, streamed in read-only mode."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # A damaged or mislabelled file fails in many ways inside zipfile and lxml.
        raise FileProblem("unreadable", format="XLSX") from None
    try:
        sheet = book.worksheets[0]
        # Some writers store a wrong sheet size; without this, columns may be cut off.
        sheet.reset_dimensions()
        return _table(sheet.iter_rows(values_only=True))
    except FileProblem:
        raise
    except Exception:
        raise FileProblem("unreadable", format="XLSX") from None
    finally:
        book.close()


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX file by its extension."""
    ext = extension(filename)
    if ext == "csv":
        return read_csv(data)
    if ext == "xlsx":
        return read_xlsx(data)
    raise FileProblem("unsupported_type")


# --- Cells -----------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "t", "是", "√", "✓", "✔"}
_FALSE = {"", "0", "false", "no", "n", "f", "否", "×", "✗"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")


class CellProblem(Exception):
    """One cell cannot be read as what its column needs; ``code`` names a message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def cell_text(value: Any) -> str:
    """A cell as trimmed text; Excel numbers that are whole lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    # Our own exports neutralise formulas with a leading apostrophe; take it off again.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_date(value: Any) -> dt.date | None:
    """YYYY-MM-DD (also with / or .), an Excel date cell or an Excel day number."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            converted = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            raise CellProblem("invalid_date", value=cell_text(value)) from None
        if isinstance(converted, dt.datetime):
            return converted.date()
        if isinstance(converted, dt.date):
            return converted
        raise CellProblem("invalid_date", value=cell_text(value))
    text = cell_text(value)
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CellProblem("invalid_date", value=text)


def parse_amount(value: Any) -> Decimal:
    """A non-negative amount in CNY with at most two decimals; empty means zero."""
    if isinstance(value, float):
        text = repr(value)
    else:
        text = cell_text(value)
        for sign in ("¥", "￥", "元", ",", "，", " "):
            text = text.replace(sign, "")
    if not text:
        return Decimal("0")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellProblem("invalid_amount", value=cell_text(value)) from None
    if not amount.is_finite():
        raise CellProblem("invalid_amount", value=cell_text(value))
    if amount < 0:
        raise CellProblem("negative")
    if amount > MAX_AMOUNT:
        raise CellProblem("too_large")
    cents = amount.quantize(Decimal("0.01"))
    # A number cell computed by a formula may be 0.30000000000000004 where Excel shows 0.30.
    tolerance = Decimal("0.000001") if isinstance(value, float) else Decimal(0)
    if abs(amount - cents) > tolerance:
        raise CellProblem("too_many_decimals")
    return cents


def parse_integer(value: Any, *, minimum: int, maximum: int) -> int | None:
    """A whole number in a range; empty means none."""
    text = cell_text(value)
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise CellProblem("invalid_integer", value=text) from None
    if not minimum <= number <= maximum:
        raise CellProblem("out_of_range", min=minimum, max=maximum)
    return number


def parse_boolean(value: Any) -> bool:
    """Yes/no in English or Chinese, 1/0, or an Excel TRUE/FALSE cell."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem("invalid_boolean", value=text)
