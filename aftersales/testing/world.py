"""The small named world every test module uses (ARCHITECTURE rule 13).

Two departments of staff: the after-sales service department (agent, engineer, manager,
director) and an outsider department (technical, with its own engineer and manager), plus
executive, admin, office, QC, warehouse, VP, business manager, the heads of production and
purchasing, and portal users of two customer companies: ``acme``
served by the service department, ``globex`` served by the outsider department.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.accounts.models import Department, User
from aftersales.customers.models import Company, Contact, ProductLine, ProductModel
from aftersales.testing import factories as f


@dataclass
class World:
    """Named actors and objects for tests."""

    service: Department
    technical: Department
    admin: User
    executive: User
    director: User
    manager: User
    agent: User
    engineer: User
    office: User
    qc: User
    warehouse: User
    outsider_manager: User
    outsider_engineer: User
    acme: Company
    globex: Company
    acme_contact: Contact
    globex_contact: Contact
    acme_portal: User
    globex_portal: User
    line: ProductLine
    model: ProductModel
    vp: User
    business_manager: User
    production: Department
    production_manager: User
    purchasing: Department
    purchasing_manager: User

    def staff(self) -> dict[str, User]:
        """Every staff actor by name."""
        names = [
            "admin",
            "executive",
            "director",
            "manager",
            "agent",
            "engineer",
            "office",
            "qc",
            "warehouse",
            "outsider_manager",
            "outsider_engineer",
            "vp",
            "business_manager",
            "production_manager",
            "purchasing_manager",
        ]
        return {n: getattr(self, n) for n in names}


def build_world() -> World:
    """Create the world in the test database."""
    service = f.DepartmentFactory(
        code="service",
        name="售后服务部",
        name_en="After-sales service",
        kind=DepartmentKind.SERVICE,
    )
    technical = f.DepartmentFactory(
        code="technical", name="技术部", name_en="Technical", kind=DepartmentKind.TECHNICAL
    )
    manager = f.UserFactory(username="manager", department=service, roles=[Role.DEPARTMENT_MANAGER])
    service.manager = manager
    service.save()
    outsider_manager = f.UserFactory(
        username="outsider_manager", department=technical, roles=[Role.DEPARTMENT_MANAGER]
    )
    technical.manager = outsider_manager
    technical.save()
    acme = f.CompanyFactory(
        name="甲方机械有限公司", name_en="Acme Machinery", service_department=service
    )
    globex = f.CompanyFactory(
        name="乙方化工有限公司", name_en="Globex Chemicals", service_department=technical
    )
    acme_portal = f.UserFactory(username="acme_portal", roles=[Role.CUSTOMER])
    globex_portal = f.UserFactory(username="globex_portal", roles=[Role.CUSTOMER])
    acme_contact = f.ContactFactory(company=acme, user=acme_portal, name="张伟", is_primary=True)
    globex_contact = f.ContactFactory(
        company=globex, user=globex_portal, name="李娜", is_primary=True
    )
    production = f.DepartmentFactory(
        code="production", name="生产部", name_en="Production", kind=DepartmentKind.PRODUCTION
    )
    production_manager = f.UserFactory(
        username="production_manager", department=production, roles=[Role.DEPARTMENT_MANAGER]
    )
    production.manager = production_manager
    production.save()
    purchasing = f.DepartmentFactory(
        code="purchasing", name="采购部", name_en="Purchasing", kind=DepartmentKind.PURCHASING
    )
    purchasing_manager = f.UserFactory(
        username="purchasing_manager", department=purchasing, roles=[Role.DEPARTMENT_MANAGER]
    )
    purchasing.manager = purchasing_manager
    purchasing.save()
    business = f.DepartmentFactory(
        code="business", name="商务部", name_en="Business", kind=DepartmentKind.BUSINESS
    )
    line = f.ProductLineFactory(code="pump", name="水泵", name_en="Pumps")
    model = f.ProductModelFactory(line=line, code="HP-200", warranty_months=12)
    return World(
        service=service,
        technical=technical,
        admin=f.UserFactory(username="admin", roles=[Role.ADMIN], is_staff=True),
        executive=f.UserFactory(username="executive", roles=[Role.EXECUTIVE]),
        director=f.UserFactory(
            username="director", department=service, roles=[Role.SERVICE_DIRECTOR]
        ),
        manager=manager,
        agent=f.UserFactory(username="agent", department=service, roles=[Role.AGENT]),
        engineer=f.UserFactory(username="engineer", department=service, roles=[Role.ENGINEER]),
        office=f.UserFactory(username="office", roles=[Role.OFFICE]),
        qc=f.UserFactory(username="qc", roles=[Role.QC]),
        warehouse=f.UserFactory(username="warehouse", roles=[Role.WAREHOUSE]),
        outsider_manager=outsider_manager,
        outsider_engineer=f.UserFactory(
            username="outsider_engineer", department=technical, roles=[Role.ENGINEER]
        ),
        acme=acme,
        globex=globex,
        acme_contact=acme_contact,
        globex_contact=globex_contact,
        acme_portal=acme_portal,
        globex_portal=globex_portal,
        line=line,
        model=model,
        vp=f.UserFactory(username="vp", roles=[Role.VP]),
        business_manager=f.UserFactory(
            username="business_manager", department=business, roles=[Role.BUSINESS_MANAGER]
        ),
        production=production,
        production_manager=production_manager,
        purchasing=purchasing,
        purchasing_manager=purchasing_manager,
    )


__all__ = ["Decimal", "World", "build_world"]
