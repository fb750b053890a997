"""The dashboard page and its exports: numbers, who sees what, files, query budget."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.insight.charts import CHART_KEYS
from aftersales.insight.tests.conftest import Week
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def charts(response: Any) -> dict[str, Any]:
    return {c.key: c for c in response.context["charts"]}


def column(chart: Any, name: str) -> dict[str, Any]:
    """A chart's table as {row label: value of column ``name``}."""
    index = chart.header.index(name)
    return {row[0]: row[index] for row in chart.rows}


def test_director_sees_the_numbers_of_every_department(world: World, week: Week) -> None:
    response = client_for(world.director).get(URL, {"period": "7"})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["received"], summary["resolved"], summary["open"]) == (4, 2, 2)
    assert (summary["breached"], summary["at_risk"]) == (2, 0)
    found = charts(response)
    assert column(found["status"], "Open")["New"] == 2
    assert column(found["department"], "Open") == {"After-sales service": 2}
    assert column(found["channel"], "Requests received") == {
        "Phone call": 2,
        "Email": 1,
        "Web portal": 1,
    }
    assert column(found["type"], "Requests received") == {"Fault / repair": 3, "Consultation": 1}
    weekly = found["sla_weekly"]
    last = weekly.rows[-1]
    assert last[0] == "2026-06-08"
    # First response: R1 and R3 in time, R2 and R4 breached; resolution: R1 and R3 in time.
    assert last[1:4] == [2, 2, 50.0]
    assert last[7:10] == [2, 0, 100.0]
    assert len(weekly.rows) == 12
    workload = found["workload"]
    assert column(workload, "Resolved in the period") == {
        world.engineer.full_name: 1,
        world.outsider_engineer.full_name: 1,
    }


def test_department_manager_sees_only_their_department(world: World, week: Week) -> None:
    response = client_for(world.manager).get(URL, {"period": "7"})
    summary = response.context["summary"]
    # R3 belongs to the technical department: neither received nor resolved here.
    assert (summary["received"], summary["resolved"], summary["open"]) == (3, 1, 2)
    found = charts(response)
    assert column(found["workload"], "Resolved in the period") == {world.engineer.full_name: 1}
    assert set(column(found["department"], "Open")) == {"After-sales service"}
    assert world.technical.name_en not in response.content.decode()


def test_the_other_department_manager_sees_none_of_the_service_numbers(
    world: World, week: Week
) -> None:
    response = client_for(world.outsider_manager).get(URL, {"period": "7"})
    summary = response.context["summary"]
    assert (summary["received"], summary["resolved"], summary["open"]) == (1, 1, 0)


def test_a_manager_cannot_filter_by_a_department_they_do_not_see(world: World, week: Week) -> None:
    response = client_for(world.manager).get(URL, {"department": world.technical.pk})
    assert response.status_code == 200
    assert "charts" not in response.context
    assert response.context["form"].errors["department"]
    export = client_for(world.manager).get(
        "/dashboard/export/status.csv", {"department": world.technical.pk}
    )
    assert export.status_code == 400


def test_the_department_filter_narrows_every_chart(world: World, week: Week) -> None:
    response = client_for(world.director).get(
        URL, {"period": "7", "department": world.technical.pk}
    )
    summary = response.context["summary"]
    assert (summary["received"], summary["resolved"], summary["open"]) == (1, 1, 0)
    assert f"department={world.technical.pk}" in summary["breached_url"]


@pytest.mark.parametrize(
    "who", ["engineer", "agent", "office", "qc", "warehouse", "outsider_engineer", "acme_portal"]
)
def test_other_roles_do_not_reach_the_dashboard_or_its_exports(
    world: World, week: Week, who: str
) -> None:
    client = client_for(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert client.get("/dashboard/export/status.csv").status_code == 404
    assert client.get("/dashboard/export/workload.xlsx").status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["admin", "executive", "director", "manager"])
def test_management_roles_reach_the_dashboard(world: World, week: Week, who: str) -> None:
    assert client_for(getattr(world, who)).get(URL).status_code == 200


