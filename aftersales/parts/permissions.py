"""Model permissions of the parts app per role (merged by ``accounts.roles.role_permissions``)."""

from __future__ import annotations

from aftersales.accounts.choices import Role

# --- Warranty decisions (三包一赔), quotations, suppliers and supplier notices ---------------
_WARRANTY_VIEW = [
    "parts.view_warrantydecision",
    "parts.view_quotation",
    "parts.view_quotationline",
    "parts.view_supplier",
    "parts.view_suppliernotice",
]
_WARRANTY_WORK = [
    *_WARRANTY_VIEW,
    "parts.add_warrantydecision",
    "parts.add_quotation",
    "parts.change_quotation",
    "parts.add_quotationline",
    "parts.accept_quotation",  # staff record the answer a customer gave in writing
    "parts.add_suppliernotice",
    "parts.change_suppliernotice",
]
_SUPPLIER_EDIT = ["parts.add_supplier", "parts.change_supplier"]
_APPROVE = ["parts.approve_warrantydecision", "parts.rate_suppliernotice"]

WARRANTY_PERMISSIONS: dict[str, list[str]] = {
    Role.VP: ["parts.approve_warrantydecision"],
    Role.SERVICE_DIRECTOR: [*_WARRANTY_WORK, *_SUPPLIER_EDIT, *_APPROVE],
    Role.DEPARTMENT_MANAGER: [*_WARRANTY_WORK, *_SUPPLIER_EDIT, *_APPROVE],
    Role.AGENT: [*_WARRANTY_WORK],
    Role.ENGINEER: [*_WARRANTY_WORK],
    Role.BUSINESS_MANAGER: [*_WARRANTY_VIEW],
    Role.OFFICE: [*_WARRANTY_VIEW],
    Role.QC: [*_WARRANTY_VIEW],
    Role.WAREHOUSE: ["parts.view_supplier", "parts.view_suppliernotice"],
    Role.CUSTOMER: ["parts.view_quotation", "parts.accept_quotation"],
}
# --- end of warranty and suppliers ----------------------------------------------------------

ROLE_PERMISSIONS: dict[str, list[str]] = {}
for _role, _perms in WARRANTY_PERMISSIONS.items():
    ROLE_PERMISSIONS.setdefault(_role, []).extend(_perms)
