"""Time the import of a 10,000-row equipment file (XLSX and CSV) on a fresh SQLite database.

Run: ``.venv/bin/python bench/import_bench.py [--rows 10000]``. Each file goes through the
``import_data`` command, the same code path people use; the issue asks for < 30 s per file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 30.0
COMPANIES = 200
SITES_PER_COMPANY = 3


def _setup(data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    os.environ["AFTERSALES_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file, never a shared server
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _reference_data() -> tuple[str, list[tuple[str, list[str]]], list[str]]:
    """Departments, catalogue, companies with sites, and an admin; returns what rows use."""
    from django.contrib.auth.models import Group

    from aftersales.accounts.choices import DepartmentKind, Role
    from aftersales.accounts.models import Department, User
    from aftersales.customers.models import Company, ProductLine, ProductModel, Site

    department = Department.objects.create(
        code="service", name="售后服务部", kind=DepartmentKind.SERVICE
    )
    line = ProductLine.objects.create(code="pump", name="水泵")
    models = [
        ProductModel.objects.create(line=line, code=f"HP-{n:03d}", name=f"型号{n}")
        for n in range(20)
    ]
    companies = Company.objects.bulk_create(
        Company(code=f"CU-B-{n:05d}", name=f"基准客户{n}有限公司", service_department=department)
        for n in range(COMPANIES)
    )
    Site.objects.bulk_create(
        Site(company=c, name=f"{s + 1}号厂区") for c in companies for s in range(SITES_PER_COMPANY)
    )
    user = User.objects.create_user(username="bench_admin", password=None)
    user.groups.add(Group.objects.get(name=Role.ADMIN))
    sites = [f"{s + 1}号厂区" for s in range(SITES_PER_COMPANY)]
    return (
        user.username,
        [(c.code, sites) for c in companies],
        [m.code for m in models],
    )


def _rows(prefix: str, count: int, companies: list[tuple[str, list[str]]], models: list[str]):
    header = [
        "序列号",
        "型号",
        "客户",
        "现场",
        "发货日期",
        "调试日期",
        "保修期",
        "合同金额",
        "备注",
    ]
    yield header
    start = dt.date(2024, 1, 1)
    for n in range(count):
        code, sites = companies[n % len(companies)]
        delivered = start + dt.timedelta(days=n % 700)
        commissioned = delivered + dt.timedelta(days=7)
        yield [
            f"{prefix}{n:07d}",
            models[n % len(models)],
            code,
            sites[n % len(sites)] if n % 4 else "",
            delivered,
            commissioned,
            24 if n % 10 == 0 else None,
            f"{(n % 500) * 1000 + 0.5:.2f}",
            "基准测试" if n % 7 == 0 else "",
        ]


def _write_xlsx(path: Path, rows) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    book.save(path)


def _write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _time_import(path: Path, username: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds; CPU time shows the cost when the machine is busy."""
    from django.core.management import call_command

    started, cpu = time.perf_counter(), time.process_time()
    call_command(
        "import_data",
        str(path),
        kind="equipment",
        user=username,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-") as data_dir:
        _setup(data_dir)
        from aftersales.core.models import HistoryEntry
        from aftersales.customers.models import Equipment

        username, companies, models = _reference_data()
        folder = Path(data_dir)
        files = [
            (folder / "equipment.xlsx", _write_xlsx, "X"),
            (folder / "equipment.csv", _write_csv, "C"),
        ]
        print(f"{'file':<16}{'rows':>8}{'seconds':>10}{'cpu s':>8}{'rows/s':>10}")
        slow = False
        for path, writer, prefix in files:
            writer(path, _rows(f"BENCH-{prefix}-", args.rows, companies, models))
            before = Equipment.objects.count()
            seconds, cpu = _time_import(path, username)
            created = Equipment.objects.count() - before
            assert created == args.rows, f"{path.name}: {created} of {args.rows} rows imported"
            slow = slow or seconds >= LIMIT_SECONDS
            print(
                f"{path.name:<16}{created:>8}{seconds:>10.2f}{cpu:>8.2f}{created / seconds:>10.0f}"
            )
        history = HistoryEntry.objects.filter(action="imported").count()
        assert history == 2 * args.rows, f"{history} history rows for {2 * args.rows} units"
        if slow:
            print(f"FAIL: an import took {LIMIT_SECONDS:.0f} s or more")
            return 1
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
