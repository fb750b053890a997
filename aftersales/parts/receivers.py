"""What the parts app does when field service moves on (connected in ``PartsConfig.ready``)."""

from __future__ import annotations

from typing import Any


def expect_old_parts(*, report: Any, **_: Any) -> None:
    """An effective service report that replaced parts (an old serial was written down) puts
    each old part on the return list (旧件回收), so none is forgotten on site.

    Recorded in the name of the report's author — the engineer who took the part out — in
    the sign-off's transaction. A part already expected for the request with the same serial
    (by hand, or from an earlier revision of the report) is left alone."""
    from aftersales.parts.models import OldPartReturn
    from aftersales.parts.services.returns import expect_old_part

    lines = report.parts.exclude(old_serial="").select_related("part", "report__request")
    known = set(
        OldPartReturn.objects.filter(request_id=report.request_id)
        .exclude(old_serial="")
        .values_list("part_id", "old_serial")
    )
    for line in lines:
        if (line.part_id, line.old_serial) not in known:
            expect_old_part(actor=report.author, report_part=line)