def test_breaches_and_at_risk_link_to_the_workspace_lists(world: World, week: Week) -> None:
    response = client_for(world.director).get(URL)
    html = response.content.decode()
    assert 'href="/requests/?sla_state=breached&amp;open=true"' in html
    assert 'href="/requests/?sla_state=at_risk&amp;open=true"' in html
    # The workspace accepts them and shows the two breached requests.
    listed = client_for(world.director).get("/requests/?sla_state=breached&open=true")
    assert listed.status_code == 200
    assert week.r2.number in listed.content.decode()
    assert week.r4.number in listed.content.decode()


def test_the_page_embeds_the_chart_data_and_loads_echarts_locally(world: World, week: Week) -> None:
    response = client_for(world.director).get(URL)
    html = response.content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/insight/dashboard.js" in html
    assert "<script>" not in html  # no inline script
    start = html.index('<script id="dashboard-data" type="application/json">')
    payload = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(payload)
    assert set(data["charts"]) == set(CHART_KEYS)
    assert data["charts"]["status"]["series"][0]["data"][0] == 2


def test_labels_follow_the_users_language(world: World, week: Week) -> None:
    english = client_for(world.director, "en").get(URL).content.decode()
    chinese = client_for(world.director, "zh-hans").get(URL).content.decode()
    assert "Open requests by status" in english
    assert "Phone call" in english
    assert "按状态的未结请求" in chinese or "未结服务请求（按状态）" in chinese
    assert "电话" in chinese


def test_a_custom_period_needs_both_dates_in_order(world: World, week: Week) -> None:
    client = client_for(world.director)
    missing = client.get(URL, {"period": "custom", "start": "2026-06-01"})
    assert "end" in missing.context["form"].errors
    reversed_ = client.get(URL, {"period": "custom", "start": "2026-06-09", "end": "2026-06-01"})
    assert "end" in reversed_.context["form"].errors
    ok = client.get(URL, {"period": "custom", "start": "2026-06-09", "end": "2026-06-10"})
    assert ok.context["summary"]["received"] == 2  # R3 and R4


@pytest.mark.parametrize("chart", CHART_KEYS)
def test_csv_and_xlsx_exports_hold_the_numbers_of_the_page(
    world: World, week: Week, chart: str
) -> None:
    client = client_for(world.director)
    params = {"period": "7"}
    shown = charts(client.get(URL, params))[chart]
    expected = [shown.header, *[["" if v is None else v for v in row] for row in shown.rows]]

    as_csv = client.get(f"/dashboard/export/{chart}.csv", params)
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv["Content-Disposition"]
    text = as_csv.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [[str(v) for v in row] for row in expected]

    as_xlsx = client.get(f"/dashboard/export/{chart}.xlsx", params)
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == expected


def test_an_unknown_chart_or_format_is_not_found(world: World, week: Week) -> None:
    client = client_for(world.director)
    assert client.get("/dashboard/export/nothing.csv").status_code == 404
    assert client.get("/dashboard/export/status.pdf").status_code == 404


def test_names_that_look_like_formulas_are_exported_as_text(world: World, week: Week) -> None:
    world.engineer.full_name = "=HYPERLINK(1)"
    world.engineer.save()
    response = client_for(world.director).get("/dashboard/export/workload.csv", {"period": "7"})
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_row_links_open_the_requests_behind_the_numbers(world: World, week: Week) -> None:
    client = client_for(world.director)
    found = charts(client.get(URL, {"period": "7"}))
    channel = found["channel"]
    phone = channel.links[[row[0] for row in channel.rows].index("Phone call")]
    listed = client.get(phone).content.decode()
    assert week.r1.number in listed and week.r3.number in listed
    assert week.r2.number not in listed
    age = found["backlog_age"]
    newest = client.get(age.links[0]).content.decode()  # under a day: R4 only
    assert week.r4.number in newest and week.r2.number not in newest
    status = found["status"]
    new = client.get(status.links[0]).content.decode()
    assert week.r2.number in new and week.r4.number in new


def test_a_count_with_nothing_open_is_not_shown_as_never_counted(world: World) -> None:
    from aftersales.insight.stats import refresh_open_stats

    client = Client()
    client.force_login(world.manager)
    before = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open requests not counted yet" in before
    refresh_open_stats()
    after = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open requests not counted yet" not in after
