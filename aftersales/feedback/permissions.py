"""Model permissions of the feedback app per role (merged by accounts.roles)."""

from aftersales.accounts.choices import Role

_VIEW = [
    "feedback.view_returnvisit",
    "feedback.view_visitschedule",
    "feedback.view_survey",
    "feedback.view_complaint",
    "feedback.view_complaintpart",
    "feedback.view_suggestion",
]
_VISITS = ["feedback.change_returnvisit", "feedback.change_visitschedule"]
_COMPLAINTS = ["feedback.change_complaint", "feedback.change_suggestion"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SERVICE_DIRECTOR: [*_VIEW, *_VISITS, *_COMPLAINTS],
    Role.DEPARTMENT_MANAGER: [*_VIEW, *_VISITS, *_COMPLAINTS],
    Role.OFFICE: [*_VIEW, *_VISITS],
    Role.AGENT: [*_VIEW, "feedback.change_returnvisit", *_COMPLAINTS],
    Role.ENGINEER: [*_VIEW],
    Role.QC: [*_VIEW],
    Role.BUSINESS_MANAGER: [*_VIEW, "feedback.change_visitschedule"],
}
