"""A service report in a real browser: the engineer writes it on a phone from a request with
a visit, the customer signs on the canvas, the manager signs it off with a drawn signature,
and the PDF of three copies downloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.field.choices import ReportStatus
from aftersales.field.models import ServiceReport
from aftersales.field.tests.report_fixtures import parts, request_with_visit
from aftersales.testing.pdf import to_png
from aftersales.testing.world import World
from e2e.conftest import PageFactory, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)


def draw_signature(page: Page, form: str) -> None:
    """Sign the canvas of ``form`` with the mouse: a zigzag across the box."""
    canvas = page.locator(f"{form} [data-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i, (fx, fy) in enumerate([(0.25, 0.2), (0.4, 0.8), (0.55, 0.25), (0.7, 0.75), (0.9, 0.3)]):
        page.mouse.move(x + w * fx, y + h * fy, steps=5 + i)
    page.mouse.up()


def test_engineer_writes_customer_signs_manager_signs_off_pdf_downloads(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
    tmp_path: Path,
) -> None:
    seal, _bearing = parts(world)
    request, _visit = request_with_visit(world)
    phone = page("phone")
    login(phone, live_server.url, world.engineer.username, PASSWORD)
    report_to_pdf(live_server.url, page, shot, world, request, phone, seal, tmp_path)


def report_to_pdf(
    url: str,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
    request: Any,
    phone: Page,
    seal: Any,
    tmp_path: Path,
) -> ServiceReport:
    """From the request page on the engineer's phone (signed in): write the report, the
    customer signs on the canvas, the manager signs off on a desktop, the PDF downloads.
    Returns the effective report."""
    phone.goto(f"{url}/requests/{request.pk}/")
    phone.locator("[data-new-report]").click()
    expect(phone.locator("h1")).to_contain_text("FW-")
    phone.locator("#id_fault_found").fill("二号机组冷却水泵机械密封磨损，漏水。")
    phone.locator("#id_cause").fill("密封件超期使用。")
    phone.locator("#id_work_done").fill("更换机械密封，试运行两小时无泄漏。")
    phone.locator("#id_customer_opinion").fill("处理及时，满意。")
    phone.locator("#id_labour-0-engineer").select_option(str(world.engineer.pk))
    phone.locator("#id_labour-0-hours").fill("3.5")
    phone.locator("#id_parts-0-part").select_option(str(seal.pk))
    phone.locator("#id_parts-0-quantity").fill("1")
    phone.locator("#id_parts-0-old_serial").fill("MS-OLD-0091")
    phone.locator("[data-save-draft]").click()
    expect(phone.locator(".msg.success")).to_be_visible()
    phone.locator("[data-submit-report]").click()
    expect(phone.locator(".status")).to_have_text("待客户确认")
    shot(phone, "1-awaiting-customer")

    # The customer signs on the engineer's phone.
    expect(phone.locator("#id_signer_name")).to_have_value("张伟")
    draw_signature(phone, "[data-sign-form]")
    shot(phone, "2-signed")
    phone.locator("[data-customer-sign]").click()
    expect(phone.locator(".status")).to_have_text("待经理签字")
    expect(phone.locator("[data-customer-signature]")).to_be_visible()

    report = ServiceReport.objects.get()
    assert report.customer_signature is not None
    assert bytes(report.customer_signature).startswith(b"\x89PNG")

    # The manager signs it off on a desktop, drawing a signature too.
    desk = page("desktop")
    login(desk, url, world.manager.username, PASSWORD)
    desk.goto(f"{url}/reports/{report.pk}/")
    draw_signature(desk, "[data-signoff-form]")
    desk.locator("[data-sign-off]").click()
    expect(desk.locator(".status").first).to_have_text("已生效")
    shot(desk, "3-effective")

    report.refresh_from_db()
    assert report.status == ReportStatus.EFFECTIVE
    assert report.manager_signature

    # The PDF downloads: a valid PDF of three pages.
    with desk.expect_download() as info:
        desk.locator("[data-pdf]").click()
    download: Any = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert len(to_png(path, "e2e-service-report")) == 3
    return report
