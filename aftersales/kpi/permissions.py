"""What each role may do with scoring rules, scorecards and department KPIs.

Seeing a scorecard is also narrowed by ``Scorecard.objects.visible_to``: an engineer sees
their own, a department manager their department's.
"""

from aftersales.accounts.choices import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SERVICE_DIRECTOR: [
        "kpi.view_scoringruleset",
        "kpi.view_scoreperiod",
        "kpi.view_scorecard",
        "kpi.view_scoreline",
        "kpi.compute_scoreperiod",
        "kpi.review_scoreperiod",
        "kpi.lock_scoreperiod",
        "kpi.view_department_kpis",
    ],
    Role.DEPARTMENT_MANAGER: [
        "kpi.view_scoringruleset",
        "kpi.view_scoreperiod",
        "kpi.view_scorecard",
        "kpi.view_scoreline",
        "kpi.compute_scoreperiod",
        "kpi.review_scoreperiod",
        "kpi.view_department_kpis",
    ],
    Role.ENGINEER: [
        "kpi.view_scoringruleset",
        "kpi.view_scorecard",
        "kpi.view_scoreline",
    ],
    # Executives and the VP hold every view_ permission; the KPI page is a view too.
    Role.EXECUTIVE: ["kpi.view_department_kpis"],
    Role.VP: ["kpi.view_department_kpis"],
}
