"""Time the stock and requisition services and the parts lists on a fresh SQLite database
(or the database of ``DATABASE_URL`` with ``--keep-database``).

Run: ``.venv/bin/python bench/parts_bench.py [--parts 300] [--rounds 50]``. It fills a
catalogue with three warehouses and a ledger through the services, then times a receipt,
a requisition's whole cycle (raise, approve with reservation, issue) and the list pages as
the warehouse sees them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import report, timed  # noqa: E402

# Budgets for a shared 2-core machine under load (measured: p50 40, 185 and 160-240 ms).
BUDGETS_MS = {"receipt": 100.0, "cycle": 400.0, "list": 400.0}


def _setup(data_dir: str, keep: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    os.environ["AFTERSALES_DATA_DIR"] = data_dir
    if not keep:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir, args.keep_database)
        run(args.parts, args.rounds)


def run(n_parts: int, rounds: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from aftersales.parts.choices_stock import WarrantyCover
    from aftersales.parts.models import Part, StockMovement, Warehouse
    from aftersales.parts.services import requisitions as rq
    from aftersales.parts.services import stock
    from aftersales.testing.requests import new_request
    from aftersales.testing.world import build_world

    world = build_world()
    stores = [Warehouse.objects.create(code=f"WH{i}", name=f"备件库{i}") for i in range(1, 4)]
    parts = Part.objects.bulk_create(
        Part(code=f"P-{i:05d}", name=f"配件{i}", reorder_level=5) for i in range(n_parts)
    )
    for part in parts:
        for store in stores:
            stock.receive_stock(
                actor=world.warehouse, warehouse=store, part=part, quantity=100, reference="期初"
            )
    print(f"ledger: {StockMovement.objects.count()} rows, {len(parts)} parts, 3 warehouses")
    request = new_request(world, owner=world.engineer)
    counter = iter(range(10**9))

    def receipt() -> None:
        stock.receive_stock(
            actor=world.warehouse,
            warehouse=stores[0],
            part=parts[next(counter) % len(parts)],
            quantity=1,
            reference="RK",
        )

    def cycle() -> None:
        i = next(counter)
        req = rq.raise_requisition(
            actor=world.agent,
            request=request,
            warehouse=stores[1],
            reason="基准测试",
            cover=WarrantyCover.IN_WARRANTY,
            lines=[(parts[i % len(parts)], 1), (parts[(i + 1) % len(parts)], 1)],
        )
        req = rq.approve_requisition(
            actor=world.production_manager, requisition=req, expected_version=None
        )
        rq.issue_requisition(actor=world.warehouse, requisition=req, expected_version=None)

    report("receipt (ledger row + locked balance)", timed(receipt, rounds), BUDGETS_MS["receipt"])
    report("requisition raise+approve+issue (2 lines)", timed(cycle, rounds), BUDGETS_MS["cycle"])
    client = Client()
    client.force_login(world.warehouse)
    for name in ("parts:stock-list", "parts:movement-list", "parts:requisition-list"):
        url = reverse(name)

        def get(url: str = url) -> None:
            assert client.get(url).status_code == 200

        report(f"page {url}", timed(get, rounds), BUDGETS_MS["list"])


if __name__ == "__main__":
    main()
