"""factory-boy factories for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group

from aftersales.accounts.choices import DepartmentKind
from aftersales.accounts.models import Department, User
from aftersales.customers.choices import HandoverSection, RegionClass, Tier
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
from aftersales.customers.services import warranty_end_for


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = DepartmentKind.SERVICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username.replace("_", " ").title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pass-Word-123")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=r) for r in extracted])


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    code = factory.Sequence(lambda n: f"CU-T{n:05d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    tier = Tier.NORMAL
    region_class = RegionClass.LOCAL


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = "021-55550000"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"厂区{n}")


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"line{n}")
    name = factory.Sequence(lambda n: f"产品线{n}")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel
        django_get_or_create = ("code",)

    line = factory.SubFactory(ProductLineFactory)
    code = factory.Sequence(lambda n: f"M-{n:04d}")
    name = factory.Sequence(lambda n: f"型号{n}")
    warranty_months = 12


class EquipmentFactory(factory.django.DjangoModelFactory):
    """A unit in service; warranty end derived like the service does."""

    class Meta:
        model = Equipment

    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    product_model = factory.SubFactory(ProductModelFactory)
    company = factory.SubFactory(CompanyFactory)
    delivered_on = dt.date(2026, 1, 10)
    commissioned_on = dt.date(2026, 1, 15)
    contract_amount = Decimal("100000.00")
    warranty_end = factory.LazyAttribute(
        lambda o: warranty_end_for(
            o.commissioned_on or o.delivered_on,
            o.warranty_months if o.warranty_months is not None else o.product_model.warranty_months,
        )
    )
    warranty_months = None


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project without its checklist; add sections with HandoverItemFactory."""

    class Meta:
        model = Project

    number = factory.Sequence(lambda n: f"PJ-T-{n:06d}")
    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    service_department = factory.LazyAttribute(lambda o: o.company.service_department)


class HandoverItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoverItem

    project = factory.SubFactory(ProjectFactory)
    section = HandoverSection.OVERVIEW
    content = factory.Sequence(lambda n: f"交接内容{n}")
