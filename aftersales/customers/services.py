"""Use cases of the customers context. Every write to these models goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.core import clock
from aftersales.core.dates import period_end
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record
from aftersales.core.numbering import next_number
from aftersales.core.services import create_object, require_perm, require_visible, update_object
from aftersales.customers.choices import (
    EquipmentStatus,
    HandoverParty,
    HandoverSection,
    HandoverStatus,
)
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverConfirmation,
    HandoverItem,
    ProductLine,
    ProductModel,
    Project,
    Site,
)

COMPANY_FIELDS = [
    "name",
    "name_en",
    "tier",
    "region_class",
    "industry",
    "province",
    "city",
    "address",
    "phone",
    "service_department",
    "account_manager",
    "notes",
    "is_active",
]
CONTACT_FIELDS = ["name", "title", "phone", "mobile", "email", "is_primary", "user", "is_active"]
SITE_FIELDS = ["name", "province", "city", "address", "region_class", "contact", "is_active"]
PROJECT_FIELDS = [
    "name",
    "site",
    "contract_number",
    "contract_amount",
    "accepted_on",
    "project_manager",
    "project_department",
    "service_department",
]
EQUIPMENT_FIELDS = [
    "product_model",
    "site",
    "project",
    "delivered_on",
    "commissioned_on",
    "warranty_months",
    "contract_amount",
    "notes",
]


# --- Companies, contacts, sites -------------------------------------------------------------


def create_company(*, actor: Any, data: Mapping[str, Any]) -> Company:
    """Register a customer company; its number is allocated when none is given."""
    require_perm(actor, "customers.add_company")
    with transaction.atomic():
        company = Company(**data)
        if not company.code:
            company.code = next_number("CU")
        return create_object(actor=actor, instance=company, fields=["code", *COMPANY_FIELDS])


def update_company(
    *, actor: Any, company: Company, expected_version: int, changes: Mapping[str, Any]
) -> Company:
    """Change a company's details under the version check."""
    require_perm(actor, "customers.change_company")
    with transaction.atomic():
        require_visible(actor, company)
        return update_object(
            actor=actor,
            instance=company,
            expected_version=expected_version,
            changes=changes,
            editable=COMPANY_FIELDS,
        )


def _check_primary_contact(contact: Contact) -> None:
    if contact.is_primary:
        others = Contact.objects.filter(company_id=contact.company_id, is_primary=True)
        if contact.pk:
            others = others.exclude(pk=contact.pk)
        # Moving the "primary" flag is one action: the old primary steps down.
        others.update(is_primary=False)


def _check_portal_user(contact: Contact) -> None:
    if contact.user_id is None:
        return
    user = contact.user
    assert user is not None
    if not user.groups.filter(name=Role.CUSTOMER).exists():
        raise ValidationError(
            {"user": _("Only a portal (customer) user can be linked to a contact.")}
        )


def create_contact(*, actor: Any, company: Company, data: Mapping[str, Any]) -> Contact:
    """Add a contact person to a company."""
    require_perm(actor, "customers.add_contact")
    with transaction.atomic():
        require_visible(actor, company)
        contact = Contact(company=company, **data)
        _check_portal_user(contact)
        _check_primary_contact(contact)
        return create_object(actor=actor, instance=contact, fields=["company", *CONTACT_FIELDS])


def update_contact(
    *, actor: Any, contact: Contact, expected_version: int, changes: Mapping[str, Any]
) -> Contact:
    """Change a contact under the version check."""
    require_perm(actor, "customers.change_contact")
    with transaction.atomic():
        require_visible(actor, contact)
        if changes.get("is_primary"):
            _check_primary_contact(
                Contact(pk=contact.pk, company_id=contact.company_id, is_primary=True)
            )
        if "user" in changes:
            _check_portal_user(Contact(company_id=contact.company_id, user=changes["user"]))
        return update_object(
            actor=actor,
            instance=contact,
            expected_version=expected_version,
            changes=changes,
            editable=CONTACT_FIELDS,
        )


def _check_site_contact(site: Site) -> None:
    if site.contact_id and site.contact and site.contact.company_id != site.company_id:
        raise ValidationError({"contact": _("The contact belongs to another company.")})


def create_site(*, actor: Any, company: Company, data: Mapping[str, Any]) -> Site:
    """Add a site to a company."""
    require_perm(actor, "customers.add_site")
    with transaction.atomic():
        require_visible(actor, company)
        site = Site(company=company, **data)
        _check_site_contact(site)
        return create_object(actor=actor, instance=site, fields=["company", *SITE_FIELDS])


