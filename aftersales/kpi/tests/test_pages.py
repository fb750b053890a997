"""The performance pages: who sees which scorecards, the lines behind the numbers, the
month's actions by POST, the rules page, the KPI page, exports and query budgets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.feedback.choices import Rating
from aftersales.kpi.choices import PeriodStatus
from aftersales.kpi.models import Scorecard, ScorePeriod, ScoringRuleSet
from aftersales.kpi.services.scoring import compute_month
from aftersales.kpi.tests.helpers import at, order, visit
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
LIST = reverse("kpi:scorecards")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _may(world: World) -> None:
    visit(
        world,
        rating=Rating.VERY_SATISFIED,
        when=at(2026, 5, 10),
        request=order(world),
        praised=[world.engineer],
    )
    visit(
        world,
        rating=Rating.DISSATISFIED,
        when=at(2026, 5, 11),
        engineer=world.outsider_engineer,
    )
    compute_month(actor=None, month=MAY)


def _names(response) -> set[str]:
    return {c.engineer.username for c in response.context["cards"]}


def test_an_engineer_sees_only_their_own_scorecard(world):
    _may(world)
    response = client_for(world.engineer).get(LIST, {"month": "2026-05"})
    assert response.status_code == 200
    assert _names(response) == {"engineer"}
    other = Scorecard.objects.get(engineer=world.outsider_engineer)
    assert (
        client_for(world.engineer).get(reverse("kpi:scorecard", args=[other.pk])).status_code == 404
    )


def test_a_department_manager_sees_their_department_and_not_the_outsiders(world):
    _may(world)
    assert _names(client_for(world.manager).get(LIST, {"month": "2026-05"})) == {"engineer"}
    assert _names(client_for(world.outsider_manager).get(LIST, {"month": "2026-05"})) == {
        "outsider_engineer"
    }


def test_directors_and_executives_see_every_department(world):
    _may(world)
    for user in (world.director, world.executive):
        names = _names(client_for(user).get(LIST, {"month": "2026-05"}))
        assert names == {"engineer", "outsider_engineer"}


def test_an_agent_with_no_card_sees_none_and_the_portal_never_reaches_the_page(world):
    _may(world)
    assert client_for(world.acme_portal).get(LIST).status_code == 404
    card = Scorecard.objects.get(engineer=world.engineer)
    assert (
        client_for(world.acme_portal).get(reverse("kpi:scorecard", args=[card.pk])).status_code
        == 404
    )
    assert client_for(world.office).get(LIST).status_code == 404


def test_the_menu_shows_performance_to_staff_with_scorecards_only(world):
    page = client_for(world.engineer).get(reverse("service:my-work")).content.decode()
    assert LIST in page
    portal = client_for(world.acme_portal).get(reverse("portal:home")).content.decode()
    assert LIST not in portal


def test_each_number_opens_the_return_visits_and_orders_behind_it(world):
    _may(world)
    card = Scorecard.objects.get(engineer=world.engineer)
    response = client_for(world.engineer).get(reverse("kpi:scorecard", args=[card.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="line-praise"' in page and 'id="line-bonus"' in page
    request = card.lines.get(kind="bonus").request
    assert request.number in page
    assert "100.00" in page


def test_a_bad_month_is_named_in_the_error(world):
    response = client_for(world.manager).get(LIST, {"month": "May"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Month: Give the month as YYYY-MM." in response.content.decode()
    chinese = client_for(world.manager).get(LIST, {"month": "May"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "月份: 请按 YYYY-MM 格式填写月份。" in chinese.content.decode()


def test_the_manager_reviews_and_the_director_locks_by_post(world):
    _may(world)
    period = ScorePeriod.objects.get(department=world.service)
    review = reverse("kpi:review", args=[period.pk])
    assert client_for(world.manager).get(review).status_code == 405
    assert client_for(world.outsider_manager).post(review).status_code == 404
    client_for(world.manager).post(review, {"version": period.version})
    period.refresh_from_db()
    assert period.status == PeriodStatus.REVIEWED
    assert client_for(world.manager).post(reverse("kpi:lock", args=[period.pk])).status_code == 403
    client_for(world.director).post(reverse("kpi:lock", args=[period.pk]))
    period.refresh_from_db()
    assert period.status == PeriodStatus.LOCKED
    history = client_for(world.manager).get(reverse("kpi:period-history", args=[period.pk]))
    assert "locked" in history.content.decode()


def test_recomputing_a_locked_month_is_refused_with_a_message(world):
    _may(world)
    period = ScorePeriod.objects.get(department=world.service)
    ScorePeriod.objects.filter(pk=period.pk).update(
        status=PeriodStatus.LOCKED, reviewed_at=at(2026, 6, 1), locked_at=at(2026, 6, 1)
    )
    response = client_for(world.manager).post(
        reverse("kpi:compute"),
        {"month": "2026-05", "department": world.service.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "2026-05 已锁定，考核表不再变更。" in response.content.decode()


def test_the_administrator_adds_a_rule_version_and_errors_name_the_field(world):
    url = reverse("kpi:rules")
    assert client_for(world.engineer).get(url).status_code == 200
    assert client_for(world.engineer).post(url, {}).status_code == 404
    bad = client_for(world.admin).post(
        url,
        {
            "valid_from": "2027-01",
            "praise_points": 5,
            "all_top_points": 5,
            "mostly_top_points": 10,
            "mostly_top_percent": "150",
            "dissatisfied_points": -5,
            "bonus_rate": "0.001",
            "note": "调整",
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"mostly_top_percent"}
    good = client_for(world.admin).post(
        url,
        {
            "valid_from": "2027-01",
            "praise_points": 6,
            "all_top_points": 5,
            "mostly_top_points": 10,
            "mostly_top_percent": "80",
            "dissatisfied_points": -5,
            "bonus_rate": "0.0015",
            "note": "调整",
        },
    )
    assert good.status_code == 302
    v2 = ScoringRuleSet.objects.get(version=2)
    assert (v2.valid_from, v2.praise_points, v2.bonus_rate) == (
        dt.date(2027, 1, 1),
        6,
        Decimal("0.0015"),
    )


def test_the_scorecards_export_to_xlsx(world):
    from openpyxl import load_workbook

    _may(world)
    response = client_for(world.director).get(
        reverse("kpi:scorecards-export", args=["xlsx"]), {"month": "2026-05"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {r[0] for r in rows[1:]} == {"Engineer", "Outsider Engineer"}


def test_the_scorecard_pdf_embeds_its_fonts(world, tmp_path: Path):
    from aftersales.testing.pdf import fonts, to_png

    _may(world)
    card = Scorecard.objects.get(engineer=world.engineer)
    response = client_for(world.engineer).get(
        reverse("kpi:scorecard-pdf", args=[card.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    found = fonts(path)
    assert found and all(embedded for _name, embedded in found)
    assert to_png(path, "kpi-scorecard")
    listing = client_for(world.director).get(
        reverse("kpi:scorecards-export", args=["pdf"]), {"month": "2026-05"}
    )
    path.write_bytes(listing.content)
    assert all(embedded for _name, embedded in fonts(path))


def test_the_kpi_page_shows_charts_for_managers_and_not_for_engineers(world):
    _may(world)
    url = reverse("kpi:kpis")
    assert client_for(world.engineer).get(url).status_code == 404
    assert client_for(world.acme_portal).get(url).status_code == 404
    response = client_for(world.manager).get(url, {"month": "2026-06"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in page and 'data-chart="csat"' in page
    assert [d.code for d in response.context["departments"]] == ["service"]
    csat = next(c for c in response.context["charts"] if c.key == "csat")
    # May: acme's two visits (one very satisfied, one dissatisfied) count for its service
    # department, whoever did the work.
    assert csat.series[0]["data"][-2] == 50.0
    export = client_for(world.director).get(reverse("kpi:kpis-export"), {"month": "2026-06"})
    assert export.status_code == 200


def _engineers(world: World, n: int) -> None:
    for i in range(n):
        engineer = f.UserFactory(username=f"eng{i}", department=world.service, roles=["engineer"])
        visit(world, rating=Rating.SATISFIED, when=at(2026, 5, 10), engineer=engineer)
    compute_month(actor=None, month=MAY)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (LIST, {"month": "2026-05"}),
        (reverse("kpi:kpis"), {"month": "2026-06"}),
        (reverse("kpi:rules"), {}),
    ],
)
def test_the_pages_cost_the_same_queries_for_2_and_22_engineers(world, url, params):
    director = client_for(world.director)
    _engineers(world, 2)
    assert director.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as few:
        director.get(url, params)
    _engineers(world, 20)
    with CaptureQueriesContext(connection) as many:
        director.get(url, params)
    assert len(many) == len(few)
