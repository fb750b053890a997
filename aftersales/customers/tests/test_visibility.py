"""Who sees which customer rows: every role, both portal users, every endpoint (rule 3).

Company-wide roles (and the warehouse, which ships to every site) see every customer;
department-scoped staff (managers, engineers) see the customers their departments serve,
the customers they are account manager of, and the projects they deliver; a portal user
sees only their own company; a user without a role sees nothing. The same rule holds in
every list, search, detail, history, export, action and attachment download, and in the
querysets themselves.

The world and one row of every kind per company are built once for the module (about a
hundred tests read them); each test runs in its own savepoint, so a test that changes
something leaves the next one the same rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook
from rest_framework.test import APIClient

from aftersales.accounts.models import User
from aftersales.core.history import record
from aftersales.core.models import Attachment
from aftersales.core.services import add_attachment
from aftersales.customers.choices import HandoverSection
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverItem,
    ProductLine,
    ProductModel,
    Project,
    Site,
)
from aftersales.testing import factories as f
from aftersales.testing.world import World, build_world

pytestmark = pytest.mark.django_db

BOTH = frozenset({"acme", "globex"})
ACME = frozenset({"acme"})
GLOBEX = frozenset({"globex"})
NONE: frozenset[str] = frozenset()

# Which companies each actor of the world sees (the rule of the issue, written out).
SEES: dict[str, frozenset[str]] = {
    "admin": BOTH,
    "executive": BOTH,
    "director": BOTH,
    "agent": BOTH,
    "office": BOTH,
    "qc": BOTH,
    "manager": ACME,
    "engineer": ACME,
    "outsider_manager": GLOBEX,
    "outsider_engineer": GLOBEX,
    # The warehouse ships parts to every customer's site.
    "warehouse": BOTH,
    "acme_portal": ACME,
    "globex_portal": GLOBEX,
    "nobody": NONE,
}
ACTORS = list(SEES)

# Endpoint → (model, detail sub-resources, actors without the model's view permission).
ENDPOINTS: dict[str, tuple[type, list[str], frozenset[str]]] = {
    "companies": (Company, ["", "history/"], frozenset({"nobody"})),
    "contacts": (Contact, ["", "history/"], frozenset({"nobody", "warehouse"})),
    "sites": (Site, ["", "history/"], frozenset({"nobody"})),
    "projects": (Project, ["", "history/", "handover/"], frozenset({"nobody", "warehouse"})),
    "handover-items": (HandoverItem, ["", "attachments/"], frozenset({"nobody", "warehouse"})),
    "equipment": (
        Equipment,
        ["", "history/", "service-history/", "warranty/"],
        frozenset({"nobody"}),
    ),
}
SEARCHABLE = ["companies", "contacts", "sites", "projects", "equipment"]
EXPORTABLE = {"companies": 0, "equipment": 0}  # endpoint → column holding the row's key


@dataclass
class Customers:
    """The world's two companies with a row of every kind each, by company key."""

    world: World
    rows: dict[str, dict[str, Any]]
    nobody: User

    def actor(self, name: str) -> User:
        """The actor as a request would load them: fresh, with no cached scope."""
        user = self.nobody if name == "nobody" else getattr(self.world, name)
        return User.objects.get(pk=user.pk)

    def ids(self, endpoint: str, companies: frozenset[str]) -> set[int]:
        return {self.rows[key][endpoint].pk for key in companies}


def _build() -> Customers:
    world = build_world()
    rows: dict[str, dict[str, Any]] = {}
    for key in ("acme", "globex"):
        company: Company = getattr(world, key)
        project = f.ProjectFactory(company=company, name=f"{company.name_en} project")
        rows[key] = {
            "companies": company,
            "contacts": getattr(world, f"{key}_contact"),
            "sites": f.SiteFactory(company=company, name=f"{company.name_en} plant"),
            "projects": project,
            "handover-items": f.HandoverItemFactory(
                project=project, section=HandoverSection.OVERVIEW
            ),
            "equipment": f.EquipmentFactory(company=company, product_model=world.model),
        }
        for endpoint, obj in rows[key].items():
            if endpoint != "handover-items":
                record(actor=world.admin, action="created", obj=obj)
    # A department without a role grants nothing.
    nobody = f.UserFactory(username="nobody", department=world.service)
    return Customers(world=world, rows=rows, nobody=nobody)


