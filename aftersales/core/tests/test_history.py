"""The one append-only history (rule 4) and the versioned update that writes it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from aftersales.core.exceptions import Conflict, ValidationError
from aftersales.core.history import history_for, record, record_created
from aftersales.core.models import AppendOnlyError, HistoryEntry
from aftersales.core.services import update_object
from aftersales.customers.models import Company
from aftersales.customers.services import COMPANY_FIELDS
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world: World) -> HistoryEntry:
    return record(
        actor=world.agent, action="created", obj=world.acme, changes={"phone": [None, "1"]}
    )


# --- Append-only ----------------------------------------------------------------------------


def test_a_recorded_entry_cannot_be_saved_again(entry: HistoryEntry) -> None:
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["action"])
    assert HistoryEntry.objects.get(pk=entry.pk).action == "created"


def test_a_recorded_entry_cannot_be_deleted(entry: HistoryEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert HistoryEntry.objects.filter(pk=entry.pk).exists()


def test_history_cannot_be_changed_or_deleted_in_bulk(entry: HistoryEntry) -> None:
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.bulk_update([entry], ["action"])
    assert HistoryEntry.objects.get(pk=entry.pk).action == "created"


def test_changing_history_behind_the_models_back_is_refused(
    entry: HistoryEntry,
) -> None:
    statements = [
        "UPDATE core_historyentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_historyentry WHERE id = %s",
    ]
    if connection.vendor == "postgresql":
        # The trigger of core migration 0002 refuses even SQL that bypasses the ORM.
        for sql in statements:
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [entry.pk])
    else:
        # SQLite has no such trigger (its test flush deletes rows); the ORM guard holds there.
        with pytest.raises(AppendOnlyError):
            HistoryEntry.objects.filter(pk=entry.pk).update(action="forged")
        with pytest.raises(AppendOnlyError):
            HistoryEntry.objects.filter(pk=entry.pk).delete()
    assert HistoryEntry.objects.get(pk=entry.pk).action == "created"


def test_new_entries_can_still_be_added_in_bulk(world: World, entry: HistoryEntry) -> None:
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                actor=world.agent,
                action="imported",
                content_type=entry.content_type,
                object_id=entry.object_id,
                object_repr=entry.object_repr,
            )
        ]
    )
    assert list(history_for(world.acme).values_list("action", flat=True)) == [
        "imported",
        "created",
    ]


# --- What an entry holds --------------------------------------------------------------------


def test_an_entry_records_who_what_and_on_which_object(world: World, entry: HistoryEntry) -> None:
    stored = HistoryEntry.objects.get(pk=entry.pk)
    assert stored.actor == world.agent
    assert stored.target == world.acme
    assert stored.object_repr == str(world.acme)
    assert stored.changes == {"phone": [None, "1"]}
    assert stored.created_at is not None


def test_an_entry_without_an_actor_is_the_systems(world: World) -> None:
    stored = record(actor=None, action="swept", obj=world.acme)
    assert stored.actor is None
    assert stored.changes == {}


def test_a_creation_records_every_initial_value_as_after(world: World) -> None:
    created = record_created(
        actor=world.agent, obj=world.acme, fields=["code", "service_department"]
    )
    assert created.changes == {
        "code": [None, world.acme.code],
        "service_department": [None, {"id": world.service.pk, "repr": str(world.service)}],
    }


def test_history_of_an_object_is_newest_first_and_its_own(world: World) -> None:
    first = record(actor=world.agent, action="first", obj=world.acme)
    second = record(actor=world.agent, action="second", obj=world.acme)
    record(actor=world.agent, action="other", obj=world.globex)
    assert list(history_for(world.acme)) == [second, first]


# --- update_object --------------------------------------------------------------------------


def test_update_object_records_field_level_before_and_after(world: World) -> None:
    updated = update_object(
        actor=world.agent,
        instance=world.acme,
        expected_version=1,
        changes={"phone": "021-5555", "service_department": world.technical, "city": ""},
        editable=COMPANY_FIELDS,
    )
    assert updated.version == 2
    stored = Company.objects.get(pk=world.acme.pk)
    assert (stored.phone, stored.service_department, stored.version) == (
        "021-5555",
        world.technical,
        2,
    )
    entry = history_for(world.acme).get()
    assert (entry.action, entry.actor) == ("updated", world.agent)
    # Only what changed: the unchanged city is not recorded.
    assert entry.changes == {
        "phone": ["", "021-5555"],
        "service_department": [
            {"id": world.service.pk, "repr": str(world.service)},
            {"id": world.technical.pk, "repr": str(world.technical)},
        ],
    }


def test_update_object_without_a_real_change_records_nothing(world: World) -> None:
    same = update_object(
        actor=world.agent,
        instance=world.acme,
        expected_version=1,
        changes={"name": world.acme.name},
        editable=COMPANY_FIELDS,
    )
    assert same.version == 1
    assert not history_for(world.acme).exists()


def test_a_stale_version_raises_conflict_and_changes_nothing(world: World) -> None:
    update_object(
        actor=world.agent,
        instance=world.acme,
        expected_version=1,
        changes={"phone": "021-1"},
        editable=COMPANY_FIELDS,
    )
    with pytest.raises(Conflict) as err:
        update_object(
            actor=world.manager,
            instance=world.acme,
            expected_version=1,
            changes={"phone": "021-2", "city": "上海"},
            editable=COMPANY_FIELDS,
        )
    assert err.value.code == "stale_version"
    assert err.value.current["version"] == 2
    assert err.value.current["phone"] == "021-1"
    stored = Company.objects.get(pk=world.acme.pk)
    assert (stored.phone, stored.city, stored.version) == ("021-1", "", 2)
    assert history_for(world.acme).count() == 1


def test_a_field_outside_the_editable_list_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        update_object(
            actor=world.agent,
            instance=world.acme,
            expected_version=1,
            changes={"code": "CU-HACK"},
            editable=COMPANY_FIELDS,
        )
    assert "code" in err.value.message_dict
    assert Company.objects.get(pk=world.acme.pk).code == world.acme.code
    assert not history_for(world.acme).exists()


def test_an_invalid_value_is_refused_and_changes_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as err, transaction.atomic():
        update_object(
            actor=world.agent,
            instance=world.acme,
            expected_version=1,
            changes={"tier": "gold", "phone": "021-9"},
            editable=COMPANY_FIELDS,
        )
    assert "tier" in err.value.message_dict
    stored = Company.objects.get(pk=world.acme.pk)
    assert (stored.tier, stored.phone, stored.version) == ("normal", "", 1)
    assert not history_for(world.acme).exists()