def update_site(
    *, actor: Any, site: Site, expected_version: int, changes: Mapping[str, Any]
) -> Site:
    """Change a site under the version check."""
    require_perm(actor, "customers.change_site")
    with transaction.atomic():
        require_visible(actor, site)
        if "contact" in changes:
            _check_site_contact(Site(company_id=site.company_id, contact=changes["contact"]))
        return update_object(
            actor=actor,
            instance=site,
            expected_version=expected_version,
            changes=changes,
            editable=SITE_FIELDS,
        )


# --- Catalogue ------------------------------------------------------------------------------


def create_product_line(*, actor: Any, data: Mapping[str, Any]) -> ProductLine:
    """Add a product line to the catalogue."""
    require_perm(actor, "customers.add_productline")
    with transaction.atomic():
        return create_object(
            actor=actor, instance=ProductLine(**data), fields=["code", "name", "name_en"]
        )


def create_product_model(*, actor: Any, data: Mapping[str, Any]) -> ProductModel:
    """Add a product model to the catalogue."""
    require_perm(actor, "customers.add_productmodel")
    with transaction.atomic():
        return create_object(
            actor=actor,
            instance=ProductModel(**data),
            fields=["line", "code", "name", "name_en", "warranty_months", "is_active"],
        )


def set_product_warranty(*, actor: Any, product_model: ProductModel, months: int) -> int:
    """Change a model's standard warranty and re-date the units that follow it.

    Returns the number of units whose warranty end moved. Units with their own override
    keep it: the override is a contractual promise for that unit.
    """
    require_perm(actor, "customers.change_productmodel")
    if months < 0:
        raise ValidationError({"warranty_months": _("Must be zero or more.")})
    with transaction.atomic():
        locked = ProductModel.objects.select_for_update().get(pk=product_model.pk)
        before = locked.warranty_months
        locked.warranty_months = months
        locked.save(update_fields=["warranty_months", "updated_at"])
        record(
            actor=actor, action="updated", obj=locked, changes={"warranty_months": [before, months]}
        )
        moved = 0
        units = Equipment.objects.filter(product_model=locked, warranty_months__isnull=True)
        for unit in units.only("pk", "commissioned_on", "delivered_on", "warranty_end"):
            new_end = warranty_end_for(unit.warranty_start, months)
            if new_end != unit.warranty_end:
                Equipment.objects.filter(pk=unit.pk).update(warranty_end=new_end)
                record(
                    actor=actor,
                    action="warranty_redated",
                    obj=unit,
                    changes={"warranty_end": [unit.warranty_end, new_end]},
                )
                moved += 1
        return moved


# --- Projects and handover ------------------------------------------------------------------


def create_project(*, actor: Any, company: Company, data: Mapping[str, Any]) -> Project:
    """Open a project for a customer, with an empty standard handover checklist."""
    require_perm(actor, "customers.add_project")
    with transaction.atomic():
        require_visible(actor, company)
        project = Project(company=company, **data)
        if project.site_id and project.site and project.site.company_id != company.pk:
            raise ValidationError({"site": _("The site belongs to another company.")})
        if not project.service_department_id:
            project.service_department_id = company.service_department_id
        project.number = next_number("PJ")
        create_object(actor=actor, instance=project, fields=["number", "company", *PROJECT_FIELDS])
        HandoverItem.objects.bulk_create(
            HandoverItem(project=project, section=section) for section in HandoverSection
        )
        return project


def update_project(
    *, actor: Any, project: Project, expected_version: int, changes: Mapping[str, Any]
) -> Project:
    """Change a project's details under the version check."""
    require_perm(actor, "customers.change_project")
    with transaction.atomic():
        require_visible(actor, project)
        site = changes.get("site")
        if site is not None and site.company_id != project.company_id:
            raise ValidationError({"site": _("The site belongs to another company.")})
        return update_object(
            actor=actor,
            instance=project,
            expected_version=expected_version,
            changes=changes,
            editable=PROJECT_FIELDS,
        )


