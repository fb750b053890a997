"""The warranty pages: deciding from the request, approving, the quotation in the portal,
the unit page panel, the report and its export, and the list's query budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.core import clock
from aftersales.field.choices import ReportStatus
from aftersales.parts.models import Part, WarrantyDecision
from aftersales.parts.models.warranty import DecisionStatus, Outcome, QuotationStatus
from aftersales.parts.services import warranty as w
from aftersales.testing import factories as f
from aftersales.testing.reports import report
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unit(world: World, **kw: Any) -> Any:
    return f.EquipmentFactory(company=world.acme, product_model=world.model, **kw)


def _old_unit(world: World) -> Any:
    return _unit(
        world,
        delivered_on=dt.date(2023, 12, 20),
        commissioned_on=dt.date(2024, 1, 1),
        warranty_end=dt.date(2024, 12, 31),
    )


def test_the_request_page_shows_warranty_and_offers_a_decision(world: World) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    page = _client(world.engineer).get(f"/requests/{sr.pk}/").content.decode()
    assert 'id="warranty-panel"' in page
    assert 'data-warranty="in"' in page
    assert f"/warranty/new/{sr.pk}/" in page


def test_deciding_on_the_page_names_the_missing_condition(world: World) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    client = _client(world.engineer)
    assert client.get(f"/warranty/new/{sr.pk}/").status_code == 200
    response = client.post(
        f"/warranty/new/{sr.pk}/",
        {"fault_date": "2026-06-01", "outcome": Outcome.RETURN, "amount": "1000"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "cond_not_to_spec" in form.errors
    response = client.post(
        f"/warranty/new/{sr.pk}/",
        {
            "fault_date": "2026-06-01",
            "outcome": Outcome.RETURN,
            "amount": "1000",
            "cond_not_to_spec": "on",
        },
    )
    decision = WarrantyDecision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/warranty/{decision.pk}/"
    assert decision.outcome == Outcome.RETURN


def test_the_director_approves_on_the_decision_page_and_the_manager_is_not_offered_it(
    world: World,
) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    decision = w.propose_decision(
        actor=world.engineer,
        request=sr,
        outcome=Outcome.COMPENSATION,
        fault_date=dt.date(2026, 6, 1),
        conditions={"cond_major_loss": True},
        amount="20000",
    )
    page = _client(world.manager).get(f"/warranty/{decision.pk}/").content.decode()
    assert 'data-action="approve"' not in page
    director = _client(world.director)
    assert 'data-action="approve"' in director.get(f"/warranty/{decision.pk}/").content.decode()
    response = director.post(f"/warranty/{decision.pk}/reject/", {"reject-version": "1"})
    assert response.status_code == 400
    assert "comment" in response.context["reject_form"].errors
    response = director.post(
        f"/warranty/{decision.pk}/approve/", {"approve-version": "1", "approve-comment": "同意赔偿"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED


def test_the_outsider_gets_404_on_a_decision(world: World) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    decision = w.propose_decision(
        actor=world.engineer,
        request=sr,
        outcome=Outcome.REPAIR,
        fault_date=dt.date(2026, 6, 1),
        conditions={"cond_defect_endangers": True},
    )
    assert _client(world.outsider_manager).get(f"/warranty/{decision.pk}/").status_code == 404
    assert _client(world.acme_portal).get(f"/warranty/{decision.pk}/").status_code == 404
    assert _client(world.outsider_engineer).get(f"/warranty/new/{sr.pk}/").status_code == 404


def _offered(world: World) -> Any:
    sr = new_request(world, owner=world.engineer, equipment=_old_unit(world))
    decision = w.propose_decision(
        actor=world.engineer,
        request=sr,
        outcome=Outcome.CHARGEABLE,
        fault_date=dt.date(2026, 6, 1),
        conditions={},
    )
    client = _client(world.engineer)
    response = client.post(
        f"/quotations/{decision.quotation.pk}/lines/",
        {"description": "更换叶轮及工时", "quantity": "1", "unit_price": "2400"},
    )
    assert response.status_code == 302
    response = client.post(f"/quotations/{decision.quotation.pk}/lines/", {"quantity": "1"})
    assert response.status_code == 400
    assert "description" in response.context["line_form"].errors
    w.approve_decision(actor=world.manager, decision=decision, expected_version=1)
    response = client.post(f"/quotations/{decision.quotation.pk}/offer/", {"offer-version": "2"})
    assert response.status_code == 302
    decision.quotation.refresh_from_db()
    assert decision.quotation.status == QuotationStatus.OFFERED
    return sr, decision.quotation


def test_the_customer_accepts_their_quotation_in_the_portal(world: World) -> None:
    sr, quotation = _offered(world)
    portal = _client(world.acme_portal)
    page = portal.get(f"/portal/requests/{sr.pk}/").content.decode()
    assert 'id="quotation-panel"' in page
    assert "2,400.00" in page or "2400.00" in page
    response = portal.post(
        f"/portal/quotations/{quotation.pk}/answer/",
        {"version": str(quotation.version), "accept": "1"},
    )
    assert response.status_code == 302
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.ACCEPTED
    assert quotation.answered_by == world.acme_portal


def test_another_companys_portal_user_cannot_reach_the_quotation(world: World) -> None:
    sr, quotation = _offered(world)
    outsider = _client(world.globex_portal)
    assert outsider.get(f"/portal/requests/{sr.pk}/").status_code == 404
    response = outsider.post(
        f"/portal/quotations/{quotation.pk}/answer/",
        {"version": str(quotation.version), "accept": "1"},
    )
    assert response.status_code == 404
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.OFFERED


def test_starting_work_on_the_request_page_is_refused_until_accepted(world: World) -> None:
    sr, quotation = _offered(world)
    sr.refresh_from_db()
    response = _client(world.engineer).post(
        f"/requests/{sr.pk}/start/", {"start-version": str(sr.version)}
    )
    assert response.status_code == 400
    assert quotation.decision.number in response.content.decode()


def test_the_unit_page_shows_warranty_parts_replaced_and_decisions(world: World) -> None:
    unit = _unit(world)
    sr = new_request(world, owner=world.engineer, equipment=unit)
    decision = w.propose_decision(
        actor=world.engineer,
        request=sr,
        outcome=Outcome.REPAIR,
        fault_date=dt.date(2026, 6, 1),
        conditions={"cond_defect_endangers": True},
    )
    part = Part.objects.create(code="IMP-200", name="叶轮", is_wearing=True)
    report(sr, author=world.engineer, parts=[(part, "1", "OLD-9")])
    report(sr, author=world.engineer, parts=[(part, "5", "DRAFT-1")], status=ReportStatus.DRAFT)
    page = _client(world.manager).get(f"/units/{unit.pk}/").content.decode()
    assert 'id="unit-warranty-panel"' in page
    assert "OLD-9" in page
    assert "DRAFT-1" not in page
    assert decision.number in page


def test_the_report_counts_approved_decisions_per_model_and_month(world: World) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    decision = w.propose_decision(
        actor=world.engineer,
        request=sr,
        outcome=Outcome.COMPENSATION,
        fault_date=dt.date(2026, 6, 1),
        conditions={"cond_major_loss": True},
        amount="12345.60",
    )
    w.approve_decision(actor=world.director, decision=decision, expected_version=1)
    year = timezone.localdate().year
    client = _client(world.manager)
    response = client.get("/warranty/report/", {"year": year})
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["model"] == "HP-200"
    assert row["total"] == 1
    assert row["total_money"] == Decimal("12345.60")
    csv = client.get("/warranty/report/", {"year": year, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "HP-200" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/warranty/report/", {"year": year, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def _decisions(world: World, n: int) -> None:
    sr = new_request(world, owner=world.engineer, equipment=_unit(world))
    WarrantyDecision.objects.all().delete()
    now = clock.now()
    WarrantyDecision.objects.bulk_create(
        WarrantyDecision(
            number=f"WD-T-{i}",
            request=sr,
            equipment=sr.equipment,
            product_model=world.model,
            fault_date=dt.date(2026, 6, 1),
            in_warranty=True,
            outcome=Outcome.REPAIR,
            cond_defect_endangers=True,
            status=DecisionStatus.REJECTED,
            decided_by=world.engineer,
            decided_at=now,
            approved_by=world.manager,
            approved_at=now,
        )
        for i in range(n)
    )


def test_the_decision_list_query_count_is_flat(
    world: World, django_assert_num_queries: Any
) -> None:
    client = _client(world.manager)
    client.get("/warranty/")
    counts = []
    for n in (2, 20):
        _decisions(world, n)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/warranty/")
        assert response.status_code == 200
        assert len(response.context["decisions"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12
    assert _client(world.outsider_manager).get("/warranty/").context["decisions"] == []


def test_the_report_query_count_does_not_grow_with_decisions(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(world.manager)
    client.get("/warranty/report/")
    counts = []
    unit = _unit(world)
    now = clock.now()
    for n in (2, 20):
        while WarrantyDecision.objects.count() < n:
            sr = new_request(world, equipment=unit)
            WarrantyDecision.objects.create(
                number=f"WD-R-{sr.pk}",
                request=sr,
                equipment=unit,
                product_model=world.model,
                fault_date=dt.date(2026, 6, 1),
                in_warranty=True,
                outcome=Outcome.REPAIR,
                cond_defect_endangers=True,
                amount=Decimal("10"),
                status=DecisionStatus.APPROVED,
                decided_by=world.engineer,
                decided_at=now,
                approved_by=world.manager,
                approved_at=now,
            )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/warranty/report/")
        assert response.context["sum_count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
