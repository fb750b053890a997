"""Model permissions of the parts app per role (merged into the role table by
``accounts.roles.role_permissions``). Portal users get none: parts are internal."""

from aftersales.accounts.choices import Role

_VIEW = [
    "parts.view_part",
    "parts.view_warehouse",
    "parts.view_stockbalance",
    "parts.view_stockmovement",
    "parts.view_reservation",
    "parts.view_requisition",
    "parts.view_requisitionline",
    "parts.view_shipment",
    "parts.view_shipmentitem",
    "parts.view_oldpartreturn",
]
_RAISE = ["parts.add_requisition", "parts.change_requisition", "parts.add_oldpartreturn"]
_RECEIVE = ["parts.change_shipment"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.WAREHOUSE: [
        *_VIEW,
        "parts.add_part",
        "parts.change_part",
        "parts.add_warehouse",
        "parts.change_warehouse",
        "parts.add_stockmovement",
        "parts.add_reservation",
        "parts.change_reservation",
        "parts.change_requisition",
        "parts.add_shipment",
        "parts.change_shipment",
        "parts.change_oldpartreturn",
    ],
    Role.SERVICE_DIRECTOR: [
        *_VIEW,
        *_RAISE,
        *_RECEIVE,
        "parts.add_part",
        "parts.change_part",
        "parts.change_oldpartreturn",
    ],
    # Department managers include the heads of production (approve requisitions, reserve
    # for production) and purchasing; the services check which department they head.
    Role.DEPARTMENT_MANAGER: [
        *_VIEW,
        *_RAISE,
        *_RECEIVE,
        "parts.add_reservation",
        "parts.change_reservation",
        "parts.change_oldpartreturn",
    ],
    Role.AGENT: [*_VIEW, *_RAISE, *_RECEIVE],
    Role.ENGINEER: [*_VIEW, *_RAISE, *_RECEIVE, "parts.change_oldpartreturn"],
    Role.QC: [*_VIEW, "parts.change_oldpartreturn"],
    Role.OFFICE: _VIEW,
    Role.BUSINESS_MANAGER: _VIEW,
}

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

for _role, _perms in WARRANTY_PERMISSIONS.items():
    ROLE_PERMISSIONS.setdefault(_role, []).extend(_perms)