def update_handover_item(
    *, actor: Any, item: HandoverItem, expected_version: int, content: str, not_applicable: bool
) -> HandoverItem:
    """Fill in one checklist section; refused once any party has confirmed."""
    require_perm(actor, "customers.change_handoveritem")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=item.project_id)
        require_visible(actor, project)
        if project.handover_status == HandoverStatus.COMPLETED:
            raise Conflict(
                _("The handover is complete; its checklist can no longer change."),
                code="handover_completed",
            )
        if project.confirmations.filter(withdrawn_at=None).exists():
            raise Conflict(
                _(
                    "A party has already confirmed this handover. Withdraw the confirmations "
                    "before changing the checklist."
                ),
                code="handover_confirmed",
            )
        if not_applicable and not content.strip():
            raise ValidationError({"content": _("Say why this section does not apply.")})
        updated = update_object(
            actor=actor,
            instance=item,
            expected_version=expected_version,
            changes={"content": content, "not_applicable": not_applicable},
            editable=["content", "not_applicable"],
        )
        HandoverItem.objects.filter(pk=updated.pk).update(updated_by=actor, updated_at=clock.now())
        return updated


def _authorise_party(
    actor: Any, project: Project, party: str, signed_by_contact: Contact | None
) -> Contact | None:
    """Check that ``actor`` may confirm for ``party``; return the customer signer if any."""
    scope = scope_of(actor)
    denied = PermissionDenied(_("You may not confirm this handover for that party."))
    if party == HandoverParty.CUSTOMER:
        if scope.is_portal:
            if not actor.has_perm("customers.confirm_handover_customer") or (
                scope.company_id != project.company_id
            ):
                raise denied
            return Contact.objects.get(user=actor)
        if not actor.has_perm("customers.record_customer_confirmation"):
            raise denied
        if signed_by_contact is None:
            raise ValidationError(
                {"signed_by_contact": _("Name the customer's contact who signed the handover.")}
            )
        if signed_by_contact.company_id != project.company_id:
            raise ValidationError(
                {"signed_by_contact": _("The contact belongs to another company.")}
            )
        return signed_by_contact
    if party == HandoverParty.PROJECT_TEAM:
        if not actor.has_perm("customers.confirm_handover_project") or not (
            actor.pk == project.project_manager_id
            or project.project_department_id in scope.managed_department_ids
        ):
            raise denied
        return None
    if party == HandoverParty.AFTER_SALES:
        if not actor.has_perm("customers.confirm_handover_service") or not (
            scope.has_role(Role.SERVICE_DIRECTOR)
            or project.service_department_id in scope.managed_department_ids
        ):
            raise denied
        return None
    raise ValidationError({"party": _("Unknown party.")})


def confirm_handover(
    *,
    actor: Any,
    project: Project,
    party: str,
    comment: str = "",
    signed_by_contact: Contact | None = None,
) -> HandoverConfirmation:
    """One party confirms the handover; the third confirmation completes it.

    Completion puts the project's equipment in service: from then on it is in the ledger
    as serviced equipment and the warranty clock is what the units say.
    """
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        require_visible(actor, locked)
        signer = _authorise_party(actor, locked, party, signed_by_contact)
        if locked.handover_status == HandoverStatus.COMPLETED:
            raise Conflict(_("The handover is already complete."), code="handover_completed")
        empty = [
            item.get_section_display() for item in locked.handover_items.all() if not item.is_filled
        ]
        if empty:
            raise ValidationError(
                {
                    "checklist": _("These checklist sections are still empty: %(sections)s")
                    % {"sections": "、".join(str(s) for s in empty)}
                }
            )
        if locked.confirmations.filter(party=party, withdrawn_at=None).exists():
            raise Conflict(
                _("This party has already confirmed the handover."), code="already_confirmed"
            )
        confirmation = HandoverConfirmation.objects.create(
            project=locked,
            party=party,
            confirmed_by=actor,
            signed_by_contact=signer,
            confirmed_at=clock.now(),
            comment=comment,
        )
        record(
            actor=actor,
            action="handover_confirmed",
            obj=locked,
            changes={"party": [None, party]},
            message=comment,
        )
        parties = set(
            locked.confirmations.filter(withdrawn_at=None).values_list("party", flat=True)
        )
        if parties == set(HandoverParty.values):
            _complete_handover(actor=actor, project=locked)
        return confirmation


def _complete_handover(*, actor: Any, project: Project) -> None:
    now = clock.now()
    project.handover_status = HandoverStatus.COMPLETED
    project.handover_completed_at = now
    project.version += 1
    project.save(
        update_fields=["handover_status", "handover_completed_at", "version", "updated_at"]
    )
    record(
        actor=actor,
        action="handover_completed",
        obj=project,
        changes={"handover_status": [HandoverStatus.OPEN, HandoverStatus.COMPLETED]},
    )
    pending = list(Equipment.objects.filter(project=project, status=EquipmentStatus.PENDING))
    Equipment.objects.filter(pk__in=[u.pk for u in pending]).update(
        status=EquipmentStatus.IN_SERVICE, in_service_since=now
    )
    for unit in pending:
        record(
            actor=actor,
            action="put_in_service",
            obj=unit,
            changes={"status": [EquipmentStatus.PENDING, EquipmentStatus.IN_SERVICE]},
            message=project.number,
        )