@pytest.fixture(scope="module")
def customers(django_db_setup: None, django_db_blocker: Any) -> Iterator[Customers]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


def _client(user: User | None, *, session: bool = False) -> APIClient:
    client = APIClient()
    if user is not None and session:
        client.force_login(user)
    elif user is not None:
        client.force_authenticate(user)
    return client


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Lists, search, detail, history, export -------------------------------------------------
# One test per actor walks every endpoint: the world is built once per actor, not per URL.


@pytest.mark.parametrize("actor", ACTORS)
def test_lists_show_exactly_the_rows_of_the_companies_the_actor_may_see(
    customers: Customers, actor: str
) -> None:
    client = _client(customers.actor(actor))
    for endpoint, (_model, _subs, forbidden) in ENDPOINTS.items():
        response = client.get(f"/api/v1/{endpoint}/")
        if actor in forbidden:
            assert response.status_code == 403, endpoint
        else:
            assert _ids(response) == customers.ids(endpoint, SEES[actor]), endpoint


@pytest.mark.parametrize("actor", ACTORS)
def test_search_never_finds_rows_of_companies_the_actor_may_not_see(
    customers: Customers, actor: str
) -> None:
    client = _client(customers.actor(actor))
    for endpoint in SEARCHABLE:
        for key in ("acme", "globex"):
            # Every searchable endpoint matches a row by its company's name.
            name = customers.rows[key]["companies"].name
            response = client.get(f"/api/v1/{endpoint}/", {"search": name})
            if actor in ENDPOINTS[endpoint][2]:
                assert response.status_code == 403, endpoint
            else:
                expected = customers.ids(endpoint, SEES[actor] & {key})
                assert _ids(response) == expected, (endpoint, key)


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_history_and_actions_answer_404_for_rows_the_actor_may_not_see(
    customers: Customers, actor: str
) -> None:
    client = _client(customers.actor(actor))
    for endpoint, (_model, subresources, forbidden) in ENDPOINTS.items():
        for key in ("acme", "globex"):
            pk = customers.rows[key][endpoint].pk
            # Without the view permission every sub-resource is refused alike: ask once.
            for sub in subresources[:1] if actor in forbidden else subresources:
                response = client.get(f"/api/v1/{endpoint}/{pk}/{sub}")
                if actor in forbidden:
                    expected = 403
                elif key in SEES[actor]:
                    expected = 200
                else:
                    expected = 404
                assert response.status_code == expected, (endpoint, key, sub, response.content)
                if expected == 200 and sub == "":
                    assert response.json()["id"] == pk
                if expected == 200 and sub == "history/":
                    assert [e["action"] for e in response.json()["results"]] == ["created"]


@pytest.mark.parametrize("actor", ACTORS)
def test_exports_contain_exactly_the_rows_the_actor_may_see(
    customers: Customers, actor: str
) -> None:
    client = _client(customers.actor(actor))
    for endpoint, column in EXPORTABLE.items():
        for file_format in ("csv", "xlsx"):
            response = client.get(f"/api/v1/{endpoint}/export/", {"file_format": file_format})
            if actor in ENDPOINTS[endpoint][2]:
                assert response.status_code == 403, endpoint
                continue
            assert response.status_code == 200, (endpoint, file_format)
            keys = {row[column] for row in _export_rows(response, file_format)[1:]}
            field = "code" if endpoint == "companies" else "serial_number"
            expected = {getattr(customers.rows[k][endpoint], field) for k in SEES[actor]}
            assert keys == expected, (endpoint, file_format)


def _export_rows(response, file_format: str) -> list[list[Any]]:
    if file_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


# --- The querysets themselves ---------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_visible_to_returns_exactly_the_rows_of_the_companies_the_actor_may_see(
    customers: Customers, actor: str
) -> None:
    user = customers.actor(actor)
    for endpoint, (model, _subs, _forbidden) in ENDPOINTS.items():
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert visible == customers.ids(endpoint, SEES[actor]), endpoint
    # The product catalogue is public to everyone with a role, portal users included.
    has_role = actor != "nobody"
    assert ProductLine.objects.visible_to(user).exists() is has_role
    assert ProductModel.objects.visible_to(user).exists() is has_role


