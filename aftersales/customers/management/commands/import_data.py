"""Import customers, contacts or equipment from a CSV or XLSX file, synchronously."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from aftersales.accounts.models import User
from aftersales.customers.imports import KINDS, ImportResult, run_import


def format_error(error: dict[str, Any], lang: str) -> str:
    """``row N, field F: reason`` in the active language."""
    reason = error["message"].get(lang) or error["message"]["en"]
    if not error["field"]:
        return _("row %(row)s: %(reason)s") % {"row": error["row"], "reason": reason}
    return _("row %(row)s, field %(field)s: %(reason)s") % {
        "row": error["row"],
        "field": error["field"],
        "reason": reason,
    }


class Command(BaseCommand):
    help = (
        "Import customer companies, contacts or equipment from a CSV or XLSX file. Nothing is "
        "written unless every row is valid. Exits with status 1 when any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--user", required=True, help="the user the import acts as")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        with override(lang):
            result = self._run(options)
            for error in result.errors:
                self.stdout.write(format_error(dict(error), lang))
            if result.ignored_columns:
                self.stderr.write(
                    _("Ignored columns: %(columns)s")
                    % {"columns": ", ".join(result.ignored_columns)}
                )
            if result.errors:
                raise CommandError(
                    _("%(count)d errors in %(rows)d rows; nothing was imported.")
                    % {"count": len(result.errors), "rows": result.rows},
                    returncode=1,
                )
            if result.dry_run:
                message = _("Dry run: all %(rows)d rows are valid; nothing was written.")
            else:
                message = _("Imported %(rows)d rows.")
            self.stdout.write(message % {"rows": result.rows if result.dry_run else result.created})

    def _run(self, options: dict[str, Any]) -> ImportResult:
        path: Path = options["file"]
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                _("No active user named %(name)s.") % {"name": options["user"]}
            ) from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from None
        last = -1

        def progress(done: int, total: int) -> None:
            nonlocal last
            percent = done * 100 // total if total else 100
            if percent != last:
                last = percent
                self.stderr.write(_("progress: %(percent)d%%") % {"percent": percent})

        try:
            return run_import(
                actor=user,
                kind=options["kind"],
                data=data,
                filename=path.name,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