def withdraw_handover_confirmation(
    *, actor: Any, project: Project, party: str, reason: str
) -> HandoverConfirmation:
    """Withdraw a party's confirmation; only possible before the handover is complete."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for withdrawing the confirmation.")})
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        require_visible(actor, locked)
        if locked.handover_status == HandoverStatus.COMPLETED:
            raise Conflict(
                _("The handover is complete; confirmations can no longer be withdrawn."),
                code="handover_completed",
            )
        confirmation = locked.confirmations.filter(party=party, withdrawn_at=None).first()
        if confirmation is None:
            raise Conflict(_("This party has not confirmed the handover."), code="not_confirmed")
        if confirmation.confirmed_by_id != actor.pk:
            _authorise_party(actor, locked, party, confirmation.signed_by_contact)
        confirmation.withdrawn_at = clock.now()
        confirmation.withdrawn_by = actor
        confirmation.withdraw_reason = reason
        confirmation.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        record(
            actor=actor,
            action="handover_withdrawn",
            obj=locked,
            changes={"party": [party, None]},
            message=reason,
        )
        return confirmation


# --- Equipment ------------------------------------------------------------------------------


def warranty_end_for(start: dt.date | None, months: int) -> dt.date | None:
    """Last day of warranty for a unit that started on ``start``."""
    return None if start is None else period_end(start, months)


def _normalise_unit(unit: Equipment) -> None:
    """Derive status and warranty end, and check the unit's links agree with each other."""
    errors: dict[str, str] = {}
    if unit.site_id and unit.site and unit.site.company_id != unit.company_id:
        errors["site"] = _("The site belongs to another company.")
    if unit.project_id and unit.project and unit.project.company_id != unit.company_id:
        errors["project"] = _("The project belongs to another company.")
    if errors:
        raise ValidationError(errors)
    unit.warranty_end = unit_warranty_end(unit)


def unit_warranty_end(unit: Equipment) -> dt.date | None:
    """The unit's last day of warranty: its own period if set, else its model's standard one."""
    months = unit.warranty_months
    if months is None:
        months = unit.product_model.warranty_months
    return warranty_end_for(unit.warranty_start, months)


def set_initial_status(unit: Equipment, *, now: dt.datetime) -> None:
    """A new unit of a project whose handover is still open waits; any other is in service."""
    if unit.project is not None and unit.project.handover_status != HandoverStatus.COMPLETED:
        unit.status = EquipmentStatus.PENDING
    else:
        unit.status = EquipmentStatus.IN_SERVICE
        unit.in_service_since = now


def register_equipment(*, actor: Any, company: Company, data: Mapping[str, Any]) -> Equipment:
    """Add a unit to the ledger; a unit of an open handover waits to be put in service."""
    require_perm(actor, "customers.add_equipment")
    with transaction.atomic():
        require_visible(actor, company)
        unit = Equipment(company=company, **data)
        if unit.project_id:
            # Lock the project: a handover completing at this moment must either see this
            # unit (and put it in service) or be seen by it, never neither.
            unit.project = Project.objects.select_for_update().get(pk=unit.project_id)
        _normalise_unit(unit)
        set_initial_status(unit, now=clock.now())
        return create_object(
            actor=actor,
            instance=unit,
            fields=["serial_number", "company", "status", "warranty_end", *EQUIPMENT_FIELDS],
        )


def update_equipment(
    *, actor: Any, unit: Equipment, expected_version: int, changes: Mapping[str, Any]
) -> Equipment:
    """Change a unit under the version check; the warranty end follows its dates."""
    require_perm(actor, "customers.change_equipment")
    with transaction.atomic():
        require_visible(actor, unit)
        probe = Equipment(
            **{
                "company_id": unit.company_id,
                **{f: getattr(unit, f) for f in EQUIPMENT_FIELDS},
                **changes,
            }
        )
        _normalise_unit(probe)
        return update_object(
            actor=actor,
            instance=unit,
            expected_version=expected_version,
            changes={**changes, "warranty_end": probe.warranty_end},
            editable=[*EQUIPMENT_FIELDS, "warranty_end"],
        )
