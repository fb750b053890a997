"""The demo company has service reports in every state, with signature images."""

from __future__ import annotations

import pytest

from aftersales.core.history import history_for
from aftersales.demo.build import build_demo
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ServiceReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_draft_waiting_effective_and_revised_reports() -> None:
    build_demo()
    statuses = set(ServiceReport.objects.values_list("status", flat=True))
    assert {
        ReportStatus.DRAFT,
        ReportStatus.AWAITING_CUSTOMER,
        ReportStatus.EFFECTIVE,
    } <= statuses
    revision = ServiceReport.objects.get(revision=1)
    assert revision.revises is not None and revision.revises.status == ReportStatus.EFFECTIVE
    for report in ServiceReport.objects.filter(status=ReportStatus.EFFECTIVE):
        assert bytes(report.customer_signature or b"").startswith(b"\x89PNG")
        assert bytes(report.manager_signature or b"").startswith(b"\x89PNG")
        assert report.effective_at is not None and report.effective_at > report.created_at
        assert history_for(report).filter(action="sign_off").exists()
    assert ServiceReport.objects.filter(review_state="ok").exists()
