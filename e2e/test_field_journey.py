"""Issue 5's whole journey in one browser run: a trip plan, three approvals (a local trip
skips the VP), check-in from a phone, the service report, the customer's signature on the
canvas, the manager's sign-off and the three-copy PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from aftersales.core.history import history_for
from aftersales.field.choices import ReportStatus
from aftersales.field.tests.report_fixtures import parts
from aftersales.service.choices import Status
from aftersales.testing.world import World
from e2e.conftest import PageFactory
from e2e.test_reports import report_to_pdf
from e2e.test_trips import dispatched_and_on_site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_plan_approvals_check_in_report_signatures_and_pdf(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
    tmp_path: Path,
) -> None:
    seal, _bearing = parts(world)
    request, visit, phone = dispatched_and_on_site(live_server, page, shot, world)
    assert request.status == Status.ON_SITE

    report = report_to_pdf(live_server.url, page, shot, world, request, phone, seal, tmp_path)

    assert report.status == ReportStatus.EFFECTIVE
    assert report.request_id == request.pk
    assert report.visit_id == visit.pk
    # Every step left its row in the request's history.
    actions = set(history_for(request).values_list("action", flat=True))
    assert {"dispatch", "arrive"} <= actions, actions
