"""Old parts written on an effective service report are expected back without anyone
typing them again (旧件回收)."""

from __future__ import annotations

import pytest

from aftersales.core.history import history_for
from aftersales.field.services import reports as svc
from aftersales.field.tests.report_fixtures import effective_report, signature_png
from aftersales.parts.choices_stock import ReturnStatus
from aftersales.parts.models import OldPartReturn
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def test_an_effective_report_puts_its_replaced_part_on_the_return_list(world: World) -> None:
    report = effective_report(world)

    ret = OldPartReturn.objects.get(request=report.request)
    assert (ret.part.code, ret.old_serial) == ("MS-200", "MS-OLD-0091")
    assert ret.status == ReturnStatus.EXPECTED
    assert ret.created_by == world.engineer
    assert history_for(ret).exists()


def test_a_revision_does_not_expect_the_same_old_part_twice(world: World) -> None:
    report = effective_report(world)
    revision = svc.revise_report(actor=world.engineer, report=report)
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
    svc.sign_off(
        actor=world.manager,
        report=revision,
        expected_version=revision.version,
        signature=signature_png(),
    )

    assert OldPartReturn.objects.filter(request=report.request).count() == 1
