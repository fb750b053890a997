"""Service reports: writing, confirmation by signature, link and code, sign-off, immutability,
revisions, review, visibility and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.field import signals
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ReportConfirmation, ReportLabour, ServiceReport
from aftersales.field.models.reports import ConfirmationMethod, ReviewState
from aftersales.field.services import reports as svc
from aftersales.field.tests.report_fixtures import (
    effective_report,
    parts,
    request_with_visit,
    signature_png,
    written_report,
)

pytestmark = pytest.mark.django_db


def actions(report: ServiceReport) -> list[str]:
    return list(history_for(report).order_by("created_at", "id").values_list("action", flat=True))


def submitted(world: Any) -> ServiceReport:
    report = written_report(world)
    return svc.submit_report(actor=world.engineer, report=report, expected_version=report.version)


# --- Writing --------------------------------------------------------------------------------


def test_a_new_report_is_a_numbered_draft_of_revision_zero(world):
    request, visit = request_with_visit(world)
    report = svc.create_report(actor=world.engineer, request=request, visit=visit)
    year = clock.now().year
    assert report.number == f"FW-{year}-000001"
    assert report.revision == 0
    assert report.status == ReportStatus.DRAFT
    assert actions(report) == ["created"]


def test_only_the_engineers_of_the_request_may_write_its_report(world):
    request, _visit = request_with_visit(world)
    for outsider in (world.outsider_engineer, world.acme_portal, world.agent):
        with pytest.raises(PermissionDenied):
            svc.create_report(actor=outsider, request=request)


def test_the_draft_records_text_hours_and_parts_with_the_old_serial(world):
    report = written_report(world)
    assert report.labour.get().hours == Decimal("3.50")
    line = report.parts.get()
    assert (line.part.code, line.quantity, line.old_serial) == ("MS-200", 1, "MS-OLD-0091")
    entry = history_for(report).get(action="updated")
    assert entry.changes["parts"] == [[], ["MS-200×1.00 (MS-OLD-0091)"]]
    assert "work_done" in entry.changes


def test_a_stale_version_changes_nothing(world):
    report = written_report(world)
    with pytest.raises(Conflict):
        svc.save_draft(
            actor=world.engineer,
            report=report,
            expected_version=report.version - 1,
            data={"cause": "另一个原因"},
        )
    report.refresh_from_db()
    assert report.cause == "密封件超期使用。"


def test_bad_lines_are_refused_naming_the_field(world):
    report = written_report(world)
    seal = report.parts.get().part
    seal.is_active = False
    seal.save()
    with pytest.raises(ValidationError) as err:
        svc.save_draft(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            data={},
            labour=[svc.LabourLine(world.engineer, Decimal("0"))],
            parts=[svc.PartLine(seal, Decimal("1"))],
        )
    assert set(err.value.message_dict) == {"labour", "parts"}


def test_submitting_needs_fault_work_and_hours(world):
    request, visit = request_with_visit(world)
    report = svc.create_report(actor=world.engineer, request=request, visit=visit)
    with pytest.raises(ValidationError) as err:
        svc.submit_report(actor=world.engineer, report=report, expected_version=report.version)
    assert set(err.value.message_dict) == {"fault_found", "work_done", "labour"}


def test_compatible_parts_come_first_and_inactive_parts_not_at_all(world):
    seal, _bearing = parts(world)
    old = type(seal).objects.create(code="AA-OLD", name="旧件", is_active=False)
    report = written_report(world)
    codes = [p.code for p in svc.compatible_parts(report)]
    assert codes[0] == "MS-200"
    assert "BR-6205" in codes and old.code not in codes


# --- Customer confirmation ------------------------------------------------------------------


def test_the_customer_signs_on_the_device(world):
    report = submitted(world)
    report = svc.sign_by_customer(
        actor=world.engineer,
        report=report,
        expected_version=report.version,
        signer_name="张伟",
        signature=signature_png(),
    )
    assert report.status == ReportStatus.AWAITING_MANAGER
    assert report.customer_method == ConfirmationMethod.SIGNATURE
    note = Notification.objects.get(kind="report_awaiting_signoff")
    assert note.user == world.manager and note.url == svc.report_url(report)
    assert bytes(report.customer_signature).startswith(b"\x89PNG")
    assert report.customer_signed_at is not None
    assert actions(report)[-2:] == ["submit", "customer_confirm"]


def test_a_blank_signature_or_missing_name_is_refused(world):
    report = submitted(world)
    with pytest.raises(ValidationError) as err:
        svc.sign_by_customer(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            signer_name="张伟",
            signature=signature_png(blank=True),
        )
    assert "signature" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        svc.sign_by_customer(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            signer_name=" ",
            signature=signature_png(),
        )
    assert "signer_name" in err.value.message_dict
    with pytest.raises(ValidationError):
        svc.sign_by_customer(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            signer_name="张伟",
            signature=b"GIF89a not a png",
        )


def test_the_contact_confirms_through_the_one_time_link(world):
    report = submitted(world)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    stored = ReportConfirmation.objects.get()
    assert sent.token not in stored.token_hash and sent.code not in stored.code_hash
    note = Notification.objects.get(user=world.acme_portal, kind="report_confirmation")
    assert note.url == svc.confirmation_url(sent.token)
    report = svc.confirm_by_link(token=sent.token, signer_name="张伟")
    assert report.status == ReportStatus.AWAITING_MANAGER
    assert report.customer_method == ConfirmationMethod.LINK
    assert "confirmation_sent" in actions(report)
    with pytest.raises(Conflict):
        svc.confirm_by_link(token=sent.token, signer_name="张伟")


def test_an_expired_or_unknown_link_confirms_nothing(world):
    report = submitted(world)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    ReportConfirmation.objects.update(
        created_at=clock.now() - dt.timedelta(days=5), expires_at=clock.now() - dt.timedelta(days=1)
    )
    with pytest.raises(Conflict):
        svc.confirm_by_link(token=sent.token, signer_name="张伟")
    with pytest.raises(PermissionDenied):
        svc.confirm_by_link(token="nonsense", signer_name="张伟")
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_CUSTOMER


def test_a_new_link_voids_the_old_one(world):
    report = submitted(world)
    first = svc.send_confirmation(actor=world.engineer, report=report)
    svc.send_confirmation(actor=world.engineer, report=report)
    with pytest.raises(Conflict):
        svc.confirm_by_link(token=first.token, signer_name="张伟")


def test_the_engineer_types_the_code_the_customer_received(world):
    report = submitted(world)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    report.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        svc.confirm_by_code(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            code="000000" if sent.code != "000000" else "111111",
            signer_name="张伟",
        )
    assert "code" in err.value.message_dict
    assert ReportConfirmation.objects.get().failed_attempts == 1
    report = svc.confirm_by_code(
        actor=world.engineer,
        report=report,
        expected_version=report.version,
        code=sent.code,
        signer_name="张伟",
    )
    assert report.customer_method == ConfirmationMethod.CODE
    assert "code_rejected" in actions(report)


def test_five_wrong_codes_void_the_confirmation(world):
    report = submitted(world)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    wrong = "000000" if sent.code != "000000" else "111111"
    for _ in range(svc.MAX_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            svc.confirm_by_code(
                actor=world.engineer,
                report=report,
                expected_version=report.version,
                code=wrong,
                signer_name="张伟",
            )
    with pytest.raises(ValidationError):
        svc.confirm_by_code(
            actor=world.engineer,
            report=report,
            expected_version=report.version,
            code=sent.code,
            signer_name="张伟",
        )


def test_a_contact_without_portal_account_gets_no_link(world):
    report = submitted(world)
    contact = report.request.contact
    contact.user = None
    contact.save()
    with pytest.raises(ValidationError) as err:
        svc.send_confirmation(actor=world.engineer, report=report)
    assert "contact" in err.value.message_dict


# --- Sign-off -------------------------------------------------------------------------------


def test_the_manager_signs_off_and_the_report_becomes_effective(world):
    received: list[dict[str, Any]] = []

    def hook(sender: Any, **kwargs: Any) -> None:
        received.append({**kwargs, "in_transaction": connection.in_atomic_block})

    signals.report_effective.connect(hook)
    try:
        report = effective_report(world)
    finally:
        signals.report_effective.disconnect(hook)
    assert report.status == ReportStatus.EFFECTIVE
    assert report.effective_at is not None and report.manager == world.manager
    assert received[0]["report"] == report and received[0]["actor"] == world.manager
    assert received[0]["in_transaction"]
    assert actions(report)[-1] == "sign_off"


def test_only_the_departments_manager_may_sign_off(world):
    report = submitted(world)
    report = svc.sign_by_customer(
        actor=world.engineer,
        report=report,
        expected_version=report.version,
        signer_name="张伟",
        signature=signature_png(),
    )
    for someone in (world.engineer, world.outsider_manager, world.acme_portal, world.office):
        with pytest.raises(PermissionDenied):
            svc.sign_off(actor=someone, report=report, expected_version=report.version)


def test_sign_off_needs_the_customers_confirmation_first(world):
    report = submitted(world)
    with pytest.raises(Conflict):
        svc.sign_off(actor=world.manager, report=report, expected_version=report.version)


def test_the_manager_may_send_it_back_and_the_customer_must_confirm_again(world):
    report = submitted(world)
    report = svc.sign_by_customer(
        actor=world.engineer,
        report=report,
        expected_version=report.version,
        signer_name="张伟",
        signature=signature_png(),
    )
    with pytest.raises(ValidationError):
        svc.return_to_engineer(
            actor=world.manager, report=report, expected_version=report.version, reason=""
        )
    report = svc.return_to_engineer(
        actor=world.manager, report=report, expected_version=report.version, reason="工时不对"
    )
    assert report.status == ReportStatus.DRAFT
    assert report.customer_signature is None and report.customer_signer == ""
    assert history_for(report).filter(action="return", message="工时不对").exists()
    note = Notification.objects.get(kind="report_returned")
    assert note.user == world.engineer and note.params["reason"] == "工时不对"


# --- Immutability and revisions -------------------------------------------------------------


def test_an_effective_report_refuses_every_edit(world):
    report = effective_report(world)
    v = report.version
    attempts = [
        lambda: svc.save_draft(
            actor=world.engineer, report=report, expected_version=v, data={"cause": "x"}
        ),
        lambda: svc.submit_report(actor=world.engineer, report=report, expected_version=v),
        lambda: svc.withdraw_report(actor=world.engineer, report=report, expected_version=v),
        lambda: svc.sign_by_customer(
            actor=world.engineer,
            report=report,
            expected_version=v,
            signer_name="x",
            signature=signature_png(),
        ),
        lambda: svc.return_to_engineer(
            actor=world.manager, report=report, expected_version=v, reason="x"
        ),
        lambda: svc.sign_off(actor=world.manager, report=report, expected_version=v),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict):
            attempt()
    report.refresh_from_db()
    assert report.version == v and report.cause == "密封件超期使用。"


def test_the_database_refuses_to_change_an_effective_report(world):
    report = effective_report(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReport.objects.filter(pk=report.pk).update(work_done="篡改")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportLabour.objects.filter(report=report).update(hours=Decimal("9"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportLabour.objects.create(report=report, engineer=world.manager, hours=Decimal("1"))
    # The review may still be written on it.
    ServiceReport.objects.filter(pk=report.pk).update(review_comment="ok")


def test_a_revision_goes_through_confirmation_and_supersedes_the_old_one(world):
    first = effective_report(world)
    revision = svc.revise_report(actor=world.engineer, report=first)
    assert (revision.number, revision.revision, revision.revises) == (first.number, 1, first)
    assert revision.status == ReportStatus.DRAFT
    assert revision.parts.count() == 1 and revision.labour.count() == 1
    with pytest.raises(Conflict):
        svc.revise_report(actor=world.engineer, report=first)
    revision = svc.save_draft(
        actor=world.engineer,
        report=revision,
        expected_version=revision.version,
        data={"cause": "密封件超期使用，且冷却水含沙。"},
    )
    revision = svc.submit_report(
        actor=world.engineer, report=revision, expected_version=revision.version
    )
    revision = svc.sign_by_customer(
        actor=world.engineer,
        report=revision,
        expected_version=revision.version,
        signer_name="张伟",
        signature=signature_png(),
    )
    first.refresh_from_db()
    assert first.status == ReportStatus.EFFECTIVE  # until the revision is signed off
    revision = svc.sign_off(actor=world.manager, report=revision, expected_version=revision.version)
    first.refresh_from_db()
    assert first.status == ReportStatus.SUPERSEDED
    assert revision.status == ReportStatus.EFFECTIVE
    assert actions(first)[-2:] == ["revision_started", "supersede"]


def test_one_effective_revision_per_number_is_a_database_rule(world):
    first = effective_report(world)
    revision = svc.revise_report(actor=world.engineer, report=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReport.objects.filter(pk=revision.pk).update(
            status=ReportStatus.EFFECTIVE,
            effective_at=clock.now(),
            customer_signer="x",
            customer_signed_at=clock.now(),
            manager=world.manager,
            manager_signed_at=clock.now(),
        )


# --- Review ---------------------------------------------------------------------------------


def test_management_reviews_a_returned_report(world):
    report = effective_report(world)
    with pytest.raises(ValidationError) as err:
        svc.review_report(
            actor=world.director,
            report=report,
            expected_version=report.version,
            state=ReviewState.FOLLOW_UP,
        )
    assert "review_comment" in err.value.message_dict
    report = svc.review_report(
        actor=world.director,
        report=report,
        expected_version=report.version,
        state=ReviewState.FOLLOW_UP,
        comment="请回访确认密封寿命",
    )
    assert (report.review_state, report.reviewer) == (ReviewState.FOLLOW_UP, world.director)
    assert report.reviewed_at is not None
    assert actions(report)[-1] == "reviewed"


def test_engineers_and_outsiders_may_not_review(world):
    report = effective_report(world)
    for someone in (world.engineer, world.outsider_manager, world.acme_portal):
        with pytest.raises(PermissionDenied):
            svc.review_report(
                actor=someone,
                report=report,
                expected_version=report.version,
                state=ReviewState.OK,
            )


def test_a_draft_cannot_be_reviewed(world):
    report = written_report(world)
    with pytest.raises(Conflict):
        svc.review_report(
            actor=world.manager, report=report, expected_version=report.version, state="ok"
        )


# --- Visibility -----------------------------------------------------------------------------


def test_portal_users_see_only_their_companys_effective_reports(world):
    draft = written_report(world)
    effective = effective_report(world)
    assert list(ServiceReport.objects.visible_to(world.acme_portal)) == [effective]
    assert not ServiceReport.objects.visible_to(world.globex_portal).exists()
    staff = set(ServiceReport.objects.visible_to(world.manager))
    assert staff == {draft, effective}
    assert not ServiceReport.objects.visible_to(world.outsider_engineer).exists()


def test_taking_a_report_back_to_draft_voids_the_open_link(world):
    report = submitted(world)
    sent = svc.send_confirmation(actor=world.engineer, report=report)
    report.refresh_from_db()
    report = svc.withdraw_report(
        actor=world.engineer, report=report, expected_version=report.version
    )
    assert report.status == ReportStatus.DRAFT
    assert actions(report)[-1] == "withdraw"
    assert ReportConfirmation.objects.get().revoked_at is not None
    with pytest.raises(Conflict):
        svc.confirm_by_link(token=sent.token, signer_name="张伟")
