"""The service-request API: registration, actions, 409s, search, attachments, query budget."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.service import services as s
from aftersales.service.models import ServiceRequest
from aftersales.sla.services import forget_read_calendar
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-requests/"


def _create(api, world: World, **extra) -> dict:
    api.force_authenticate(world.agent)
    body = {
        "channel": "phone",
        "request_type": "fault",
        "priority": "P2",
        "company": world.acme.pk,
        "contact": world.acme_contact.pk,
        "title": "反渗透设备漏水",
        "description": "产水管接头处漏水，压力下降。",
        **extra,
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_agent_registers_a_call_and_sees_its_clocks(api, world: World) -> None:
    data = _create(api, world)
    assert data["number"].startswith("SR-")
    kinds = {c["kind"]: c for c in data["clocks"]}
    assert {"response", "resolution"} <= set(kinds)
    assert kinds["response"]["state"] in {"on_track", "at_risk", "breached"}
    assert isinstance(kinds["response"]["remaining_seconds"], int)
    assert "accept" in data["allowed_actions"]


def test_future_received_at_names_the_field(api, world: World) -> None:
    api.force_authenticate(world.agent)
    response = api.post(
        URL,
        {
            "channel": "phone",
            "request_type": "fault",
            "company": world.acme.pk,
            "title": "x",
            "received_at": "2099-01-01T00:00:00+08:00",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "received_at" in response.json()


def test_transition_actions_and_their_conflicts(api, world: World) -> None:
    data = _create(api, world)
    url = f"{URL}{data['id']}/"
    accepted = api.post(
        url + "accept/", {"version": data["version"], "owner": world.engineer.pk}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    stale = api.post(url + "start/", {"version": data["version"]}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    wrong = api.post(url + "confirm/", {"version": accepted.json()["version"]}, format="json")
    assert wrong.status_code == 409 and wrong.json()["code"] == "invalid_transition"
    missing = api.post(url + "start/", {}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    api.force_authenticate(world.engineer)
    started = api.post(url + "start/", {"version": accepted.json()["version"]}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    # Dispatching is approving a trip plan (field): by hand it is refused.
    refused = api.post(url + "dispatch/", {"version": started.json()["version"]}, format="json")
    assert refused.status_code == 400 and refused.json()["non_field_errors"]
    assert ServiceRequest.objects.get(pk=data["id"]).status == "in_progress"


def test_forbidden_role_gets_403(api, world: World) -> None:
    data = _create(api, world)
    api.force_authenticate(world.office)
    response = api.post(
        f"{URL}{data['id']}/cancel/",
        {"version": data["version"], "reason": "invalid"},
        format="json",
    )
    assert response.status_code == 403


def test_portal_user_of_another_company_gets_404_everywhere(api, world: World) -> None:
    data = _create(api, world)
    api.force_authenticate(world.globex_portal)
    assert api.get(URL).json()["count"] == 0
    for suffix in ["", "messages/", "attachments/", "history/"]:
        assert api.get(f"{URL}{data['id']}/{suffix}").status_code == 404, suffix
    assert api.post(f"{URL}{data['id']}/confirm/", {"version": 1}, format="json").status_code == 404


def test_attachment_of_another_company_is_404(api, world: World) -> None:
    data = _create(api, world)
    upload = SimpleUploadedFile("现场照片.png", b"\x89PNG fake", content_type="image/png")
    response = api.post(f"{URL}{data['id']}/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    download = response.json()["download_url"]
    api.force_authenticate(world.acme_portal)
    ok = api.get(download)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"\x89PNG fake"
    api.force_authenticate(world.globex_portal)
    assert api.get(download).status_code == 404


def test_attachment_type_and_size_are_checked(api, world: World, settings) -> None:
    data = _create(api, world)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = api.post(f"{URL}{data['id']}/attachments/", {"file": bad}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    settings.AFTERSALES_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    response = api.post(f"{URL}{data['id']}/attachments/", {"file": big}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_portal_user_sees_replies_not_notes(api, world: World) -> None:
    data = _create(api, world)
    request = ServiceRequest.objects.get(pk=data["id"])
    s.add_note(actor=world.agent, request=request, body="内部备注")
    s.add_reply(actor=world.agent, request=request, body="您好，我们正在处理")
    api.force_authenticate(world.acme_portal)
    bodies = [m["body"] for m in api.get(f"{URL}{data['id']}/messages/").json()]
    assert bodies == ["您好，我们正在处理"]
    posted = api.post(f"{URL}{data['id']}/messages/", {"kind": "note", "body": "x"}, format="json")
    assert posted.status_code == 403


def test_search_finds_a_two_character_chinese_term(api, world: World) -> None:
    _create(api, world, title="冷却塔风机异响", description="风机轴承可能损坏")
    _create(api, world, title="纯水设备漏水", description="接头漏水")
    found = api.get(URL, {"q": "漏水"}).json()
    assert [r["title"] for r in found["results"]] == ["纯水设备漏水"]
    assert api.get(URL, {"q": "轴承"}).json()["count"] == 1
    assert api.get(URL, {"q": "不存在的词"}).json()["count"] == 0


def test_search_by_number_and_customer(api, world: World) -> None:
    data = _create(api, world)
    assert api.get(URL, {"q": data["number"]}).json()["count"] == 1
    assert api.get(URL, {"q": "甲方"}).json()["count"] == 1


def test_filters_and_ordering_by_due_time(api, world: World) -> None:
    _create(api, world, priority="P1")
    _create(api, world, priority="P4")
    rows = api.get(URL, {"ordering": "next_due_at", "priority": ["P1", "P4"]}).json()["results"]
    assert len(rows) == 2
    dues = [r["next_due_at"] for r in rows]
    assert dues == sorted(dues)
    assert api.get(URL, {"unassigned": "true"}).json()["count"] == 2
    assert api.get(URL, {"sla_state": "breached"}).json()["count"] == 0


def _list_queries(api, page_size: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(URL, {"page_size": page_size, "ordering": "next_due_at"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_page_size(api, world: World) -> None:
    for i in range(50):
        _create(api, world, title=f"第{i}号设备报警")
    api.force_authenticate(world.agent)
    forget_read_calendar()
    cold = _list_queries(api, 2)
    small = _list_queries(api, 2)
    large = _list_queries(api, 50)
    assert small == large
    assert large == 3  # count, page, clocks
    assert cold == 5  # and the calendar (hours, overrides), kept for a minute afterwards
