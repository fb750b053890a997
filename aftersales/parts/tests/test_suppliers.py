"""Supplier service notices (供应商服务通知): the lifecycle until solved, the PDF and mail sent,
the overdue escalation to purchasing, and the supplier's rating."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.services import attachments_of
from aftersales.parts.models import Supplier, SupplierNotice
from aftersales.parts.models.suppliers import CostBearer, NoticeStatus
from aftersales.parts.services import suppliers as sup
from aftersales.testing.pdf import fonts, to_png
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _supplier(world: World, **kw: Any) -> Supplier:
    data = {
        "name": "江南密封件有限公司",
        "contact_name": "王强",
        "phone": "0512-66668888",
        "email": "service@jiangnan-seal.example",
        **kw,
    }
    return sup.create_supplier(actor=world.manager, data=data)


def _notice(world: World, supplier: Supplier | None = None, **kw: Any) -> SupplierNotice:
    data = {
        "supplier": supplier or _supplier(world),
        "problem": "机械密封在运行三周后漏水，疑为密封环材质问题。",
        "model": "MS-45 机械密封",
        "quantity": 2,
        "site_address": "江苏省苏州市工业园区星湖街 88 号",
        "contact_name": "张伟",
        "contact_phone": "13800001111",
        "required_by": _today() + dt.timedelta(days=5),
        "cost_bearer": CostBearer.SUPPLIER,
        **kw,
    }
    return sup.create_notice(actor=world.agent, data=data)


def _send(world: World, notice: SupplierNotice, capture: Any) -> SupplierNotice:
    with capture(execute=True):
        return sup.send_notice(actor=world.agent, notice=notice, expected_version=notice.version)


def test_a_notice_is_sent_as_pdf_mailed_to_the_supplier_and_recorded(
    world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    sr = new_request(world, owner=world.engineer)
    notice = _notice(world, request=sr)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.number.startswith("SUP-")
    sent = _send(world, notice, django_capture_on_commit_callbacks)
    assert sent.status == NoticeStatus.SENT
    assert sent.sent_by == world.agent
    [pdf] = attachments_of(sent)
    assert pdf.original_name == f"{sent.number}.pdf"
    [message] = mail.outbox
    assert message.to == ["service@jiangnan-seal.example"]
    assert message.attachments[0][0] == f"{sent.number}.pdf"
    assert message.attachments[0][1][:5] == b"%PDF-"
    assert history_for(sent).first().action == "notice_sent"
    assert "supplier_notified" in {h.action for h in history_for(sr)}

    path = tmp_path / "notice.pdf"
    with pdf.file.open("rb") as fh:
        path.write_bytes(fh.read())
    used = fonts(path)
    assert used and all(embedded for _name, embedded in used)
    assert any("CJK" in name or "Noto" in name for name, _e in used)
    assert len(to_png(path, "supplier-notice")) == 1


def test_a_supplier_without_email_gets_the_printed_notice_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    notice = _notice(world, supplier=_supplier(world, name="无邮箱供应商", email=""))
    sent = _send(world, notice, django_capture_on_commit_callbacks)
    assert sent.status == NoticeStatus.SENT
    assert mail.outbox == []
    assert attachments_of(sent).count() == 1


def test_the_lifecycle_runs_until_solved_and_the_supplier_is_rated(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    notice = _send(world, _notice(world), django_capture_on_commit_callbacks)
    responded = sup.record_response(
        actor=world.agent, notice=notice, expected_version=notice.version, response="明天派人到现场"
    )
    assert responded.status == NoticeStatus.RESPONDED
    with pytest.raises(PermissionDenied):  # rating is for managers
        sup.solve_notice(
            actor=world.agent, notice=responded, expected_version=3, outcome="已更换", quality=4
        )
    with pytest.raises(ValidationError) as exc:
        sup.solve_notice(
            actor=world.manager, notice=responded, expected_version=3, outcome="", quality=9
        )
    assert set(exc.value.message_dict) == {"outcome", "quality"}
    solved = sup.solve_notice(
        actor=world.manager,
        notice=responded,
        expected_version=3,
        outcome="供应商更换了两套密封，试运行正常",
        quality=4,
    )
    assert solved.status == NoticeStatus.SOLVED
    assert solved.on_time is True
    assert solved.quality == 4
    assert [h.action for h in history_for(solved)][:3] == [
        "notice_solved",
        "notice_responded",
        "notice_sent",
    ]
    with pytest.raises(Conflict):
        sup.cancel_notice(actor=world.agent, notice=solved, expected_version=4, reason="误发")


def test_a_notice_solved_after_its_date_is_rated_late(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    notice = _send(world, _notice(world), django_capture_on_commit_callbacks)
    SupplierNotice.objects.filter(pk=notice.pk).update(required_by=_today() - dt.timedelta(days=2))
    solved = sup.solve_notice(
        actor=world.manager, notice=notice, expected_version=2, outcome="已解决", quality=2
    )
    assert solved.on_time is False


def test_bad_input_is_refused_naming_the_field(world: World) -> None:
    supplier = _supplier(world)
    with pytest.raises(ValidationError) as exc:
        _notice(world, supplier=supplier, required_by=_today() - dt.timedelta(days=1))
    assert "required_by" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _notice(world, supplier=supplier, cost_bearer=CostBearer.SHARED)
    assert "cost_note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _notice(world, supplier=supplier, quantity=0)
    assert "quantity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _supplier(world)
    assert "name" in exc.value.message_dict


def test_a_linked_request_fills_the_site_contact(world: World) -> None:
    sr = new_request(world, owner=world.engineer)
    notice = _notice(world, request=sr, contact_name="", contact_phone="")
    assert notice.contact_name == "张伟"


def test_a_cancelled_notice_needs_a_reason(world: World) -> None:
    notice = _notice(world)
    with pytest.raises(ValidationError) as exc:
        sup.cancel_notice(actor=world.agent, notice=notice, expected_version=1, reason="")
    assert "reason" in exc.value.message_dict
    cancelled = sup.cancel_notice(
        actor=world.agent, notice=notice, expected_version=1, reason="客户自行解决"
    )
    assert cancelled.status == NoticeStatus.CANCELLED


def test_overdue_notices_escalate_to_purchasing_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    late = _send(world, _notice(world), django_capture_on_commit_callbacks)
    on_time = _send(
        world, _notice(world, supplier=late.supplier), django_capture_on_commit_callbacks
    )
    draft = _notice(world, supplier=late.supplier)
    past = _today() - dt.timedelta(days=1)
    SupplierNotice.objects.filter(pk__in=[late.pk, draft.pk]).update(required_by=past)

    assert sup.escalate_overdue() == 1
    assert sup.escalate_overdue() == 0  # idempotent: escalated once
    late.refresh_from_db()
    assert late.escalated_at is not None
    notes = world.purchasing_manager.notifications.filter(kind="supplier_notice_overdue")
    assert notes.count() == 1
    assert history_for(late).first().action == "notice_escalated"
    on_time.refresh_from_db()
    assert on_time.escalated_at is None
    assert not world.manager.notifications.filter(kind="supplier_notice_overdue").exists()


def test_the_periodic_task_runs_the_sweep(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from aftersales.parts.tasks import supplier_notice_sweep

    late = _send(world, _notice(world), django_capture_on_commit_callbacks)
    SupplierNotice.objects.filter(pk=late.pk).update(required_by=_today() - dt.timedelta(days=3))
    supplier_notice_sweep.call_local()
    late.refresh_from_db()
    assert late.escalated_at is not None


def test_the_supplier_report_counts_on_time_share_and_quality(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    supplier = _supplier(world)
    other = _supplier(world, name="华东轴承厂")
    for quality, late in ((5, False), (3, True)):
        notice = _send(world, _notice(world, supplier=supplier), django_capture_on_commit_callbacks)
        if late:
            SupplierNotice.objects.filter(pk=notice.pk).update(
                required_by=_today() - dt.timedelta(days=1)
            )
        sup.solve_notice(
            actor=world.manager,
            notice=notice,
            expected_version=2,
            outcome="已解决",
            quality=quality,
        )
    _send(world, _notice(world, supplier=supplier), django_capture_on_commit_callbacks)
    scores = {s.supplier.pk: s for s in sup.supplier_scores(world.manager)}
    mine = scores[supplier.pk]
    assert (mine.notices, mine.open, mine.solved, mine.on_time) == (3, 1, 2, 1)
    assert mine.on_time_percent == 50.0
    assert mine.quality == 4.0
    assert scores[other.pk].notices == 0
    assert scores[other.pk].on_time_percent is None


def test_portal_users_never_see_suppliers_or_notices(world: World) -> None:
    _notice(world)
    assert not Supplier.objects.visible_to(world.acme_portal).exists()
    assert not SupplierNotice.objects.visible_to(world.globex_portal).exists()
    assert SupplierNotice.objects.visible_to(world.purchasing_manager).count() == 1
    with pytest.raises(PermissionDenied):
        sup.create_supplier(actor=world.acme_portal, data={"name": "假供应商"})
