"""The customer portal: submit, follow, reply, confirm or reject; never another company's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from aftersales.core import clock
from aftersales.core.models import Attachment
from aftersales.core.services import attachments_of
from aftersales.portal.tests.conftest import in_progress, login, resolved, unit_of, upload
from aftersales.service import services as s
from aftersales.service.choices import Channel, MessageKind, Status
from aftersales.service.models import Message, ServiceRequest
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _seen(response) -> dict[str, str]:
    """The hidden version and time of a rendered detail page's reply form."""
    form = response.context["forms"]["reply"]
    return {"version": str(form["version"].value()), "seen_at": form["seen_at"].value()}


# --- Submitting -----------------------------------------------------------------------------


def test_a_contact_submits_a_request_for_their_unit_with_a_file(world: World) -> None:
    unit = unit_of(world)
    client = login(world.acme_portal)
    page = client.get(reverse("portal:new"), {"unit": unit.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["equipment"] == unit.pk
    assert unit.serial_number in page.content.decode()

    response = client.post(
        reverse("portal:new"),
        {
            "request_type": "fault",
            "equipment": unit.pk,
            "title": "水泵异响",
            "description": "今早开始二号泵有异响。",
            "attachments": [upload("noise.mp4"), upload("photo.jpg")],
        },
    )

    created = ServiceRequest.objects.get(title="水泵异响")
    assert response.status_code == 302
    assert response.url == reverse("portal:detail", args=[created.pk])
    assert created.company == world.acme
    assert created.channel == Channel.PORTAL
    assert created.contact == world.acme_contact
    assert created.equipment == unit and created.site == unit.site
    assert sorted(a.original_name for a in attachments_of(created)) == ["noise.mp4", "photo.jpg"]
    detail = client.get(response.url)
    text = detail.content.decode()
    assert created.number in text and "noise.mp4" in text
    assert f"Your request {created.number} was submitted" in text


def test_a_refused_file_is_named_on_its_field_and_nothing_is_registered(world: World) -> None:
    unit = unit_of(world)
    client = login(world.acme_portal)
    response = client.post(
        reverse("portal:new"),
        {
            "request_type": "fault",
            "equipment": unit.pk,
            "title": "水泵异响",
            "description": "附件是程序",
            "attachments": [upload("photo.jpg"), upload("tool.exe")],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == ["This type of file is not allowed."]
    text = response.content.decode()
    assert "Attachments: This type of file is not allowed." in text
    assert "水泵异响" in text  # the typed title is still there
    assert not ServiceRequest.objects.exists()
    assert not Attachment.objects.exists()


def test_the_form_offers_only_the_company_units_and_sites(world: World) -> None:
    mine = unit_of(world)
    theirs = unit_of(world, world.globex)
    client = login(world.acme_portal)
    form = client.get(reverse("portal:new")).context["form"]
    assert list(form.fields["equipment"].queryset) == [mine]
    assert list(form.fields["site"].queryset) == [mine.site]
    response = client.post(
        reverse("portal:new"),
        {"request_type": "fault", "equipment": theirs.pk, "title": "x", "description": "y"},
    )
    assert response.status_code == 200
    assert "equipment" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


def test_a_request_needs_a_unit_or_a_site_when_the_company_has_some(world: World) -> None:
    unit_of(world)
    client = login(world.acme_portal)
    response = client.post(
        reverse("portal:new"), {"request_type": "fault", "title": "x", "description": "y"}
    )
    assert "equipment" in response.context["form"].errors
    assert "The request was not submitted" in response.content.decode()


def test_the_user_reads_the_confirmation_in_their_language(world: World) -> None:
    world.acme_portal.language = "zh-hans"
    world.acme_portal.save(update_fields=["language"])
    client = login(world.acme_portal)
    response = client.post(
        reverse("portal:new"),
        {"request_type": "consultation", "title": "咨询", "description": "保养周期？"},
        follow=True,
    )
    number = ServiceRequest.objects.get().number
    assert f"您的请求 {number} 已提交" in response.content.decode()


# --- Following, replying, confirming --------------------------------------------------------


def test_home_lists_open_requests_first_in_customer_words(world: World, settings: Any) -> None:
    settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES = []  # closing without the return visit
    done = resolved(world)
    s.confirm_resolution(actor=world.acme_portal, request=done, expected_version=done.version)
    s.close(actor=world.agent, request=done, expected_version=done.version + 1)
    working = in_progress(world, title="压缩机停机")
    in_progress(world, world.globex, title="别家的请求")
    response = login(world.acme_portal).get(reverse("portal:home"))
    rows = response.context["rows"]
    assert [r["id"] for r in rows] == [working.pk, done.pk]
    assert [r["status_words"] for r in rows] == ["Being worked on", "Closed"]
    assert "别家的请求" not in response.content.decode()


def test_a_contact_replies_with_a_file(world: World) -> None:
    request = in_progress(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    response = client.post(
        reverse("portal:reply", args=[request.pk]),
        {"body": "照片见附件", "attachments": [upload("leak.png")], **seen},
    )
    assert response.status_code == 302
    message = Message.objects.get(request=request, body="照片见附件")
    assert message.kind == MessageKind.REPLY and message.author == world.acme_portal
    (attachment,) = attachments_of(message)
    page = client.get(response.url).content.decode()
    assert "Your message was sent." in page
    assert reverse("attachment-download", args=[attachment.key]) in page
    download = client.get(reverse("attachment-download", args=[attachment.key]))
    assert download.status_code == 200


def test_an_empty_reply_names_the_field(world: World) -> None:
    request = in_progress(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    response = client.post(reverse("portal:reply", args=[request.pk]), {"body": " ", **seen})
    assert response.status_code == 200
    assert "Your message: This field is required." in response.content.decode()


def test_a_contact_confirms_the_resolution(world: World) -> None:
    request = resolved(world)
    client = login(world.acme_portal)
    page = client.get(reverse("portal:detail", args=[request.pk]))
    text = page.content.decode()
    assert "更换了机械密封" in text and "Confirm resolution" in text
    response = client.post(
        reverse("portal:confirm", args=[request.pk]), {"comment": "谢谢", **_seen(page)}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CONFIRMED
    assert "you confirmed the solution" in client.get(response.url).content.decode()


def test_rejecting_with_a_reason_reopens_the_request(world: World) -> None:
    request = resolved(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    empty = client.post(reverse("portal:reject", args=[request.pk]), {"reason": "", **seen})
    assert "What is still wrong: This field is required." in empty.content.decode()
    response = client.post(
        reverse("portal:reject", args=[request.pk]), {"reason": "还是漏水", **seen}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    assert request.reopen_count == 1
    assert Message.objects.filter(request=request, body="还是漏水").exists()


# --- Stale versions -------------------------------------------------------------------------


def test_a_stale_version_keeps_the_typed_text_and_shows_what_changed(world: World) -> None:
    request = in_progress(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    s.wait(
        actor=world.engineer,
        request=request,
        expected_version=request.version,
        status=Status.WAITING_PARTS,
        reason="等密封件到货",
    )
    s.add_note(actor=world.engineer, request=request, body="内部：供应商拖期")

    response = client.post(
        reverse("portal:reply", args=[request.pk]),
        {"body": "请问什么时候来？", "attachments": [upload("a.pdf")], **seen},
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert "This request changed while you were writing" in text
    assert "What changed meanwhile" in text
    assert "Being worked on → Waiting for parts" in text
    assert "请问什么时候来？" in text  # the typed text is still in the form
    assert "choose them again" in text
    assert "内部：供应商拖期" not in text and "等密封件到货" not in text
    assert not Message.objects.filter(body="请问什么时候来？").exists()
    # The form now carries the current version: sending again works.
    retry = _seen(response)
    assert retry["version"] != seen["version"]
    again = client.post(
        reverse("portal:reply", args=[request.pk]), {"body": "请问什么时候来？", **retry}
    )
    assert again.status_code == 302
    assert Message.objects.filter(body="请问什么时候来？").count() == 1


def test_a_reason_for_an_action_no_longer_possible_moves_to_the_reply_box(world: World) -> None:
    request = resolved(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    s.reopen(
        actor=world.agent, request=request, expected_version=request.version, reason="客户来电"
    )
    response = client.post(
        reverse("portal:reject", args=[request.pk]), {"reason": "泵还是漏水", **seen}
    )
    assert response.status_code == 409
    assert response.context["forms"]["reply"]["body"].value() == "泵还是漏水"
    assert not response.context["can_reject"]
    assert "Solved – please confirm → Being worked on" in response.content.decode()
    request.refresh_from_db()
    assert request.reopen_count == 1  # only the agent's reopen


def test_a_stale_confirmation_changes_nothing(world: World) -> None:
    request = resolved(world)
    client = login(world.acme_portal)
    seen = _seen(client.get(reverse("portal:detail", args=[request.pk])))
    s.update_request(
        actor=world.agent,
        request=request,
        expected_version=request.version,
        changes={"title": "冷却水泵机械密封漏水"},
    )
    response = client.post(
        reverse("portal:confirm", args=[request.pk]), {"comment": "好的", **seen}
    )
    assert response.status_code == 409
    assert "冷却水泵漏水 → 冷却水泵机械密封漏水" in response.content.decode()
    assert response.context["forms"]["confirm"]["comment"].value() == "好的"
    request.refresh_from_db()
    assert request.status == Status.RESOLVED


def test_a_reply_to_a_closed_request_is_refused_and_the_text_kept_to_copy(
    world: World, settings: Any
) -> None:
    settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES = []  # closing without the return visit
    request = resolved(world)
    request = s.close(actor=world.agent, request=request, expected_version=request.version)
    client = login(world.acme_portal)
    page = client.get(reverse("portal:detail", args=[request.pk]))
    assert not page.context["can_reply"]
    response = client.post(
        reverse("portal:reply", args=[request.pk]), {"body": "还有个问题", **_seen(page)}
    )
    assert response.status_code == 409
    assert response.context["unsent"] == "还有个问题"
    assert "A closed or cancelled request takes no more replies." in response.content.decode()
    assert not Message.objects.filter(body="还有个问题").exists()


# --- What a customer never sees ------------------------------------------------------------


def test_internal_notes_and_their_files_are_never_shown(world: World) -> None:
    request = in_progress(world)
    note = s.add_note(actor=world.engineer, request=request, body="内部：超保，先报价")
    secret = s.attach(
        actor=world.engineer, request=request, upload=upload("cost.xlsx"), message=note
    )
    s.add_reply(actor=world.engineer, request=request, body="我们明天上午到现场。")
    client = login(world.acme_portal)
    text = client.get(reverse("portal:detail", args=[request.pk])).content.decode()
    assert "我们明天上午到现场。" in text
    assert "内部：超保，先报价" not in text and "cost.xlsx" not in text
    assert client.get(reverse("attachment-download", args=[secret.key])).status_code == 404


def test_another_company_contact_gets_404_on_every_address_of_the_first(world: World) -> None:
    unit = unit_of(world)
    request = resolved(world)
    reply = s.add_reply(actor=world.acme_portal, request=request, body="附件")
    attachment = s.attach(actor=world.acme_portal, request=request, upload=upload(), message=reply)
    own = s.attach(actor=world.acme_portal, request=request, upload=upload("own.pdf"))
    request.refresh_from_db()
    client = login(world.globex_portal)
    data = {"version": request.version, "seen_at": clock.now().isoformat()}
    answers = {
        "detail": client.get(reverse("portal:detail", args=[request.pk])),
        "reply": client.post(reverse("portal:reply", args=[request.pk]), {**data, "body": "x"}),
        "confirm": client.post(reverse("portal:confirm", args=[request.pk]), data),
        "reject": client.post(reverse("portal:reject", args=[request.pk]), {**data, "reason": "x"}),
        "reply file": client.get(reverse("attachment-download", args=[attachment.key])),
        "request file": client.get(reverse("attachment-download", args=[own.key])),
        "unit": client.get(reverse("portal:new"), {"unit": unit.pk}),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    assert unit.serial_number not in client.get(reverse("portal:equipment")).content.decode()
    assert request.number not in client.get(reverse("portal:home")).content.decode()
    request.refresh_from_db()
    assert request.status == Status.RESOLVED
    assert Message.objects.filter(request=request).count() == 2  # resolution and the reply


@pytest.mark.parametrize("name", ["home", "new", "equipment"])
def test_staff_get_404_and_anonymous_are_sent_to_sign_in(world: World, name: str) -> None:
    url = reverse(f"portal:{name}")
    for user in (world.agent, world.admin, world.director):
        assert login(user).get(url).status_code == 404
    anonymous = login(world.acme_portal)
    anonymous.logout()
    response = anonymous.get(url)
    assert response.status_code == 302 and reverse("core:login") in response.url


def test_staff_get_404_on_a_request_page_of_the_portal(world: World) -> None:
    request = in_progress(world)
    assert login(world.agent).get(reverse("portal:detail", args=[request.pk])).status_code == 404


# --- Equipment ------------------------------------------------------------------------------


def test_equipment_shows_warranty_end_and_state_and_links_to_a_new_request(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    current = unit_of(world, warranty_end=today + dt.timedelta(days=30))
    old = unit_of(
        world,
        delivered_on=dt.date(2020, 1, 1),
        commissioned_on=dt.date(2020, 1, 5),
        warranty_end=dt.date(2021, 1, 4),
    )
    response = login(world.acme_portal).get(reverse("portal:equipment"))
    rows = {r["unit"].pk: r["warranty"] for r in response.context["rows"]}
    assert rows == {current.pk: "in", old.pk: "expired"}
    text = response.content.decode()
    assert "2021-01-04" in text and "Expired" in text and "In warranty" in text
    assert f"{reverse('portal:new')}?unit={current.pk}" in text