def test_anonymous_sees_no_customer_rows(customers: Customers) -> None:
    for model, _subs, _forbidden in ENDPOINTS.values():
        assert not model.objects.visible_to(AnonymousUser()).exists()
    assert not ProductModel.objects.visible_to(AnonymousUser()).exists()


def test_an_inactive_user_sees_nothing_whatever_their_role(customers: Customers) -> None:
    User.objects.filter(username="agent").update(is_active=False)
    user = customers.actor("agent")
    for model, _subs, _forbidden in ENDPOINTS.values():
        assert not model.objects.visible_to(user).exists()


def test_staff_see_a_new_customer_of_their_department_and_not_of_another(
    customers: Customers,
) -> None:
    newcomer = f.CompanyFactory(service_department=customers.world.technical)
    for name, sees in [("outsider_engineer", True), ("engineer", False), ("agent", True)]:
        visible = Company.objects.visible_to(customers.actor(name))
        assert visible.filter(pk=newcomer.pk).exists() is sees, name


def test_a_customer_without_a_service_department_is_seen_only_company_wide(
    customers: Customers,
) -> None:
    orphan = f.CompanyFactory(service_department=None)
    assert Company.objects.visible_to(customers.actor("executive")).filter(pk=orphan.pk).exists()
    for name in ("manager", "engineer", "outsider_manager", "acme_portal", "globex_portal"):
        visible = Company.objects.visible_to(customers.actor(name))
        assert not visible.filter(pk=orphan.pk).exists(), name


def test_an_account_manager_sees_their_customer_whatever_department_serves_it(
    customers: Customers,
) -> None:
    globex = customers.rows["globex"]
    Company.objects.filter(pk=globex["companies"].pk).update(
        account_manager=customers.world.engineer
    )
    engineer = customers.actor("engineer")
    for endpoint, (model, _subs, _forbidden) in ENDPOINTS.items():
        visible = set(model.objects.visible_to(engineer).values_list("pk", flat=True))
        assert visible == customers.ids(endpoint, BOTH), endpoint
    # Another engineer of the same department does not inherit the account.
    colleague = f.UserFactory(department=customers.world.service, roles=["engineer"])
    assert not Company.objects.visible_to(colleague).filter(pk=globex["companies"].pk).exists()


def test_the_project_team_sees_its_project_but_not_the_rest_of_the_customer(
    customers: Customers,
) -> None:
    acme = customers.rows["acme"]
    Project.objects.filter(pk=acme["projects"].pk).update(
        project_manager=customers.world.outsider_engineer
    )
    client = _client(customers.actor("outsider_engineer"))
    assert client.get(f"/api/v1/projects/{acme['projects'].pk}/").status_code == 200
    assert client.get(f"/api/v1/projects/{acme['projects'].pk}/handover/").status_code == 200
    assert client.get(f"/api/v1/handover-items/{acme['handover-items'].pk}/").status_code == 200
    for endpoint in ("companies", "contacts", "sites", "equipment"):
        assert client.get(f"/api/v1/{endpoint}/{acme[endpoint].pk}/").status_code == 404, endpoint
    assert _ids(client.get("/api/v1/projects/")) == customers.ids("projects", BOTH)
    # The project department's members are the team too.
    Project.objects.filter(pk=acme["projects"].pk).update(
        project_manager=None, project_department=customers.world.technical
    )
    visible = Project.objects.visible_to(customers.actor("outsider_manager"))
    assert visible.filter(pk=acme["projects"].pk).exists()
    assert (
        not Project.objects.visible_to(customers.actor("globex_portal"))
        .filter(pk=acme["projects"].pk)
        .exists()
    )


# --- The portal user of another company, said plainly ----------------------------------------


def test_portal_user_cannot_see_other_company_equipment(customers: Customers) -> None:
    unit = customers.rows["acme"]["equipment"]
    client = _client(customers.actor("globex_portal"))
    assert client.get(f"/api/v1/equipment/{unit.pk}/").status_code == 404
    assert client.get(f"/api/v1/equipment/{unit.pk}/warranty/").status_code == 404
    assert unit.pk not in _ids(client.get("/api/v1/equipment/"))
    found = client.get("/api/v1/equipment/", {"search": unit.serial_number})
    assert _ids(found) == set()


