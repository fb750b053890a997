"""Model permissions of field service per role (merged by ``accounts.roles.role_permissions``).

Trip plans, visits and reports are changed through their services, which check the roles and
steps themselves; these permissions open the read views and the admin's reference data. Each
topic keeps its own table; ``ROLE_PERMISSIONS`` is their union."""

from aftersales.accounts.choices import Role

_TRIPS_VIEW = [
    "field.view_tripplan",
    "field.view_tripapproval",
    "field.view_visit",
    "field.view_approvalchain",
    "field.view_approvalchainstep",
    "field.view_engineerskill",
]

_TRIPS: dict[str, list[str]] = {
    Role.SERVICE_DIRECTOR: [
        *_TRIPS_VIEW,
        "field.add_engineerskill",
        "field.change_engineerskill",
        "field.delete_engineerskill",
    ],
    Role.DEPARTMENT_MANAGER: [*_TRIPS_VIEW, "field.add_tripplan", "field.change_tripplan"],
    Role.BUSINESS_MANAGER: list(_TRIPS_VIEW),
    Role.OFFICE: list(_TRIPS_VIEW),
    Role.AGENT: list(_TRIPS_VIEW),
    Role.ENGINEER: [*_TRIPS_VIEW, "field.add_tripplan", "field.change_tripplan"],
    Role.QC: list(_TRIPS_VIEW),
}

_REPORT_VIEW = ["field.view_servicereport", "field.view_reportlabour", "field.view_reportpart"]

_REPORTS: dict[str, list[str]] = {
    # Service reports: engineers write them, the department manager signs them off, management
    # reviews them; the office reads them for return visits.
    Role.ENGINEER: [
        *_REPORT_VIEW,
        "field.add_servicereport",
        "field.change_servicereport",
    ],
    Role.DEPARTMENT_MANAGER: [
        *_REPORT_VIEW,
        "field.add_servicereport",
        "field.change_servicereport",
        "field.sign_off_servicereport",
        "field.review_servicereport",
    ],
    Role.SERVICE_DIRECTOR: [*_REPORT_VIEW, "field.review_servicereport"],
    Role.EXECUTIVE: ["field.review_servicereport"],
    Role.VP: ["field.review_servicereport"],
    Role.AGENT: [*_REPORT_VIEW],
    Role.OFFICE: [*_REPORT_VIEW],
    Role.QC: [*_REPORT_VIEW],
    Role.CUSTOMER: ["field.view_servicereport"],
}

# Costs (费用): engineers record their own expenses and claim them; managers see their
# departments' costs and decide their engineers' claims; the office pays approved claims.
_EXPENSES_OWN = [
    "field.view_expense",
    "field.add_expense",
    "field.change_expense",
    "field.delete_expense",
    "field.view_reimbursementclaim",
    "field.add_reimbursementclaim",
]
_COSTS_VIEW = [
    "field.view_costs",
    "field.view_expense",
    "field.view_reimbursementclaim",
    "field.view_costline",
    "field.view_departmentbudget",
    "field.view_grade",
    "field.view_graderate",
    "field.view_engineergrade",
]

_COSTS: dict[str, list[str]] = {
    Role.ENGINEER: [*_EXPENSES_OWN],
    Role.DEPARTMENT_MANAGER: [*_EXPENSES_OWN, *_COSTS_VIEW, "field.decide_claim"],
    Role.SERVICE_DIRECTOR: [
        *_EXPENSES_OWN,
        *_COSTS_VIEW,
        "field.decide_claim",
        "field.manage_rates",
        "field.add_departmentbudget",
        "field.change_departmentbudget",
    ],
    Role.OFFICE: [*_COSTS_VIEW, "field.pay_claim"],
}


def _union(*tables: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for table in tables:
        for role, perms in table.items():
            merged.setdefault(role, [])
            merged[role] += [p for p in perms if p not in merged[role]]
    return merged


ROLE_PERMISSIONS: dict[str, list[str]] = _union(_TRIPS, _REPORTS, _COSTS)
