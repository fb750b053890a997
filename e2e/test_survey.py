"""The satisfaction survey in a phone's browser, without signing in: answered once, a
second visit says so, an expired link is refused; in Chinese and in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.core import clock
from aftersales.feedback.models import Survey
from aftersales.feedback.services import surveys as sv
from aftersales.feedback.tests.helpers import resolved
from aftersales.testing.world import World
from e2e.conftest import Locale, PageFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEXT = {
    "zh-CN": {
        "question": "您对我们的服务满意吗？",
        "attitude": "服务态度",
        "send": "发送",
        "thanks": "谢谢！",
        "answered": "此调查已经填写过了",
        "expired": "此调查链接已过期",
    },
    "en-US": {
        "question": "How satisfied are you with our service?",
        "attitude": "Service attitude",
        "send": "Send",
        "thanks": "Thank you!",
        "answered": "This survey has already been answered",
        "expired": "This survey link has expired",
    },
}


def _link(world: World) -> tuple[Survey, str]:
    req = resolved(world)
    Survey.objects.filter(request=req).delete()
    survey, token = sv.send_survey(actor=world.agent, request=req)
    assert survey is not None and token is not None
    return survey, sv.survey_url(token)


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_customer_answers_the_survey_once_on_a_phone(
    world: World,
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    locale: Locale,
) -> None:
    text = TEXT[locale]
    survey, url = _link(world)
    phone = page("phone", locale)
    phone.goto(live_server.url + url)
    expect(phone.get_by_role("heading", name=text["question"])).to_be_visible()
    _fits_the_phone(phone)
    shot(phone, "survey")
    for group in ("attitude", "speed", "result"):
        phone.locator(f"input[name={group}][value='5']").check()
    phone.get_by_role("button", name=text["send"]).click()
    expect(phone.get_by_role("heading", name=text["thanks"])).to_be_visible()
    survey.refresh_from_db()
    assert (survey.attitude, survey.speed, survey.result) == (5, 5, 5)

    again = page("phone", locale)
    again.goto(live_server.url + url)
    expect(again.get_by_text(text["answered"])).to_be_visible()
    expect(again.get_by_role("button", name=text["send"])).to_have_count(0)
    shot(again, "already-answered")


def test_an_expired_link_is_refused(
    world: World, live_server: LiveServer, page: PageFactory, shot: Callable[[Page, str], Path]
) -> None:
    survey, url = _link(world)
    Survey.objects.filter(pk=survey.pk).update(expires_at=clock.now() - dt.timedelta(hours=1))
    phone = page("phone", "zh-CN")
    phone.goto(live_server.url + url)
    expect(phone.get_by_text(TEXT["zh-CN"]["expired"])).to_be_visible()
    expect(phone.locator("form input[name=attitude]")).to_have_count(0)
    shot(phone, "expired")
    survey.refresh_from_db()
    assert survey.answered_at is None
