"""Model permissions of field service per role (merged by ``accounts.roles.role_permissions``).

Trip plans and visits are changed through their services, which check the roles and steps
themselves; these permissions open the read views and the admin's reference data."""

from aftersales.accounts.choices import Role

_TRIPS_VIEW = [
    "field.view_tripplan",
    "field.view_tripapproval",
    "field.view_visit",
    "field.view_approvalchain",
    "field.view_approvalchainstep",
    "field.view_engineerskill",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
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
