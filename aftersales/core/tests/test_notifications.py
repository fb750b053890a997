"""The notification bell: own notifications only, in the reader's language, marked read."""

from __future__ import annotations

import pytest

from aftersales.core.notifications import notify
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def test_user_reads_own_notifications_in_their_language_and_marks_them(api, world: World) -> None:
    notify(
        users=[world.engineer.pk],
        kind="request_assigned",
        params={"number": "SR-2026-000001", "title": "冷却水泵漏水"},
    )
    notify(users=[world.agent.pk], kind="customer_replied", params={"number": "SR-2026-000002"})
    api.force_authenticate(world.engineer)
    english = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [n["text"] for n in english] == ["SR-2026-000001 is now yours: 冷却水泵漏水"]
    chinese = api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert "SR-2026-000001" in chinese[0]["text"] and chinese[0]["text"] != english[0]["text"]
    assert api.get(URL + "unread-count/").json() == {"unread": 1}
    assert api.post(URL + "read/", {}, format="json").json() == {"marked": 1}
    assert api.get(URL, {"unread": "true"}).json()["count"] == 0


def test_anonymous_has_no_bell(api) -> None:
    assert api.get(URL).status_code in (401, 403)


def test_bell_query_count_is_flat(api, world: World, django_assert_num_queries) -> None:
    from aftersales.core.models import Notification

    api.force_authenticate(world.engineer)
    for rows in (2, 50):
        while Notification.objects.filter(user=world.engineer).count() < rows:
            notify(users=[world.engineer.pk], kind="customer_replied", params={"number": "SR"})
        with django_assert_num_queries(2):  # count and page
            response = api.get(URL, {"page_size": 50})
        assert len(response.json()["results"]) == rows


def test_team_digest_names_the_first_requests_and_says_there_are_more(api, world: World) -> None:
    notify(
        users=[world.manager.pk],
        kind="sla_breached_team",
        params={"count": 7, "numbers": ["SR-1", "SR-2", "SR-3", "SR-4", "SR-5"]},
    )
    api.force_authenticate(world.manager)
    text = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["text"]
    assert text == (
        "7 requests of your department breached a target: SR-1、SR-2、SR-3、SR-4、SR-5…"
    )
