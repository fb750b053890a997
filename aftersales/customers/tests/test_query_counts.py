"""Every API list has a pinned query count that does not grow with its rows (rule 7).

Each list is read with 2 rows and again with 50 rows (one full page); both reads must take
exactly the pinned number of queries. The reader is a department manager, so the
department visibility filter is part of what is measured, and every row carries the
foreign keys its serializer shows, so that a missing select_related would show up as
extra queries.

The pinned numbers share a fixed part, per request:
session, user, the user's groups and managed departments (scope), their permissions
(user and group), then the page's COUNT and SELECT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.core.models import Attachment
from aftersales.customers.choices import HandoverSection
from aftersales.testing import factories as f

pytestmark = pytest.mark.django_db

SECTIONS = list(HandoverSection)


class Reader:
    """The department, its manager (who reads) and the rows' shared parents."""

    def __init__(self) -> None:
        self.department = f.DepartmentFactory(code="service", name="售后服务部")
        self.user = f.UserFactory(
            username="reader", department=self.department, roles=[Role.DEPARTMENT_MANAGER]
        )
        self.department.manager = self.user
        self.department.save()
        self.model = f.ProductModelFactory()
        self._company: Any = None

    def company(self) -> Any:
        if self._company is None:
            self._company = f.CompanyFactory(service_department=self.department)
        return self._company


def _companies(reader: Reader, n: int) -> None:
    f.CompanyFactory.create_batch(
        n, service_department=reader.department, account_manager=reader.user
    )


def _contacts(reader: Reader, n: int) -> None:
    for _ in range(n):
        portal = f.UserFactory(roles=[Role.CUSTOMER])
        f.ContactFactory(
            company=f.CompanyFactory(service_department=reader.department), user=portal
        )


def _sites(reader: Reader, n: int) -> None:
    for _ in range(n):
        contact = f.ContactFactory(company=reader.company())
        f.SiteFactory(company=reader.company(), contact=contact)


def _product_lines(reader: Reader, n: int) -> None:
    f.ProductLineFactory.create_batch(n)


def _product_models(reader: Reader, n: int) -> None:
    f.ProductModelFactory.create_batch(n, line=reader.model.line)


def _projects(reader: Reader, n: int) -> None:
    for _ in range(n):
        company = reader.company()
        f.ProjectFactory(
            company=company,
            site=f.SiteFactory(company=company),
            project_manager=reader.user,
            project_department=reader.department,
        )


def _handover_items(reader: Reader, n: int) -> None:
    # Each section has an attachment: the list counts them, in the same query.
    project = None
    for i in range(n):
        if i % len(SECTIONS) == 0:
            project = f.ProjectFactory(company=reader.company())
        item = f.HandoverItemFactory(
            project=project, section=SECTIONS[i % len(SECTIONS)], updated_by=reader.user
        )
        Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(item),
            object_id=str(item.pk),
            file="attachments/test",
            original_name="图纸.pdf",
            mime_type="application/pdf",
            size=1,
            uploaded_by_id=reader.user.pk,
            created_at=timezone.now(),
        )


def _equipment(reader: Reader, n: int) -> None:
    company = reader.company()
    project = f.ProjectFactory(company=company)
    site = f.SiteFactory(company=company)
    f.EquipmentFactory.create_batch(
        n, company=company, product_model=reader.model, site=site, project=project
    )


def _departments(reader: Reader, n: int) -> None:
    for _ in range(n):
        f.DepartmentFactory(manager=f.UserFactory())


def _users(reader: Reader, n: int) -> None:
    # Every user has a department and two roles.
    groups = list(Group.objects.filter(name__in=[Role.ENGINEER, Role.QC]))
    for _ in range(n):
        f.UserFactory(department=reader.department).groups.add(*groups)


MAKERS: dict[str, Callable[[Reader, int], None]] = {
    "companies": _companies,
    "contacts": _contacts,
    "sites": _sites,
    "product-lines": _product_lines,
    "product-models": _product_models,
    "projects": _projects,
    "handover-items": _handover_items,
    "equipment": _equipment,
    "departments": _departments,
    "users": _users,
}

# Rows the reader brings along: their product model (and its line), department, and self.
PREEXISTING = {"product-lines": 1, "product-models": 1, "departments": 1, "users": 1}

# The pinned query count of each list, the same for 2 rows and for 50.
PINNED: dict[str, int] = {
    "companies": 6,
    "contacts": 6,
    "sites": 6,
    "product-lines": 6,
    "product-models": 6,
    "projects": 6,
    "handover-items": 6,
    "equipment": 6,
    "departments": 6,
    "users": 7,  # + the users' groups, prefetched in one query
}


def _read(reader: Reader, endpoint: str, django_assert_num_queries: Any) -> list[dict[str, Any]]:
    client = APIClient()
    client.force_login(reader.user)
    with django_assert_num_queries(PINNED[endpoint]):
        response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("endpoint", list(MAKERS))
def test_list_takes_the_same_pinned_number_of_queries_for_2_and_for_50_rows(
    endpoint: str, django_assert_num_queries: Any
) -> None:
    reader = Reader()
    MAKERS[endpoint](reader, 2 - PREEXISTING.get(endpoint, 0))
    assert len(_read(reader, endpoint, django_assert_num_queries)) == 2
    MAKERS[endpoint](reader, 48)
    rows = _read(reader, endpoint, django_assert_num_queries)
    assert len(rows) == 50
    if endpoint == "handover-items":
        assert {row["attachment_count"] for row in rows} == {1}
