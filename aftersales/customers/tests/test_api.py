"""The customers API: writes through services, its error shapes, handover, warranty, auth, docs."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.models import User
from aftersales.core.history import history_for
from aftersales.customers import services
from aftersales.customers.choices import EquipmentStatus, HandoverParty, HandoverStatus
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverItem,
    ProductLine,
    ProductModel,
    Project,
    Site,
)
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: User | None = None, language: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    if language:
        client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


def _actions(obj: Any) -> list[str]:
    return list(history_for(obj).values_list("action", flat=True))


# --- Create and update, one model at a time -------------------------------------------------


def test_agent_registers_a_company_and_its_number_is_allocated(world: World) -> None:
    response = _client(world.agent).post(
        "/api/v1/companies/",
        {"name": "丙方制药有限公司", "service_department": world.service.pk, "tier": "key"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"CU-\d{4}-\d{6}", body["code"])
    assert body["version"] == 1
    company = Company.objects.get(pk=body["id"])
    assert company.service_department == world.service
    assert _actions(company) == ["created"]


def test_agent_changes_a_company_and_the_change_is_recorded(world: World) -> None:
    response = _client(world.agent).patch(
        f"/api/v1/companies/{world.acme.pk}/",
        {"version": 1, "phone": "021-12345678", "tier": "key"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    world.acme.refresh_from_db()
    assert (world.acme.phone, world.acme.tier, world.acme.version) == ("021-12345678", "key", 2)
    entry = history_for(world.acme).get()
    assert entry.action == "updated"
    assert entry.actor == world.agent
    assert entry.changes == {"phone": ["", "021-12345678"], "tier": ["normal", "key"]}


def test_the_customer_number_cannot_be_changed(world: World) -> None:
    response = _client(world.agent).patch(
        f"/api/v1/companies/{world.acme.pk}/", {"version": 1, "code": "CU-X"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["code"]


def test_a_new_primary_contact_takes_the_flag_from_the_old_one(world: World) -> None:
    client = _client(world.agent)
    response = client.post(
        "/api/v1/contacts/",
        {"company": world.acme.pk, "name": "王强", "mobile": "13800000000", "is_primary": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    new = Contact.objects.get(pk=response.json()["id"])
    world.acme_contact.refresh_from_db()
    assert new.is_primary and not world.acme_contact.is_primary
    response = client.patch(
        f"/api/v1/contacts/{new.pk}/", {"version": 1, "title": "设备科长"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Contact.objects.get(pk=new.pk).title == "设备科长"


def test_a_contact_cannot_move_to_another_company(world: World) -> None:
    response = _client(world.agent).patch(
        f"/api/v1/contacts/{world.acme_contact.pk}/",
        {"version": 1, "company": world.globex.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "company" in response.json()
    assert Contact.objects.get(pk=world.acme_contact.pk).company == world.acme


def test_only_a_portal_user_can_be_linked_to_a_contact(world: World) -> None:
    response = _client(world.agent).post(
        "/api/v1/contacts/",
        {"company": world.acme.pk, "name": "冒名", "user": world.engineer.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "user" in response.json()


def test_agent_adds_and_changes_a_site(world: World) -> None:
    client = _client(world.agent)
    response = client.post(
        "/api/v1/sites/",
        {
            "company": world.acme.pk,
            "name": "二号厂区",
            "city": "苏州",
            "contact": world.acme_contact.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    site = Site.objects.get(pk=response.json()["id"])
    assert site.contact == world.acme_contact
    response = client.patch(
        f"/api/v1/sites/{site.pk}/", {"version": 1, "region_class": "remote"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Site.objects.get(pk=site.pk).region_class == "remote"
    assert _actions(site) == ["updated", "created"]


def test_a_site_contact_must_belong_to_the_same_company(world: World) -> None:
    response = _client(world.agent).post(
        "/api/v1/sites/",
        {"company": world.acme.pk, "name": "三号厂区", "contact": world.globex_contact.pk},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["contact"]
    assert not Site.objects.filter(name="三号厂区").exists()


def test_director_extends_the_catalogue(world: World) -> None:
    client = _client(world.director)
    response = client.post(
        "/api/v1/product-lines/", {"code": "valve", "name": "阀门", "name_en": "Valves"}
    )
    assert response.status_code == 201, response.content
    line = ProductLine.objects.get(code="valve")
    response = client.post(
        "/api/v1/product-models/",
        {"line": line.pk, "code": "VV-10", "name": "球阀", "warranty_months": 18},
    )
    assert response.status_code == 201, response.content
    assert ProductModel.objects.get(code="VV-10").warranty_months == 18
    assert _actions(line) == ["created"]


def test_manager_opens_a_project_and_changes_it(world: World) -> None:
    client = _client(world.manager)
    response = client.post(
        "/api/v1/projects/",
        {"company": world.acme.pk, "name": "二期工程", "contract_amount": "1250000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("PJ-")
    assert body["service_department"] == world.service.pk
    assert body["handover_status"] == HandoverStatus.OPEN
    project = Project.objects.get(pk=body["id"])
    assert project.handover_items.count() == 8
    response = client.patch(
        f"/api/v1/projects/{project.pk}/",
        {"version": 1, "accepted_on": "2026-03-01", "project_manager": world.engineer.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.accepted_on == dt.date(2026, 3, 1)
    assert project.project_manager == world.engineer
    assert project.contract_amount == Decimal("1250000.00")


def test_manager_fills_a_handover_section(world: World) -> None:
    item = f.HandoverItemFactory(project=f.ProjectFactory(company=world.acme), content="")
    response = _client(world.manager).patch(
        f"/api/v1/handover-items/{item.pk}/",
        {"version": 1, "content": "PLC 程序 V1.2"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["content"], body["version"], body["is_filled"]) == ("PLC 程序 V1.2", 2, True)
    item.refresh_from_db()
    assert item.updated_by == world.manager
    assert item.updated_at is not None


def test_a_handover_item_list_counts_each_sections_attachments(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    item = f.HandoverItemFactory(project=f.ProjectFactory(company=world.acme))
    client = _client(world.manager)
    for name in ("a.pdf", "b.pdf"):
        upload = SimpleUploadedFile(name, b"%PDF-1.4")
        response = client.post(
            f"/api/v1/handover-items/{item.pk}/attachments/", {"file": upload}, format="multipart"
        )
        assert response.status_code == 201, response.content
    listed = client.get("/api/v1/handover-items/", {"project": item.project_id}).json()
    assert [row["attachment_count"] for row in listed["results"]] == [2]
    assert client.get(f"/api/v1/handover-items/{item.pk}/").json()["attachment_count"] == 2
    handover = client.get(f"/api/v1/projects/{item.project_id}/handover/").json()
    assert [row["attachment_count"] for row in handover["items"]] == [2]


def test_manager_registers_equipment_and_its_warranty_follows_its_dates(world: World) -> None:
    client = _client(world.manager)
    response = client.post(
        "/api/v1/equipment/",
        {
            "serial_number": "HP-2026-0001",
            "product_model": world.model.pk,
            "company": world.acme.pk,
            "delivered_on": "2026-01-10",
            "commissioned_on": "2026-01-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["warranty_end"], body["status"]) == ("2027-01-14", EquipmentStatus.IN_SERVICE)
    response = client.patch(
        f"/api/v1/equipment/{body['id']}/",
        {"version": 1, "commissioned_on": "2026-02-01", "warranty_months": 24},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["warranty_end"] == "2028-01-31"
    unit = Equipment.objects.get(pk=body["id"])
    assert unit.warranty_end == dt.date(2028, 1, 31)
    assert history_for(unit).first().changes["warranty_end"] == ["2027-01-14", "2028-01-31"]


def test_a_units_serial_number_cannot_be_changed(world: World) -> None:
    unit = f.EquipmentFactory(company=world.acme, product_model=world.model)
    response = _client(world.manager).patch(
        f"/api/v1/equipment/{unit.pk}/", {"version": 1, "serial_number": "X"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["serial_number"]


# --- Error shapes ----------------------------------------------------------------------------


def test_a_missing_field_is_named_in_english_for_an_english_client(world: World) -> None:
    response = _client(world.agent, language="en").post("/api/v1/companies/", {}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"name": ["This field is required."]}


def test_a_missing_field_is_named_in_chinese_for_a_chinese_client(world: World) -> None:
    response = _client(world.agent, language="zh-hans").post(
        "/api/v1/companies/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["该字段是必填项。"]}


def test_not_found_is_json_and_localised(world: World) -> None:
    english = _client(world.agent, language="en").get("/api/v1/companies/999999/")
    chinese = _client(world.agent, language="zh-hans").get("/api/v1/companies/999999/")
    assert (english.status_code, chinese.status_code) == (404, 404)
    assert english.json() == {"detail": "Not found."}
    assert chinese.json() == {"detail": "未找到。"}


def test_a_stale_version_is_refused_with_the_current_values_and_changes_nothing(
    world: World,
) -> None:
    services.update_company(
        actor=world.agent, company=world.acme, expected_version=1, changes={"phone": "010-1"}
    )
    response = _client(world.manager).patch(
        f"/api/v1/companies/{world.acme.pk}/",
        {"version": 1, "phone": "010-2", "city": "上海"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert body["detail"]
    assert body["current"]["version"] == 2
    assert body["current"]["phone"] == "010-1"
    assert body["current"]["service_department"]["id"] == world.service.pk
    world.acme.refresh_from_db()
    assert (world.acme.phone, world.acme.city, world.acme.version) == ("010-1", "", 2)
    assert _actions(world.acme) == ["updated"]


@pytest.mark.parametrize("version", [None, "", "two"])
def test_an_update_without_a_readable_version_is_refused_naming_version(
    world: World, version: Any
) -> None:
    body: dict[str, Any] = {"phone": "010-3"}
    if version is not None:
        body["version"] = version
    response = _client(world.agent).patch(
        f"/api/v1/companies/{world.acme.pk}/", body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    world.acme.refresh_from_db()
    assert world.acme.phone == ""


def test_a_handover_section_without_a_version_is_refused_naming_version(world: World) -> None:
    item = f.HandoverItemFactory(project=f.ProjectFactory(company=world.acme))
    response = _client(world.manager).patch(
        f"/api/v1/handover-items/{item.pk}/", {"content": "x"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


@pytest.mark.parametrize(
    ("actor", "method", "url", "body"),
    [
        ("office", "patch", "/api/v1/companies/{acme}/", {"version": 1, "phone": "1"}),
        ("qc", "patch", "/api/v1/contacts/{acme_contact}/", {"version": 1, "phone": "1"}),
        ("engineer", "post", "/api/v1/companies/", {"name": "越权公司"}),
        ("agent", "post", "/api/v1/projects/", {"company": "{acme}", "name": "越权项目"}),
        ("agent", "post", "/api/v1/product-lines/", {"code": "x", "name": "越权"}),
        (
            "manager",
            "post",
            "/api/v1/product-models/",
            {"line": "{line}", "code": "X", "name": "X"},
        ),
        ("acme_portal", "patch", "/api/v1/companies/{acme}/", {"version": 1, "phone": "1"}),
        ("acme_portal", "post", "/api/v1/sites/", {"company": "{acme}", "name": "越权厂区"}),
        (
            "engineer",
            "post",
            "/api/v1/equipment/",
            {"serial_number": "X1", "product_model": "{model}", "company": "{acme}"},
        ),
    ],
)
def test_writes_without_the_permission_are_forbidden(
    world: World, actor: str, method: str, url: str, body: dict[str, Any]
) -> None:
    ids = {
        "acme": world.acme.pk,
        "acme_contact": world.acme_contact.pk,
        "line": world.line.pk,
        "model": world.model.pk,
    }
    body = {
        k: int(v.format(**ids)) if isinstance(v, str) and "{" in v else v for k, v in body.items()
    }
    counts = [m.objects.count() for m in (Company, Project, Site, Equipment, ProductLine)]
    response = getattr(_client(getattr(world, actor)), method)(
        url.format(**ids), body, format="json"
    )
    assert response.status_code == 403, response.content
    assert "detail" in response.json()
    assert [m.objects.count() for m in (Company, Project, Site, Equipment, ProductLine)] == counts
    world.acme.refresh_from_db()
    assert world.acme.version == 1


def test_there_is_no_delete_through_the_api(world: World) -> None:
    response = _client(world.admin).delete(f"/api/v1/companies/{world.acme.pk}/")
    assert response.status_code == 405
    assert Company.objects.filter(pk=world.acme.pk).exists()


# --- Handover through the API ---------------------------------------------------------------


@pytest.fixture
def filled_project(world: World) -> Project:
    project = services.create_project(
        actor=world.manager,
        company=world.acme,
        data={"name": "交接项目", "project_manager": world.engineer},
    )
    for item in project.handover_items.all():
        services.update_handover_item(
            actor=world.manager,
            item=item,
            expected_version=item.version,
            content="已交接",
            not_applicable=False,
        )
    return project


def _confirm(user: User, project: Project, party: str, **extra: Any) -> Any:
    return _client(user).post(
        f"/api/v1/projects/{project.pk}/confirm/", {"party": party, **extra}, format="json"
    )


def test_a_party_confirms_and_a_second_confirmation_is_a_conflict(
    world: World, filled_project: Project
) -> None:
    first = _confirm(world.manager, filled_project, HandoverParty.AFTER_SALES, comment="可以")
    assert first.status_code == 201, first.content
    confirmations = first.json()["confirmations"]
    assert [(c["party"], c["confirmed_by"]) for c in confirmations] == [
        (HandoverParty.AFTER_SALES, world.manager.pk)
    ]
    second = _confirm(world.director, filled_project, HandoverParty.AFTER_SALES)
    assert second.status_code == 409
    assert second.json()["code"] == "already_confirmed"
    assert filled_project.confirmations.count() == 1


def test_confirming_an_unfilled_checklist_names_the_checklist(world: World) -> None:
    project = services.create_project(actor=world.manager, company=world.acme, data={"name": "空"})
    response = _confirm(world.manager, project, HandoverParty.AFTER_SALES)
    assert response.status_code == 400
    assert list(response.json()) == ["checklist"]


def test_a_party_withdraws_its_confirmation_with_a_reason(
    world: World, filled_project: Project
) -> None:
    assert _confirm(world.manager, filled_project, HandoverParty.AFTER_SALES).status_code == 201
    url = f"/api/v1/projects/{filled_project.pk}/withdraw/"
    client = _client(world.manager)
    no_reason = client.post(url, {"party": HandoverParty.AFTER_SALES}, format="json")
    assert no_reason.status_code == 400
    assert list(no_reason.json()) == ["reason"]
    response = client.post(
        url, {"party": HandoverParty.AFTER_SALES, "reason": "图纸版本不对"}, format="json"
    )
    assert response.status_code == 200, response.content
    [confirmation] = response.json()["confirmations"]
    assert confirmation["withdrawn_by"] == world.manager.pk
    assert confirmation["withdraw_reason"] == "图纸版本不对"
    again = client.post(url, {"party": HandoverParty.AFTER_SALES, "reason": "再撤"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "not_confirmed"


def test_three_confirmations_through_the_api_complete_the_handover(
    world: World, filled_project: Project
) -> None:
    unit = services.register_equipment(
        actor=world.manager,
        company=world.acme,
        data={"serial_number": "HP-API-1", "product_model": world.model, "project": filled_project},
    )
    assert _confirm(world.acme_portal, filled_project, HandoverParty.CUSTOMER).status_code == 201
    assert _confirm(world.engineer, filled_project, HandoverParty.PROJECT_TEAM).status_code == 201
    last = _confirm(world.manager, filled_project, HandoverParty.AFTER_SALES)
    assert last.status_code == 201
    assert last.json()["handover_status"] == HandoverStatus.COMPLETED
    assert Equipment.objects.get(pk=unit.pk).status == EquipmentStatus.IN_SERVICE
    late = _client(world.manager).post(
        f"/api/v1/projects/{filled_project.pk}/withdraw/",
        {"party": HandoverParty.AFTER_SALES, "reason": "晚了"},
        format="json",
    )
    assert late.status_code == 409
    assert late.json()["code"] == "handover_completed"


def test_an_agent_records_the_customers_signed_confirmation(
    world: World, filled_project: Project
) -> None:
    unsigned = _confirm(world.agent, filled_project, HandoverParty.CUSTOMER)
    assert unsigned.status_code == 400
    assert list(unsigned.json()) == ["signed_by_contact"]
    signed = _confirm(
        world.agent,
        filled_project,
        HandoverParty.CUSTOMER,
        signed_by_contact=world.acme_contact.pk,
    )
    assert signed.status_code == 201, signed.content
    [confirmation] = signed.json()["confirmations"]
    assert confirmation["signed_by_contact"] == world.acme_contact.pk


def test_a_party_the_actor_cannot_speak_for_is_forbidden(
    world: World, filled_project: Project
) -> None:
    response = _confirm(world.agent, filled_project, HandoverParty.AFTER_SALES)
    assert response.status_code == 403
    assert not filled_project.confirmations.exists()


def test_a_handover_section_is_frozen_while_a_confirmation_stands(
    world: World, filled_project: Project
) -> None:
    _confirm(world.manager, filled_project, HandoverParty.AFTER_SALES)
    item = HandoverItem.objects.filter(project=filled_project).first()
    assert item is not None
    response = _client(world.manager).patch(
        f"/api/v1/handover-items/{item.pk}/",
        {"version": item.version, "content": "改"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "handover_confirmed"


# --- Warranty -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "in_warranty"),
    [
        ("2026-01-14", False),  # before commissioning
        ("2026-01-15", True),
        ("2026-07-01", True),
        ("2027-01-14", True),  # the last covered day
        ("2027-01-15", False),
    ],
)
def test_warranty_endpoint_answers_for_a_date(world: World, on: str, in_warranty: bool) -> None:
    unit = f.EquipmentFactory(company=world.acme, product_model=world.model)
    response = _client(world.agent).get(f"/api/v1/equipment/{unit.pk}/warranty/", {"on": on})
    assert response.status_code == 200
    assert response.json() == {
        "serial_number": unit.serial_number,
        "on": on,
        "warranty_start": "2026-01-15",
        "warranty_end": "2027-01-14",
        "in_warranty": in_warranty,
    }


def test_warranty_of_a_unit_without_dates_is_unknown(world: World) -> None:
    unit = f.EquipmentFactory(
        company=world.acme, product_model=world.model, delivered_on=None, commissioned_on=None
    )
    response = _client(world.agent).get(f"/api/v1/equipment/{unit.pk}/warranty/")
    assert response.status_code == 200
    assert response.json()["in_warranty"] is None


@pytest.mark.parametrize("on", ["2026-13-01", "tomorrow", "2026/01/01"])
def test_warranty_endpoint_refuses_a_bad_date_naming_on(world: World, on: str) -> None:
    unit = f.EquipmentFactory(company=world.acme, product_model=world.model)
    response = _client(world.agent).get(f"/api/v1/equipment/{unit.pk}/warranty/", {"on": on})
    assert response.status_code == 400
    assert list(response.json()) == ["on"]


def test_equipment_list_filters_units_in_warranty_on_a_date(world: World) -> None:
    inside = f.EquipmentFactory(company=world.acme, product_model=world.model)
    f.EquipmentFactory(
        company=world.acme,
        product_model=world.model,
        delivered_on=dt.date(2020, 1, 1),
        commissioned_on=dt.date(2020, 1, 2),
    )
    response = _client(world.agent).get("/api/v1/equipment/", {"in_warranty_on": "2026-06-01"})
    assert [row["id"] for row in response.json()["results"]] == [inside.pk]


# --- Authentication -------------------------------------------------------------------------


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_from_the_command_authenticates_the_api(world: World) -> None:
    out = io.StringIO()
    call_command("create_api_token", "agent", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=world.agent).key == key
    response = _token_client(key).get("/api/v1/companies/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert _token_client(key).get("/api/v1/me/").json()["username"] == "agent"


def test_the_command_refuses_unknown_and_inactive_users(world: World) -> None:
    with pytest.raises(CommandError):
        call_command("create_api_token", "no-such-user", stdout=io.StringIO())
    world.office.is_active = False
    world.office.save()
    with pytest.raises(CommandError):
        call_command("create_api_token", "office", stdout=io.StringIO())
    assert not Token.objects.exists()


def test_issuing_a_token_revokes_the_previous_one(world: World) -> None:
    out = io.StringIO()
    call_command("create_api_token", "engineer", stdout=out)
    old = out.getvalue().strip()
    response = _client(world.engineer).post("/api/v1/me/token/")
    assert response.status_code == 201
    new = response.json()["token"]
    assert new != old
    assert _token_client(new).get("/api/v1/equipment/").status_code == 200
    assert _token_client(old).get("/api/v1/equipment/").status_code in {401, 403}
    assert _actions(world.engineer).count("api_token_issued") == 2


def test_a_revoked_token_stops_working(world: World) -> None:
    key = _client(world.engineer).post("/api/v1/me/token/").json()["token"]
    assert _token_client(key).delete("/api/v1/me/token/").status_code == 204
    assert _token_client(key).get("/api/v1/equipment/").status_code in {401, 403}
    assert not Token.objects.filter(user=world.engineer).exists()


LISTS = [
    "companies",
    "contacts",
    "sites",
    "product-lines",
    "product-models",
    "projects",
    "handover-items",
    "equipment",
    "departments",
    "users",
]


def test_anonymous_requests_are_refused_everywhere(world: World) -> None:
    client = _client()
    for endpoint in LISTS:
        assert client.get(f"/api/v1/{endpoint}/").status_code in {401, 403}, endpoint
    assert client.get(f"/api/v1/companies/{world.acme.pk}/").status_code in {401, 403}
    assert client.get("/api/v1/companies/export/").status_code in {401, 403}
    assert client.post("/api/v1/companies/", {"name": "匿名"}).status_code in {401, 403}
    assert client.get("/api/v1/me/").status_code in {401, 403}
    assert client.post("/api/v1/me/token/").status_code in {401, 403}
    assert not Company.objects.filter(name="匿名").exists()


def test_a_bad_token_is_refused(world: World) -> None:
    assert _token_client("0" * 40).get("/api/v1/companies/").status_code in {401, 403}


# --- Documentation --------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_customers_api() -> None:
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in LISTS:
        assert f"/api/v1/{endpoint}/" in paths
    assert "/api/v1/equipment/{id}/warranty/" in paths


def test_swagger_ui_is_served_with_local_assets_only() -> None:
    client = APIClient()
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert not re.match(r"(https?:)?//", asset), asset
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
