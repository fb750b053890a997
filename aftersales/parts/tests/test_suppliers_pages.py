"""The supplier pages: writing and sending a notice, following it to solved with a rating,
the supplier scores and their export, outsiders, and the lists' query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.parts.models import Supplier, SupplierNotice
from aftersales.parts.models.suppliers import CostBearer, NoticeStatus
from aftersales.parts.services import suppliers as sup
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _supplier(world: World, name: str = "江南密封件有限公司") -> Supplier:
    return sup.create_supplier(
        actor=world.manager, data={"name": name, "email": "svc@seal.example", "phone": "0512-1"}
    )


def _form(supplier: Supplier, **kw: Any) -> dict[str, Any]:
    return {
        "supplier": str(supplier.pk),
        "problem": "减速机轴承异响",
        "model": "NSK 6205",
        "quantity": "4",
        "site_address": "上海市浦东新区张江路 100 号",
        "contact_name": "张伟",
        "contact_phone": "13800001111",
        "required_by": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "cost_bearer": CostBearer.SUPPLIER,
        **kw,
    }


def test_a_notice_is_written_sent_answered_and_solved_on_the_pages(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    supplier = _supplier(world)
    sr = new_request(world, owner=world.engineer)
    agent = _client(world.agent)
    assert agent.get(f"/supplier-notices/new/?request={sr.pk}").status_code == 200
    response = agent.post("/supplier-notices/new/", _form(supplier, request_number=sr.number))
    notice = SupplierNotice.objects.get()
    assert response.status_code == 302
    assert notice.request == sr
    preview = agent.get(f"/supplier-notices/{notice.pk}/pdf/")
    assert preview["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(f"/supplier-notices/{notice.pk}/send/", {"send-version": "1"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    sent_pdf = agent.get(f"/supplier-notices/{notice.pk}/pdf/")
    assert sent_pdf.status_code == 302
    assert sent_pdf["Location"].startswith("/attachments/")
    response = agent.post(
        f"/supplier-notices/{notice.pk}/respond/",
        {"respond-version": "2", "respond-response": "周三派工程师到场"},
    )
    assert response.status_code == 302
    page = agent.get(f"/supplier-notices/{notice.pk}/").content.decode()
    assert 'data-action="solve"' not in page  # the agent does not rate
    manager = _client(world.manager)
    response = manager.post(
        f"/supplier-notices/{notice.pk}/solve/", {"solve-version": "3", "solve-outcome": ""}
    )
    assert response.status_code == 400
    form = next(a["form"] for a in response.context["actions"] if a["name"] == "solve")
    assert {"outcome", "quality"} <= set(form.errors)
    response = manager.post(
        f"/supplier-notices/{notice.pk}/solve/",
        {"solve-version": "3", "solve-outcome": "已更换轴承", "solve-quality": "5"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.quality, notice.on_time) == (NoticeStatus.SOLVED, 5, True)
    page = manager.get(f"/requests/{sr.pk}/").content.decode()
    assert notice.number in page


def test_bad_input_on_the_notice_form_names_the_field(world: World) -> None:
    supplier = _supplier(world)
    agent = _client(world.agent)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = agent.post("/supplier-notices/new/", _form(supplier, required_by=past))
    assert response.status_code == 400
    assert "required_by" in response.context["form"].errors
    response = agent.post("/supplier-notices/new/", _form(supplier, request_number="SR-0000-1"))
    assert "request_number" in response.context["form"].errors
    assert not SupplierNotice.objects.exists()


def test_the_supplier_page_adds_a_supplier_and_shows_scores_with_an_export(world: World) -> None:
    manager = _client(world.manager)
    response = manager.post("/suppliers/", {"name": "华东轴承厂", "is_active": "on"})
    assert response.status_code == 302
    response = manager.post("/suppliers/", {"name": "华东轴承厂", "is_active": "on"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    page = manager.get("/suppliers/").content.decode()
    assert "华东轴承厂" in page
    csv = manager.get("/suppliers/", {"format": "csv"})
    assert "华东轴承厂" in csv.content.decode("utf-8-sig")
    supplier = Supplier.objects.get()
    response = manager.post(
        f"/suppliers/{supplier.pk}/",
        {"version": "1", "name": "华东轴承厂", "phone": "021-555", "is_active": "on"},
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.phone == "021-555"


def test_portal_users_and_people_without_the_permission_get_404(world: World) -> None:
    supplier = _supplier(world)
    notice = sup.create_notice(
        actor=world.agent,
        data={
            "supplier": supplier,
            "problem": "异响",
            "model": "X",
            "quantity": 1,
            "site_address": "上海",
            "contact_name": "张伟",
            "contact_phone": "1",
            "required_by": timezone.localdate(),
        },
    )
    for user in (world.acme_portal, world.globex_portal):
        client = _client(user)
        assert client.get("/supplier-notices/").status_code == 404
        assert client.get(f"/supplier-notices/{notice.pk}/").status_code == 404
        assert client.get("/suppliers/").status_code == 404
    assert _client(world.agent).post("/suppliers/", {"name": "x"}).status_code == 404


def _notices(world: World, n: int) -> None:
    supplier = Supplier.objects.first() or _supplier(world)
    SupplierNotice.objects.all().delete()
    SupplierNotice.objects.bulk_create(
        SupplierNotice(
            number=f"SUP-T-{i}",
            supplier=supplier,
            problem="漏水",
            model="MS-45",
            quantity=1,
            site_address="上海",
            contact_name="张伟",
            contact_phone="1",
            required_by=timezone.localdate(),
            created_by=world.agent,
        )
        for i in range(n)
    )


def _flat(client: Client, url: str, key: str, make: Any, world: World) -> list[int]:
    client.get(url)
    counts = []
    for n in (2, 20):
        make(world, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        if key:
            assert len(response.context[key]) == n
        counts.append(len(ctx.captured_queries))
    return counts


def test_the_notice_list_query_count_is_flat(world: World) -> None:
    counts = _flat(_client(world.manager), "/supplier-notices/", "notices", _notices, world)
    assert counts[0] == counts[1] <= 12


def _suppliers(world: World, n: int) -> None:
    Supplier.objects.bulk_create(
        Supplier(name=f"供应商{i}") for i in range(Supplier.objects.count(), n)
    )


def test_the_supplier_list_query_count_is_flat(world: World) -> None:
    counts = _flat(_client(world.manager), "/suppliers/", "scores", _suppliers, world)
    assert counts[0] == counts[1] <= 12
