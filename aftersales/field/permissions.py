"""What each role may do in field service (merged into the roles table by
``accounts.roles.role_permissions``)."""

from aftersales.accounts.choices import Role

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

ROLE_PERMISSIONS: dict[str, list[str]] = {
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
