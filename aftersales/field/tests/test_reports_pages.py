"""The service-report pages: the request panel, writing, signing on the canvas, the public
link page, sign-off, review, the portal panel and PDF, and the lists' query budgets."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.core import clock
from aftersales.core.history import history_for
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ServiceReport
from aftersales.field.services import reports as svc
from aftersales.field.tests.report_fixtures import (
    effective_report,
    parts,
    request_with_visit,
    signature_png,
    written_report,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_the_request_page_shows_the_reports_panel_with_a_write_button(world):
    request, _visit = request_with_visit(world)
    page = client_for(world.engineer).get(reverse("service:detail", args=[request.pk]))
    assert page.status_code == 200
    assert 'data-panel="reports"' in page.content.decode()
    assert "data-new-report" in page.content.decode()
    other = client_for(world.agent).get(reverse("service:detail", args=[request.pk]))
    assert "data-new-report" not in other.content.decode()


def test_the_engineer_writes_the_report_in_the_page(world):
    seal, _bearing = parts(world)
    request, visit = request_with_visit(world)
    client = client_for(world.engineer)
    response = client.post(reverse("field:report-new", args=[request.pk]), {"visit": visit.pk})
    report = ServiceReport.objects.get()
    assert response.url == reverse("field:report-detail", args=[report.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "机械密封" in page.content.decode()
    form = {
        "version": report.version,
        "fault_found": "密封漏水",
        "cause": "磨损",
        "work_done": "更换密封",
        "customer_opinion": "满意",
        "labour-TOTAL_FORMS": 1,
        "labour-INITIAL_FORMS": 0,
        "labour-0-engineer": world.engineer.pk,
        "labour-0-hours": "2.5",
        "parts-TOTAL_FORMS": 1,
        "parts-INITIAL_FORMS": 0,
        "parts-0-part": seal.pk,
        "parts-0-quantity": "1",
        "parts-0-old_serial": "OLD-1",
    }
    response = client.post(reverse("field:report-edit", args=[report.pk]), form)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.work_done == "更换密封" and report.parts.get().old_serial == "OLD-1"


def test_a_bad_quantity_is_named_in_the_error(world):
    seal, _bearing = parts(world)
    report = written_report(world)
    response = client_for(world.engineer).post(
        reverse("field:report-edit", args=[report.pk]),
        {
            "version": report.version,
            "labour-TOTAL_FORMS": 0,
            "labour-INITIAL_FORMS": 0,
            "parts-TOTAL_FORMS": 1,
            "parts-INITIAL_FORMS": 0,
            "parts-0-part": seal.pk,
            "parts-0-quantity": "0",
        },
    )
    assert response.status_code == 400
    assert "数量: 请输入大于 0 的数量。" in response.content.decode()


def test_the_customer_signs_on_the_page_and_the_manager_signs_off(world):
    report = written_report(world)
    engineer = client_for(world.engineer)
    engineer.post(reverse("field:report-submit", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_CUSTOMER
    blank = engineer.post(
        reverse("field:report-sign", args=[report.pk]),
        {"version": report.version, "signer_name": "张伟", "signature": ""},
    )
    assert blank.status_code == 400 and "请在框内签名" in blank.content.decode()
    engineer.post(
        reverse("field:report-sign", args=[report.pk]),
        {
            "version": report.version,
            "signer_name": "张伟",
            "signature": data_url(signature_png()),
        },
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_MANAGER
    manager = client_for(world.manager)
    page = manager.get(reverse("field:report-detail", args=[report.pk]))
    assert "data-sign-off" in page.content.decode()
    manager.post(
        reverse("field:report-sign-off", args=[report.pk]),
        {"version": report.version, "signature": data_url(signature_png())},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.EFFECTIVE
    assert bytes(report.manager_signature).startswith(b"\x89PNG")


def test_the_public_link_page_needs_no_login_and_works_once(world):
    report = written_report(world)
    report = svc.submit_report(actor=world.engineer, report=report, expected_version=report.version)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = reverse("field:report-confirm-public", args=[sent.token])
    page = anonymous.get(url)
    assert page.status_code == 200 and "更换机械密封" in page.content.decode()
    empty = anonymous.post(url, {"signer_name": ""})
    assert "您的姓名" in empty.content.decode()
    done = anonymous.post(url, {"signer_name": "张伟"})
    assert "data-confirmed" in done.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_MANAGER
    assert anonymous.get(url).status_code == 410
    assert anonymous.get(reverse("field:report-confirm-public", args=["x" * 40])).status_code == 404
    entry = history_for(report).get(action="customer_confirm")
    assert entry.actor is None and "张伟" in entry.message


def test_the_portal_user_downloads_their_effective_report_and_sees_no_costs(world):
    report = effective_report(world)
    portal = client_for(world.acme_portal)
    page = portal.get(reverse("portal:detail", args=[report.request_id]))
    body = page.content.decode()
    assert "data-report-pdf" in body
    assert "费用" not in body and "cost" not in body.lower()
    pdf = portal.get(reverse("field:report-pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # The staff page is not theirs.
    assert portal.get(reverse("field:report-detail", args=[report.pk])).status_code == 404


def test_an_outsider_portal_user_gets_404(world):
    report = effective_report(world)
    outsider = client_for(world.globex_portal)
    assert outsider.get(reverse("field:report-pdf", args=[report.pk])).status_code == 404
    assert outsider.get(reverse("field:report-detail", args=[report.pk])).status_code == 404


def test_a_portal_user_cannot_fetch_a_report_that_is_not_effective(world):
    report = written_report(world)
    portal = client_for(world.acme_portal)
    assert portal.get(reverse("field:report-pdf", args=[report.pk])).status_code == 404


def test_an_outsider_engineer_cannot_open_or_act_on_the_report(world):
    report = written_report(world)
    outsider = client_for(world.outsider_engineer)
    assert outsider.get(reverse("field:report-detail", args=[report.pk])).status_code == 404
    response = outsider.post(
        reverse("field:report-submit", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 404


def test_management_reviews_from_the_review_list(world):
    report = effective_report(world)
    manager = client_for(world.manager)
    listing = manager.get(reverse("field:report-review-list"))
    assert report.number in listing.content.decode()
    response = manager.post(
        reverse("field:report-review", args=[report.pk]),
        {"version": report.version, "review_state": "follow_up", "review_comment": ""},
    )
    assert response.status_code == 400
    assert "审核意见: 请说明需要跟进的内容。" in response.content.decode()
    manager.post(
        reverse("field:report-review", args=[report.pk]),
        {"version": report.version, "review_state": "ok", "review_comment": "合格"},
    )
    report.refresh_from_db()
    assert report.review_state == "ok"
    assert report.number not in manager.get(reverse("field:report-review-list")).content.decode()
    assert client_for(world.engineer).get(reverse("field:report-review-list")).status_code == 404


def test_the_menu_has_a_reports_entry_for_staff_only(world):
    url = reverse("field:report-list")
    assert url in client_for(world.engineer).get(url).content.decode()
    assert client_for(world.acme_portal).get(url).status_code == 404


def _many(world: Any, request: Any, count: int) -> None:
    for i in range(count):
        ServiceReport.objects.create(
            number=f"FW-TEST-{i:04d}-{ServiceReport.objects.count()}",
            request=request,
            author=world.engineer,
            created_at=clock.now(),
            fault_found="漏水",
        )


@pytest.mark.parametrize("name", ["field:report-list", "field:report-review-list"])
def test_the_lists_query_count_is_flat(world, name):
    request, _visit = request_with_visit(world)
    manager = client_for(world.manager)
    url = reverse(name)
    params = {"status": ""} if name == "field:report-list" else {"review_state": ""}
    manager.get(url, params)
    counts = []
    for n in (2, 20):
        _many(world, request, n)
        if name == "field:report-review-list":
            ServiceReport.objects.update(
                status=ReportStatus.AWAITING_MANAGER,
                customer_signer="张伟",
                customer_signed_at=clock.now(),
            )
        with CaptureQueriesContext(connection) as queries:
            response = manager.get(url, params)
        assert response.status_code == 200
        assert response.content.decode().count("data-report=") == ServiceReport.objects.count()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_engineer_sends_a_link_then_types_the_code_in_the_page(world, monkeypatch):
    report = written_report(world)
    report = svc.submit_report(actor=world.engineer, report=report, expected_version=report.version)
    codes: list[str] = []
    real = svc.send_confirmation

    def spy(**kwargs: Any) -> Any:
        sent = real(**kwargs)
        codes.append(sent.code)
        return sent

    monkeypatch.setattr(svc, "send_confirmation", spy)
    engineer = client_for(world.engineer)
    engineer.post(reverse("field:report-send-link", args=[report.pk]))
    page = engineer.get(reverse("field:report-detail", args=[report.pk])).content.decode()
    assert "确认码发送给 张伟" in page or "向 张伟 发送链接和确认码" in page
    assert codes[0] not in page
    wrong = engineer.post(
        reverse("field:report-code", args=[report.pk]),
        {"version": report.version, "code": "x", "signer_name": "张伟"},
    )
    assert wrong.status_code == 400 and "确认码: 确认码不正确。" in wrong.content.decode()
    engineer.post(
        reverse("field:report-code", args=[report.pk]),
        {"version": report.version, "code": codes[0], "signer_name": "张伟"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_MANAGER
    assert report.customer_method == "code"
