"""Search over Chinese and English text without a word segmenter.

Chinese has no spaces and most words are two characters, so a document is indexed as the
set of its character bigrams (漏水 → "漏水"; 水泵漏水 → "水泵 泵漏 漏水") plus its Latin
words and numbers in lower case. A query is tokenised the same way and every token must be
present. On PostgreSQL the tokens live in a GIN-indexed tsvector ('simple' configuration, no
stemming), which answers a two-character term from the index instead of scanning with LIKE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[A-Za-z0-9]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


def tokens(text: str) -> list[str]:
    """Bigrams of Chinese runs (a lone character stands alone) and lower-case words."""
    out: list[str] = []
    for run in _RUNS.findall(text or ""):
        if _CJK_RUN.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def document(parts: Iterable[str]) -> str:
    """The search document: unique tokens of all parts, space-separated."""
    seen: dict[str, None] = {}
    for part in parts:
        for token in tokens(part):
            seen.setdefault(token, None)
    return " ".join(seen)


def _tsquery(words: list[str]) -> str:
    # Tokens are only CJK characters and ASCII letters/digits, so quoting cannot break out.
    terms = []
    for word in words:
        quoted = "'" + word + "'"
        terms.append(quoted + ":*" if word.isascii() else quoted)
    return " & ".join(terms)


def filter_text(queryset: QuerySet, term: str, field: str = "search_document") -> QuerySet:
    """Rows whose search document contains every token of ``term``."""
    words = tokens(term)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql" and all(len(w) >= 2 or w.isascii() for w in words):
        table = queryset.model._meta.db_table
        # Table and field names are ours; the user's term travels as a parameter.
        expr = RawSQL(  # noqa: S611
            f'to_tsvector(\'simple\'::regconfig, "{table}"."{field}") '
            "@@ to_tsquery('simple'::regconfig, %s)",
            [_tsquery(words)],
            output_field=BooleanField(),
        )
        return queryset.filter(expr)
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__icontains": word})
    return queryset.filter(condition)
