"""Handover (项目交接): the checklist, three confirmations, withdrawal, equipment in service."""

from __future__ import annotations

import pytest

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.customers import services
from aftersales.customers.choices import EquipmentStatus, HandoverParty, HandoverStatus
from aftersales.customers.models import Equipment, HandoverItem, Project
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _project(world: World) -> Project:
    return services.create_project(
        actor=world.agent if world.agent.has_perm("customers.add_project") else world.manager,
        company=world.acme,
        data={
            "name": "一期水处理工程",
            "project_manager": world.engineer,
            "project_department": world.service,
        },
    )


def _fill(world: World, project: Project) -> None:
    for item in project.handover_items.all():
        services.update_handover_item(
            actor=world.manager,
            item=item,
            expected_version=item.version,
            content=f"{item.get_section_display()}：已交接",
            not_applicable=False,
        )


def _confirm_all(world: World, project: Project) -> None:
    services.confirm_handover(
        actor=world.acme_portal, project=project, party=HandoverParty.CUSTOMER
    )
    services.confirm_handover(
        actor=world.engineer, project=project, party=HandoverParty.PROJECT_TEAM
    )
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)


def test_new_project_gets_the_eight_standard_checklist_sections(world: World) -> None:
    project = _project(world)
    assert project.number.startswith("PJ-")
    assert project.handover_items.count() == 8
    assert project.service_department == world.service


def test_a_party_cannot_confirm_while_a_section_is_empty(world: World) -> None:
    project = _project(world)
    with pytest.raises(ValidationError) as err:
        services.confirm_handover(
            actor=world.manager, project=project, party=HandoverParty.AFTER_SALES
        )
    assert "checklist" in err.value.message_dict


def test_not_applicable_section_needs_a_reason(world: World) -> None:
    item = _project(world).handover_items.get(section="drawings")
    with pytest.raises(ValidationError):
        services.update_handover_item(
            actor=world.manager, item=item, expected_version=1, content="", not_applicable=True
        )


def test_three_confirmations_put_the_equipment_in_service(world: World) -> None:
    project = _project(world)
    unit = services.register_equipment(
        actor=world.manager,
        company=world.acme,
        data={"serial_number": "HP-0001", "product_model": world.model, "project": project},
    )
    assert unit.status == EquipmentStatus.PENDING
    _fill(world, project)
    _confirm_all(world, project)
    project.refresh_from_db()
    unit.refresh_from_db()
    assert project.handover_status == HandoverStatus.COMPLETED
    assert project.handover_completed_at is not None
    assert unit.status == EquipmentStatus.IN_SERVICE
    actions = list(history_for(project).values_list("action", flat=True))
    assert actions.count("handover_confirmed") == 3
    assert "handover_completed" in actions
    assert history_for(unit).filter(action="put_in_service").exists()


def test_two_confirmations_leave_the_handover_open(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(
        actor=world.acme_portal, project=project, party=HandoverParty.CUSTOMER
    )
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)
    project.refresh_from_db()
    assert project.handover_status == HandoverStatus.OPEN


def test_portal_user_of_another_company_cannot_confirm(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    with pytest.raises(PermissionDenied):
        services.confirm_handover(
            actor=world.globex_portal, project=project, party=HandoverParty.CUSTOMER
        )


def test_agent_records_customer_confirmation_only_with_their_signer(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    with pytest.raises(ValidationError):
        services.confirm_handover(actor=world.agent, project=project, party=HandoverParty.CUSTOMER)
    with pytest.raises(ValidationError):
        services.confirm_handover(
            actor=world.agent,
            project=project,
            party=HandoverParty.CUSTOMER,
            signed_by_contact=world.globex_contact,
        )
    confirmation = services.confirm_handover(
        actor=world.agent,
        project=project,
        party=HandoverParty.CUSTOMER,
        signed_by_contact=world.acme_contact,
        comment="纸质签字单已扫描",
    )
    assert confirmation.signed_by_contact == world.acme_contact


@pytest.mark.parametrize("actor_name", ["agent", "outsider_manager", "qc", "outsider_engineer"])
def test_only_the_project_team_confirms_for_the_project_team(world: World, actor_name: str) -> None:
    project = _project(world)
    _fill(world, project)
    with pytest.raises(PermissionDenied):
        services.confirm_handover(
            actor=getattr(world, actor_name), project=project, party=HandoverParty.PROJECT_TEAM
        )


@pytest.mark.parametrize("actor_name", ["agent", "engineer", "outsider_manager"])
def test_only_after_sales_management_confirms_for_after_sales(
    world: World, actor_name: str
) -> None:
    project = _project(world)
    _fill(world, project)
    with pytest.raises(PermissionDenied):
        services.confirm_handover(
            actor=getattr(world, actor_name), project=project, party=HandoverParty.AFTER_SALES
        )


def test_director_confirms_for_after_sales(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(
        actor=world.director, project=project, party=HandoverParty.AFTER_SALES
    )


def test_a_party_cannot_confirm_twice(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)
    with pytest.raises(Conflict):
        services.confirm_handover(
            actor=world.director, project=project, party=HandoverParty.AFTER_SALES
        )


def test_checklist_is_frozen_while_a_confirmation_stands(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)
    item = HandoverItem.objects.get(project=project, section="overview")
    with pytest.raises(Conflict):
        services.update_handover_item(
            actor=world.manager,
            item=item,
            expected_version=item.version,
            content="改",
            not_applicable=False,
        )


def test_withdrawal_before_completion_reopens_the_party(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)
    with pytest.raises(ValidationError):
        services.withdraw_handover_confirmation(
            actor=world.manager, project=project, party=HandoverParty.AFTER_SALES, reason=" "
        )
    services.withdraw_handover_confirmation(
        actor=world.manager, project=project, party=HandoverParty.AFTER_SALES, reason="图纸版本不对"
    )
    assert not project.confirmations.filter(withdrawn_at=None).exists()
    assert history_for(project).filter(action="handover_withdrawn").exists()
    # The checklist can be corrected again, and the party can confirm again.
    item = HandoverItem.objects.get(project=project, section="drawings")
    services.update_handover_item(
        actor=world.manager,
        item=item,
        expected_version=item.version,
        content="图纸 V2",
        not_applicable=False,
    )
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)


def test_no_withdrawal_after_completion(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    _confirm_all(world, project)
    with pytest.raises(Conflict):
        services.withdraw_handover_confirmation(
            actor=world.manager, project=project, party=HandoverParty.AFTER_SALES, reason="晚了"
        )


def test_other_party_cannot_withdraw_a_confirmation(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(actor=world.manager, project=project, party=HandoverParty.AFTER_SALES)
    with pytest.raises(PermissionDenied):
        services.withdraw_handover_confirmation(
            actor=world.agent, project=project, party=HandoverParty.AFTER_SALES, reason="x"
        )


def test_unit_registered_after_completion_is_in_service_at_once(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    _confirm_all(world, project)
    unit = services.register_equipment(
        actor=world.manager,
        company=world.acme,
        data={"serial_number": "HP-0002", "product_model": world.model, "project": project},
    )
    assert Equipment.objects.get(pk=unit.pk).status == EquipmentStatus.IN_SERVICE
