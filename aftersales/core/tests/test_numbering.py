"""Gapless yearly numbers: consecutive, unique, and given back on rollback."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from aftersales.core.numbering import next_number
from aftersales.customers import services
from aftersales.customers.models import Project
from aftersales.testing.world import World


@pytest.mark.django_db
def test_numbers_are_consecutive_per_prefix_and_year() -> None:
    with transaction.atomic():
        first = next_number("PJ", year=2026)
        second = next_number("PJ", year=2026)
        other_year = next_number("PJ", year=2027)
        other_prefix = next_number("SR", year=2026)
    assert (first, second) == ("PJ-2026-000001", "PJ-2026-000002")
    assert other_year == "PJ-2027-000001"
    assert other_prefix == "SR-2026-000001"


@pytest.mark.django_db
def test_a_rolled_back_creation_gives_its_number_back() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("PJ", year=2026)
        raise RuntimeError("the creating transaction fails")
    with transaction.atomic():
        assert next_number("PJ", year=2026) == "PJ-2026-000001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbering_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        next_number("PJ")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_creators_get_gapless_unique_numbers(world: World) -> None:
    assert connection.vendor == "postgresql"
    creators = 20
    barrier = threading.Barrier(creators)
    errors: list[BaseException] = []

    def create(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.create_project(
                actor=world.manager, company=world.acme, data={"name": f"并发项目{index}"}
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(creators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(Project.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"PJ-{year}-{i:06d}" for i in range(1, creators + 1)]
