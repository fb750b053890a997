"""The staff pages of the customers context: the list, a company, a project with its
handover, a unit; who may reach them, what they show, what they cost, and the handover
actions taken through the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.customers import services
from aftersales.customers.choices import HandoverParty, HandoverStatus, Tier
from aftersales.customers.models import Company, Equipment, HandoverConfirmation, Project
from aftersales.service import services as service_services
from aftersales.service.choices import Channel, RequestType
from aftersales.service.models import ServiceRequest
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

REQUEST_LINK = re.compile(r'href="/requests/\d+/"')


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _project(world: World, company: Company | None = None) -> Project:
    return services.create_project(
        actor=world.manager if company is None else world.director,
        company=company or world.acme,
        data={
            "name": "一期水处理工程",
            "project_manager": world.engineer,
            "project_department": world.service,
        },
    )


def _fill(world: World, project: Project) -> None:
    for item in project.handover_items.all():
        services.update_handover_item(
            actor=world.manager,
            item=item,
            expected_version=item.version,
            content=f"{item.get_section_display()}：已交接",
            not_applicable=False,
        )


def _unit(world: World, serial: str, commissioned: dt.date, **extra: Any) -> Equipment:
    return cast(
        Equipment,
        f.EquipmentFactory(
            serial_number=serial,
            product_model=world.model,
            company=extra.pop("company", world.acme),
            delivered_on=commissioned,
            commissioned_on=commissioned,
            **extra,
        ),
    )


def _request(world: World, title: str, **extra: Any) -> ServiceRequest:
    return service_services.register_request(
        actor=world.agent,
        data={
            "channel": Channel.PHONE,
            "request_type": RequestType.FAULT,
            "company": extra.pop("company", world.acme),
            "title": title,
            **extra,
        },
    )


def _html(response: Any) -> str:
    return response.content.decode()


def _company_url(company: Company) -> str:
    return reverse("customers:company-detail", args=[company.pk])


def _project_url(project: Project) -> str:
    return reverse("customers:project-detail", args=[project.pk])


# --- The customer list ----------------------------------------------------------------------


def test_agent_sees_every_customer_in_the_list_each_linked_to_its_page(world: World) -> None:
    response = _client(world.agent).get(reverse("customers:company-list"))
    assert response.status_code == 200
    html = _html(response)
    assert "<h1>" in html
    assert _company_url(world.acme) in html
    assert _company_url(world.globex) in html


def test_the_list_searches_names_english_names_and_numbers_and_filters_by_tier(
    world: World,
) -> None:
    world.globex.tier = Tier.KEY
    world.globex.save()
    client = _client(world.agent)
    url = reverse("customers:company-list")
    by_name = _html(client.get(url, {"q": "甲方"}))
    assert world.acme.code in by_name and world.globex.code not in by_name
    by_english = _html(client.get(url, {"q": "globex"}))
    assert world.globex.code in by_english and world.acme.code not in by_english
    by_number = _html(client.get(url, {"q": world.acme.code}))
    assert world.acme.code in by_number and world.globex.code not in by_number
    key_accounts = _html(client.get(url, {"tier": Tier.KEY}))
    assert world.globex.code in key_accounts and world.acme.code not in key_accounts


def test_department_staff_list_only_the_customers_their_department_serves(world: World) -> None:
    html = _html(_client(world.outsider_engineer).get(reverse("customers:company-list")))
    assert world.globex.code in html
    assert world.acme.code not in html


def test_the_list_pages_by_fifty_with_a_next_link_only_while_more_rows_exist(
    world: World,
) -> None:
    Company.objects.bulk_create(
        Company(code=f"CU-P{i:04d}", name=f"分页客户{i}") for i in range(55)
    )
    client = _client(world.agent)
    url = reverse("customers:company-list")
    first = _html(client.get(url))
    assert "page=2" in first
    assert first.count("/customers/") >= 50
    second = _html(client.get(url, {"page": 2}))
    assert "page=3" not in second
    assert "page=1" in second
    assert "CU-P0054" in second


def test_the_list_answers_htmx_with_its_rows_and_a_clean_address(world: World) -> None:
    response = _client(world.agent).get(
        reverse("customers:company-list"),
        {"q": "甲方", "partial": "rows"},
        headers={"HX-Request": "true"},
    )
    html = _html(response)
    assert html.startswith('<div id="company-rows">')
    assert "<html" not in html
    assert world.acme.code in html
    assert "partial" not in response["HX-Push-Url"]
    assert "q=" in response["HX-Push-Url"]


def test_the_list_costs_the_same_queries_for_2_and_for_20_customers(
    world: World, django_assert_num_queries: Any
) -> None:
    client = _client(world.agent)
    client.get(reverse("customers:company-list"))  # warm the session and permission caches
    for rows in (2, 20):
        have = Company.objects.count()
        f.CompanyFactory.create_batch(
            rows - have, service_department=world.service, account_manager=world.manager
        )
        with django_assert_num_queries(7):
            response = client.get(reverse("customers:company-list"))
        assert _html(response).count('data-label="Customer number"') == rows


# --- A company's page -----------------------------------------------------------------------


def test_company_page_shows_facts_contacts_sites_projects_units_and_requests(
    world: World,
) -> None:
    world.acme.phone = "0510-88886666"
    world.acme.account_manager = world.manager
    world.acme.save()
    site = f.SiteFactory(company=world.acme, name="二号厂区")
    project = _project(world)
    unit = _unit(world, "HP-0001", timezone.localdate() - dt.timedelta(days=30), site=site)
    request = _request(world, "冷却水泵漏水", equipment=unit)
    _request(world, "别家设备报警", company=world.globex)
    response = _client(world.agent).get(_company_url(world.acme))
    assert response.status_code == 200
    html = _html(response)
    for text in (
        world.acme.code,
        "0510-88886666",
        str(world.manager),
        world.service.name_en,
        world.acme_contact.name,
        "二号厂区",
        project.number,
        "HP-0001",
        request.number,
    ):
        assert text in html, text
    assert _project_url(project) in html
    assert reverse("customers:equipment-detail", args=[unit.pk]) in html
    assert reverse("service:detail", args=[request.pk]) in html
    assert "别家设备报警" not in html


def test_company_page_marks_each_unit_in_warranty_or_expired_as_of_today(world: World) -> None:
    today = timezone.localdate()
    _unit(world, "SN-NEW", today - dt.timedelta(days=30))
    _unit(world, "SN-OLD", today - dt.timedelta(days=800))
    html = _html(_client(world.agent).get(_company_url(world.acme)))
    new_row = html[html.index("SN-NEW") : html.index("</tr>", html.index("SN-NEW"))]
    old_row = html[html.index("SN-OLD") : html.index("</tr>", html.index("SN-OLD"))]
    assert 'class="warranty in"' in new_row
    assert 'class="warranty expired"' in old_row


def test_the_warehouse_sees_a_company_without_its_contacts_projects_or_requests(
    world: World,
) -> None:
    _project(world)
    _unit(world, "SN-WH", timezone.localdate())
    html = _html(_client(world.warehouse).get(_company_url(world.acme)))
    assert "SN-WH" in html
    assert world.acme_contact.name not in html
    assert 'id="projects"' not in html
    assert 'id="requests"' not in html


def test_company_page_costs_the_same_queries_for_2_and_for_20_rows_of_each_kind(
    world: World, django_assert_num_queries: Any
) -> None:
    client = _client(world.agent)
    url = _company_url(world.acme)
    client.get(url)
    for rows in (2, 20):
        company = world.acme
        have = company.contacts.count()
        f.ContactFactory.create_batch(rows - have, company=company)
        f.SiteFactory.create_batch(rows - company.sites.count(), company=company)
        f.ProjectFactory.create_batch(rows - company.projects.count(), company=company)
        for i in range(company.equipment.count(), rows):
            _unit(world, f"SN-Q{i:03d}", timezone.localdate())
        for i in range(ServiceRequest.objects.filter(company=company).count(), rows):
            _request(world, f"第{i}台设备报警")
        with django_assert_num_queries(14):
            response = client.get(url)
        html = _html(response)
        assert len(re.findall(r'href="/units/\d+/"', html)) == rows
        assert len(REQUEST_LINK.findall(html)) == rows


# --- A unit's page --------------------------------------------------------------------------


def test_unit_page_shows_facts_warranty_and_service_history_newest_first(world: World) -> None:
    project = _project(world)
    unit = _unit(world, "HP-0042", timezone.localdate() - dt.timedelta(days=10), project=project)
    older = _request(world, "第一次报修", equipment=unit)
    ServiceRequest.objects.filter(pk=older.pk).update(
        received_at=timezone.now() - dt.timedelta(days=3)
    )
    newer = _request(world, "第二次报修", equipment=unit)
    _request(world, "别的设备")
    response = _client(world.engineer).get(reverse("customers:equipment-detail", args=[unit.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert "HP-0042" in html
    assert world.model.code in html
    assert project.number in html and _project_url(project) in html
    assert unit.warranty_end.isoformat() in html
    assert 'class="warranty in"' in html
    assert html.index(newer.number) < html.index(older.number)
    assert "别的设备" not in html


def test_unit_page_costs_the_same_queries_for_2_and_for_20_requests(
    world: World, django_assert_num_queries: Any
) -> None:
    unit = _unit(world, "HP-0100", timezone.localdate())
    client = _client(world.agent)
    url = reverse("customers:equipment-detail", args=[unit.pk])
    client.get(url)
    for rows in (2, 20):
        for i in range(ServiceRequest.objects.filter(equipment=unit).count(), rows):
            _request(world, f"第{i}次报修", equipment=unit)
        # 9 for the page, +2 for the parts app's panel (parts replaced, warranty decisions).
        with django_assert_num_queries(11):
            response = client.get(url)
        html = _html(response)
        assert len(REQUEST_LINK.findall(html)) == rows


# --- Who may reach the pages ----------------------------------------------------------------


def _urls(world: World) -> dict[str, str]:
    project = _project(world)
    unit = _unit(world, "SN-SECRET", timezone.localdate())
    return {
        "company": _company_url(world.acme),
        "project": _project_url(project),
        "unit": reverse("customers:equipment-detail", args=[unit.pk]),
    }


@pytest.mark.parametrize("page", ["company", "project", "unit"])
@pytest.mark.parametrize("who", ["outsider_engineer", "outsider_manager", "globex_portal"])
def test_outsiders_get_404_for_another_departments_customer(
    world: World, page: str, who: str
) -> None:
    url = _urls(world)[page]
    assert _client(getattr(world, who)).get(url).status_code == 404


@pytest.mark.parametrize("page", ["list", "company", "project", "unit"])
def test_a_portal_user_never_reaches_the_staff_pages_even_of_their_own_company(
    world: World, page: str
) -> None:
    urls = {**_urls(world), "list": reverse("customers:company-list")}
    assert _client(world.acme_portal).get(urls[page]).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("customers:company-list"))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_an_outsider_cannot_post_a_handover_change(world: World) -> None:
    project = _project(world)
    item = project.handover_items.first()
    response = _client(world.outsider_manager).post(
        reverse("customers:handover-item", args=[project.pk, item.pk]),
        {f"item-{item.pk}-version": item.version, f"item-{item.pk}-content": "篡改"},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.content == ""


# --- A project's page and its handover ------------------------------------------------------


def test_project_page_shows_the_eight_sections_and_the_three_parties(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(
        actor=world.engineer, project=project, party=HandoverParty.PROJECT_TEAM, comment="无遗留"
    )
    response = _client(world.agent).get(_project_url(project))
    assert response.status_code == 200
    html = _html(response)
    assert html.count('<li id="item-') == 8
    for label in ("Project overview", "Drawings", "Supplier list"):
        assert label in html
    assert "Updated by" in html and str(world.manager) in html
    for party in ("Customer", "Project team", "After-sales team"):
        assert f">{party}</h3>" in html
    assert "无遗留" in html and str(world.engineer) in html
    assert html.count("Not confirmed yet") == 2


def test_engineer_saves_a_checklist_section_through_the_page(world: World) -> None:
    project = _project(world)
    item = project.handover_items.get(section="drawings")
    client = _client(world.engineer)
    assert 'action="{}"'.format(
        reverse("customers:handover-item", args=[project.pk, item.pk])
    ) in _html(client.get(_project_url(project)))
    response = client.post(
        reverse("customers:handover-item", args=[project.pk, item.pk]),
        {
            f"item-{item.pk}-version": item.version,
            f"item-{item.pk}-content": "总图、工艺图共 12 张",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#item-{item.pk}")
    assert "Section “Drawings” saved." in _html(response)
    item.refresh_from_db()
    assert item.content == "总图、工艺图共 12 张"
    assert item.updated_by == world.engineer


def test_a_stale_section_version_keeps_the_typed_text_and_shows_what_was_saved_meanwhile(
    world: World,
) -> None:
    project = _project(world)
    item = project.handover_items.get(section="drawings")
    services.update_handover_item(
        actor=world.manager,
        item=item,
        expected_version=item.version,
        content="经理先保存的内容",
        not_applicable=False,
    )
    url = reverse("customers:handover-item", args=[project.pk, item.pk])
    client = _client(world.engineer)
    response = client.post(
        url, {f"item-{item.pk}-version": 1, f"item-{item.pk}-content": "工程师输入的内容"}
    )
    assert response.status_code == 409
    html = _html(response)
    assert "Someone else saved this section" in html
    assert "经理先保存的内容" in html
    assert "工程师输入的内容" in html
    item.refresh_from_db()
    assert item.content == "经理先保存的内容"
    # The form now carries the saved version: saving again is a deliberate overwrite.
    assert f'name="item-{item.pk}-version" value="{item.version}"' in html
    client.post(
        url,
        {f"item-{item.pk}-version": item.version, f"item-{item.pk}-content": "工程师输入的内容"},
    )
    item.refresh_from_db()
    assert item.content == "工程师输入的内容"


def test_not_applicable_without_a_reason_is_shown_on_the_content_field(world: World) -> None:
    project = _project(world)
    item = project.handover_items.get(section="suppliers")
    response = _client(world.engineer).post(
        reverse("customers:handover-item", args=[project.pk, item.pk]),
        {f"item-{item.pk}-version": item.version, f"item-{item.pk}-not_applicable": "on"},
    )
    assert response.status_code == 400
    assert "Say why this section does not apply." in _html(response)


def test_read_only_staff_are_offered_no_forms_and_a_forged_post_changes_nothing(
    world: World,
) -> None:
    project = _project(world)
    _fill(world, project)
    item = project.handover_items.first()
    client = _client(world.office)
    html = _html(client.get(_project_url(project)))
    assert '<form method="post"' not in html.split('<main id="main"', 1)[1]
    response = client.post(
        reverse("customers:handover-item", args=[project.pk, item.pk]),
        {f"item-{item.pk}-version": item.version, f"item-{item.pk}-content": "篡改"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.content != "篡改"
    response = client.post(
        reverse("customers:handover-confirm", args=[project.pk, HandoverParty.AFTER_SALES]),
        {"confirm-after_sales-version": "x"},
    )
    assert response.status_code in (403, 409)
    assert not HandoverConfirmation.objects.filter(project=project).exists()


def _state(client: Client, project: Project, key: str) -> str:
    html = _html(client.get(_project_url(project)))
    marker = f'name="{key}-version" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_only_the_parties_a_user_may_confirm_for_are_offered(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    engineer_html = _html(_client(world.engineer).get(_project_url(project)))
    assert "confirm/project_team/" in engineer_html
    assert "confirm/after_sales/" not in engineer_html
    assert "confirm/customer/" not in engineer_html
    manager_html = _html(_client(world.manager).get(_project_url(project)))
    for party in ("project_team", "after_sales", "customer"):
        assert f"confirm/{party}/" in manager_html


def test_confirming_is_not_offered_while_a_section_is_empty(world: World) -> None:
    project = _project(world)
    html = _html(_client(world.manager).get(_project_url(project)))
    assert "confirm/after_sales/" not in html
    assert "once every section is filled in" in html


def test_manager_confirms_for_after_sales_and_the_third_confirmation_completes_it(
    world: World,
) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(
        actor=world.acme_portal, project=project, party=HandoverParty.CUSTOMER
    )
    services.confirm_handover(
        actor=world.engineer, project=project, party=HandoverParty.PROJECT_TEAM
    )
    client = _client(world.manager)
    key = "confirm-after_sales"
    response = client.post(
        reverse("customers:handover-confirm", args=[project.pk, "after_sales"]),
        {f"{key}-version": _state(client, project, key), f"{key}-comment": "同意接收"},
        follow=True,
    )
    assert response.status_code == 200
    assert "the handover is complete" in _html(response)
    project.refresh_from_db()
    assert project.handover_status == HandoverStatus.COMPLETED
    assert "Edit this section" not in _html(response)


def test_agent_records_the_customers_signed_confirmation_naming_the_signer(
    world: World,
) -> None:
    project = _project(world)
    _fill(world, project)
    client = _client(world.agent)
    key = "confirm-customer"
    url = reverse("customers:handover-confirm", args=[project.pk, "customer"])
    state = _state(client, project, key)
    missing = client.post(url, {f"{key}-version": state})
    assert missing.status_code == 400
    assert "signed by (customer contact)" in _html(missing).lower()
    response = client.post(
        url,
        {f"{key}-version": state, f"{key}-signed_by_contact": world.acme_contact.pk},
        follow=True,
    )
    assert "Customer: confirmed." in _html(response)
    confirmation = HandoverConfirmation.objects.get(project=project)
    assert confirmation.signed_by_contact == world.acme_contact
    assert confirmation.confirmed_by == world.agent


def test_a_confirmation_on_a_stale_page_is_refused_and_writes_nothing(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    client = _client(world.manager)
    key = "confirm-after_sales"
    state = _state(client, project, key)
    # Meanwhile the project team confirms: the page the manager read is out of date.
    services.confirm_handover(
        actor=world.engineer, project=project, party=HandoverParty.PROJECT_TEAM
    )
    response = client.post(
        reverse("customers:handover-confirm", args=[project.pk, "after_sales"]),
        {f"{key}-version": state, f"{key}-comment": "我的意见"},
    )
    assert response.status_code == 409
    html = _html(response)
    assert "changed since you opened this page" in html
    assert "我的意见" in html
    assert not HandoverConfirmation.objects.filter(party=HandoverParty.AFTER_SALES).exists()


def test_an_engineer_cannot_confirm_for_after_sales_even_by_a_forged_post(world: World) -> None:
    project = _project(world)
    _fill(world, project)
    client = _client(world.engineer)
    key = "confirm-after_sales"
    response = client.post(
        reverse("customers:handover-confirm", args=[project.pk, "after_sales"]),
        {f"{key}-version": _state(client, project, "confirm-project_team")},
    )
    assert response.status_code == 403
    assert "You may not confirm this handover for that party." in _html(response)
    assert not HandoverConfirmation.objects.exists()


def test_the_confirmer_withdraws_with_a_reason_and_the_checklist_opens_again(
    world: World,
) -> None:
    project = _project(world)
    _fill(world, project)
    services.confirm_handover(
        actor=world.engineer, project=project, party=HandoverParty.PROJECT_TEAM
    )
    client = _client(world.engineer)
    assert "Edit this section" not in _html(client.get(_project_url(project)))
    key = "withdraw-project_team"
    url = reverse("customers:handover-withdraw", args=[project.pk, "project_team"])
    state = _state(client, project, key)
    assert client.post(url, {f"{key}-version": state}).status_code == 400
    response = client.post(
        url, {f"{key}-version": state, f"{key}-reason": "图纸清单有更新"}, follow=True
    )
    html = _html(response)
    assert "Project team: confirmation withdrawn." in html
    assert "Withdrawn confirmations" in html and "图纸清单有更新" in html
    assert "Edit this section" in html
    assert HandoverConfirmation.objects.get(project=project).withdrawn_by == world.engineer


def test_project_page_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    project = _project(world)
    _fill(world, project)
    client = _client(world.manager)
    client.get(_project_url(project))
    with django_assert_num_queries(12):
        client.get(_project_url(project))


# --- The global search links here -----------------------------------------------------------


def test_global_search_links_customers_and_units_to_their_pages(world: World) -> None:
    unit = _unit(world, "ACME-777", timezone.localdate())
    client = _client(world.agent)
    html = _html(client.get(reverse("service:search"), {"q": "甲方"}))
    assert _company_url(world.acme) in html
    html = _html(client.get(reverse("service:search"), {"q": "ACME-777"}))
    assert reverse("customers:equipment-detail", args=[unit.pk]) in html


def test_company_page_answers_htmx_with_the_request_rows_only(world: World) -> None:
    request = _request(world, "冷却水泵漏水")
    response = _client(world.agent).get(
        _company_url(world.acme),
        {"order": "due", "partial": "rows"},
        headers={"HX-Request": "true"},
    )
    html = _html(response)
    assert html.startswith('<div id="request-rows">') or 'id="request-rows"' in html[:200]
    assert "<html" not in html
    assert request.number in html


def test_the_pages_speak_chinese_to_a_chinese_reader(world: World) -> None:
    project = _project(world)
    client = _client(world.manager, language="zh-hans")
    assert "全部等级" in _html(client.get(reverse("customers:company-list")))
    html = _html(client.get(_project_url(project)))
    assert "交接清单" in html and "尚未确认" in html
