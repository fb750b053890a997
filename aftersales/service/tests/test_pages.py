"""The request pages: workspace queues, registration, the request page and its actions,
the engineer's day, global search — and that nobody reaches what they may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.core.models import Attachment
from aftersales.service import services as s
from aftersales.service.choices import MessageKind, Status
from aftersales.service.models import Message, ServiceRequest
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request(world: World, *, owner: Any = None, title: str = "二号泵漏水") -> ServiceRequest:
    request = s.register_request(
        actor=world.agent,
        data={"channel": "phone", "request_type": "fault", "company": world.acme, "title": title},
    )
    if owner is not None:
        request = s.accept_request(
            actor=world.agent, request=request, expected_version=None, owner=owner
        )
    return request


def test_workspace_shows_queues_with_counts_and_the_engineers_requests(world: World) -> None:
    mine = _request(world, owner=world.engineer, title="冷却塔异响")
    _request(world, title="未受理的请求")
    response = _client(world.engineer).get("/requests/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.number in body
    assert "未受理的请求" not in body  # "my open requests" is the first queue
    unassigned = _client(world.agent).get("/requests/?queue=unassigned").content.decode()
    assert "未受理的请求" in unassigned and "冷却塔异响" not in unassigned


def test_workspace_accepts_the_api_filters_of_a_notification_link(world: World) -> None:
    _request(world, owner=world.engineer, title="冷却塔异响")
    response = _client(world.agent).get("/requests/?sla_state=breached&open=true")
    assert response.status_code == 200
    assert "冷却塔异响" not in response.content.decode()


def test_workspace_rows_partial_for_htmx(world: World) -> None:
    _request(world, owner=world.engineer)
    response = _client(world.engineer).get(
        "/requests/?queue=mine&order=-due&partial=rows", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.startswith('<div id="request-rows">') and "<html" not in body


@pytest.mark.parametrize("rows", [2, 20])
def test_workspace_query_count_does_not_grow_with_rows(
    world: World, rows: int, django_assert_num_queries: Any
) -> None:
    numbers = [
        _request(world, owner=world.engineer, title=f"设备{i}报警").number for i in range(rows)
    ]
    client = _client(world.engineer)
    client.get("/requests/")  # warm the session and content types
    with django_assert_num_queries(14):
        response = client.get("/requests/")
    body = response.content.decode()
    assert all(number in body for number in numbers)


def test_portal_users_and_anonymous_never_reach_the_workspace(world: World) -> None:
    assert _client(world.acme_portal).get("/requests/").status_code == 404
    response = Client().get("/requests/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_registering_a_call_for_a_key_account_and_handing_it_to_an_engineer(world: World) -> None:
    world.acme.tier = "key"
    world.acme.save()
    unit = f.EquipmentFactory(company=world.acme, product_model=world.model)
    response = _client(world.agent).post(
        "/requests/new/",
        {
            "channel": "phone",
            "received_at": "2026-12-01T09:30",
            "company": world.acme.pk,
            "equipment": unit.pk,
            "request_type": "fault",
            "priority": "P1",
            "title": "主泵停机",
            "description": "客户来电：主泵停机，现场报警。",
            "owner": world.engineer.pk,
        },
    )
    created = ServiceRequest.objects.get(title="主泵停机")
    assert response.status_code == 302 and response["Location"] == f"/requests/{created.pk}/"
    assert created.status == Status.ACCEPTED and created.owner == world.engineer
    assert created.equipment == unit and created.priority == "P1"


def test_registration_errors_name_the_field_and_keep_the_input(world: World) -> None:
    response = _client(world.agent).post(
        "/requests/new/",
        {
            "channel": "phone",
            "received_at": "2099-01-01T09:00",
            "company": world.acme.pk,
            "request_type": "fault",
            "priority": "P3",
            "title": "",
            "description": "保留这段描述",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "保留这段描述" in body
    assert "Title: This field is required." in body


def test_a_received_time_in_the_future_is_refused_on_its_field(world: World) -> None:
    response = _client(world.agent).post(
        "/requests/new/",
        {
            "channel": "letter",
            "received_at": "2099-01-01T09:00",
            "company": world.acme.pk,
            "request_type": "fault",
            "priority": "P3",
            "title": "来函",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not ServiceRequest.objects.filter(title="来函").exists()


def test_the_customer_panel_shows_warranty_and_possible_duplicates(world: World) -> None:
    unit = f.EquipmentFactory(
        company=world.acme,
        product_model=world.model,
        delivered_on=dt.date(2026, 1, 1),
        warranty_end=dt.date(2030, 1, 1),
    )
    open_one = _request(world, title="已有的漏水请求")
    response = _client(world.agent).get(
        f"/requests/lookup/customer/?company={world.acme.pk}&unit={unit.pk}"
    )
    body = response.content.decode()
    assert str(unit.serial_number) in body and "2030-01-01" in body
    assert open_one.number in body


def test_lookup_finds_customers_and_units_the_agent_may_see(world: World) -> None:
    unit = f.EquipmentFactory(
        company=world.acme, product_model=world.model, serial_number="ZX-9001"
    )
    body = _client(world.agent).get("/requests/lookup/customers/?customer_q=ZX-90").content.decode()
    assert "ZX-9001" in body and f"unit={unit.pk}" in body
    assert (
        _client(world.acme_portal).get("/requests/lookup/customers/?customer_q=ZX").status_code
        == 404
    )


def test_the_request_page_offers_only_the_allowed_actions(world: World) -> None:
    request = _request(world, owner=world.engineer)
    engineer_page = _client(world.engineer).get(f"/requests/{request.pk}/").content.decode()
    assert 'data-action="start"' in engineer_page
    assert 'data-action="cancel"' not in engineer_page
    agent_page = _client(world.agent).get(f"/requests/{request.pk}/").content.decode()
    assert 'data-action="cancel"' in agent_page and 'data-action="start"' not in agent_page


def test_the_owner_starts_and_resolves_through_the_page(world: World) -> None:
    request = _request(world, owner=world.engineer)
    client = _client(world.engineer)
    response = client.post(f"/requests/{request.pk}/start/", {"start-version": request.version})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    response = client.post(
        f"/requests/{request.pk}/resolve/",
        {"resolve-version": request.version, "resolve-resolution": "更换机械密封，试运行正常。"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.RESOLVED


def test_a_stale_version_changes_nothing_keeps_the_text_and_shows_what_changed(
    world: World,
) -> None:
    request = _request(world, owner=world.engineer)
    seen_version = request.version
    seen_at = request.updated_at.isoformat()
    s.start_work(actor=world.engineer, request=request, expected_version=request.version)
    response = _client(world.engineer).post(
        f"/requests/{request.pk}/resolve/",
        {
            "resolve-version": seen_version,
            "resolve-seen_at": seen_at,
            "resolve-resolution": "我写了很久的处理说明",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "我写了很久的处理说明" in body
    assert "Changed by someone else" in body and "started work" in body
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


def test_a_forbidden_action_is_refused_with_a_message(world: World) -> None:
    request = _request(world, owner=world.engineer)
    response = _client(world.qc).post(
        f"/requests/{request.pk}/start/", {"start-version": request.version}, follow=True
    )
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert response.status_code in (200, 404)


def test_reply_with_attachment_and_internal_note(world: World) -> None:
    request = _request(world, owner=world.engineer)
    client = _client(world.engineer)
    upload = SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    response = client.post(
        f"/requests/{request.pk}/message/",
        {
            "msg-kind": MessageKind.REPLY,
            "msg-body": "已安排工程师明天上门。",
            "msg-attachments": upload,
        },
    )
    assert response.status_code == 302
    reply = Message.objects.get(request=request, kind=MessageKind.REPLY)
    assert Attachment.objects.filter(object_id=str(reply.pk)).count() == 1
    client.post(
        f"/requests/{request.pk}/message/",
        {"msg-kind": MessageKind.NOTE, "msg-body": "内部：备件库存不足"},
    )
    assert Message.objects.filter(request=request, kind=MessageKind.NOTE).count() == 1
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "现场照片.png" in page and "内部：备件库存不足" in page


def test_an_empty_message_names_the_field(world: World) -> None:
    request = _request(world, owner=world.engineer)
    response = _client(world.engineer).post(
        f"/requests/{request.pk}/message/",
        {"msg-kind": MessageKind.REPLY, "msg-body": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Text: This field is required." in response.content.decode()


def test_merge_by_number_and_reassign_through_the_page(world: World) -> None:
    survivor = _request(world, owner=world.engineer, title="原请求")
    duplicate = _request(world, owner=world.engineer, title="重复请求")
    client = _client(world.agent)
    response = client.post(
        f"/requests/{duplicate.pk}/merge/",
        {"merge-version": duplicate.version, "merge-into": survivor.number.lower()},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and duplicate.status == Status.CANCELLED
    other = f.UserFactory(username="engineer2", department=world.service, roles=["engineer"])
    response = client.post(
        f"/requests/{survivor.pk}/assign/",
        {"assign-version": survivor.version, "assign-owner": other.pk, "assign-reason": "出差"},
    )
    assert response.status_code == 302
    survivor.refresh_from_db()
    assert survivor.owner == other


def test_invite_an_expert_from_the_page(world: World) -> None:
    request = _request(world, owner=world.engineer)
    response = _client(world.agent).post(
        f"/requests/{request.pk}/invite/",
        {"invite-expert": world.outsider_engineer.pk, "invite-reason": "请技术部会诊"},
    )
    assert response.status_code == 302
    assert request.experts.filter(user=world.outsider_engineer).exists()
    page = _client(world.outsider_engineer).get(f"/requests/{request.pk}/")
    assert page.status_code == 200


def test_outsiders_get_404_on_every_request_address(world: World) -> None:
    request = _request(world, owner=world.engineer)
    for user in (world.outsider_engineer, world.acme_portal, world.globex_portal):
        client = _client(user)
        assert client.get(f"/requests/{request.pk}/").status_code == 404
        assert (
            client.post(f"/requests/{request.pk}/start/", {"start-version": 1}).status_code == 404
        )
        assert (
            client.post(
                f"/requests/{request.pk}/message/", {"msg-kind": "reply", "msg-body": "x"}
            ).status_code
            == 404
        )


def test_my_work_groups_the_engineers_open_requests(world: World) -> None:
    request = _request(world, owner=world.engineer, title="今天要处理的")
    s.wait(
        actor=world.engineer,
        request=_request(world, owner=world.engineer, title="等备件的"),
        expected_version=2,
        status=Status.WAITING_PARTS,
        reason="等备件",
    )
    body = _client(world.engineer).get("/my-work/").content.decode()
    assert request.number in body and "等备件的" in body
    assert body.index("等备件的") > body.index('id="waiting"')


def test_search_opens_a_request_by_number_and_finds_chinese_words(world: World) -> None:
    request = _request(world, title="冷却水泵漏水")
    client = _client(world.agent)
    response = client.get(f"/search/?q={request.number}")
    assert response.status_code == 302 and response["Location"] == f"/requests/{request.pk}/"
    body = client.get("/search/?q=漏水").content.decode()
    assert request.number in body
    assert (
        _client(world.outsider_engineer)
        .get("/search/?q=漏水")
        .content.decode()
        .count(request.number)
        == 0
    )


PAGES = {
    # address: pinned queries, the same for 2 and for 20 requests
    "/my-work/": 12,
    "/requests/?queue=mine&order=-due&partial=rows": 6,
    "/search/?q=报警": 11,
}


@pytest.mark.parametrize("address", list(PAGES))
def test_list_pages_and_partials_cost_the_same_queries_for_2_and_20_rows(
    world: World, address: str, django_assert_num_queries: Any
) -> None:
    client = _client(world.engineer)
    for rows in (2, 20):
        for i in range(ServiceRequest.objects.count(), rows):
            _request(world, owner=world.engineer, title=f"设备{i}报警")
        client.get(address, HTTP_HX_REQUEST="true")  # session, content types, calendar
        with django_assert_num_queries(PAGES[address]):
            response = client.get(address, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert response.content.decode().count("设备") >= rows