def test_portal_user_of_another_company_gets_404_on_project_handover_and_history(
    customers: Customers,
) -> None:
    project = customers.rows["acme"]["projects"]
    client = _client(customers.actor("globex_portal"))
    for sub in ("", "history/", "handover/"):
        assert client.get(f"/api/v1/projects/{project.pk}/{sub}").status_code == 404


def test_portal_user_of_another_company_sees_zero_rows_in_searches_and_exports(
    customers: Customers,
) -> None:
    client = _client(customers.actor("globex_portal"))
    acme = customers.world.acme
    for endpoint in SEARCHABLE:
        for term in (acme.name, acme.name_en, acme.code):
            assert _ids(client.get(f"/api/v1/{endpoint}/", {"search": term})) == set(), endpoint
    for endpoint in EXPORTABLE:
        response = client.get(f"/api/v1/{endpoint}/export/", {"search": acme.name})
        lines = response.content.decode("utf-8-sig").splitlines()
        assert len(lines) == 1  # the header only


def test_filtering_by_another_companys_row_answers_like_filtering_by_a_missing_one(
    customers: Customers,
) -> None:
    client = _client(customers.actor("globex_portal"))
    acme = customers.rows["acme"]
    filters = [
        ("companies", "service_department", customers.world.service.pk),
        ("contacts", "company", acme["companies"].pk),
        ("sites", "company", acme["companies"].pk),
        ("projects", "company", acme["companies"].pk),
        ("handover-items", "project", acme["projects"].pk),
        ("equipment", "company", acme["companies"].pk),
        ("equipment", "site", acme["sites"].pk),
        ("equipment", "project", acme["projects"].pk),
    ]
    for endpoint, name, pk in filters:
        invisible = client.get(f"/api/v1/{endpoint}/", {name: pk})
        missing = client.get(f"/api/v1/{endpoint}/", {name: 999_999})
        assert invisible.status_code == missing.status_code == 400, (endpoint, name)
        assert list(invisible.json()) == [name]
    # Its own rows filter as usual.
    own = client.get("/api/v1/equipment/", {"company": customers.world.globex.pk})
    assert _ids(own) == customers.ids("equipment", GLOBEX)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_browsable_api_names_nothing_of_another_company(
    customers: Customers, endpoint: str
) -> None:
    # Its forms list the choices of every filter and foreign key; they must be scoped too.
    world = customers.world
    acme = customers.rows["acme"]
    secrets = [
        world.acme.name,
        world.acme.name_en,
        world.acme.code,
        world.acme_contact.name,
        world.acme_portal.full_name,
        acme["sites"].name,
        acme["projects"].name,
        acme["equipment"].serial_number,
    ]
    response = _client(customers.actor("globex_portal")).get(
        f"/api/v1/{endpoint}/", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" in html
    assert [s for s in secrets if s in html] == []


def test_portal_user_of_another_company_cannot_write_to_its_rows(customers: Customers) -> None:
    acme = customers.rows["acme"]
    client = _client(customers.actor("globex_portal"))
    writes = [
        ("patch", f"/api/v1/companies/{acme['companies'].pk}/", {"version": 1, "phone": "1"}),
        ("patch", f"/api/v1/contacts/{acme['contacts'].pk}/", {"version": 1, "phone": "1"}),
        ("patch", f"/api/v1/sites/{acme['sites'].pk}/", {"version": 1, "city": "x"}),
        ("patch", f"/api/v1/equipment/{acme['equipment'].pk}/", {"version": 1, "notes": "x"}),
        (
            "patch",
            f"/api/v1/handover-items/{acme['handover-items'].pk}/",
            {"version": 1, "content": "x"},
        ),
        ("post", f"/api/v1/projects/{acme['projects'].pk}/confirm/", {"party": "customer"}),
        (
            "post",
            f"/api/v1/projects/{acme['projects'].pk}/withdraw/",
            {"party": "customer", "reason": "x"},
        ),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (url, response.content)


def test_staff_of_another_department_cannot_create_rows_for_a_customer_they_may_not_see(
    customers: Customers,
) -> None:
    client = _client(customers.actor("outsider_manager"))
    response = client.post(
        "/api/v1/sites/", {"company": customers.world.acme.pk, "name": "偷建厂区"}, format="json"
    )
    assert response.status_code == 400
    assert "company" in response.json()
    assert not Site.objects.filter(name="偷建厂区").exists()


# --- Attachments ----------------------------------------------------------------------------


@pytest.fixture
def private_storage(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }


CONTENT = "交接图纸 drawing rev. B\n".encode()


@pytest.fixture
def acme_attachment(customers: Customers, private_storage: None) -> Attachment:
    item = customers.rows["acme"]["handover-items"]
    client = _client(customers.actor("manager"))
    upload = SimpleUploadedFile("图纸.txt", CONTENT, content_type="text/plain")
    response = client.post(
        f"/api/v1/handover-items/{item.pk}/attachments/",
        {"file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Attachment.objects.get(key=response.json()["key"])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_portal_user_downloads_an_attachment_of_their_own_company(
    customers: Customers, acme_attachment: Attachment
) -> None:
    user = customers.actor("acme_portal")
    api = _client(user).get(f"/api/v1/attachments/{acme_attachment.key}/download/")
    assert api.status_code == 200
    assert _body(api) == CONTENT
    page = _client(user, session=True).get(f"/attachments/{acme_attachment.key}/")
    assert page.status_code == 200
    assert _body(page) == CONTENT
    assert page["Content-Security-Policy"] == "default-src 'none'; sandbox"


# The warehouse sees every customer but may not read handover sections, nor so their files.
@pytest.mark.parametrize("actor", ["globex_portal", "outsider_engineer", "warehouse", "nobody"])
def test_attachment_the_actor_may_not_read_answers_404_like_a_missing_one(
    customers: Customers, acme_attachment: Attachment, actor: str
) -> None:
    user = customers.actor(actor)
    api = _client(user).get(f"/api/v1/attachments/{acme_attachment.key}/download/")
    assert api.status_code == 404
    page = _client(user, session=True).get(f"/attachments/{acme_attachment.key}/")
    assert page.status_code == 404


def test_attachment_list_of_another_company_answers_404(
    customers: Customers, acme_attachment: Attachment
) -> None:
    item = customers.rows["acme"]["handover-items"]
    url = f"/api/v1/handover-items/{item.pk}/attachments/"
    own = _client(customers.actor("acme_portal")).get(url)
    assert [a["key"] for a in own.json()] == [str(acme_attachment.key)]
    assert _client(customers.actor("globex_portal")).get(url).status_code == 404


def test_anonymous_cannot_download_an_attachment(
    customers: Customers, acme_attachment: Attachment
) -> None:
    client = _client(None)
    assert client.get(f"/api/v1/attachments/{acme_attachment.key}/download/").status_code in {
        401,
        403,
    }
    page = client.get(f"/attachments/{acme_attachment.key}/")
    assert page.status_code == 302  # to the login page


def test_attachment_added_by_the_service_is_served_to_its_company_only(
    customers: Customers, private_storage: None
) -> None:
    item = customers.rows["globex"]["handover-items"]
    attachment = add_attachment(
        actor=customers.world.outsider_manager,
        target=item,
        upload=SimpleUploadedFile("参数表.csv", b"a,b\n1,2\n"),
    )
    url = f"/api/v1/attachments/{attachment.key}/download/"
    globex = _client(customers.actor("globex_portal")).get(url)
    assert globex.status_code == 200
    assert _body(globex) == b"a,b\n1,2\n"
    assert _client(customers.actor("acme_portal")).get(url).status_code == 404
    assert _client(customers.actor("engineer")).get(url).status_code == 404


def test_portal_user_cannot_upload_to_another_company_nor_to_their_own(
    customers: Customers, private_storage: None
) -> None:
    acme_item = customers.rows["acme"]["handover-items"]
    url = f"/api/v1/handover-items/{acme_item.pk}/attachments/"

    def upload() -> dict[str, SimpleUploadedFile]:
        return {"file": SimpleUploadedFile("x.txt", b"x")}

    other = _client(customers.actor("globex_portal")).post(url, upload(), format="multipart")
    assert other.status_code == 404
    own = _client(customers.actor("acme_portal")).post(url, upload(), format="multipart")
    assert own.status_code == 403
    assert not Attachment.objects.exists()
