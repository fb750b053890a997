"""Model permissions of field service per role (merged by ``accounts.roles.role_permissions``)."""

from aftersales.accounts.choices import Role

_REPORT_VIEW = ["field.view_servicereport", "field.view_reportlabour", "field.view_reportpart"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
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
